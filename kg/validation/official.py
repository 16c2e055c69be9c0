"""The official DCAT-US 3.0 SHACL shapes as an oracle over lifted records (ARCHITECTURE.md,
"validate": official DCAT-US 3 shapes as an oracle).

The shapes are the DCAT-US 3.0 working group's ``shacl/dcat-us_3.0_shacl_shapes.ttl``
(https://github.com/DOI-DO/dcat-us), read from ``../shared`` and never copied into the repo.
They are run with pySHACL, no inference, a batch of records per call; each result is given back
to the record that owns its focus node.

Scope: a lifted record is one ``dcat:Dataset`` and its sub-nodes (distributions, contact point,
publisher, period, location, rights, themes). It holds no ``dcat:Catalog`` (and no data service,
dataset series ...), so the shapes that target those classes never fire here; ``OfficialReport``
lists every node shape with how many focus nodes it got, so that is visible, not assumed.

Provenance: what the pipeline publishes in a record's graph is the lifted graph plus
``kg.pipeline.provenance_triples`` (the record graph typed ``dcat:CatalogRecord``). Give
``file_shas`` (record key → sha256 of its input file) to validate that published form; each
result says whether its focus node comes from the lifted graph or from the provenance triples,
so both rates come out of one run.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCAT, RDF

from kg.lifting.base import LiftedRecord, RawRecord, TripleSet
from kg.namespaces import SH, record_key

SHAPES_RELATIVE = Path("shapes/dcat-us-3/shacl/dcat-us_3.0_shacl_shapes.ttl")
DEFAULT_BATCH = 250  # records per pySHACL call; measured in bench/official_shapes_findings.md

_PREFIXES = {
    "http://www.w3.org/ns/dcat#": "dcat:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://xmlns.com/foaf/0.1/": "foaf:",
    "http://www.w3.org/2006/vcard/ns#": "vcard:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://www.w3.org/ns/org#": "org:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/ns/shacl#": "sh:",
    "http://www.w3.org/ns/locn#": "locn:",
    "http://www.w3.org/ns/adms#": "adms:",
    "http://data.resources.gov/ontology/dcat-us#": "dcat-us:",
    "http://data.resources.gov/shapes/dcat-us#": "dcat-us-shp:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://schema.theodi.org/odrs#": "odrs:",
    "http://spdx.org/rdf/terms#": "spdx:",
    "http://www.w3.org/ns/dqv#": "dqv:",
    "https://schema.org/": "schema:",
}


def curie(iri: object) -> str:
    """``http://www.w3.org/ns/dcat#Dataset`` → ``dcat:Dataset``; other IRIs unchanged."""
    text = str(iri)
    for ns, prefix in _PREFIXES.items():
        if text.startswith(ns):
            return prefix + text[len(ns) :]
    return text


def official_shapes_path(shared_dir: Path | None = None) -> Path | None:
    """The official DCAT-US 3.0 shapes file, or None when it is not available.

    Looked for under ``shared_dir`` when given, else under ``$KG_SHARED_DIR``, else under
    ``../shared`` next to the repository (where tests/conftest.py finds the corpus).
    """
    if shared_dir is None:
        env = os.environ.get("KG_SHARED_DIR")
        shared_dir = Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared"
    path = Path(shared_dir) / SHAPES_RELATIVE
    return path if path.is_file() else None


def load_official_shapes(path: Path | None = None) -> Graph:
    """The shapes graph; raises FileNotFoundError naming where it was looked for."""
    found = path or official_shapes_path()
    if found is None or not Path(found).is_file():
        raise FileNotFoundError(f"official DCAT-US 3.0 shapes not found (looked for {path or SHAPES_RELATIVE})")
    return Graph().parse(found, format="turtle")


@dataclass(frozen=True)
class OfficialResult:
    """One SHACL result on one record: which node (and the class the shape targets), which
    property path, which constraint component, the engine's message."""

    focus: str
    focus_class: str  # target class of the node shape, as a CURIE (``dcat:Distribution``)
    path: str | None  # CURIE of sh:resultPath; None for node-level constraints
    component: str  # CURIE of sh:sourceConstraintComponent (``sh:MinCountConstraintComponent``)
    message: str
    shape: str | None  # the property or node shape, as a CURIE
    value: str | None  # the offending value, when there is one and it is not a blank node
    severity: str  # Violation / Warning / Info
    origin: str  # "lifted" (focus node is in rec.graph) or "provenance" (added by the pipeline)

    @property
    def reason(self) -> tuple[str, str, str]:
        """What the bench counts: (focus class, path, component)."""
        return (self.focus_class, self.path or "-", self.component)


@dataclass
class OfficialRecordResult:
    """The official-shapes outcome of one record."""

    key: str
    local_id: str
    source: str
    source_file: str
    lifter: str
    results: list[OfficialResult] = field(default_factory=list)

    def conforms(self, *, include_provenance: bool = True) -> bool:
        """No Violation, counting the provenance part only when ``include_provenance``."""
        return not any(r.severity == "Violation" and (include_provenance or r.origin == "lifted") for r in self.results)


@dataclass
class OfficialReport:
    """Per-record outcomes plus what the run covered (which shapes had focus nodes) and cost."""

    records: dict[str, OfficialRecordResult]
    shape_focus_counts: dict[str, int]  # node shape CURIE → focus nodes it got across the run
    shape_targets: dict[str, str]  # node shape CURIE → its target class CURIE
    with_provenance: bool
    seconds: float
    batches: int
    out_of_scope: dict[str, str] = field(default_factory=dict)  # record key → why it was not validated

    @property
    def records_per_second(self) -> float:
        return len(self.records) / self.seconds if self.seconds else 0.0

    def conformance_rate(self, keys: Iterable[str] | None = None, *, include_provenance: bool = True) -> float:
        chosen = [self.records[k] for k in keys] if keys is not None else list(self.records.values())
        if not chosen:
            return 0.0
        return sum(r.conforms(include_provenance=include_provenance) for r in chosen) / len(chosen)

    @property
    def unfired_shapes(self) -> list[str]:
        """Node shapes that got no focus node at all, e.g. ``Catalog_Shape``: a lifted record
        has no dcat:Catalog, so nothing here says whether catalogs would conform."""
        return sorted(s for s, n in self.shape_focus_counts.items() if n == 0)

    def reasons(self) -> list[tuple[tuple[str, str, str], int, int, str]]:
        """(reason, results, records affected, one example record key), most records first."""
        results: Counter[tuple[str, str, str]] = Counter()
        records: Counter[tuple[str, str, str]] = Counter()
        example: dict[tuple[str, str, str], str] = {}
        for rec in self.records.values():
            seen = set()
            for res in rec.results:
                if res.severity != "Violation":
                    continue
                results[res.reason] += 1
                if res.reason not in seen:
                    seen.add(res.reason)
                    records[res.reason] += 1
                    example.setdefault(res.reason, rec.key)
        return [(reason, results[reason], n, example[reason]) for reason, n in records.most_common()]


class _ShapeIndex:
    """Which target class each shape belongs to, read once from the shapes graph."""

    def __init__(self, shapes: Graph) -> None:
        self.node_target: dict[URIRef, URIRef] = {}
        self.owner: dict[object, URIRef] = {}
        for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
            target = shapes.value(node_shape, SH.targetClass)
            if target is not None:
                self.node_target[node_shape] = target
            for prop_shape in shapes.objects(node_shape, SH.property):
                self.owner[prop_shape] = node_shape

    def target_of(self, shape: object) -> str:
        node_shape = self.owner.get(shape, shape)
        target = self.node_target.get(node_shape)  # type: ignore[arg-type]
        return curie(target) if target is not None else "?"


def _batches(records: Sequence[LiftedRecord], size: int) -> list[list[LiftedRecord]]:
    """Records in batches of at most ``size`` in which no two records describe one node
    differently. Agents and themes are shared IRIs (the same lab is one node across records);
    merged, two different descriptions of one node (or two records of one DOI) could break a
    maxCount that neither record breaks on its own."""
    out: list[list[LiftedRecord]] = []
    open_batches: list[tuple[list[LiftedRecord], dict[object, frozenset]]] = []
    for rec in records:
        described: dict[object, set] = {}
        for s, p, o in rec.graph:
            described.setdefault(s, set()).add((p, o))
        mine = {s: frozenset(po) for s, po in described.items()}
        fits = [i for i, (_b, seen) in enumerate(open_batches) if all(seen.get(s, d) == d for s, d in mine.items())]
        if fits:
            target = fits[0]
            open_batches[target][0].append(rec)
            open_batches[target][1].update(mine)
        else:
            target = len(open_batches)
            open_batches.append(([rec], mine))
        if len(open_batches[target][0]) >= size:
            out.append(open_batches.pop(target)[0])
    out += [batch for batch, _seen in open_batches]
    return out


def record_from_graph(graph: Graph, *, name: str, source: str = "dcat-us-3-examples") -> LiftedRecord:
    """A graph written by hand (an official DCAT-US 3.0 example) as one record, so that it goes
    through ``check_official`` exactly as a lifted record does. Its dataset is the graph's first
    ``dcat:Dataset`` (by IRI order); a graph without one gives an out-of-scope record."""
    datasets = sorted(graph.subjects(RDF.type, DCAT.Dataset, unique=True), key=str)
    data = graph.serialize(format="nt", encoding="utf-8")
    raw = RawRecord(data=data, local_id=name, pointer="", source_file=name, media_type="text/turtle")
    return LiftedRecord(
        raw=raw,
        source=source,
        key=record_key(source, name),
        dataset=URIRef(datasets[0]) if datasets else URIRef(f"urn:example:{name}"),
        graph=TripleSet(graph),
        lifter="turtle",
        lifter_version="example",
    )


def check_official(
    records: Sequence[LiftedRecord],
    shapes_graph: Graph | Path,
    *,
    file_shas: Mapping[str, str] | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> OfficialReport:
    """Validate lifted records against the official DCAT-US 3.0 shapes (pySHACL, inference
    none, ``batch_size`` records per call) and split the results per record.

    With ``file_shas`` (record key → sha256 of the input file the record came from), each
    record's graph also carries the pipeline's provenance triples, as it is published.
    Records whose main node is not typed ``dcat:Dataset`` (a DataCite text or software record
    lifted as ``dcat:Resource``) are out of scope: not validated, listed in ``out_of_scope``.
    Results whose focus node belongs to no record in the batch are dropped (none are expected).
    """
    shapes = shapes_graph if isinstance(shapes_graph, Graph) else load_official_shapes(Path(shapes_graph))
    index = _ShapeIndex(shapes)
    focus_counts = {curie(s): 0 for s in index.node_target}
    out_of_scope = {
        rec.key: "not a dcat:Dataset (typed "
        + ", ".join(sorted(curie(t) for t in rec.graph.objects(rec.dataset, RDF.type)))
        + ")"
        for rec in records
        if (rec.dataset, RDF.type, DCAT.Dataset) not in rec.graph
    }
    records = [rec for rec in records if rec.key not in out_of_scope]
    extra: dict[str, list[tuple[object, object, object]]] = {}
    if file_shas is not None:
        from kg.pipeline import provenance_triples  # the pipeline imports kg.validation

        extra = {rec.key: provenance_triples(rec, file_shas[rec.key]) for rec in records}
    report = OfficialReport(
        records={
            rec.key: OfficialRecordResult(rec.key, rec.raw.local_id, rec.source, rec.raw.source_file, rec.lifter)
            for rec in records
        },
        shape_focus_counts=focus_counts,
        shape_targets={curie(s): curie(t) for s, t in index.node_target.items()},
        with_provenance=file_shas is not None,
        seconds=0.0,
        batches=0,
        out_of_scope=out_of_scope,
    )
    started = time.perf_counter()
    for batch in _batches(list(records), max(1, batch_size)):
        data = Graph()
        owners: dict[object, list[tuple[LiftedRecord, str]]] = {}
        for rec in batch:
            lifted_subjects = set()
            for s, p, o in rec.graph:
                data.add((s, p, o))
                lifted_subjects.add(s)
            prov_subjects = set()
            for s, p, o in extra.get(rec.key, ()):
                data.add((s, p, o))  # type: ignore[arg-type]
                prov_subjects.add(s)
            for s in lifted_subjects:
                owners.setdefault(s, []).append((rec, "lifted"))
            for s in prov_subjects - lifted_subjects:
                owners.setdefault(s, []).append((rec, "provenance"))
        for node_shape, target in index.node_target.items():
            focus_counts[curie(node_shape)] += sum(1 for _ in data.subjects(RDF.type, target, unique=True))
        _conforms, results, _text = validate(
            data, shacl_graph=shapes, inference="none", advanced=False, abort_on_first=False
        )
        report.batches += 1
        for res in results.subjects(RDF.type, SH.ValidationResult):
            focus = results.value(res, SH.focusNode)
            path = results.value(res, SH.resultPath)
            shape = results.value(res, SH.sourceShape)
            value = results.value(res, SH.value)
            message = results.value(res, SH.resultMessage)
            component = results.value(res, SH.sourceConstraintComponent)
            severity = str(results.value(res, SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1]
            for rec, origin in owners.get(focus, []):
                report.records[rec.key].results.append(
                    OfficialResult(
                        focus=str(focus),
                        focus_class=index.target_of(shape),
                        path=curie(path) if isinstance(path, URIRef) else None,
                        component=curie(component),
                        message=" ".join(str(message).split())[:300] if message else curie(component),
                        shape=curie(shape) if isinstance(shape, URIRef) else None,
                        value=None if value is None or isinstance(value, BNode) else str(value)[:200],
                        severity=severity,
                        origin=origin,
                    )
                )
    report.seconds = time.perf_counter() - started
    for rec_result in report.records.values():
        rec_result.results.sort(key=lambda r: (r.origin, r.focus_class, r.path or "", r.component, r.focus))
    return report


__all__ = [
    "DEFAULT_BATCH",
    "OfficialRecordResult",
    "OfficialReport",
    "OfficialResult",
    "check_official",
    "curie",
    "load_official_shapes",
    "official_shapes_path",
    "record_from_graph",
]
