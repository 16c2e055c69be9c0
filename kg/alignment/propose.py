"""Propose candidate mappings for a source's terms (``kg align propose``).

Every distinct term of the source's stored records is matched (kg.alignment.matching) against
the concepts of the shipped schemes; each new (term, concept) pair becomes a row of the source's
mapping set with its confidence and semapv justification, status "proposed". A pair already in
the set, whatever its status, is left as it is: a curator's decision is never overwritten and a
rejected pair is never proposed again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kg import __version__
from kg.alignment.align import SHARED_SOURCE, mappings_dir, record_terms
from kg.alignment.decisions import save_version
from kg.alignment.matching import TOOL, Matcher, scheme_concepts
from kg.alignment.sssom import Mapping, MappingSet, read_sssom, term_iri
from kg.namespaces import BASE
from kg.store import GraphStore

LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"


def set_path(source: str, directory: Path | None = None) -> Path:
    return (directory or mappings_dir()) / f"{source}.sssom.tsv"


def new_set(source: str) -> MappingSet:
    return MappingSet(
        {
            "mapping_set_id": f"{BASE}mappings/{source}",
            "mapping_set_version": "0",
            "mapping_set_title": f"{source}: lab terms to shared concepts",
            "license": LICENSE,
            "subject_source": f"{BASE}source/{source}",
        }
    )


@dataclass
class ProposeResult:
    source: str
    terms: int
    matched: int
    added: int
    kept: int
    path: Path


def term_counts(store: GraphStore, source: str) -> Counter[str]:
    """How many records of ``source`` use each term (keyword, theme label, technique)."""
    counts: Counter[str] = Counter()
    for rec in record_terms(store, None if source == SHARED_SOURCE else [source]):
        for term in {t for _, t in rec.terms}:
            counts[term] += 1
    return counts


def propose(
    store: GraphStore,
    source: str,
    *,
    embedder: object | None = None,
    directory: Path | None = None,
    per_term: int = 2,
    today: str | None = None,
) -> ProposeResult:
    path = set_path(source, directory)
    mapping_set = read_sssom(path) if path.exists() else new_set(source)
    counts = term_counts(store, source)
    known = {m.pair for m in mapping_set.mappings}
    matcher = Matcher(scheme_concepts(), embedder)
    terms = sorted(counts)
    found = matcher.candidates(terms, per_term=per_term)
    date = today or dt.date.today().isoformat()
    added = 0
    by_subject: dict[str, str] = {}
    for term in terms:
        subject = term_iri(source, term)
        if subject in by_subject:  # two spellings of one term ("Sea ice", "sea-ice"): one subject
            continue
        by_subject[subject] = term
        for cand in found.get(term, []):
            if (subject, cand.concept.iri) in known:
                continue
            mapping_set.mappings.append(
                Mapping(
                    subject_id=subject,
                    subject_label=term,
                    predicate_id=cand.predicate,
                    object_id=cand.concept.iri,
                    object_label=cand.concept.path,
                    mapping_justification=cand.justification,
                    confidence=cand.confidence,
                    similarity_score=round(cand.similarity, 4) if cand.similarity is not None else None,
                    similarity_measure="fused cosine (label, path) all-MiniLM-L6-v2" if cand.similarity is not None else "",
                    mapping_tool=f"{TOOL} {__version__} ({cand.method})",
                    mapping_date=date,
                    object_source=cand.concept.scheme,
                ).with_id()
            )
            known.add((subject, cand.concept.iri))
            added += 1
    if added or not path.exists():
        save_version(mapping_set, path.parent)
        _add_to_draft(mapping_set, path.parent)
    return ProposeResult(source, len(terms), len(found), added, len(mapping_set.mappings) - added, path)


def _add_to_draft(mapping_set: MappingSet, directory: Path) -> None:
    """A draft started before these candidates existed gets them too, so publishing it later
    does not drop them."""
    from kg.alignment.workspace import Workspace

    ws = Workspace(directory)
    if not ws.has_draft(mapping_set.name):
        return
    draft = ws.draft(mapping_set.name)
    known = {m.pair for m in draft.mappings}
    new = [m for m in mapping_set.mappings if m.pair not in known]
    if new:
        draft.mappings.extend(new)
        ws.save_draft(draft)
