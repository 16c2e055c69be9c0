"""The hybrid ranking behind ``Searcher.search`` (mode ``hybrid``), as one pure function.

Every indexed dataset is scored (a matrix-vector product: ~3 ms at 20k datasets):

1. the query's focus: a sentence describing a need often opens with the asker ("I want to
   develop…", "We propose…"); that opening says nothing about the data and is dropped before
   the query is embedded (``query_focus``);
2. dense pseudo-relevance feedback: the query vector plus ``PRF_WEIGHT`` × the mean of its
   ``PRF_DOCS`` nearest datasets, re-normalised, so a sentence moves towards the datasets that
   answer it;
3. z-scored fusion: z(cosine to that vector) + ``LEXICAL_WEIGHT`` × z(BM25), so exact words
   (names, acronyms) lift datasets the model ranks close, on one scale whatever the query;
4. the reference prior: + ``PRIOR_WEIGHT`` × log(1 + how often the rest of the graph references
   the dataset) (kg.linking.prior).

Measured with ``kg eval search`` (bench/RESULTS.md). The PRF and lexical weights were chosen by
5-fold cross-validation on the benchmark's development queries and were stable across folds.
``PRIOR_WEIGHT`` is deliberately below the benchmark's optimum (it keeps rising to 1.0 there,
where popularity starts to override what a query says): at 0.3 a dataset referenced 25 times
gains one standard deviation, and an exact title match (``TITLE_MATCH_BONUS``) still wins.
"""

from __future__ import annotations

import re

import numpy as np

PRF_DOCS = 5
PRF_WEIGHT = 2.0
LEXICAL_WEIGHT = 0.1
PRIOR_WEIGHT = 0.3

_ASKER = re.compile(
    r"""^\s*(?:
        (?:i|we)\s+(?:want|need|would\s+like|wish|plan|aim|intend|am\s+looking|are\s+looking)\s+(?:to|for)\s+
      | (?:i|we)\s+(?:propose|present|introduce|describe|study|create|created|develop|build|train|design)\s+
      | (?:in\s+this\s+(?:paper|work|study),?\s+)(?:i|we)\s+\w+\s+
    )""",
    re.I | re.X,
)


def query_focus(query: str) -> str:
    """The query without an opening that only names the asker: "I want to train a parser on
    treebanks" → "train a parser on treebanks". Anything else is returned as it is."""
    rest = _ASKER.sub("", query, count=1).strip()
    return rest or query


def z_scores(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / max(float(values.std()), 1e-9)


def hybrid_scores(
    matrix: np.ndarray, query_vector: np.ndarray, bm25: np.ndarray | None, prior: np.ndarray | None
) -> np.ndarray:
    """One score per row of ``matrix`` (L2-normalised dataset vectors). ``bm25`` (BM25 per row,
    or None when no query word is indexed) and ``prior`` (log-references per row) are aligned
    with the rows."""
    if not len(matrix):
        return np.zeros(0, dtype=np.float32)
    sims = matrix @ query_vector
    k = min(PRF_DOCS, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    q2 = query_vector + PRF_WEIGHT * matrix[top].mean(axis=0)
    q2 = q2 / max(float(np.linalg.norm(q2)), 1e-9)
    fused = z_scores(matrix @ q2)
    if bm25 is not None:
        fused = fused + LEXICAL_WEIGHT * z_scores(bm25)
    if prior is not None:
        fused = fused + PRIOR_WEIGHT * prior
    return fused
