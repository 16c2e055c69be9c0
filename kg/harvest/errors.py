"""Typed errors of harvesting: each names the source, the URL and, when there is one, the record."""

from __future__ import annotations

from kg.errors import CrosswalkError


class HarvestError(CrosswalkError):
    """A source, a page of it or one of its records could not be fetched or read.

    The harvest of the source goes on where it can (one bad page or record never stops the
    rest); the error is reported in the source's summary and in ``errors.jsonl``.
    """

    def __init__(self, message: str, *, source: str, url: str | None = None, record: str | None = None) -> None:
        self.message = message
        self.source = source
        self.url = url
        self.record = record
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [f"source {self.source}"]
        if self.url:
            where.append(self.url)
        if self.record:
            where.append(f"record {self.record}")
        return f"{', '.join(where)}: {self.message}"


class HarvestConfigError(CrosswalkError):
    """The harvest configuration file is unreadable or names an unknown key, kind or value."""

    def __init__(self, message: str, *, file: str, source: str | None = None, key: str | None = None) -> None:
        self.message = message
        self.file = file
        self.source = source
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.source:
            where.append(f"source {self.source}")
        if self.key:
            where.append(f"key {self.key}")
        return f"{', '.join(where)}: {self.message}"
