"""Apply accepted mappings to stored datasets, and propose new candidates.

Alignment is its own stage and its own named graphs (ARCHITECTURE.md: "mappings ... each have
their own graph"): a record's graph holds what its source said, ``graph/alignment/{key}`` holds
which shared concepts that record's own terms were aligned to, by which mapping of which
mapping-set version. So a change to a mapping set re-writes the alignment graphs of the records
it affects, and nothing else (no re-lift, no re-validation, no re-embedding).

Per aligned term, the alignment graph holds::

    <dataset> dcat:theme <concept> .                       # what search and facets read
    <…/alignment/{key}/{n}> a cw:Alignment ;
        cw:dataset <dataset> ; cw:sourceTerm "the lab's term" ; cw:termKind "keyword" ;
        cw:concept <concept> ; cw:mappingPredicate skos:exactMatch ;
        cw:mapping <record_id of the SSSOM row> ; cw:mappingSet <set id> ; cw:mappingSetVersion "…" .
    <graph> cw:recordKey "{key}" ; foaf:primaryTopic <dataset> ; prov:wasDerivedFrom <set id> .

The lab's term stays where it was (``dcat:keyword`` in the record graph) and is repeated beside
the concept, so both are always visible together.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, FOAF, PROV, RDF

from kg.alignment.sssom import MappingSet, MappingSetError, normalise_term, read_sssom, term_iri
from kg.namespaces import ALIGNMENT_PREFIX, BASE, CW, alignment_graph
from kg.ntriples import nt_lines
from kg.store import GraphStore

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MAPPINGS_DIR = ROOT / "ontologies" / "mappings"
SHARED_SOURCE = "all"  # the source name of a mapping set that applies to every source

TERM_QUERY = """PREFIX cw: <https://w3id.org/crosswalk/ns#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
SELECT ?key ?source ?ds ?kind ?term WHERE {
  GRAPH ?g { ?g cw:recordKey ?key ; cw:source ?source ; foaf:primaryTopic ?ds .
    { ?ds dcat:keyword ?term BIND("keyword" AS ?kind) }
    UNION { ?ds dcat:theme ?c . ?c skos:prefLabel ?term BIND("theme" AS ?kind) }
    UNION { ?ds schema:measurementTechnique ?term FILTER(isLiteral(?term)) BIND("technique" AS ?kind) } }
  %s
}"""


def mappings_dir() -> Path:
    return Path(os.environ.get("KG_MAPPINGS_DIR") or DEFAULT_MAPPINGS_DIR)


def load_mapping_sets(directory: Path | None = None) -> list[MappingSet]:
    """Every ``*.sssom.tsv`` in the mappings directory (sorted by name). A bad file raises
    MappingSetError naming it, its line and column: mappings are never half applied."""
    directory = directory or mappings_dir()
    if not directory.is_dir():
        return []
    return [read_sssom(p) for p in sorted(directory.glob("*.sssom.tsv"))]


@dataclass(frozen=True)
class RecordTerms:
    key: str
    source: str  # source name
    dataset: str
    terms: tuple[tuple[str, str], ...]  # (kind, term) sorted


def record_terms(
    store: GraphStore, sources: Iterable[str] | None = None, *, keys: Iterable[str] | None = None
) -> list[RecordTerms]:
    """The lab terms of every stored record (or only those of ``sources``, or ``keys``)."""
    wanted = sorted(set(sources)) if sources is not None else None
    flt = ""
    if wanted is not None:
        if not wanted:
            return []
        flt = "FILTER(?source IN (" + ", ".join(f"<{BASE}source/{s}>" for s in wanted) + "))"
    if keys is not None:
        chosen = sorted(set(keys))
        if not chosen:
            return []
        flt += "VALUES ?key { " + " ".join(f'"{k}"' for k in chosen if k.isalnum()) + " }"
    rows = store.select(TERM_QUERY % flt)
    grouped: dict[str, tuple[str, str, set[tuple[str, str]]]] = {}
    for r in rows:
        source = r["source"].rstrip("/").rsplit("/", 1)[-1]
        entry = grouped.setdefault(r["key"], (source, r["ds"], set()))
        entry[2].add((r["kind"], r["term"]))
    return [RecordTerms(k, s, ds, tuple(sorted(t))) for k, (s, ds, t) in sorted(grouped.items())]


@dataclass
class Aligner:
    """Which concept each (source, term) is aligned to, from the accepted mappings."""

    sets: list[MappingSet]
    # subject IRI → [(mapping, set)]
    index: dict[str, list[tuple[object, MappingSet]]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        for mapping_set in self.sets:
            for m in mapping_set.accepted():
                self.index[m.subject_id].append((m, mapping_set))

    def concepts_for(self, source: str, term: str) -> list[tuple[object, MappingSet]]:
        found = self.index.get(term_iri(source, term), []) + self.index.get(term_iri(SHARED_SOURCE, term), [])
        out = []
        for m, s in found:
            if s.source in (None, SHARED_SOURCE) or s.source == source:
                out.append((m, s))
        return sorted(out, key=lambda ms: (ms[0].object_id, ms[1].id))  # type: ignore[attr-defined]

    def lines(self, rec: RecordTerms) -> list[str]:
        """The record's alignment graph as sorted N-Triples lines (empty when nothing aligns)."""
        g = URIRef(alignment_graph(rec.key))
        ds = URIRef(rec.dataset)
        triples: list[tuple[object, object, object]] = []
        used: set[str] = set()
        for kind, term in rec.terms:
            for m, s in self.concepts_for(rec.source, term):
                concept = URIRef(m.object_id)  # type: ignore[attr-defined]
                node = URIRef(
                    f"{BASE}alignment/{rec.key}/"
                    + hashlib.sha256(f"{kind}\x1f{normalise_term(term)}\x1f{concept}".encode()).hexdigest()[:12]
                )
                triples += [
                    (ds, DCAT.theme, concept),
                    (node, RDF.type, CW.Alignment),
                    (node, CW.dataset, ds),
                    (node, CW.sourceTerm, Literal(term)),
                    (node, CW.termKind, Literal(kind)),
                    (node, CW.concept, concept),
                    (node, CW.mappingPredicate, URIRef(_expand_predicate(m.predicate_id))),  # type: ignore[attr-defined]
                    (node, CW.mapping, URIRef(m.record_id)),  # type: ignore[attr-defined]
                    (node, CW.mappingSet, URIRef(s.id)),
                    (node, CW.mappingSetVersion, Literal(s.version)),
                ]
                used.add(s.id)
        if not triples:
            return []
        triples += [(g, CW.recordKey, Literal(rec.key)), (g, FOAF.primaryTopic, ds)]
        triples += [(g, PROV.wasDerivedFrom, URIRef(i)) for i in used]
        return nt_lines(triples)


def _expand_predicate(curie: str) -> str:
    return "http://www.w3.org/2004/02/skos/core#" + curie.split(":", 1)[1] if curie.startswith("skos:") else curie


@dataclass
class AlignResult:
    records: int = 0  # records whose terms were looked at
    written: int = 0  # alignment graphs written or replaced
    dropped: int = 0  # alignment graphs removed (nothing aligns any more)
    unchanged: int = 0
    aligned: int = 0  # records with at least one aligned concept after the run
    seconds: float = 0.0
    changed_keys: list[str] = field(default_factory=list)


def align(
    store: GraphStore,
    sets: list[MappingSet] | None = None,
    *,
    sources: Iterable[str] | None = None,
    keys: Iterable[str] | None = None,
) -> AlignResult:
    """Re-align stored records (all, those of ``sources`` or the records ``keys``) to the
    accepted mappings, writing only the alignment graphs whose content changed."""
    started = time.perf_counter()
    sets = load_mapping_sets() if sets is None else sets
    aligner = Aligner(sets)
    result = AlignResult()
    existing = _existing_alignments(store)
    graphs: dict[str, str] = {}
    drop: list[str] = []
    for rec in record_terms(store, sources, keys=keys):
        result.records += 1
        lines = aligner.lines(rec)
        g = alignment_graph(rec.key)
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest() if lines else None
        if lines:
            result.aligned += 1
        if digest == existing.get(g):
            result.unchanged += 1
            continue
        if lines:
            graphs[g] = "\n".join(lines + [f'<{g}> <{CW.contentHash}> "{digest}" .'])
            result.written += 1
        elif g in existing:
            drop.append(g)
            result.dropped += 1
        else:
            result.unchanged += 1
            continue
        result.changed_keys.append(rec.key)
    if graphs or drop:
        store.replace_graphs(graphs, drop=drop)
    result.seconds = time.perf_counter() - started
    return result


def _existing_alignments(store: GraphStore) -> dict[str, str]:
    rows = store.select(
        f"SELECT ?g ?h WHERE {{ GRAPH ?g {{ ?g <{CW.contentHash}> ?h }} FILTER(STRSTARTS(STR(?g), \"{ALIGNMENT_PREFIX}\")) }}"
    )
    return {r["g"]: r["h"] for r in rows}


__all__ = [
    "ALIGNMENT_PREFIX",
    "AlignResult",
    "Aligner",
    "MappingSetError",
    "align",
    "alignment_graph",
    "load_mapping_sets",
    "mappings_dir",
    "record_terms",
]
