"""Semantic search over the stored datasets: the query's embedding against the faiss index,
with a publisher facet. Used by both the HTML page and /api/search."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.config import DataDir
from kg.linking.corpus import DatasetSummary, dataset_summaries
from kg.linking.embedder import Embedder
from kg.linking.index import VectorIndex
from kg.store import GraphStore

_NON_WORD = re.compile(r"[^0-9a-z]+")
TITLE_MATCH_BONUS = 0.5  # an exact title match outranks any purely semantic neighbour
CANDIDATES = 200


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


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    total: int  # candidates after the facet filter
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class Searcher:
    def __init__(self, dirs: DataDir, store: GraphStore) -> None:
        self.dirs = dirs
        self.index = VectorIndex.load(dirs.index)
        self.summaries: dict[str, DatasetSummary] = {s.key: s for s in dataset_summaries(store)}
        self.embedder = Embedder()
        self._titles = {k: _norm(s.title) for k, s in self.summaries.items()}

    @staticmethod
    def index_stamp(dirs: DataDir) -> float:
        path = dirs.index / "vectors.faiss"
        return path.stat().st_mtime_ns if path.exists() else 0

    @property
    def ready(self) -> bool:
        return self.index is not None and len(self.index) > 0

    def search(self, query: str, *, limit: int = 20, offset: int = 0, publisher: str | None = None) -> SearchResult:
        query = query.strip()
        if not query or not self.ready:
            return SearchResult(query, [], 0, {"publisher": []})
        assert self.index is not None
        qv = self.embedder.embed_query(query)
        scores, ids = self.index.search(qv[None, :], CANDIDATES)
        nq = _norm(query)
        candidates: list[Hit] = []
        for score, i in zip(scores[0], ids[0]):
            if i < 0:
                continue
            key = self.index.keys[i]
            s = self.summaries.get(key)
            if s is None:
                continue  # indexed but no longer stored
            bonus = TITLE_MATCH_BONUS if nq and self._titles.get(key) == nq else 0.0
            candidates.append(
                Hit(key, s.iri, s.title, s.publisher, s.identifier, s.source_name, float(score) + bonus, s.description)
            )
        candidates.sort(key=lambda h: (-h.score, h.key))
        # One dataset listed by two catalogs (same DOI or identifier URL) is one hit.
        seen: set[str] = set()
        candidates = [h for h in candidates if not (h.iri in seen or seen.add(h.iri))]
        counts: dict[str, int] = {}
        for h in candidates:
            counts[h.publisher or "(no publisher)"] = counts.get(h.publisher or "(no publisher)", 0) + 1
        if publisher:
            candidates = [h for h in candidates if (h.publisher or "(no publisher)") == publisher]
        facets = {"publisher": sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}
        return SearchResult(query, candidates[offset : offset + limit], len(candidates), facets)
