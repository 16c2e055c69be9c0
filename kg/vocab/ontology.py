"""The core ontology with its imports resolved offline, and its consistency check (HermiT).

``ontologies/core.ttl`` imports DCAT, DCTERMS, PROV-O, SKOS, FOAF, a schema.org subset and the
Crosswalk vocabulary by their IRIs; ``ontologies/catalog-v001.xml`` says which pinned file holds
each one. :func:`load_core` follows ``owl:imports`` through that catalog only: an IRI it does not
list is an :class:`UnresolvedImport`, never a download.

:func:`check_consistency` loads the closure (plus any extra axioms, e.g. the class-level mappings a
curator accepted) into a fresh owlready2 World and runs HermiT: the result says whether the whole
is consistent and which named classes are unsatisfiable (a mapping that makes a class both a
dataset and a data service, say).
"""

from __future__ import annotations

import functools
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.vocab import CATALOG, CORE
from kg.vocab.schemaorg import read_graph as _read_graph

CATALOG_NS = "urn:oasis:names:tc:entity:xmlns:xml:catalog"


@functools.lru_cache(maxsize=32)
def _cached(path: str, mtime_ns: int, size: int) -> Graph:
    return _read_graph(Path(path))


def read_graph(path: Path) -> Graph:
    """A file's triples (cached per path and mtime: a new Graph each call, safe to modify)."""
    stat = path.stat()
    graph = Graph()
    graph += _cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    return graph


class UnresolvedImport(LookupError):
    """An ``owl:imports`` IRI that the catalog maps to no local file."""


def catalog(path: Path = CATALOG) -> dict[str, Path]:
    """The catalog's ``uri`` entries: ontology IRI → local file."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(path), parser).getroot()
    return {
        el.get("name"): (path.parent / el.get("uri")).resolve()
        for el in root.iter(f"{{{CATALOG_NS}}}uri")
        if el.get("name") and el.get("uri")
    }


def import_closure(start: Path = CORE, mapping: dict[str, Path] | None = None) -> list[Path]:
    """Every file reached from ``start`` by ``owl:imports`` (``start`` first, each file once)."""
    mapping = catalog() if mapping is None else mapping
    files: list[Path] = []
    todo = [start.resolve()]
    while todo:
        path = todo.pop(0)
        if path in files:
            continue
        files.append(path)
        graph = read_graph(path)
        for target in sorted({str(o) for o in graph.objects(None, OWL.imports)}):
            if target not in mapping:
                raise UnresolvedImport(f"{path.name} imports {target}, which {CATALOG.name} does not map to a file")
            todo.append(mapping[target])
    return files


def load_core(imports: bool = True) -> Graph:
    """The core ontology as one rdflib Graph, with its import closure when ``imports``."""
    graph = Graph()
    for path in import_closure() if imports else [CORE]:
        graph += read_graph(path)
    return graph


@dataclass
class Consistency:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


RESERVED = (str(RDF), str(RDFS), str(OWL), str(XSD))


def _named(term: object) -> bool:
    return isinstance(term, URIRef) and not str(term).startswith(RESERVED)


def class_axioms(graph: Graph) -> Graph:
    """The class-level TBox of ``graph``: named classes, and the rdfs:subClassOf,
    owl:equivalentClass, owl:disjointWith and owl:AllDisjointClasses axioms between named
    classes. What a class-level mapping can contradict, and nothing owlready2 trips over."""
    out = Graph()
    for s in graph.subjects(RDF.type, OWL.Class):
        if _named(s):
            out.add((s, RDF.type, OWL.Class))
    for predicate in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith):
        for s, o in graph.subject_objects(predicate):
            if _named(s) and _named(o):
                out.add((s, predicate, o))
                out.add((s, RDF.type, OWL.Class))
                out.add((o, RDF.type, OWL.Class))
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(graph, graph.value(node, OWL.members)))
        if len(members) > 1 and all(_named(m) for m in members):
            head = BNode()
            out.add((head, RDF.type, OWL.AllDisjointClasses))
            out.add((head, OWL.members, _copy_list(out, members)))
            for m in members:
                out.add((m, RDF.type, OWL.Class))
    return out


def _copy_list(graph: Graph, items: list[URIRef]) -> BNode:
    head = BNode()
    Collection(graph, head, items)
    return head


def owl_graph(extra: Iterable[Graph] = ()) -> Graph:
    """What HermiT is given: the core ontology in full, the class-level TBox
    (:func:`class_axioms`) of everything it imports, and ``extra`` (class-level mappings, scheme
    individuals) as given; no ``owl:imports`` (so owlready2 fetches nothing).

    The pinned vocabularies mix OWL Full constructs (FOAF's datatype properties that are
    sub-properties of rdfs:label, PROV-O's properties typed both object and annotation
    property, ranges outside the OWL 2 datatype map that HermiT refuses) which owlready2 cannot
    load reliably; their class hierarchy and disjointness are what a class-level mapping can
    contradict.
    """
    closure = import_closure()
    graph = read_graph(closure[0])
    for path in closure[1:]:
        graph += class_axioms(read_graph(path))
    for g in extra:
        graph += g
    graph.remove((None, OWL.imports, None))
    return graph


def check_consistency(extra: Iterable[Graph] = ()) -> Consistency:
    """Run HermiT (bundled with owlready2; needs Java) on :func:`owl_graph` ``(extra)``.

    An inconsistent whole gives ``consistent=False`` with HermiT's message; otherwise the
    unsatisfiable named classes are listed by IRI (``owl:Nothing`` left out).
    """
    import owlready2

    graph = owl_graph(extra)
    files = [p.name for p in import_closure()]
    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "closure.nt"
        graph.serialize(nt, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            onto = world.get_ontology(nt.as_uri()).load(format="ntriples")
            start = time.monotonic()
            try:
                with onto:
                    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError as exc:
                return Consistency(False, [], time.monotonic() - start, files, str(exc).strip()[-500:])
            seconds = time.monotonic() - start
            unsat = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        finally:
            world.close()
    return Consistency(True, unsat, seconds, files)


def named_classes(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}
