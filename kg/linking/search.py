"""Hybrid search over the stored datasets (dense + BM25 + concepts, see ``Searcher._hybrid``),
with facets, filters, sorting, paging, highlighted matches and autocomplete. The HTML page,
/api/search and /api/suggest all call this one Searcher.

Facets (publisher, concept, format, licence, year, validation status) are counted over the
query's candidates, each after the *other* facets' filters (standard faceted search: choosing
a format keeps the other formats visible with their counts). Values chosen within one facet
combine with OR, facets with AND.
"""

from __future__ import annotations

import bisect
import functools
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from kg.alignment.matching import _singular  # the plural rule concept labels are compared with
from kg.config import DataDir
from kg.linking.corpus import NO_LICENCE, DatasetSummary, dataset_summaries
from kg.linking.embedder import Embedder
from kg.linking.index import VectorIndex
from kg.linking.prior import reference_prior
from kg.linking.ranking import hybrid_scores, query_focus
from kg.store import GraphStore

if TYPE_CHECKING:
    from kg.governance.views import Scope

_NON_WORD = re.compile(r"[^0-9a-z]+")
_WORD = re.compile(r"[^\W_]+")  # a word of highlighting and autocomplete: letters and digits, any script
# bonuses on the hybrid score (a z-score: how many standard deviations above the corpus mean)
TITLE_MATCH_BONUS = 5.0  # an exact title match outranks any purely semantic neighbour
CONCEPT_BONUS = 1.5  # a dataset tagged with a concept the query names (or a narrower one)
CANDIDATES = 200
MODES = ("hybrid", "dense", "lexical")
CONCEPT_FACET_SIZE = 25

SORTS = ("relevance", "newest", "title")  # newest: DatasetSummary.latest_date; title: A–Z
FACETS = ("publisher", "concept", "format", "license", "year", "validation")
NO_PUBLISHER = "(no publisher)"
NO_YEAR = "(no year)"
VALIDATION_LABELS = {
    "conforms": "Conforms",
    "warnings": "Warnings",
    "violations": "Violations",
    "unvalidated": "Not validated",
}
SNIPPET_CHARS = 240  # the description excerpt around the best match of the query's words
SNIPPET_LEAD = 40  # context kept before the first matched word of the excerpt
SUGGEST_KEY_CHARS = 60  # autocomplete compares this many characters from a word start
SUGGEST_WORDS = 12  # completions start at any of a text's first this many words


def _norm(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def _fold(text: str) -> str:
    """Text as autocomplete compares it: lower case, accents dropped ("Zürich" is "zurich"),
    anything but letters and digits one space."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return " ".join(_WORD.findall(plain))


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
    formats: list[str] = field(default_factory=list)
    licenses: list[str] = field(default_factory=list)
    year: str = ""
    date: str = ""  # what "newest first" sorts by (DatasetSummary.latest_date)
    validation: str = "unvalidated"  # conforms, warnings, violations or unvalidated
    # highlighted text as (text, is_match) segments, never markup: the page escapes every
    # segment and wraps the matches in <mark>; /api/search returns them as they are
    title_segments: list[tuple[str, bool]] = field(default_factory=list)
    snippet: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    total: int  # candidates after the facet filters
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # name → (value, count)
    filters: dict[str, list[str]] = field(default_factory=dict)  # the filters applied, by facet
    sort: str = "relevance"
    offset: int = 0


@dataclass
class _Completion:
    """A completion as it is gathered: every spelling seen, what it is, which datasets have it."""

    forms: Counter[str] = field(default_factory=Counter)
    kinds: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    concept: str = ""

    def suggestion(self) -> Suggestion:
        # the most used spelling, one not in capitals when there is one ("Aerosols", not "AEROSOLS")
        text = min(self.forms, key=lambda f: (f.isupper(), -self.forms[f], f))
        kinds = tuple(k for k in ("title", "keyword", "publisher", "concept") if k in self.kinds)
        return Suggestion(text, kinds, len(self.keys), self.concept, frozenset(self.keys))


@dataclass(frozen=True)
class Suggestion:
    """One autocomplete completion: a dataset title, keyword, publisher or concept label."""

    text: str
    kinds: tuple[str, ...]  # title, keyword, publisher, concept (one text may be several)
    count: int  # datasets with this title, keyword, publisher or concept
    concept: str = ""  # the concept's IRI when it is a concept label
    keys: frozenset[str] = field(default=frozenset(), repr=False, compare=False)  # the datasets (records)


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
        from kg.linking.query_encoder import active

        self.query_encoder = active()  # loaded (and exported the first time) now, not on a first query
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
        # how often the rest of the graph references each dataset, in index order (kg.linking.prior)
        in_index = [
            self.summaries[k] for k in (self.index.keys if self.index is not None else []) if k in self.summaries
        ]
        prior = dict(zip((s.key for s in in_index), reference_prior(store, in_index)))
        self._prior = np.array(
            [prior.get(k, 0.0) for k in (self.index.keys if self.index is not None else [])], np.float32
        )
        self._facet_values = {k: self._values_of(s) for k, s in self.summaries.items()}
        self._hits = {k: _hit(s, 0.0, []) for k, s in self.summaries.items()}  # copied per query
        self._suggest_keys, self._suggest_rows, self._suggest_ranks, self._suggestions = self._suggest_index()
        self._masks: dict[frozenset[str], np.ndarray] = {}
        self._mask_lock = threading.Lock()

    def _hybrid(
        self, query: str, qv: np.ndarray, mask: np.ndarray | None = None
    ) -> tuple[dict[str, float], np.ndarray]:
        """The product's ranking over every indexed dataset (kg.linking.ranking.hybrid_scores:
        dense pseudo-relevance feedback, z-scored BM25 fusion, the reference prior); ``qv`` is
        the embedding of the query's focus. Returns the best CANDIDATES and every score."""
        matrix = self._matrix()
        bm25 = self.lexical.scores(query)
        fused = hybrid_scores(matrix, qv, None if bm25 is None else bm25[self._lexical_rows], self._prior)
        if mask is not None:  # out of the caller's scope: never a candidate
            fused = np.where(mask, fused, -np.inf)
        best = np.argsort(-fused)[:CANDIDATES]
        if mask is not None:
            best = best[mask[best]]
        keys = self.index.keys  # type: ignore[union-attr]
        return {keys[int(i)]: float(fused[int(i)]) for i in best if keys[int(i)] in self.summaries}, fused

    def _hit(self, key: str, score: float, matched_concepts: list[str]) -> Hit:
        hit = Hit.__new__(Hit)  # a shallow copy (copy.copy costs 5x): derived fields computed once
        hit.__dict__.update(self._hits[key].__dict__)
        hit.score, hit.matched_concepts = score, matched_concepts
        return hit

    def _matrix(self) -> np.ndarray:
        if self._vectors is None:
            assert self.index is not None
            vectors = (
                self.index.index.reconstruct_n(0, len(self.index))
                if len(self.index)
                else np.zeros((0, 384), np.float32)
            )
            # row of each index position in the lexical index (same datasets, maybe another order)
            where = {k: i for i, k in enumerate(self.lexical.keys)}
            self._lexical_rows = np.array([where.get(k, 0) for k in self.index.keys], dtype=np.int64)
            # published last: another thread's first search must never see vectors without rows
            self._vectors = vectors
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
        filters: Mapping[str, Iterable[str]] | None = None,
        sort: str = "relevance",
        mode: str = "hybrid",
        scope: Scope | None = None,
    ) -> SearchResult:
        """The query's datasets, filtered, sorted and paged, with facet counts and highlights.

        ``filters`` maps a facet name (``FACETS``) to the values chosen in it (any of them:
        OR); the facets combine with AND. ``publisher`` and ``concept`` are one value of
        those facets. ``sort``: ``relevance`` (the ranking, default), ``newest`` or ``title``;
        an unknown sort is relevance. ``mode``: ``hybrid`` (the product), ``dense`` or
        ``lexical`` (for evaluation). ``scope`` (kg.governance.views.Scope): the caller's; the
        datasets outside it are taken out before ranking (never a hit, a count or a facet
        value); None is every dataset.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        chosen = self._chosen(filters, publisher=publisher, concept=concept)
        sort = sort if sort in SORTS else "relevance"
        query = query.strip()
        if not query or not self.ready:
            return SearchResult(query, [], 0, {name: [] for name in FACETS}, chosen, sort, offset)
        candidates, named = self._ranked(query, mode, self._mask(scope))
        values = self._facet_values
        selected = [h for h in candidates if self._passes(values[h.key], chosen)] if chosen else candidates
        facets = {
            name: self._facet_counts(
                name,
                [h for h in candidates if self._passes(values[h.key], chosen, but=name)] if chosen else candidates,
                chosen,
                named,
            )
            for name in FACETS
        }
        if sort == "newest":  # stable: equal dates keep the relevance order; undated last
            selected.sort(key=lambda h: h.date, reverse=True)
            selected.sort(key=lambda h: not h.date)
        elif sort == "title":
            selected.sort(key=lambda h: (not h.title, h.title.casefold()))
        page = selected[offset : offset + limit]
        stems = query_stems(query)
        for h in page:
            h.title_segments = highlight(h.title, stems)
            h.snippet = snippet(h.description, stems)
        return SearchResult(query, page, len(selected), facets, chosen, sort, offset)

    def _mask(self, scope: Scope | None) -> np.ndarray | None:
        """Which index positions ``scope`` may see (None: all), cached per scope."""
        if scope is None or scope.keys is None or self.index is None:
            return None
        with self._mask_lock:
            mask = self._masks.get(scope.keys)
            if mask is None:
                mask = np.fromiter((k in scope.keys for k in self.index.keys), dtype=bool, count=len(self.index.keys))
                if len(self._masks) > 64:
                    self._masks.clear()
                self._masks[scope.keys] = mask
        return mask

    def _ranked(self, query: str, mode: str, mask: np.ndarray | None = None) -> tuple[list[Hit], set[str]]:
        """Every candidate in relevance order (one per dataset IRI) and the concepts the query
        names; with ``mask``, only the index positions it allows."""
        assert self.index is not None
        nq = _norm(query)
        dense: dict[str, float] = {}
        everything = np.zeros(0, dtype=np.float32)
        if mode == "dense":  # a baseline for evaluation: the query embedded as typed
            qv = self.embedder.embed_query(query)
            scores, ids = self.index.search(qv[None, :], CANDIDATES)
            for score, i in zip(scores[0], ids[0]):
                if i >= 0 and self.index.keys[i] in self.summaries:  # indexed but no longer stored: skipped
                    dense[self.index.keys[i]] = float(score)
        if mode == "lexical":
            dense = self._lexical_only(self.lexical.search(query, CANDIDATES))
        elif mode == "hybrid":  # the query's focus is embedded (without "I want to…")
            dense, everything = self._hybrid(query, self.embedder.embed_query(query_focus(query)), mask)
        # hybrid: datasets tagged with a concept the query names, or with a narrower one
        named = self.concepts.match_query(query) if mode == "hybrid" else set()
        by_concept = {k: sorted(named & e) for k, e in self._expanded.items() if named & e}
        if mask is not None:  # the evaluation modes rank everything first; hybrid is masked in _hybrid
            allowed = self.index.position
            dense = {k: v for k, v in dense.items() if k in allowed and mask[allowed[k]]}
            by_concept = {k: v for k, v in by_concept.items() if k in allowed and mask[allowed[k]]}
        for key in by_concept:
            if key not in dense and key in self.index.position:
                dense[key] = float(everything[self.index.position[key]])
        candidates: list[Hit] = []
        for key, score in dense.items():
            # hybrid scores are z-scores (one standard deviation = 1.0)
            bonus = TITLE_MATCH_BONUS if mode == "hybrid" and nq and self._titles.get(key) == nq else 0.0
            bonus += CONCEPT_BONUS if key in by_concept else 0.0
            candidates.append(self._hit(key, score + bonus, by_concept.get(key, [])))
        candidates.sort(key=lambda h: (-h.score, h.key))
        # One dataset listed by two catalogs (same DOI or identifier URL) is one hit.
        seen: set[str] = set()
        candidates = [h for h in candidates if not (h.iri in seen or seen.add(h.iri))]
        return candidates, named

    # --- facets ----------------------------------------------------------------------------

    def _values_of(self, s: DatasetSummary) -> dict[str, frozenset[str]]:
        """The dataset's value(s) in each facet; a concept facet value is any of its concepts'
        ancestors too (a broader concept finds it, as in the ranking)."""
        return {
            "publisher": frozenset([s.publisher or NO_PUBLISHER]),
            "concept": frozenset(self._expanded.get(s.key, ())),
            "format": frozenset(s.formats),
            "license": frozenset(s.licenses or [NO_LICENCE]),
            "year": frozenset([s.year or NO_YEAR]),
            "validation": frozenset([s.validation_status]),
        }

    @staticmethod
    def _chosen(
        filters: Mapping[str, Iterable[str]] | None, *, publisher: str | None, concept: str | None
    ) -> dict[str, list[str]]:
        """The filters as {facet: sorted distinct values}, unknown facets and empty values dropped."""
        chosen: dict[str, set[str]] = {}
        for name, values in (filters or {}).items():
            if name in FACETS:
                chosen.setdefault(name, set()).update(v for v in ([values] if isinstance(values, str) else values) if v)
        for name, value in (("publisher", publisher), ("concept", concept)):
            if value:
                chosen.setdefault(name, set()).add(value)
        return {name: sorted(chosen[name]) for name in FACETS if chosen.get(name)}

    @staticmethod
    def _passes(values: dict[str, frozenset[str]], chosen: dict[str, list[str]], but: str = "") -> bool:
        return all(not values[name].isdisjoint(wanted) for name, wanted in chosen.items() if name != but)

    def _facet_counts(
        self, name: str, hits: list[Hit], chosen: dict[str, list[str]], named: set[str]
    ) -> list[tuple[str, int]]:
        """(value, datasets) of one facet over ``hits``, in the order the page lists them; a
        chosen value is always listed (with 0 when no hit has it) so that it can be unchosen."""
        counts: dict[str, int] = {}
        for h in hits:
            for value in self._facet_values[h.key][name]:
                counts[value] = counts.get(value, 0) + 1
        for value in chosen.get(name, ()):
            counts.setdefault(value, 0)
        if name == "year":  # newest first, undated last
            by_year = sorted(counts.items(), reverse=True)
            return sorted(by_year, key=lambda kv: kv[0] == NO_YEAR)
        if name == "validation":
            order = list(VALIDATION_LABELS)
            return sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
        if name == "concept":
            # the concepts the query names (and those chosen) first, then the most frequent
            picked = set(chosen.get("concept", ()))
            first = [c for c in sorted(named | picked) if counts.get(c) or c in picked]
            rest = sorted(
                ((c, n) for c, n in counts.items() if c not in first),
                key=lambda kv: (-kv[1], self.concepts.label(kv[0])),
            )
            return [(c, counts[c]) for c in first] + rest[: max(0, CONCEPT_FACET_SIZE - len(first))]
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold(), kv[0]))

    def facet_label(self, name: str, value: str) -> str:
        """How the page shows a facet value: a concept's label, a validation status in words."""
        if name == "concept":
            return self.concepts.label(value)
        if name == "validation":
            return VALIDATION_LABELS.get(value, value)
        return value

    # --- autocomplete ----------------------------------------------------------------------

    def _suggest_index(self) -> tuple[list[str], np.ndarray, np.ndarray, list[Suggestion]]:
        """A sorted list of every word-start suffix of the titles, keywords, publishers and
        concept labels (``_fold``ed, cut to SUGGEST_KEY_CHARS), the completion
        each row stands for, and each row's rank: completions whose first word the prefix
        starts before those where a later word does, then the most datasets, then the shortest."""
        from bm25s.stopwords import STOPWORDS_EN

        stop = set(STOPWORDS_EN)
        found: dict[str, _Completion] = {}  # by folded text: "Sea ice" and "sea-ice" are one

        def add(text: str, kind: str, keys: Iterable[str], concept: str = "") -> None:
            folded = _fold(text)
            if folded:
                entry = found.setdefault(folded, _Completion())
                entry.forms[text] += 1
                entry.kinds.add(kind)
                entry.keys.update(keys)
                entry.concept = entry.concept or concept

        by_concept: dict[str, set[str]] = {}
        for key, expanded in self._expanded.items():
            for c in expanded:
                by_concept.setdefault(c, set()).add(key)
        for key, s in self.summaries.items():
            if s.title:
                add(" ".join(s.title.split()), "title", [key])
            for kw in s.keywords:
                add(" ".join(kw.split()), "keyword", [key])
            if s.publisher:
                add(" ".join(s.publisher.split()), "publisher", [key])
        for c, keys in by_concept.items():
            add(self.concepts.label(c), "concept", keys, c)
        suggestions = [entry.suggestion() for entry in found.values()]
        suggestions.sort(key=lambda x: (-x.count, len(x.text), x.text.casefold()))
        rows: list[tuple[str, int, int]] = []  # (suffix, completion, 0 when it starts the text)
        for i, sug in enumerate(suggestions):
            folded = _fold(sug.text)
            for n, word in enumerate(list(re.finditer(r"\S+", folded))[:SUGGEST_WORDS]):
                if n == 0 or word.group() not in stop:
                    rows.append((folded[word.start() : word.start() + SUGGEST_KEY_CHARS], i, int(n > 0)))
        rows.sort()
        later = len(suggestions)
        return (
            [r[0] for r in rows],
            np.array([r[1] for r in rows], dtype=np.int64),
            np.array([r[2] * later + r[1] for r in rows], dtype=np.int64),
            suggestions,
        )

    def suggest(self, prefix: str, limit: int = 8, scope: Scope | None = None) -> list[Suggestion]:
        """Completions of what the user is typing (``prefix``: the start of any word of a
        title, keyword, publisher or concept label), best first. A binary search and a
        partial sort over the precomputed rows: no embedding, well under a millisecond.
        With ``scope``, only completions of datasets in it, counted over them."""
        p = _fold(prefix)[:SUGGEST_KEY_CHARS]
        limit = max(0, min(int(limit), 50))
        if not p or not limit:
            return []
        lo = bisect.bisect_left(self._suggest_keys, p)
        hi = bisect.bisect_left(self._suggest_keys, p + "\U0010ffff", lo)
        ranks = self._suggest_ranks[lo:hi]
        k = limit * 3
        while True:
            if len(ranks) > k:
                top = np.argpartition(ranks, k)[:k]
                top = top[np.argsort(ranks[top])]
            else:
                top = np.argsort(ranks)
            out = list(dict.fromkeys(int(self._suggest_rows[lo + int(i)]) for i in top))
            found = [self._suggestions[i] for i in out]
            if scope is not None and scope.keys is not None:
                visible = scope.keys
                found = [
                    replace(sug, count=len(sug.keys & visible)) for sug in found if not sug.keys.isdisjoint(visible)
                ]
            if len(found) >= limit or len(top) == len(ranks):
                return found[:limit]
            k *= 4


def _hit(s: DatasetSummary, score: float, matched_concepts: list[str]) -> Hit:
    """A hit for ``s``; the Searcher keeps one per dataset and copies it (``Searcher._hit``)."""
    return Hit(
        key=s.key,
        iri=s.iri,
        title=s.title,
        publisher=s.publisher,
        identifier=s.identifier,
        source=s.source_name,
        score=score,
        description=s.description,
        concepts=s.concepts,
        matched_concepts=matched_concepts,
        formats=s.formats,
        licenses=s.licenses,
        year=s.year,
        date=s.latest_date,
        validation=s.validation_status,
    )


def query_stems(query: str) -> frozenset[str]:
    """The query's words as highlighting compares them: lower case, singular ("soils" and
    "soil" meet), without the stopwords BM25 ignores and one-letter words."""
    from bm25s.stopwords import STOPWORDS_EN

    words = (w.lower() for w in _WORD.findall(query))
    return frozenset(_singular(w) for w in words if len(w) > 1 and w not in STOPWORDS_EN)


@functools.lru_cache(maxsize=1024)
def _stem_words(stems: frozenset[str]) -> re.Pattern[str]:
    """The words that can be a form of one of ``stems``: each begins with the stem less its last
    letter ("study" → "studies"), so only those are put through ``_singular``."""
    prefixes = sorted({s[:-1] if len(s) > 1 else s for s in stems}, key=len, reverse=True)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, prefixes)) + r")[^\W_]*", re.IGNORECASE)


def _matches(text: str, stems: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, stem) of each word of ``text`` that is a form of one of ``stems`` (the same
    words ``_WORD`` finds; a test compares them)."""
    if not stems:
        return []
    return [
        (m.start(), m.end(), stem)
        for m in _stem_words(stems).finditer(text)
        if (stem := _singular(m.group().lower())) in stems
    ]


def _segments(
    text: str, matches: list[tuple[int, int, str]], start: int = 0, end: int | None = None
) -> list[tuple[str, bool]]:
    end = len(text) if end is None else end
    out: list[tuple[str, bool]] = []
    at = start
    for m_start, m_end, _ in matches:
        if m_start < start or m_end > end:
            continue
        if m_start > at:
            out.append((text[at:m_start], False))
        out.append((text[m_start:m_end], True))
        at = m_end
    if at < end:
        out.append((text[at:end], False))
    return out


def highlight(text: str, stems: frozenset[str]) -> list[tuple[str, bool]]:
    """``text`` as (text, is_match) segments, the words of the query marked."""
    return _segments(text, _matches(text, stems)) if text else []


def snippet(description: str, stems: frozenset[str], width: int = SNIPPET_CHARS) -> list[tuple[str, bool]]:
    """About ``width`` characters of the description around its best match of the query's
    words (the window holding the most distinct query words, then the most matches, then the
    earliest), cut at word boundaries with "…" where text was left out; its start when
    nothing matches."""
    text = " ".join(description.split())
    if len(text) <= width:
        return highlight(text, stems)
    matches = _matches(text, stems)[:500]
    start = 0
    if matches:
        best = (-1, -1)
        for anchor, _, _ in matches:
            inside = [m for m in matches if anchor <= m[0] and m[1] <= anchor + width - SNIPPET_LEAD]
            score = (len({m[2] for m in inside}), len(inside))
            if score > best:
                best, start = score, anchor
        start = max(0, min(start - SNIPPET_LEAD, len(text) - width))  # a match near the end: a full window
    if start > 0:  # begin at a word
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + SNIPPET_LEAD else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    out = _segments(text, matches, start, end)
    if start > 0:
        out = [("…", False), *out]
    if end < len(text):
        out.append(("…", False))
    merged: list[tuple[str, bool]] = []
    for part in out:  # "…" joins the unmarked text beside it
        if merged and not part[1] and not merged[-1][1]:
            merged[-1] = (merged[-1][0] + part[0], False)
        else:
            merged.append(part)
    return merged
