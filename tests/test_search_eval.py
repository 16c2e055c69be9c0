"""Lexical, dense and hybrid search through one code path, and the relevance harness
(issue 5, points 1 and 2). The benchmark corpus is read from ../shared/eval/datafinder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.evaluation import datafinder_catalog, load_queries, mrr, ndcg_at, recall_at
from kg.lifting import get_lifter
from kg.linking.lexical import LexicalIndex
from tests.conftest import SHARED

DATAFINDER = SHARED / "eval" / "datafinder"


def _benchmark() -> Path:
    if not (DATAFINDER / "corpus.jsonl").is_file():
        pytest.skip(f"DataFinder benchmark not available at {DATAFINDER}")
    return DATAFINDER


def test_metrics_on_hand_made_rankings() -> None:
    assert ndcg_at(["a", "b", "c"], {"a"}) == 1.0
    assert ndcg_at(["x", "a"], {"a"}) == pytest.approx(1 / 1.5849625, rel=1e-6)
    assert ndcg_at(["x"] * 10 + ["a"], {"a"}) == 0.0  # beyond 10
    assert ndcg_at(["a", "b"], {"a", "b"}) == 1.0
    assert recall_at(["a", "x", "b"], {"a", "b", "c", "d"}) == 0.5
    assert mrr(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    assert mrr(["x"], {"a"}) == 0.0


def test_the_benchmark_corpus_becomes_a_catalog_the_normal_lifter_reads(tmp_path: Path) -> None:
    bench = _benchmark()
    out = tmp_path / "datafinder.data.json"
    n = datafinder_catalog(bench / "corpus.jsonl", out)
    ids = [json.loads(line)["id"] for line in (bench / "corpus.jsonl").open(encoding="utf-8") if line.strip()]
    assert n == len(set(ids)) > 3000  # the 33 datasets the corpus lists twice are one entry each
    lifter = get_lifter("datajson")
    assert lifter.detect(out.read_bytes(), out.name) > 0.5
    pieces = list(lifter.split(out.read_bytes(), source_file=out.name))
    assert len(pieces) == n
    rec = lifter.lift(pieces[0], source="datafinder")
    from rdflib.namespace import DCTERMS

    assert str(rec.graph.value(rec.dataset, DCTERMS.identifier)) == ids[0]
    queries = load_queries(bench / "queries.jsonl")
    assert len(queries) == 100 and all(q.sentence and q.keyphrase and q.relevant for q in queries)
    # 10 relevant ids of the development queries are not in the corpus (the benchmark's own gap)
    missing = {d for q in queries for d in q.relevant} - set(ids)
    assert len(missing) <= 10


def test_bm25_ranks_exact_words_and_ignores_stopwords() -> None:
    index = LexicalIndex(
        ["ice", "aerosol", "iron"],
        ["sea ice thickness in the Arctic ocean", "aerosol optical depth over the Sahel", "neutron diffraction of iron"],
    )
    assert [k for k, _ in index.search("arctic sea ice", 3)] == ["ice"]
    assert index.search("of the in", 3) == []
    assert index.search("", 3) == []
