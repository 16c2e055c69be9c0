"""Semantic search over the stored datasets: the query's embedding against the faiss index,
with a publisher facet. Used by both the HTML page and /api/search."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from kg.config import DataDir
from kg.linking.corpus import DatasetSummary, dataset_summaries
from kg.linking.embedder import Embedder
from kg.linking.index import VectorIndex
from kg.store import GraphStore

_NON_WORD = re.compile(r"[^0-9a-z]+")
# bonuses on the hybrid score (a z-score: how many standard deviations above the corpus mean)
TITLE_MATCH_BONUS = 5.0  # an exact title match outranks any purely semantic neighbour
CONCEPT_BONUS = 1.5  # a dataset tagged with a concept the query names (or a narrower one)
CANDIDATES = 200
LEXICAL_WEIGHT = 0.1  # see Searcher._hybrid; measured by `kg eval search` (bench/RESULTS.md)
PRF_DOCS = 5
PRF_WEIGHT = 2.0
MODES = ("hybrid", "dense", "lexical")
CONCEPT_FACET_SIZE = 25


def _z(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / max(float(values.std()), 1e-9)


def _norm(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


@dataclass
class Hit:
    key: str
    iri: str
    title: str
    publisher: str
    identifier: str
    source: str
    score: float
    description: str = ""
    concepts: list[str] = field(default_factory=list)  # the dataset's shared concepts
    matched_concepts: list[str] = field(default_factory=list)  # query concepts it is found by


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    total: int  # candidates after the facet filter
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class Searcher:
    def __init__(self, dirs: DataDir, store: GraphStore) -> None:
        import torch

        # One thread per query: measured on the 2-core machine with another process busy, a
        # query embedding took 510 ms with torch's default 2 threads (OpenMP threads wait on
        # each other) and 30 ms with 1. A server answers many queries at once anyway.
        torch.set_num_threads(1)
        self.dirs = dirs
        self.index = VectorIndex.load(dirs.index)
        self.summaries: dict[str, DatasetSummary] = {s.key: s for s in dataset_summaries(store)}
        self.embedder = Embedder()
        self._titles = {k: _norm(s.title) for k, s in self.summaries.items()}
        from kg.alignment.concepts import concept_index

        self.concepts = concept_index()
        # each dataset's concepts with all their ancestors: a broader concept finds it
        self._expanded = {k: self.concepts.expand(set(s.concepts)) for k, s in self.summaries.items() if s.concepts}
        from kg.linking.lexical import LexicalIndex, lexical_text

        indexed = [k for k in self.summaries if self.index is not None and k in self.index.position]
        self._vectors: np.ndarray | None = None
        self._lexical_rows = np.zeros(0, dtype=np.int64)
        self.lexical = LexicalIndex(
            indexed,
            [lexical_text(self.summaries[k].title, self.summaries[k].keywords, self.summaries[k].description,
                          self.summaries[k].identifier) for k in indexed],
        )  # fmt: skip

    def _hybrid(self, query: str, qv: np.ndarray) -> tuple[dict[str, float], np.ndarray]:
        """The product's ranking, scored over every indexed dataset (a matrix-vector product:
        ~3 ms at 20k datasets):

        1. dense pseudo-relevance feedback: the query vector plus PRF_WEIGHT × the mean of its
           PRF_DOCS nearest datasets, re-normalised, so a sentence describing a need moves
           towards the datasets that answer it;
        2. z-scored fusion: z(cosine to that vector) + LEXICAL_WEIGHT × z(BM25), so exact words
           (names, acronyms) lift datasets the model ranks close, on one scale whatever the query.

        Measured with `kg eval search` (bench/RESULTS.md); the weights were chosen by 5-fold
        cross-validation on the benchmark's development queries and were stable across folds.
        """
        matrix = self._matrix()
        sims = matrix @ qv
        k = min(PRF_DOCS, len(sims))
        top = np.argpartition(-sims, k - 1)[:k] if k else []
        q2 = qv + PRF_WEIGHT * matrix[top].mean(axis=0) if k else qv
        q2 = q2 / max(float(np.linalg.norm(q2)), 1e-9)
        fused = _z(matrix @ q2)
        bm25 = self.lexical.scores(query)
        if bm25 is not None:
            fused = fused + LEXICAL_WEIGHT * _z(bm25[self._lexical_rows])
        best = np.argsort(-fused)[:CANDIDATES]
        keys = self.index.keys  # type: ignore[union-attr]
        return {keys[int(i)]: float(fused[int(i)]) for i in best if keys[int(i)] in self.summaries}, fused

    def _matrix(self) -> np.ndarray:
        if self._vectors is None:
            assert self.index is not None
            self._vectors = self.index.index.reconstruct_n(0, len(self.index)) if len(self.index) else np.zeros((0, 384), np.float32)
            # row of each index position in the lexical index (same datasets, maybe another order)
            where = {k: i for i, k in enumerate(self.lexical.keys)}
            self._lexical_rows = np.array([where.get(k, 0) for k in self.index.keys], dtype=np.int64)
        return self._vectors

    @staticmethod
    def _lexical_only(lexical: list[tuple[str, float]]) -> dict[str, float]:
        """The lexical-only run (evaluation): BM25 scaled to [0, 1] by the best match."""
        top = lexical[0][1] if lexical else 1.0
        return {k: s / top for k, s in lexical}

    @staticmethod
    def index_stamp(dirs: DataDir) -> float:
        path = dirs.index / "vectors.faiss"
        return path.stat().st_mtime_ns if path.exists() else 0

    @property
    def ready(self) -> bool:
        return self.index is not None and len(self.index) > 0

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        offset: int = 0,
        publisher: str | None = None,
        concept: str | None = None,
        mode: str = "hybrid",
    ) -> SearchResult:
        """``mode``: ``hybrid`` (the product), ``dense`` or ``lexical`` (for evaluation)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        query = query.strip()
        if not query or not self.ready:
            return SearchResult(query, [], 0, {"publisher": [], "concept": []})
        assert self.index is not None
        qv = self.embedder.embed_query(query)
        nq = _norm(query)
        dense: dict[str, float] = {}
        everything = np.zeros(0, dtype=np.float32)
        if mode == "dense":
            scores, ids = self.index.search(qv[None, :], CANDIDATES)
            for score, i in zip(scores[0], ids[0]):
                if i >= 0 and self.index.keys[i] in self.summaries:  # indexed but no longer stored: skipped
                    dense[self.index.keys[i]] = float(score)
        if mode == "lexical":
            dense = self._lexical_only(self.lexical.search(query, CANDIDATES))
        elif mode == "hybrid":
            dense, everything = self._hybrid(query, qv)
        # datasets tagged with a concept the query names, or with a narrower one
        named = self.concepts.match_query(query) if mode == "hybrid" else set()
        by_concept = {k: sorted(named & e) for k, e in self._expanded.items() if named & e}
        for key in by_concept:
            if key not in dense and key in self.index.position:
                position = self.index.position[key]
                dense[key] = float(everything[position]) if mode == "hybrid" else float(self.index.vector(key) @ qv)
        candidates: list[Hit] = []
        for key, score in dense.items():
            s = self.summaries[key]
            # hybrid scores are z-scores (one standard deviation = 1.0)
            bonus = TITLE_MATCH_BONUS if mode == "hybrid" and nq and self._titles.get(key) == nq else 0.0
            bonus += CONCEPT_BONUS if key in by_concept else 0.0
            candidates.append(
                Hit(key, s.iri, s.title, s.publisher, s.identifier, s.source_name, score + bonus, s.description,
                    s.concepts, by_concept.get(key, []))  # fmt: skip
            )
        candidates.sort(key=lambda h: (-h.score, h.key))
        # One dataset listed by two catalogs (same DOI or identifier URL) is one hit.
        seen: set[str] = set()
        candidates = [h for h in candidates if not (h.iri in seen or seen.add(h.iri))]
        counts: dict[str, int] = {}
        for h in candidates:
            counts[h.publisher or "(no publisher)"] = counts.get(h.publisher or "(no publisher)", 0) + 1
        concept_counts: dict[str, int] = {}
        for h in candidates:
            for c in self._expanded.get(h.key, ()):
                concept_counts[c] = concept_counts.get(c, 0) + 1
        if publisher:
            candidates = [h for h in candidates if (h.publisher or "(no publisher)") == publisher]
        if concept:
            candidates = [h for h in candidates if concept in self._expanded.get(h.key, ())]
        # the concepts the query names (and the one chosen) first, then the most frequent
        first = [c for c in sorted(named | ({concept} if concept else set())) if concept_counts.get(c)]
        rest = sorted(
            ((c, n) for c, n in concept_counts.items() if c not in first),
            key=lambda kv: (-kv[1], self.concepts.label(kv[0])),
        )
        top = [(c, concept_counts[c]) for c in first] + rest[: max(0, CONCEPT_FACET_SIZE - len(first))]
        facets = {
            "publisher": sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
            "concept": top,
        }
        return SearchResult(query, candidates[offset : offset + limit], len(candidates), facets)
