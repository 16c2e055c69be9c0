"""The project's own typed errors. Anything else escaping a lifter is a bug."""

from __future__ import annotations


class CrosswalkError(Exception):
    """Base class of every error Crosswalk raises on purpose."""


class LiftError(CrosswalkError):
    """A record (or a whole input) could not be lifted.

    Names the input file, the record inside it (identifier or position) and the field, so a
    data steward can find and fix it at the source.
    """

    def __init__(
        self,
        message: str,
        *,
        source_file: str | None = None,
        record: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source_file = source_file
        self.record = record
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.source_file:
            where.append(self.source_file)
        if self.record:
            where.append(f"record {self.record}")
        if self.field:
            where.append(f"field {self.field}")
        prefix = ": ".join([", ".join(where)]) if where else ""
        return f"{prefix}: {self.message}" if prefix else self.message


class UnknownFormatError(CrosswalkError):
    """No registered lifter claims an input."""
