"""Related datasets against collection membership (``kg eval links``; issue 5, point 3).

Ground truth: ``derived_isPartOf_links.tsv`` beside the energy.gov ``data.json`` catalog (each
row a child's ``identifier`` and its parent's, read from the catalog's ``isPartOf``). The
catalog is written again without any ``isPartOf`` (so the linker cannot read the answer),
ingested through the normal pipeline (lift, validate, store, align) and linked by
``kg.linking.linker.link``. For each child, its related list as the landing page shows it
(``kg.dataset_view.related_datasets``: both directions, other sources and its own, by ranking
score) is cut at k = 10 and scored against R = its parent ∪ its siblings (the parent's other
children):

- hit rate: the share of children with at least one of R in their top k;
- set recall: |top k ∩ R| / min(k, |R|), averaged over the children (1.0 when the list is all
  family, or holds the whole family when it has fewer than k members);
- parent recall: the share of children whose parent is in their top k.

The baseline ranks the same candidates by the cosine alone (``rank_related(structured=False)``)
and merges both directions the same way. A child or parent the store does not hold counts as a
miss (reported).
"""

from __future__ import annotations

import csv
import json
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CATALOG = "energy.data.json"
GOLD_FILE = "derived_isPartOf_links.tsv"


def catalog_without_is_part_of(catalog: Path, out: Path) -> tuple[int, int]:
    """Write ``catalog`` with ``isPartOf`` removed from every dataset; (datasets, removed)."""
    doc = json.loads(catalog.read_text(encoding="utf-8"))
    datasets = doc.get("dataset") if isinstance(doc, dict) else None
    if not isinstance(datasets, list):
        raise ValueError(f"{catalog}: no 'dataset' array (expected a data.json catalog)")
    removed = 0
    for entry in datasets:
        if isinstance(entry, dict) and entry.pop("isPartOf", None) is not None:
            removed += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=0), encoding="utf-8")
    return len(datasets), removed


def load_gold(tsv: Path, source_file: str = DEFAULT_CATALOG) -> dict[str, str]:
    """child identifier → parent identifier, for the rows of ``source_file``."""
    gold: dict[str, str] = {}
    with tsv.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row.get("source_file") == source_file and row.get("child_identifier") and row.get("parent_identifier"):
                gold[row["child_identifier"]] = row["parent_identifier"]
    if not gold:
        raise ValueError(f"{tsv}: no child/parent rows for {source_file}")
    return gold


@dataclass
class LinkScores:
    run: str  # "embedding only" / "full ranking"
    k: int
    children: int
    hit_rate: float
    set_recall: float
    parent_recall: float
    missing: int = 0  # children (or their parents) the store does not hold
    per_child: dict[str, float] = field(default_factory=dict)  # child identifier → set recall

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "per_child"}


def score(run: str, ranked: Mapping[str, Sequence[str]], gold: Mapping[str, str], *, k: int = 10) -> LinkScores:
    """``ranked``: child identifier → the identifiers of its related datasets, best first."""
    family: dict[str, set[str]] = defaultdict(set)
    for child, parent in gold.items():
        family[parent].add(child)
    hits = recall = parents = 0.0
    missing = 0
    per_child: dict[str, float] = {}
    for child, parent in sorted(gold.items()):
        relevant = {parent} | (family[parent] - {child})
        if child not in ranked:
            missing += 1
        top = list(dict.fromkeys(ranked.get(child, ())))[:k]
        found = len(relevant & set(top))
        per_child[child] = found / min(k, len(relevant))
        hits += found > 0
        recall += per_child[child]
        parents += parent in top
    n = len(gold)
    return LinkScores(run, k, n, hits / n, recall / n, parents / n, missing, per_child)


def keys_by_identifier(store: object) -> dict[str, str]:
    """The record key of each stored ``dcterms:identifier`` (the first key when two share one)."""
    from kg.namespaces import CW

    rows = store.select(  # type: ignore[attr-defined]
        f"""SELECT ?id ?key WHERE {{ GRAPH ?g {{ ?g <{CW.recordKey}> ?key ;
              <http://xmlns.com/foaf/0.1/primaryTopic> ?ds . ?ds <http://purl.org/dc/terms/identifier> ?id }} }}
            ORDER BY ?id ?key"""
    )
    out: dict[str, str] = {}
    for r in rows:
        out.setdefault(r["id"], r["key"])
    return out


def merged_top(links: Iterable[object], k: int) -> dict[str, list[str]]:
    """Per dataset key, the keys linked to it in either direction, best ranking score first
    (the landing page's merge, ``kg.dataset_view.related_datasets``, done in memory)."""
    best: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for ln in links:
        for a, b in ((ln.source_key, ln.target_key), (ln.target_key, ln.source_key)):  # type: ignore[attr-defined]
            current = best[a].get(b)
            value = (ln.rank, ln.score)  # type: ignore[attr-defined]
            if current is None or value > current:
                best[a][b] = value
    return {a: [b for b, _ in sorted(o.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))][:k]
            for a, o in best.items()}  # fmt: skip


@dataclass
class LinksEvaluation:
    datasets: int
    removed_is_part_of: int
    stored: int
    link_seconds: float
    link_timings: dict[str, float]
    links: int
    same_source_links: int
    scores: list[LinkScores]


def run_links_evaluation(catalog: Path, gold_tsv: Path, data_dir: Path, *, k: int = 10) -> LinksEvaluation:
    """The whole evaluation: hide isPartOf, ingest, link, score both rankings."""
    from kg.config import DataDir
    from kg.dataset_view import related_datasets
    from kg.linking.corpus import dataset_summaries
    from kg.linking.embedder import Embedder
    from kg.linking.index import VectorIndex
    from kg.linking.linker import DEFAULT_THRESHOLD, DEFAULT_TOP_K, link
    from kg.linking.related import rank_related, read_facts
    from kg.pipeline import Ingestor
    from kg.store import GraphStore

    gold = load_gold(gold_tsv, catalog.name)
    hidden = data_dir / "input" / catalog.name
    datasets, removed = catalog_without_is_part_of(catalog, hidden)
    ingestor = Ingestor(data_dir / "kg")
    try:
        ingested = ingestor.ingest([hidden])
    finally:
        ingestor.close()
    t0 = time.perf_counter()
    linked = link(data_dir / "kg", top_k_same=k)
    seconds = time.perf_counter() - t0

    dirs = DataDir(data_dir / "kg")
    store = GraphStore(dirs.store)
    try:
        keys = keys_by_identifier(store)
        ident_of = {key: ident for ident, key in keys.items()}
        iri_rows = store.select(
            "SELECT ?key ?ds WHERE { GRAPH ?g { ?g <https://w3id.org/crosswalk/ns#recordKey> ?key ; "
            "<http://xmlns.com/foaf/0.1/primaryTopic> ?ds } }"
        )
        iri_of = {r["key"]: r["ds"] for r in iri_rows}
        full: dict[str, list[str]] = {}
        for child in gold:
            key = keys.get(child)
            if key is not None:
                full[child] = [ident_of.get(r.key, r.key) for r in related_datasets(store, iri_of[key])]
        summaries = [s for s in dataset_summaries(store) if s.title or s.description]
        embedder = Embedder(dirs.index / "embeddings.sqlite")
        try:
            vectors = embedder.embed([s.embedding_text() for s in summaries])
        finally:
            embedder.close()
        index = VectorIndex([s.key for s in summaries], vectors)
        baseline_links = rank_related(summaries, read_facts(store, summaries), index, vectors,
                                      threshold=DEFAULT_THRESHOLD, top_k=DEFAULT_TOP_K, top_k_same=k,
                                      structured=False)  # fmt: skip
    finally:
        store.close()
    by_key = merged_top(baseline_links, k)
    baseline = {child: [ident_of.get(o, o) for o in by_key.get(keys[child], [])] for child in gold if child in keys}
    scores = [score("embedding only", baseline, gold, k=k), score("full ranking", full, gold, k=k)]
    return LinksEvaluation(datasets, removed, ingested.stored + ingested.unchanged, seconds, dict(linked.timings),
                           linked.links, linked.same_source_links, scores)  # fmt: skip
