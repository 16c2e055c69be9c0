"""Typed findings: what went wrong (or could be better) with which record, field and rule."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass


class Severity(str, enum.Enum):
    """SHACL severities (SHACL 2.1.6), also used for problems found while lifting."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @classmethod
    def from_iri(cls, iri: str) -> Severity:
        name = iri.rsplit("#", 1)[-1]
        return cls(name) if name in cls._value2member_map_ else cls.VIOLATION


@dataclass(frozen=True)
class Finding:
    """One problem with one record: which record, which field, which rule, and how to fix it."""

    severity: Severity
    message: str
    record: str  # the record's own identifier (or its position when it has none)
    field: str | None = None  # source field (JSON key / XML element) or RDF property
    rule: str | None = None  # SHACL shape / constraint, or "lift:<check>"
    source_file: str | None = None
    fix: str | None = None
    focus: str | None = None  # IRI of the node the finding is about
    path: str | None = None  # the RDF property (IRI) a SHACL result is about; field is its source field

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    def __str__(self) -> str:
        where = ", ".join(
            x
            for x in (
                self.source_file,
                f"record {self.record}",
                f"field {self.field}" if self.field else None,
            )
            if x
        )
        return f"{self.severity.value}: {where}: {self.message}"
