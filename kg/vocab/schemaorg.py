"""The pinned schema.org subset (``ontologies/vocab/schemaorg-subset.ttl``), cut from a full
schema.org release file.

    python -m kg.vocab.schemaorg --source schema.nq --out ontologies/vocab/schemaorg-subset.ttl

Why a subset: the full vocabulary (≈ 900 types, 1,500 properties, 2.7 MB as N-Quads) is mostly
about commerce, medicine and events; the service uses the dataset, catalog, agent, grant,
variable and defined-term corner of it, and the core ontology's reasoning check (HermiT) should
not carry the rest. The subset keeps, for each term in :data:`CLASSES` and :data:`PROPERTIES`
and every superclass / superproperty of them, every triple schema.org states about it (labels,
comments, ``rdfs:subClassOf``, ``schema:domainIncludes`` / ``rangeIncludes``, schema.org's own
``owl:equivalentClass`` alignments to DCAT and FOAF …). Two changes, both mechanical:

* ``http://schema.org/`` IRIs are written ``https://schema.org/`` (schema.org publishes both
  variants; the https one is canonical and is what the lifters write, ``kg.namespaces.SDO``);
* each type is also declared ``owl:Class`` (schema.org says ``rdfs:Class`` only), so OWL tools
  see the subclass and equivalence axioms as class axioms.

The output is deterministic (sorted subjects and objects).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.vocab import VOCAB_DIR
from kg.vocab.turtle import write

HTTP = "http://schema.org/"
HTTPS = "https://schema.org/"
ONTOLOGY = URIRef("https://w3id.org/crosswalk/ns/schemaorg-subset")
DEFAULT_OUT = VOCAB_DIR / "schemaorg-subset.ttl"

CLASSES = (
    "Thing CreativeWork Dataset DataCatalog DataDownload DataFeed MediaObject SoftwareApplication "
    "SoftwareSourceCode WebAPI Organization ResearchOrganization GovernmentOrganization "
    "EducationalOrganization CollegeOrUniversity Person Project ResearchProject FundingScheme "
    "Grant MonetaryGrant Place GeoShape GeoCoordinates PropertyValue StructuredValue Intangible "
    "DefinedTerm DefinedTermSet CategoryCode CategoryCodeSet ScholarlyArticle ContactPoint "
    "Observation StatisticalVariable Action CreateAction"
).split()
PROPERTIES = (
    "name alternateName description identifier url sameAs additionalType keywords about license "
    "creator contributor publisher provider funder funding sourceOrganization parentOrganization "
    "subOrganization affiliation memberOf datePublished dateModified dateCreated version "
    "inLanguage isAccessibleForFree includedInDataCatalog dataset distribution contentUrl "
    "encodingFormat contentSize spatialCoverage temporalCoverage variableMeasured "
    "measurementTechnique measurementMethod unitText unitCode minValue maxValue value propertyID "
    "citation isPartOf hasPart isBasedOn contactPoint email termCode inDefinedTermSet "
    "hasDefinedTerm codeValue inCodeSet instrument usesDevice"
).split()

PREFIXES = {"schema": HTTPS, "owl": str(OWL), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD)}


def _https(term: URIRef | Literal) -> URIRef | Literal:
    if isinstance(term, URIRef) and str(term).startswith(HTTP):
        return URIRef(HTTPS + str(term)[len(HTTP):])
    return term


def read_graph(path: Path) -> Graph:
    """Triples of a file in any syntax rdflib reads; N-Quads graph names are dropped."""
    if path.suffix == ".nq":
        ds = Dataset()
        with warnings.catch_warnings():  # rdflib's N-Quads parser uses its own deprecated API
            warnings.simplefilter("ignore", DeprecationWarning)
            ds.parse(path, format="nquads")
        graph = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    return Graph().parse(path)


def subset(full: Graph) -> Graph:
    """The subset of ``full`` (either IRI variant) for :data:`CLASSES` and :data:`PROPERTIES`,
    closed under superclass and superproperty, in https form."""
    graph = Graph()
    for s, p, o in full:
        graph.add((_https(s), _https(p), _https(o)))
    schema = lambda name: URIRef(HTTPS + name)  # noqa: E731
    missing = [n for n in CLASSES + PROPERTIES if (schema(n), None, None) not in graph]
    if missing:
        raise ValueError(f"not in the schema.org source: {', '.join(missing)}")
    keep: set[URIRef] = set()
    todo = [schema(n) for n in CLASSES + PROPERTIES]
    while todo:
        term = todo.pop()
        if term in keep:
            continue
        keep.add(term)
        for parent in graph.objects(term, RDFS.subClassOf):
            if isinstance(parent, URIRef) and str(parent).startswith(HTTPS):
                todo.append(parent)
        for parent in graph.objects(term, RDFS.subPropertyOf):
            if isinstance(parent, URIRef) and str(parent).startswith(HTTPS):
                todo.append(parent)
    out = Graph()
    for term in keep:
        for p, o in graph.predicate_objects(term):
            if isinstance(o, (URIRef, Literal)):
                out.add((term, p, o))
        if (term, RDF.type, RDFS.Class) in graph:
            out.add((term, RDF.type, OWL.Class))
    return out


def to_turtle(sub: Graph, source_name: str, source_sha256: str) -> str:
    subjects = []
    meta = [
        (RDF.type, [OWL.Ontology]),
        (RDFS.label, [Literal("schema.org subset pinned for Crosswalk", lang="en")]),
        (RDFS.comment, [Literal(
            f"A subset of schema.org cut by kg.vocab.schemaorg from {source_name} (sha256 {source_sha256}): "
            f"{len(CLASSES)} types and {len(PROPERTIES)} properties and their superclasses/superproperties, every "
            "triple schema.org states about them, http://schema.org/ rewritten to https://schema.org/, each type "
            "also declared owl:Class. schema.org is licensed CC BY-SA 3.0.", lang="en")]),
        (URIRef("http://purl.org/dc/terms/license"), [URIRef("https://creativecommons.org/licenses/by-sa/3.0/")]),
        (URIRef("http://purl.org/dc/terms/source"), [URIRef("https://schema.org/version/latest/schemaorg-current-http.nt")]),
    ]
    subjects.append((ONTOLOGY, meta))
    for term in sorted(set(sub.subjects()), key=str):
        preds = sorted(set(sub.predicates(term)), key=lambda p: (p != RDF.type, str(p)))
        subjects.append((term, [(p, list(sub.objects(term, p))) for p in preds]))
    header = (
        "schema.org subset for Crosswalk. GENERATED: do not edit by hand.\n"
        f"Regenerate: python -m kg.vocab.schemaorg --source {source_name} --out ontologies/vocab/schemaorg-subset.ttl\n"
        f"Source: {source_name} (sha256 {source_sha256})."
    )
    return write(PREFIXES, subjects, header=header)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.vocab.schemaorg", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, type=Path, help="a full schema.org file (.nq, .nt, .ttl, .jsonld)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        data = args.source.read_bytes()
        sub = subset(read_graph(args.source))
    except (OSError, ValueError) as exc:
        print(f"error: {args.source}: {exc}", file=sys.stderr)
        return 1
    text = to_turtle(sub, args.source.name, hashlib.sha256(data).hexdigest())
    args.out.write_bytes(text.encode("utf-8"))
    print(f"{args.out}: {len(set(sub.subjects()))} terms, {len(sub)} triples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
