"""Candidate mappings from a lab's terms to concepts: lexical and embedding matching.

Measured on the shared corpus (5,955 distinct keywords against GCMD Science Keywords 9.1.5; the
study is summarised in bench/RESULTS.md): exact, alternative-label, singular/plural and
token-set matches are right ~95 % of the time; a concept label contained in a longer keyword
(proposed as ``skos:broadMatch``) ~63 %; embedding similarity fused over the concept's own
label and its path (½ cos(term, label) + ½ cos(term, path)) ~100 % at ≥ 0.8, 85 % at ≥ 0.7,
66 % at ≥ 0.6. Confidence follows those rates, so the review queue puts the likely ones first:

* lexical: path 0.98, exact 0.95, alternative label / singular-plural 0.90, token set 0.85,
  contained 0.50 (broadMatch); a label shared by several concepts (GCMD repeats ISOTOPES
  under ten parents) is ambiguous: the embedding picks one and the confidence is capped at 0.9;
* embedding: ``clip(0.53 + 2.2·(s − 0.65), 0, 0.97)`` for s ≥ 0.6 (``skos:closeMatch``);
* both agreeing: ``1 − (1 − c_lex)(1 − c_emb)``, capped at 0.99.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from kg.alignment.sssom import LEXICAL, SEMANTIC, normalise_term

STOP = {"and", "of", "the", "in", "at", "for", "to", "on", "a", "an", "by", "with", "or"}
EMBED_MIN = 0.6
LEXICAL_SCORES = {"path": 0.98, "exact": 0.95, "alt": 0.90, "stem": 0.90, "tokenset": 0.85, "contained": 0.50}
TOOL = "crosswalk-align"


@dataclass(frozen=True)
class Concept:
    """A concept as matching sees it."""

    iri: str
    label: str  # its own label: GCMD's level label ("AEROSOLS"), a facility's name
    path: str  # root > ... > label
    alt: tuple[str, ...]
    scheme: str


@dataclass(frozen=True)
class Candidate:
    concept: Concept
    predicate: str  # skos:exactMatch / skos:closeMatch / skos:broadMatch
    justification: str
    confidence: float
    similarity: float | None  # the fused embedding score, when there is one
    method: str  # exact, alt, stem, tokenset, path, contained, embedding, and "+embedding" when both


def _singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "ics")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def _stem(text: str) -> str:
    return " ".join(_singular(t) for t in normalise_term(text).replace(">", " ").split())


def _tokens(text: str) -> frozenset[str]:
    return frozenset(_singular(t) for t in normalise_term(text).replace(">", " ").split() if t not in STOP)


def _path_key(text: str) -> str:
    parts = [normalise_term(p) for p in re.split(r"\s*(?:>|::|:)\s*", text) if p.strip()]
    return " > ".join(p for p in parts if p)


def _alternatives(label: str) -> set[str]:
    """Alternatives written inside a label: ``SEA SURFACE TEMPERATURE (SST)`` → both parts."""
    found = set()
    match = re.fullmatch(r"(.+?)\s*\(([^)]+)\)\s*", label)
    if match:
        found.add(match.group(1))
        if re.fullmatch(r"[A-Z0-9-]{2,8}", match.group(2)):
            found.add(match.group(2))
    return found


class LexicalIndex:
    def __init__(self, concepts: Sequence[Concept]) -> None:
        self.exact: dict[str, list[Concept]] = defaultdict(list)
        self.alt: dict[str, list[Concept]] = defaultdict(list)
        self.stem: dict[str, list[Concept]] = defaultdict(list)
        self.tokenset: dict[frozenset[str], list[Concept]] = defaultdict(list)
        self.path: dict[str, Concept] = {}
        for c in concepts:
            self.exact[normalise_term(c.label)].append(c)
            for a in set(c.alt) | _alternatives(c.label):
                if normalise_term(a) != normalise_term(c.label):
                    self.alt[normalise_term(a)].append(c)
            self.stem[_stem(c.label)].append(c)
            tokens = _tokens(c.label)
            if tokens:
                self.tokenset[tokens].append(c)
            parts = _path_key(c.path).split(" > ")
            self.path.setdefault(" > ".join(parts), c)
            if len(parts) > 1:
                self.path.setdefault(" > ".join(parts[1:]), c)  # without the category
        self.multi = [(t, c) for t, cs in self.tokenset.items() for c in cs if len(t) >= 2]

    def match(self, term: str) -> list[tuple[Concept, str]]:
        """The best tier's concepts for ``term``, with the tier's name."""
        norm = normalise_term(term)
        if not norm:
            return []
        if re.search(r">|::|\w:\s*\w", term):
            key = _path_key(term)
            if key in self.path:
                return [(self.path[key], "path")]
            leaf = re.split(r"\s*(?:>|::|:)\s*", term.strip())[-1]
            if leaf and leaf != term:
                return [(c, m) for c, m in self.match(leaf) if m != "contained"]
        for table, method in ((self.exact, "exact"), (self.alt, "alt")):
            if norm in table:
                return [(c, method) for c in _unique(table[norm])]
        stem = _stem(term)
        if stem in self.stem:
            return [(c, "stem") for c in _unique(self.stem[stem])]
        tokens = _tokens(term)
        if tokens in self.tokenset:
            return [(c, "tokenset") for c in _unique(self.tokenset[tokens])]
        inside = [c for t, c in self.multi if t < tokens]
        if inside:
            size = max(len(_tokens(c.label)) for c in inside)
            return [(c, "contained") for c in _unique(c for c in inside if len(_tokens(c.label)) == size)]
        return []


def _unique(items: Iterable[Concept]) -> list[Concept]:
    return list({c.iri: c for c in items}.values())


class Matcher:
    """Lexical and (optionally) embedding candidates for terms against a fixed set of concepts."""

    def __init__(self, concepts: Sequence[Concept], embedder: object | None = None) -> None:
        self.concepts = list(concepts)
        self.lexical = LexicalIndex(self.concepts)
        self.embedder = embedder
        self._label_vectors: np.ndarray | None = None
        self._path_vectors: np.ndarray | None = None
        self._row = {c.iri: i for i, c in enumerate(self.concepts)}

    def _concept_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        if self._label_vectors is None or self._path_vectors is None:
            assert self.embedder is not None
            self._label_vectors = self.embedder.embed([c.label.lower() for c in self.concepts])  # type: ignore[attr-defined]
            self._path_vectors = self.embedder.embed([c.path.lower() for c in self.concepts])  # type: ignore[attr-defined]
        return self._label_vectors, self._path_vectors

    def candidates(self, terms: Sequence[str], *, per_term: int = 3) -> dict[str, list[Candidate]]:
        """Up to ``per_term`` candidates for each term, best first."""
        fused: np.ndarray | None = None
        if self.embedder is not None and terms and self.concepts:
            labels, paths = self._concept_vectors()
            vectors = self.embedder.embed([t.lower() for t in terms])  # type: ignore[attr-defined]
            fused = 0.5 * (vectors @ labels.T) + 0.5 * (vectors @ paths.T)
        out: dict[str, list[Candidate]] = {}
        for i, term in enumerate(terms):
            found: dict[str, Candidate] = {}
            row = fused[i] if fused is not None else None
            hits = self.lexical.match(term)
            if len(hits) > 1 and row is not None:  # ambiguous label: the embedding picks one
                hits = [max(hits, key=lambda h: row[self._row[h[0].iri]])]
            ambiguous = len(self.lexical.match(term)) > 1
            for concept, method in hits:
                confidence = LEXICAL_SCORES[method]
                if ambiguous:
                    confidence = min(0.9, confidence * 0.9)
                predicate = "skos:broadMatch" if method == "contained" else "skos:exactMatch"
                sim = float(row[self._row[concept.iri]]) if row is not None else None
                found[concept.iri] = Candidate(concept, predicate, LEXICAL, round(confidence, 4), sim, method)
            if row is not None:
                for j in np.argsort(-row)[:per_term]:
                    score = float(row[j])
                    if score < EMBED_MIN:
                        break
                    concept = self.concepts[int(j)]
                    c_emb = float(np.clip(0.53 + 2.2 * (score - 0.65), 0.0, 0.97))
                    if concept.iri in found:
                        lex = found[concept.iri]
                        both = min(0.99, 1 - (1 - lex.confidence) * (1 - c_emb))
                        found[concept.iri] = Candidate(concept, lex.predicate, lex.justification, round(both, 4),
                                                       score, lex.method + "+embedding")  # fmt: skip
                    elif c_emb > 0:
                        found[concept.iri] = Candidate(concept, "skos:closeMatch", SEMANTIC, round(c_emb, 4), score,
                                                       "embedding")  # fmt: skip
            ranked = sorted(found.values(), key=lambda c: (-c.confidence, c.concept.iri))[:per_term]
            if ranked:
                out[term] = ranked
        return out


def scheme_concepts() -> list[Concept]:
    """Every concept of the shipped schemes (``ontologies/schemes``), deprecated ones left out."""
    from kg.vocab import schemes as vocab

    found: list[Concept] = []
    for info in vocab.list_schemes():
        graph = vocab.load_scheme(info.name)
        rows = {r.iri: r for r in vocab.concepts(graph, lang="en")}
        for row in rows.values():
            if " > " in row.pref_label:  # GCMD: the preferred label is the path, the level's label an alt
                path, label = row.pref_label, row.pref_label.rsplit(" > ", 1)[-1]
            else:
                chain, current, seen = [row.pref_label], row, {row.iri}
                while current.broader and current.broader[0] in rows and current.broader[0] not in seen:
                    current = rows[current.broader[0]]
                    seen.add(current.iri)
                    chain.append(current.pref_label)
                path, label = " > ".join(reversed(chain)), row.pref_label
            alt = tuple(a for a in row.alt_labels if normalise_term(a) != normalise_term(label))
            found.append(Concept(row.iri, label, path, alt, info.iri))
    return found
