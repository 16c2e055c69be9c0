"""Lexical retrieval: BM25 over each dataset's title, keywords and description (bm25s).

Built in memory when a Searcher loads (≈ 0.3 s per 3,000 datasets), from the same dataset
summaries the dense index embeds, so both retrievers always see the same datasets.

Words are Snowball-stemmed (PyStemmer: "parsing" finds "parser", "images" finds "image") and
English stopwords dropped. ``b = 0.4`` normalises less for length than the textbook 0.75: a
catalog's descriptions run from one line to pages, and a long, thorough description should not
lose to a one-liner that repeats a word. Measured on the DataFinder benchmark (`kg eval search`,
bench/RESULTS.md): lexical-only nDCG@10 0.097 → 0.130 (sentence queries) against unstemmed
``k1 = 1.2, b = 0.75``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def lexical_text(title: str, keywords: Sequence[str], description: str, identifier: str = "") -> str:
    """What BM25 indexes: the title and keywords (twice: they name the data), the identifier, the description."""
    head = " ".join([title, *keywords])
    return " ".join(p for p in (head, head, identifier, description) if p)


class LexicalIndex:
    def __init__(self, keys: Sequence[str], texts: Sequence[str], *, k1: float = 0.9, b: float = 0.4) -> None:
        import bm25s
        import Stemmer

        self._stemmer = Stemmer.Stemmer("english")
        self.keys = list(keys)
        self._bm25s = bm25s
        self.retriever = bm25s.BM25(k1=k1, b=b)
        if self.keys:
            tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=self._stemmer, show_progress=False)
            self.retriever.index(tokens, show_progress=False)

    def __len__(self) -> int:
        return len(self.keys)

    def scores(self, query: str) -> np.ndarray | None:
        """BM25 score of every indexed dataset for ``query`` (in ``keys`` order), or None when
        no query word is in the vocabulary."""
        if not self.keys or not query.strip():
            return None
        words = self._bm25s.tokenize([query], stopwords="en", stemmer=self._stemmer, show_progress=False, return_ids=False)[0]
        words = [w for w in words if w in self.retriever.vocab_dict]
        if not words:
            return None
        return np.asarray(self.retriever.get_scores(words), dtype=np.float32)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Up to ``k`` (key, BM25 score) pairs, best first; datasets sharing no query word are left out."""
        if not self.keys or not query.strip():
            return []
        tokens = self._bm25s.tokenize([query], stopwords="en", stemmer=self._stemmer, show_progress=False)
        if not tokens.vocab:
            return []
        k = min(k, len(self.keys))
        ids, scores = self.retriever.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        out = []
        for i, s in zip(np.asarray(ids[0]), np.asarray(scores[0])):
            if float(s) > 0:
                out.append((self.keys[int(i)], float(s)))
        return out
