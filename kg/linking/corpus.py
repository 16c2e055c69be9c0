"""What linking and search need to know about each stored dataset, read from the store."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.namespaces import CW
from kg.store import GraphStore

_PREFIXES = f"""PREFIX cw: <{CW}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""


@dataclass
class DatasetSummary:
    key: str
    iri: str
    source: str  # source IRI
    title: str = ""
    description: str = ""
    publisher: str = ""
    identifier: str = ""
    keywords: list[str] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)  # shared concepts: aligned, or a scheme's own IRI

    @property
    def source_name(self) -> str:
        return self.source.rstrip("/").rsplit("/", 1)[-1]

    def embedding_text(self) -> str:
        """The text embedded for linking and search: title, keywords, then description.

        The model reads 128 tokens; keywords go before the description so they are never cut.
        """
        parts = [self.title.strip()]
        if self.keywords:
            parts.append("Keywords: " + "; ".join(sorted(self.keywords)[:20]))
        if self.description:
            parts.append(self.description.strip()[:2000])
        return ". ".join(p for p in parts if p)


def dataset_summaries(store: GraphStore) -> list[DatasetSummary]:
    """Every stored record's dataset, ordered by key (deterministic)."""
    rows = store.select(
        _PREFIXES
        + """SELECT ?key ?ds ?source ?title ?desc ?pub ?id WHERE {
          GRAPH ?g { ?g cw:recordKey ?key ; cw:source ?source ; foaf:primaryTopic ?ds .
            OPTIONAL { ?ds dcterms:title ?title }
            OPTIONAL { ?ds dcterms:description ?desc }
            OPTIONAL { ?ds dcterms:publisher/foaf:name ?pub }
            OPTIONAL { ?ds dcterms:identifier ?id } } }"""
    )
    by_key: dict[str, DatasetSummary] = {}
    for r in rows:
        s = by_key.get(r["key"])
        if s is None:
            s = by_key[r["key"]] = DatasetSummary(r["key"], r["ds"], r["source"])
        # Several titles (languages) or descriptions: keep the first in a stable order.
        for attr, var in (("title", "title"), ("description", "desc"), ("publisher", "pub"), ("identifier", "id")):
            value = r.get(var, "")
            if value and (not getattr(s, attr) or value < getattr(s, attr)):
                setattr(s, attr, value)
    for r in store.select(
        _PREFIXES
        + """SELECT ?key ?kw WHERE { GRAPH ?g { ?g cw:recordKey ?key ; foaf:primaryTopic ?ds .
               ?ds dcat:keyword ?kw } }"""
    ):
        if r["key"] in by_key:
            by_key[r["key"]].keywords.append(r["kw"])
    for r in store.select(
        _PREFIXES
        + """SELECT DISTINCT ?key ?c WHERE {
               { GRAPH ?a { ?a cw:recordKey ?key ; foaf:primaryTopic ?ds . ?ds dcat:theme ?c } }
               FILTER(isIRI(?c)) }"""
    ):
        if r["key"] in by_key:
            by_key[r["key"]].concepts.append(r["c"])
    for s in by_key.values():
        s.keywords.sort()
        s.concepts = _shared_concepts(s.concepts)
    return [by_key[k] for k in sorted(by_key)]


def _shared_concepts(iris: list[str]) -> list[str]:
    """The dataset's concepts that belong to a shipped scheme (alignment graphs give those;
    a record's own themes count when they are, or resolve to, a scheme concept: the UMM-C
    lifter's GCMD path IRIs resolve to the KMS concepts)."""
    from kg.alignment.concepts import concept_index

    index = concept_index()
    return sorted({c for c in (index.resolve(i) for i in iris) if c})
