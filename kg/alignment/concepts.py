"""The shipped concept schemes as search and landing pages use them (issue 4, point 6).

One in-memory index over every scheme in ``ontologies/schemes`` (≈ 3,400 concepts): labels,
the path from the top concept, ancestors and descendants (``skos:broader``/``narrower``,
either stated direction), and which concepts a query names. A dataset tagged with a narrow
concept is found by a search for any broader one: search expands each dataset's concepts to
their ancestors, and the query's concepts match any of them.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from kg.alignment.sssom import normalise_term


@dataclass(frozen=True)
class ConceptInfo:
    iri: str
    label: str  # the concept's own label ("AEROSOLS", "Advanced Photon Source")
    scheme: str
    scheme_title: str
    parents: tuple[str, ...]
    deprecated: bool = False
    replaced_by: str | None = None


class ConceptIndex:
    def __init__(self, infos: dict[str, ConceptInfo], labels: dict[str, set[str]]) -> None:
        self.infos = infos
        self.by_label = labels  # normalised label → concept IRIs
        self.children: dict[str, set[str]] = defaultdict(set)
        for info in infos.values():
            for p in info.parents:
                self.children[p].add(info.iri)
        self._longest = max((len(k.split()) for k in labels), default=1)

    def __contains__(self, iri: str) -> bool:
        return iri in self.infos

    def resolve(self, iri: str) -> str | None:
        """The shipped concept ``iri`` is, or stands for (the UMM-C lifter's GCMD path IRIs
        resolve to the KMS concepts); None when it is neither."""
        if iri in self.infos:
            return iri
        from kg.vocab.schemes import gcmd_concept_for_iri

        resolved = gcmd_concept_for_iri(iri)
        return resolved if resolved in self.infos else None

    def label(self, iri: str) -> str:
        info = self.infos.get(iri)
        return info.label if info else iri.rstrip("/").rsplit("/", 1)[-1]

    @functools.lru_cache(maxsize=20_000)  # noqa: B019 - one long-lived index per process
    def ancestors(self, iri: str) -> frozenset[str]:
        found: set[str] = set()
        todo = list(self.infos[iri].parents) if iri in self.infos else []
        while todo:
            c = todo.pop()
            if c in found:
                continue
            found.add(c)
            if c in self.infos:
                todo.extend(self.infos[c].parents)
        return frozenset(found)

    def descendants(self, iri: str) -> set[str]:
        found: set[str] = set()
        todo = list(self.children.get(iri, ()))
        while todo:
            c = todo.pop()
            if c not in found:
                found.add(c)
                todo.extend(self.children.get(c, ()))
        return found

    def path(self, iri: str) -> list[tuple[str, str]]:
        """(iri, label) from the top concept down to ``iri`` (first parent at each step)."""
        chain: list[tuple[str, str]] = []
        current, seen = iri, set()
        while current in self.infos and current not in seen:
            seen.add(current)
            chain.append((current, self.label(current)))
            parents = sorted(self.infos[current].parents)
            current = parents[0] if parents else ""
        return list(reversed(chain))

    def expand(self, concepts: set[str]) -> set[str]:
        """The concepts and all their ancestors."""
        out = set(concepts)
        for c in concepts:
            out |= self.ancestors(c)
        return out

    def match_query(self, query: str) -> set[str]:
        """Concepts whose label (or alternative label) the query contains as a whole phrase.
        A GCMD path in the query ("ATMOSPHERE > AEROSOLS") names its last level."""
        words = _key(re.sub(r"\s*>\s*", " ", query)).split()
        found: set[str] = set()
        taken = [False] * len(words)
        # longest phrases first; a phrase inside a longer matched one is not a concept of its
        # own ("ice" in "sea ice", "instruments" in "neutron scattering instruments")
        for size in range(min(self._longest, len(words)), 0, -1):
            for start in range(0, len(words) - size + 1):
                if any(taken[start : start + size]):
                    continue
                phrase = " ".join(words[start : start + size])
                if phrase in self.by_label and not (size == 1 and len(phrase) < 3):
                    found |= self.by_label[phrase]
                    taken[start : start + size] = [True] * size
        return found



def _key(text: str) -> str:
    """A label or query phrase as compared: normalised, each word singular ("Supercomputers"
    and "supercomputer" meet)."""
    from kg.alignment.matching import _singular

    return " ".join(_singular(w) for w in normalise_term(text).split())


@functools.lru_cache(maxsize=1)
def concept_index() -> ConceptIndex:
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    from kg.vocab import schemes as vocab

    infos: dict[str, ConceptInfo] = {}
    labels: dict[str, set[str]] = defaultdict(set)
    for scheme in vocab.list_schemes():
        graph = vocab.load_scheme(scheme.name)
        title = scheme.title
        for row in vocab.concepts(graph, lang="en", include_deprecated=True):
            own = row.pref_label.rsplit(" > ", 1)[-1] if " > " in row.pref_label else row.pref_label
            parents = set(row.broader) | {str(s) for s in graph.subjects(SKOS.narrower, URIRef(row.iri))}
            deprecated = vocab.is_deprecated(graph, row.iri)
            successor = vocab.replacement(graph, row.iri) if deprecated else None
            infos[row.iri] = ConceptInfo(row.iri, own, scheme.iri, title, tuple(sorted(parents)), deprecated,
                                         str(successor) if successor else None)  # fmt: skip
            if deprecated:
                continue  # a query never names a deprecated concept
            for text in (own, *row.alt_labels):
                key = _key(text)
                if key:
                    labels[key].add(row.iri)
    return ConceptIndex(infos, dict(labels))
