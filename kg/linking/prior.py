"""How much the rest of the graph points at each dataset: a query-independent prior for search.

A dataset that many other records reference is more often the one a researcher is after (the
web's PageRank, the citation counts behind dataset search engines). Two kinds of reference are
counted, each referrer once:

- explicit relations in the records: another record's ``dcterms:references``,
  ``prov:wasDerivedFrom`` or ``dcterms:source`` pointing at the dataset, and the dataset's own
  ``dcterms:isReferencedBy`` (papers citing it: DataCite ``IsCitedBy`` / ``IsReferencedBy``);
- mentions by name: another dataset's description naming this dataset's title as whole words,
  case-sensitively. Only name-like titles count (two words or more, or a single word with a digit
  or two capitals: "ImageNet", "MNIST", "Set5"), so a one-word title such as "Temperature" is not
  "mentioned" by every sentence that starts with it.

Search adds ``PRIOR_WEIGHT × log(1 + references)`` to the hybrid score (kg.linking.ranking).
Lab catalogs whose titles are long sentences get few mentions, and the prior stays near zero.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from kg.linking.corpus import DatasetSummary
from kg.store import GraphStore

_WORD = re.compile(r"\w(?:[\w\-.]*\w)?")
MAX_NAME_WORDS = 8
MIN_NAME_CHARS = 3

_EXPLICIT = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?ds (COUNT(DISTINCT ?x) AS ?n) WHERE { GRAPH ?g {
  { ?x dcterms:references|prov:wasDerivedFrom|dcterms:source ?ds FILTER(?x != ?ds) }
  UNION { ?ds dcterms:isReferencedBy ?x } } } GROUP BY ?ds"""


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _name_like(title: str, words: Sequence[str]) -> bool:
    if len(title) < MIN_NAME_CHARS or not words or len(words) > MAX_NAME_WORDS:
        return False
    return len(words) >= 2 or any(c.isdigit() for c in title) or sum(c.isupper() for c in title) >= 2


def mention_counts(summaries: Sequence[DatasetSummary]) -> np.ndarray:
    """For each dataset, how many OTHER datasets (by IRI) name its title in their description."""
    names: dict[tuple[str, ...], set[int]] = {}
    for i, s in enumerate(summaries):
        title = s.title.strip()
        words = tuple(_words(title))
        if _name_like(title, words):
            names.setdefault(words, set()).add(i)
    counts = np.zeros(len(summaries), dtype=np.float32)
    if not names:
        return counts
    first = {w[0] for w in names}
    longest = max(len(w) for w in names)
    for s in summaries:
        words = _words(s.description)
        named: set[int] = set()
        for a, word in enumerate(words):
            if word not in first:
                continue
            for n in range(1, min(longest, len(words) - a) + 1):
                named |= names.get(tuple(words[a : a + n]), set())
        for i in named:
            if summaries[i].iri != s.iri:  # a dataset listed twice does not reference itself
                counts[i] += 1
    return counts


def explicit_counts(store: GraphStore, summaries: Sequence[DatasetSummary]) -> np.ndarray:
    """For each dataset, how many distinct resources reference it by a relation in the records."""
    by_iri = {r["ds"]: int(r["n"]) for r in store.select(_EXPLICIT)}
    return np.array([by_iri.get(s.iri, 0) for s in summaries], dtype=np.float32)


def reference_prior(store: GraphStore, summaries: Sequence[DatasetSummary]) -> np.ndarray:
    """``log(1 + references)`` per dataset, in the order of ``summaries``."""
    if not summaries:
        return np.zeros(0, dtype=np.float32)
    return np.log1p(mention_counts(summaries) + explicit_counts(store, summaries)).astype(np.float32)
