"""The curator's workspace: draft changes to mapping sets, see their impact, publish them.

``{mappings}/{name}.sssom.tsv`` is the published set (what ingest applies). A curator's
decisions go to the draft ``{mappings}/drafts/{name}.sssom.tsv`` first; :meth:`Workspace.impact`
says which datasets would gain or lose which concepts, and which cross-lab concept links (two
datasets of different sources sharing a concept) would appear or go, before anything changes.
:meth:`Workspace.publish` refuses a draft that makes the core ontology inconsistent (see
``kg.alignment.logic``), then saves it as the set's next version (every version kept under
``versions/``) and re-aligns only the records whose terms the changed mappings touch.
"""

from __future__ import annotations

import copy
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.namespace import DCAT, FOAF

from kg.alignment.align import (
    ALIGNMENT_PREFIX,
    SHARED_SOURCE,
    Aligner,
    align,
    load_mapping_sets,
    mappings_dir,
    record_terms,
)
from kg.alignment.decisions import save_version
from kg.alignment.sssom import MappingSet, read_sssom, write_sssom
from kg.namespaces import BASE, CW
from kg.store import GraphStore


@dataclass(frozen=True)
class ConceptChange:
    key: str  # record key
    dataset: str
    source: str
    concept: str
    term: str  # the lab's term that brings (or brought) the concept


@dataclass(frozen=True)
class LinkChange:
    concept: str
    a: str  # record key
    b: str
    change: str  # "added" / "removed"


@dataclass
class Impact:
    name: str
    changed_mappings: list[str] = field(default_factory=list)  # record_ids whose status or target changed
    gained: list[ConceptChange] = field(default_factory=list)
    lost: list[ConceptChange] = field(default_factory=list)
    links: list[LinkChange] = field(default_factory=list)

    @property
    def records(self) -> list[str]:
        return sorted({c.key for c in self.gained + self.lost})


@dataclass
class PublishResult:
    name: str
    version: str
    path: Path
    records_realigned: int
    seconds: float
    impact: Impact


class PublishRefused(ValueError):
    """Publishing would break the ontology; ``explanations`` name the axioms involved."""

    def __init__(self, message: str, explanations: list[str]) -> None:
        super().__init__(message)
        self.explanations = explanations


class Workspace:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or mappings_dir()

    # --- sets and drafts ---------------------------------------------------------------------

    def names(self) -> list[str]:
        return sorted(p.name.removesuffix(".sssom.tsv") for p in self.directory.glob("*.sssom.tsv"))

    def published_path(self, name: str) -> Path:
        return self.directory / f"{name}.sssom.tsv"

    def draft_path(self, name: str) -> Path:
        return self.directory / "drafts" / f"{name}.sssom.tsv"

    def published(self, name: str) -> MappingSet:
        return read_sssom(self.published_path(name))

    def has_draft(self, name: str) -> bool:
        return self.draft_path(name).exists()

    def draft(self, name: str) -> MappingSet:
        """The draft if there is one, else a copy of the published set to start one from."""
        if self.has_draft(name):
            return read_sssom(self.draft_path(name))
        return copy.deepcopy(self.published(name))

    def save_draft(self, mapping_set: MappingSet) -> Path:
        return write_sssom(mapping_set, self.draft_path(mapping_set.name))

    def discard_draft(self, name: str) -> None:
        self.draft_path(name).unlink(missing_ok=True)

    # --- impact ---------------------------------------------------------------------------------

    def impact(self, store: GraphStore, name: str, draft: MappingSet | None = None) -> Impact:
        """What publishing the draft of ``name`` would change, computed without writing."""
        draft = draft or self.draft(name)
        current = load_mapping_sets(self.directory)
        proposed = [draft if s.name == name else s for s in current]
        if all(s.name != name for s in current):
            proposed.append(draft)
        before = {m.record_id: (m.status, m.object_id) for s in current if s.name == name for m in s.mappings}
        after = {m.record_id: (m.status, m.object_id) for m in draft.mappings}
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        result = Impact(name, changed)
        if not changed:
            return result
        old, new = Aligner(current), Aligner(proposed)
        scope = None if draft.source in (None, SHARED_SOURCE) else {draft.source}
        concepts_before: dict[str, set[str]] = defaultdict(set)
        concepts_after: dict[str, set[str]] = defaultdict(set)
        source_of: dict[str, str] = {}
        for rec in record_terms(store, scope):
            source_of[rec.key] = rec.source
            got_old = {(str(m.object_id), t) for _, t in rec.terms for m, _ in old.concepts_for(rec.source, t)}  # type: ignore[attr-defined]
            got_new = {(str(m.object_id), t) for _, t in rec.terms for m, _ in new.concepts_for(rec.source, t)}  # type: ignore[attr-defined]
            concepts_before[rec.key] = {c for c, _ in got_old}
            concepts_after[rec.key] = {c for c, _ in got_new}
            for c, t in sorted(got_new - got_old):
                if c not in concepts_before[rec.key]:
                    result.gained.append(ConceptChange(rec.key, rec.dataset, rec.source, c, t))
            for c, t in sorted(got_old - got_new):
                if c not in concepts_after[rec.key]:
                    result.lost.append(ConceptChange(rec.key, rec.dataset, rec.source, c, t))
        touched = {c.concept for c in result.gained + result.lost}
        if touched:
            result.links = self._link_changes(store, touched, concepts_before, concepts_after, source_of)
        return result

    def _link_changes(
        self,
        store: GraphStore,
        concepts: set[str],
        before: dict[str, set[str]],
        after: dict[str, set[str]],
        source_of: dict[str, str],
    ) -> list[LinkChange]:
        """Cross-lab pairs sharing one of ``concepts``, before and after (other sources' records
        keep their stored alignment)."""
        holders_before: dict[str, set[str]] = defaultdict(set)
        holders_after: dict[str, set[str]] = defaultdict(set)
        values = " ".join(f"<{c}>" for c in sorted(concepts))
        rows = store.select(
            f"""SELECT ?key ?source ?c WHERE {{ VALUES ?c {{ {values} }}
                GRAPH ?a {{ ?a <{CW.recordKey}> ?key ; <{FOAF.primaryTopic}> ?ds . ?ds <{DCAT.theme}> ?c }}
                FILTER(STRSTARTS(STR(?a), "{ALIGNMENT_PREFIX}"))
                GRAPH ?g {{ ?g <{CW.recordKey}> ?key ; <{CW.source}> ?source }}
                FILTER(STRSTARTS(STR(?g), "{BASE}graph/record/")) }}"""
        )
        for r in rows:
            if r["key"] in before:  # re-computed above
                continue
            src = r["source"].rstrip("/").rsplit("/", 1)[-1]
            source_of[r["key"]] = src
            holders_before[r["c"]].add(r["key"])
            holders_after[r["c"]].add(r["key"])
        for key in before:
            for c in before[key] & concepts:
                holders_before[c].add(key)
            for c in after[key] & concepts:
                holders_after[c].add(key)
        changes: list[LinkChange] = []
        for c in sorted(concepts):
            pairs_b = _cross_pairs(holders_before[c], source_of)
            pairs_a = _cross_pairs(holders_after[c], source_of)
            changes += [LinkChange(c, a, b, "added") for a, b in sorted(pairs_a - pairs_b)]
            changes += [LinkChange(c, a, b, "removed") for a, b in sorted(pairs_b - pairs_a)]
        return changes

    # --- publishing --------------------------------------------------------------------------

    def publish(self, store: GraphStore, name: str, *, check: bool = True) -> PublishResult:
        started = time.perf_counter()
        if not self.has_draft(name):
            raise PublishRefused(f"{name}: there is no draft to publish", ["decide on some mappings first"])
        draft = self.draft(name)
        impact = self.impact(store, name, draft)
        if check:
            from kg.alignment.logic import ReasonerUnavailable, check_mappings

            try:
                problems = check_mappings(load_mapping_sets(self.directory), draft)
            except ReasonerUnavailable as exc:  # never publish unchecked
                raise PublishRefused(f"{name}: the reasoner could not run, nothing was published", [str(exc)]) from exc
            # a clash the draft takes part in refuses it; one only between other sets does not
            problems = [p for p in problems if not getattr(p, "set_names", None) or name in p.set_names]
            if problems:
                raise PublishRefused(
                    f"{name}: publishing would make the ontology inconsistent", [p.explain() for p in problems]
                )
        path = save_version(draft, self.directory)
        self.discard_draft(name)
        sets = load_mapping_sets(self.directory)
        realigned = 0
        if impact.records:
            realigned = align(store, sets, keys=impact.records).written
        return PublishResult(name, draft.version, path, realigned, time.perf_counter() - started, impact)


def _cross_pairs(keys: set[str], source_of: dict[str, str]) -> set[tuple[str, str]]:
    ordered = sorted(keys)
    return {
        (a, b)
        for i, a in enumerate(ordered)
        for b in ordered[i + 1 :]
        if source_of.get(a) != source_of.get(b)
    }
