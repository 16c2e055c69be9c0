"""The lifter registry: one Lifter per source format, looked up by name or media type, or
guessed from content when the format is not given."""

from __future__ import annotations

from kg.errors import UnknownFormatError
from kg.formats import FORMATS, by_media_type
from kg.lifting.base import LiftedRecord, Lifter, RawRecord

_REGISTRY: dict[str, Lifter] = {}


def register(lifter: Lifter) -> Lifter:
    """Register ``lifter`` under its format's short name (once)."""
    name = lifter.format.name
    if name in _REGISTRY:
        raise ValueError(f"a lifter for {name!r} is already registered")
    if name not in FORMATS:
        FORMATS[name] = lifter.format
    _REGISTRY[name] = lifter
    return lifter


def get_lifter(name: str) -> Lifter:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownFormatError(f"unknown format {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def lifter_for_media_type(media_type: str) -> list[Lifter]:
    return [_REGISTRY[f.name] for f in by_media_type(media_type) if f.name in _REGISTRY]


def lifters() -> list[Lifter]:
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def guess_lifter(data: bytes, filename: str) -> Lifter | None:
    """The lifter most confident that ``data`` is its format, or None when none claims it."""
    best, best_score = None, 0.0
    for lifter in lifters():
        score = lifter.detect(data, filename)
        if score > best_score:
            best, best_score = lifter, score
    return best if best_score >= 0.5 else None


def _register_builtin() -> None:
    from kg.lifting.ckan import CkanPackageLifter
    from kg.lifting.datacite import DataCiteJsonLifter, DataCiteXmlLifter
    from kg.lifting.datajson import DataJsonLifter
    from kg.lifting.dcat_rdf import DcatRdfLifter
    from kg.lifting.dublincore import DublinCoreLifter
    from kg.lifting.eml import EmlLifter
    from kg.lifting.fgdc import FgdcLifter
    from kg.lifting.iso19139 import Iso19139Lifter
    from kg.lifting.schemaorg import SchemaOrgLifter
    from kg.lifting.tabular import TabularLifter
    from kg.lifting.umm import UmmCLifter

    register(DataJsonLifter())
    register(DataCiteXmlLifter())
    register(DataCiteJsonLifter())
    register(SchemaOrgLifter())
    register(Iso19139Lifter())
    register(DcatRdfLifter())
    register(EmlLifter())
    register(FgdcLifter())
    register(UmmCLifter())
    register(DublinCoreLifter())
    register(CkanPackageLifter())
    register(TabularLifter())


_register_builtin()

__all__ = ["LiftedRecord", "Lifter", "RawRecord", "get_lifter", "guess_lifter", "lifters", "register"]
