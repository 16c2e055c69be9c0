"""``kg crosswalk preview``: what an inventory becomes through a crosswalk, before anything is stored.

Lifts every row through the crosswalk and validates the records with the same shapes ingest
uses, in memory: no data directory is opened or created, nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import LiftError
from kg.lifting.base import LiftedRecord
from kg.lifting.crosswalk import Crosswalk, load_crosswalk
from kg.lifting.tabular import TabularLifter, read_table
from kg.validation import RecordReport, Validator


@dataclass
class Preview:
    """The records an inventory gives through a crosswalk, their validation, and what went unused."""

    crosswalk: Crosswalk
    header: list[str]
    records: list[tuple[LiftedRecord, RecordReport]] = field(default_factory=list)
    errors: list[LiftError] = field(default_factory=list)
    unmapped_columns: list[str] = field(default_factory=list)  # in the header, not in the crosswalk
    missing_columns: list[str] = field(default_factory=list)  # in the crosswalk, not in the header

    @property
    def conforming(self) -> int:
        return sum(1 for _, report in self.records if report.conforms)


def preview_inventory(
    inventory: Path, crosswalk_path: Path, *, source: str | None = None, validator: Validator | None = None
) -> Preview:
    """Lift and validate ``inventory`` through the crosswalk at ``crosswalk_path``, storing nothing.

    Raises CrosswalkSpecError for a malformed crosswalk and LiftError for an unreadable inventory
    (or one the crosswalk does not fit); a bad row is an entry of ``errors``, the rest go on."""
    crosswalk = load_crosswalk(crosswalk_path)
    lifter = TabularLifter(crosswalk)
    data = Path(inventory).read_bytes()
    name = Path(inventory).name
    try:
        header, _ = read_table(data, name, crosswalk.delimiter)
    except LiftError:
        header, _ = read_table(data, name)  # the crosswalk's separator is not this file's: say what fits
    preview = Preview(crosswalk=crosswalk, header=header)
    named = {rule.column.casefold() for rule in crosswalk.columns} | {
        c.casefold() for c in crosswalk.identifier_columns()
    }
    preview.unmapped_columns = [h for h in header if h and h.casefold() not in named]
    have = {h.casefold() for h in header}
    preview.missing_columns = sorted({r.column for r in crosswalk.columns if r.column.casefold() not in have})
    if not crosswalk.matches(header):
        raise LiftError(
            f"the crosswalk {crosswalk.name} needs the columns {', '.join(crosswalk.match_columns)}; "
            f"the header lacks {', '.join(c for c in crosswalk.match_columns if c.casefold() not in have)}",
            source_file=name,
            field="#row=1",
        )
    lifted: list[LiftedRecord] = []
    for piece in lifter.split(data, source_file=name):
        if isinstance(piece, LiftError):
            preview.errors.append(piece)
            continue
        try:
            lifted.append(lifter.lift(piece, source=source or Path(inventory).resolve().parent.name))
        except LiftError as exc:
            preview.errors.append(exc)
    reports = (validator or Validator()).validate(lifted)
    preview.records = [(rec, reports[rec.key]) for rec in lifted]
    return preview


__all__ = ["Preview", "preview_inventory"]
