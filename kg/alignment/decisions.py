"""Curator decisions on a mapping set, and its versions.

A decision is written into the SSSOM row it is about (``reviewer_id``, ``reviewer_label``,
``review_date``, ``comment``, ``reviewer_agreement`` 1.0 or -1.0), so a mapping set file is
its own record of who decided what, when and why. An edit (another concept or predicate)
rejects the machine's row and adds the curator's row (``semapv:ManualMappingCuration``, the
curator as author). Every saved set is a new ``mapping_set_version``, and each version is also
kept as ``versions/{name}/{version}.sssom.tsv`` beside the sets: nothing a curator did is lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from kg.alignment.sssom import MANUAL, Mapping, MappingSet, read_sssom, write_sssom
from kg.namespaces import BASE, slug

DECISIONS = ("accept", "reject")


class DecisionError(ValueError):
    """A decision that cannot be made (unknown row, missing comment or reviewer)."""


def user_iri(name: str) -> str:
    return f"{BASE}user/{slug(name)}"


def _today(today: str | None) -> str:
    return today or dt.date.today().isoformat()


def _find(mapping_set: MappingSet, record_id: str) -> int:
    for i, m in enumerate(mapping_set.mappings):
        if m.record_id == record_id:
            return i
    raise DecisionError(f"{mapping_set.id}: no mapping {record_id}")


def decide(
    mapping_set: MappingSet,
    record_id: str,
    decision: str,
    *,
    reviewer: str,
    comment: str = "",
    today: str | None = None,
) -> Mapping:
    """Accept or reject one row. Returns the decided row."""
    if decision not in DECISIONS:
        raise DecisionError(f"decision must be one of {DECISIONS}, not {decision!r}")
    if not reviewer.strip():
        raise DecisionError("a decision needs the reviewer's name")
    if decision == "reject" and not comment.strip():
        raise DecisionError("a rejection needs a comment saying why")
    i = _find(mapping_set, record_id)
    row = replace(
        mapping_set.mappings[i],
        reviewer_id=user_iri(reviewer),
        reviewer_label=reviewer.strip(),
        reviewer_agreement=1.0 if decision == "accept" else -1.0,
        review_date=_today(today),
        comment=comment.strip(),
    )
    mapping_set.mappings[i] = row
    return row


def edit(
    mapping_set: MappingSet,
    record_id: str,
    *,
    object_id: str,
    object_label: str,
    predicate_id: str = "skos:exactMatch",
    reviewer: str,
    comment: str,
    today: str | None = None,
) -> Mapping:
    """Replace a row's concept or predicate: the old row is rejected, the curator's row added."""
    if not comment.strip():
        raise DecisionError("an edit needs a comment saying why")
    old = mapping_set.mappings[_find(mapping_set, record_id)]
    decide(mapping_set, record_id, "reject", reviewer=reviewer, comment=f"edited: {comment}", today=today)
    existing = {m.pair: i for i, m in enumerate(mapping_set.mappings)}
    new = Mapping(
        subject_id=old.subject_id,
        subject_label=old.subject_label,
        predicate_id=predicate_id,
        object_id=object_id,
        object_label=object_label,
        mapping_justification=MANUAL,
        confidence=1.0,
        author_id=user_iri(reviewer),
        author_label=reviewer.strip(),
        mapping_date=_today(today),
        subject_source=old.subject_source,
        comment=comment.strip(),
    ).with_id()
    if new.pair in existing:
        mapping_set.mappings[existing[new.pair]] = new
    else:
        mapping_set.mappings.append(new)
    return new


def bulk_accept(
    mapping_set: MappingSet,
    *,
    min_confidence: float,
    reviewer: str,
    comment: str = "",
    today: str | None = None,
) -> list[Mapping]:
    """Accept every proposed row with confidence ≥ ``min_confidence``. Returns the rows."""
    chosen = [m for m in mapping_set.mappings if m.status == "proposed" and (m.confidence or 0.0) >= min_confidence]
    note = comment.strip() or f"bulk-accepted: confidence >= {min_confidence:g}"
    return [decide(mapping_set, m.record_id, "accept", reviewer=reviewer, comment=note, today=today) for m in chosen]


def versions_dir(directory: Path, name: str) -> Path:
    return directory / "versions" / name


def save_version(mapping_set: MappingSet, directory: Path) -> Path:
    """Write the set as its next version, and keep that version's copy under ``versions/``."""
    current = int(mapping_set.version) if mapping_set.version.isdigit() else 0
    mapping_set.metadata["mapping_set_version"] = str(current + 1)
    path = write_sssom(mapping_set, directory / f"{mapping_set.name}.sssom.tsv")
    write_sssom(mapping_set, versions_dir(directory, mapping_set.name) / f"{mapping_set.version}.sssom.tsv")
    mapping_set.path = path
    return path


def list_versions(directory: Path, name: str) -> list[tuple[int, Path]]:
    folder = versions_dir(directory, name)
    found = [(int(p.name.split(".")[0]), p) for p in folder.glob("*.sssom.tsv") if p.name.split(".")[0].isdigit()]
    return sorted(found)


def load_version(directory: Path, name: str, version: int) -> MappingSet:
    return read_sssom(versions_dir(directory, name) / f"{version}.sssom.tsv")
