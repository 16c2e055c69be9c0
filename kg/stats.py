"""Counts over the whole graph, for `kg stats` and the front page."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.governance.views import graph_clause
from kg.namespaces import BASE, CW, LINKS_GRAPH
from kg.store import GraphStore

FOAF = "http://xmlns.com/foaf/0.1/"
DCT = "http://purl.org/dc/terms/"


@dataclass
class SourceStats:
    source: str
    datasets: int
    violations: int = 0
    warnings: int = 0

    @property
    def name(self) -> str:
        return self.source.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class GraphStats:
    quads: int
    datasets: int
    links: int
    sources: list[SourceStats] = field(default_factory=list)


def graph_stats(store: GraphStore) -> GraphStats:
    by_source: dict[str, SourceStats] = {}
    for r in store.select(
        f"""SELECT ?source (COUNT(DISTINCT ?g) AS ?n) WHERE {{
              {graph_clause(store, '?g')} {{ ?g <{CW.source}> ?source ; <{CW.contentHash}> ?h }} }}
            GROUP BY ?source ORDER BY ?source"""
    ):
        by_source[r["source"]] = SourceStats(r["source"], int(r["n"]))
    for r in store.select(
        f"""SELECT ?source ?status (COUNT(?g) AS ?n) WHERE {{
              {graph_clause(store, '?g')} {{ ?g <{CW.source}> ?source ; <{CW.recordKey}> ?key }}
              BIND(IRI(CONCAT("{BASE}graph/validation/", ?key)) AS ?vg)
              GRAPH ?vg {{ ?rep <{CW.status}> ?status }} }} GROUP BY ?source ?status"""
    ):
        s = by_source.get(r["source"])
        if s is None:
            continue
        if r["status"] == "Violation":
            s.violations = int(r["n"])
        elif r["status"] == "Warning":
            s.warnings = int(r["n"])
    links = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {graph_clause(store, LINKS_GRAPH)} {{ ?l a <{CW.DatasetLink}> }} }}"
    )
    return GraphStats(
        quads=store.quad_count(),
        datasets=sum(s.datasets for s in by_source.values()),
        links=int(links[0]["n"]) if links else 0,
        sources=list(by_source.values()),
    )


def sample_links(store: GraphStore, n: int) -> list[dict[str, str]]:
    """The strongest cross-source links, one per source dataset, for the front page."""
    rows = store.select(
        f"""SELECT ?a ?b ?score ?ka ?kb ?ta ?tb ?sa ?sb WHERE {{
          {graph_clause(store, LINKS_GRAPH)} {{ ?l <{CW.linkSource}> ?a ; <{CW.linkTarget}> ?b ; <{CW.score}> ?score }}
          {graph_clause(store, '?ga')} {{ ?ga <{FOAF}primaryTopic> ?a ; <{CW.recordKey}> ?ka ; <{CW.source}> ?sa . ?a <{DCT}title> ?ta }}
          {graph_clause(store, '?gb')} {{ ?gb <{FOAF}primaryTopic> ?b ; <{CW.recordKey}> ?kb ; <{CW.source}> ?sb . ?b <{DCT}title> ?tb }}
          FILTER(?sa != ?sb)
        }} ORDER BY DESC(?score) ?ka LIMIT {n * 8}"""
    )
    seen: set[str] = set()
    out = []
    for r in rows:
        pair = frozenset((r["ka"], r["kb"]))
        if r["ka"] in seen or r["kb"] in seen or pair in seen:
            continue
        seen.update((r["ka"], r["kb"]))
        r["sa"] = r["sa"].rsplit("/", 1)[-1]
        r["sb"] = r["sb"].rsplit("/", 1)[-1]
        out.append(r)
        if len(out) >= n:
            break
    return out
