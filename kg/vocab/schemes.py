"""The shipped SKOS concept schemes (``ontologies/schemes/*.ttl``): list, load, navigate.

Each file holds one ``skos:ConceptScheme`` and its concepts. Schemes are small enough for an
rdflib Graph (the largest, GCMD Science Keywords, is ≈ 3,200 concepts); a parsed scheme is
cached per file and its mtime, so treat the Graph you get as read-only.

What the later stages use:

* :func:`broader_closure` / :func:`narrower_closure`: searching a concept finds its narrower
  concepts; both follow ``skos:broader`` and the inverse of ``skos:narrower`` so a half-stated
  hierarchy still works;
* :func:`labels` and :func:`concepts`: preferred and alternative labels of every concept, for
  lexical matching (SSSOM mapping sets);
* :func:`replacement`: the concept that replaces a deprecated one (``owl:deprecated true`` and
  ``dcterms:isReplacedBy``), following the chain;
* :func:`gcmd_concept_for_path` / :func:`gcmd_concept_for_iri`: the GCMD concept of a keyword
  path, or of an IRI the UMM-C lifter minted from a path.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from kg.vocab import SCHEMES_DIR


@dataclass(frozen=True)
class SchemeInfo:
    name: str  # file stem, e.g. "gcmd-science-keywords"
    path: Path
    iri: str
    title: str
    version: str | None
    modified: str | None
    concepts: int


@dataclass(frozen=True)
class Labels:
    pref: tuple[str, ...]
    alt: tuple[str, ...]
    hidden: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return self.pref + self.alt + self.hidden


@dataclass(frozen=True)
class ConceptRow:
    """One concept for matching: its IRI, preferred label, alternative labels, broader IRIs."""

    iri: str
    pref_label: str
    alt_labels: tuple[str, ...]
    broader: tuple[str, ...]


def scheme_paths(directory: Path = SCHEMES_DIR) -> list[Path]:
    return sorted(directory.glob("*.ttl"))


@functools.lru_cache(maxsize=16)
def _parse(path: str, mtime_ns: int, size: int) -> Graph:
    return Graph().parse(path, format="turtle")


def load_file(path: Path) -> Graph:
    stat = path.stat()
    return _parse(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def _path_for(name: str, directory: Path = SCHEMES_DIR) -> Path:
    path = directory / f"{name}.ttl"
    if not path.is_file():
        known = ", ".join(p.stem for p in scheme_paths(directory))
        raise KeyError(f"no concept scheme {name!r} (known: {known})")
    return path


def load_scheme(name: str, directory: Path = SCHEMES_DIR) -> Graph:
    """The scheme called ``name`` (its file stem) as a Graph (cached; do not modify it)."""
    return load_file(_path_for(name, directory))


def load_schemes(names: Iterable[str] | None = None, directory: Path = SCHEMES_DIR) -> Graph:
    """A new Graph holding the named schemes (all shipped schemes when ``names`` is None)."""
    graph = Graph()
    paths = [_path_for(n, directory) for n in names] if names is not None else scheme_paths(directory)
    for path in paths:
        graph += load_file(path)
    return graph


def scheme_iri(graph: Graph) -> URIRef:
    schemes = sorted(s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef))
    if len(schemes) != 1:
        raise ValueError(f"expected one skos:ConceptScheme, found {len(schemes)}")
    return schemes[0]


def list_schemes(directory: Path = SCHEMES_DIR) -> list[SchemeInfo]:
    out = []
    for path in scheme_paths(directory):
        graph = load_file(path)
        iri = scheme_iri(graph)
        title = graph.value(iri, DCTERMS.title)
        version = graph.value(iri, OWL.versionInfo)
        modified = graph.value(iri, DCTERMS.modified)
        count = len(set(graph.subjects(SKOS.inScheme, iri)))
        out.append(SchemeInfo(path.stem, path, str(iri), str(title or path.stem), _opt(version), _opt(modified), count))
    return out


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _iri(value: str | URIRef) -> URIRef:
    return value if isinstance(value, URIRef) else URIRef(value)


def broader(graph: Graph, concept: str | URIRef) -> set[URIRef]:
    c = _iri(concept)
    found = set(graph.objects(c, SKOS.broader)) | set(graph.subjects(SKOS.narrower, c))
    return {x for x in found if isinstance(x, URIRef)}


def narrower(graph: Graph, concept: str | URIRef) -> set[URIRef]:
    c = _iri(concept)
    found = set(graph.objects(c, SKOS.narrower)) | set(graph.subjects(SKOS.broader, c))
    return {x for x in found if isinstance(x, URIRef)}


def _closure(graph: Graph, start: URIRef, step, include_self: bool) -> set[URIRef]:
    seen: set[URIRef] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        for nxt in step(graph, current):
            if nxt not in seen and nxt != start:
                seen.add(nxt)
                todo.append(nxt)
    return seen | {start} if include_self else seen


def broader_closure(graph: Graph, concept: str | URIRef, include_self: bool = False) -> set[URIRef]:
    """Every concept above ``concept`` (transitively); terminates on a cyclic hierarchy."""
    return _closure(graph, _iri(concept), broader, include_self)


def narrower_closure(graph: Graph, concept: str | URIRef, include_self: bool = False) -> set[URIRef]:
    """Every concept below ``concept`` (transitively): what a search for ``concept`` also finds."""
    return _closure(graph, _iri(concept), narrower, include_self)


def _texts(values: Iterable[object], lang: str | None) -> tuple[str, ...]:
    out = []
    for v in values:
        if isinstance(v, Literal) and (lang is None or not v.language or v.language == lang):
            out.append(str(v))
    return tuple(sorted(set(out)))


def labels(graph: Graph, concept: str | URIRef, lang: str | None = None) -> Labels:
    """Preferred, alternative and hidden labels (any language, or ``lang`` plus untagged)."""
    c = _iri(concept)
    return Labels(
        _texts(graph.objects(c, SKOS.prefLabel), lang),
        _texts(graph.objects(c, SKOS.altLabel), lang),
        _texts(graph.objects(c, SKOS.hiddenLabel), lang),
    )


def is_deprecated(graph: Graph, concept: str | URIRef) -> bool:
    value = graph.value(_iri(concept), OWL.deprecated)
    return isinstance(value, Literal) and value.toPython() is True


def replacement(graph: Graph, concept: str | URIRef) -> URIRef | None:
    """The current concept for ``concept``: itself when not deprecated; else the end of its
    ``dcterms:isReplacedBy`` chain (None when a deprecated concept names no successor, or the
    chain loops or forks)."""
    current = _iri(concept)
    seen = {current}
    while is_deprecated(graph, current):
        successors = sorted(x for x in graph.objects(current, DCTERMS.isReplacedBy) if isinstance(x, URIRef))
        if len(successors) != 1 or successors[0] in seen:
            return None
        current = successors[0]
        seen.add(current)
    return current


def concept_iris(graph: Graph, scheme: str | URIRef | None = None, include_deprecated: bool = False) -> list[URIRef]:
    s = _iri(scheme) if scheme is not None else scheme_iri(graph)
    found = {c for c in graph.subjects(SKOS.inScheme, s) if isinstance(c, URIRef)}
    found |= {c for c in graph.subjects(SKOS.topConceptOf, s) if isinstance(c, URIRef)}
    if not include_deprecated:
        found = {c for c in found if not is_deprecated(graph, c)}
    return sorted(found, key=str)


def concepts(
    scheme: str | Graph, lang: str | None = None, include_deprecated: bool = False
) -> list[ConceptRow]:
    """Every concept of a scheme (by name, or a Graph holding one scheme) as
    ``(iri, prefLabel, altLabels, broader)``, sorted by IRI; deprecated concepts are left out
    unless asked for. A concept with several preferred labels (one per language) gets the
    first of ``lang``, untagged, then English, then any."""
    graph = load_scheme(scheme) if isinstance(scheme, str) else scheme
    rows = []
    for c in concept_iris(graph, include_deprecated=include_deprecated):
        rows.append(ConceptRow(
            str(c),
            _pref(graph, c, lang),
            labels(graph, c, lang).alt,
            tuple(sorted(str(b) for b in broader(graph, c))),
        ))
    return rows


def _pref(graph: Graph, concept: URIRef, lang: str | None) -> str:
    values = [v for v in graph.objects(concept, SKOS.prefLabel) if isinstance(v, Literal)]
    for wanted in (lang, None, "en"):
        for v in sorted(values, key=str):
            if (v.language or None) == wanted:
                return str(v)
    return str(sorted(values, key=str)[0]) if values else ""


def top_concepts(graph: Graph, scheme: str | URIRef | None = None) -> list[URIRef]:
    s = _iri(scheme) if scheme is not None else scheme_iri(graph)
    tops = set(graph.objects(s, SKOS.hasTopConcept)) | set(graph.subjects(SKOS.topConceptOf, s))
    return sorted((t for t in tops if isinstance(t, URIRef)), key=str)


# --- GCMD Science Keywords ------------------------------------------------------------------------

GCMD_SCHEME_NAME = "gcmd-science-keywords"


@functools.lru_cache(maxsize=1)
def _gcmd_index() -> tuple[dict[tuple[str, ...], str], dict[str, str], frozenset[str]]:
    from kg.vocab.gcmd import path_iri

    graph = load_scheme(GCMD_SCHEME_NAME)
    by_path: dict[tuple[str, ...], str] = {}
    by_lifter_iri: dict[str, str] = {}
    for concept in concept_iris(graph, include_deprecated=True):
        pref = graph.value(concept, SKOS.prefLabel)
        if pref is None:
            continue
        path = tuple(part.strip() for part in str(pref).split(" > "))
        by_path[tuple(p.upper() for p in path)] = str(concept)
        by_lifter_iri[str(path_iri(path))] = str(concept)
    return by_path, by_lifter_iri, frozenset(by_path.values())


def gcmd_concept_for_path(path: Sequence[str]) -> str | None:
    """The GCMD concept IRI of a keyword path (Category, Topic, Term, ...; case-insensitive),
    or None when the shipped keyword version has no such path."""
    return _gcmd_index()[0].get(tuple(p.strip().upper() for p in path))


def gcmd_concept_for_iri(iri: str) -> str | None:
    """The GCMD concept for an IRI the UMM-C lifter minted from a keyword path
    (``{BASE}concept/gcmd/sciencekeywords/<slug>/...`` at the default base), or for a concept IRI
    of the scheme itself; None when unknown."""
    _, by_lifter, known = _gcmd_index()
    if iri in by_lifter:
        return by_lifter[iri]
    return iri if iri in known else None
