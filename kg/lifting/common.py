"""Value parsing shared by lifters: dates, periods, IRIs, languages, media types, frequencies."""

from __future__ import annotations

import functools
import re
from pathlib import PurePath
from urllib.parse import quote, urlsplit

import pyoxigraph
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.ntriples import safe_iri

_DATE_RE = re.compile(r"^(\d{4})(-(\d{2}))?(-(\d{2}))?$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def date_literal(value: object) -> Literal | None:
    """An xsd:date / gYearMonth / gYear / dateTime literal for an ISO 8601 value, else None."""
    if isinstance(value, int) and 0 < value < 10000:
        return Literal(f"{value:04d}", datatype=XSD.gYear)
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _DATE_RE.match(text)
    if match:
        year, month, day = match.group(1), match.group(3), match.group(5)
        if month and not 1 <= int(month) <= 12:
            return None
        if day and not 1 <= int(day) <= 31:
            return None
        if day:
            return Literal(text, datatype=XSD.date)
        if month:
            return Literal(text, datatype=XSD.gYearMonth)
        return Literal(year, datatype=XSD.gYear)
    if _DATETIME_RE.match(text):
        normalized = text.replace(" ", "T", 1)
        if normalized.count(":") == 1 and "T" in normalized:
            normalized += ":00"
        return Literal(normalized, datatype=XSD.dateTime)
    return None


def split_interval(value: str) -> tuple[str, str] | None:
    """The two ends of an ISO 8601 interval ``start/end`` (either may be a duration), else None."""
    if not isinstance(value, str) or "/" not in value:
        return None
    parts = value.strip().split("/")
    if len(parts) != 2:
        return None
    return parts[0].strip(), parts[1].strip()


def iri(value: object) -> URIRef | None:
    """A URIRef when ``value`` is an absolute http(s)/mailto/ftp/urn IRI, else None.

    Spaces and characters illegal in IRIs (RFC 3987) are percent-encoded; anything without a
    scheme and a host is refused, so a relative or free-text value never becomes an IRI.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or any(c in text for c in "\n\r\t"):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https", "ftp"):
        if not parts.netloc or " " in parts.netloc or "." not in parts.netloc and parts.netloc != "localhost":
            return None
    elif scheme in ("mailto", "urn", "doi", "info"):
        if not parts.path:
            return None
    else:
        return None
    try:
        safe = quote(text, safe=":/?#[]@!$&'()*+,;=%~-._")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800" in JSON) is not text, let alone an IRI
        return None
    return URIRef(safe) if valid_iri(safe) else None  # e.g. a port that is not a number


def valid_iri(text: str) -> bool:
    """True when ``text``, as written to the store (``safe_iri``), is an absolute IRI (RFC 3987)
    that Oxigraph accepts: a scheme, and a well-formed host and port when it has an authority."""
    try:
        pyoxigraph.NamedNode(safe_iri(text))
    except ValueError:
        return False
    return True


def mailto(value: object) -> URIRef | None:
    """A ``mailto:`` IRI for an e-mail address given with or without the scheme."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", text):
        return None
    try:
        return URIRef("mailto:" + quote(text, safe="@.+-_~!$&'*=?^`{|}"))
    except UnicodeEncodeError:  # a lone surrogate
        return None


def language_iri(value: object) -> URIRef | None:
    """The Library of Congress ISO 639-1 IRI for a BCP 47 tag (``en-US`` → ``.../iso639-1/en``)."""
    if not isinstance(value, str):
        return None
    primary = value.strip().split("-")[0].split("_")[0].lower()
    if re.fullmatch(r"[a-z]{2}", primary):
        return URIRef(f"http://id.loc.gov/vocabulary/iso639-1/{primary}")
    if re.fullmatch(r"[a-z]{3}", primary):
        return URIRef(f"http://id.loc.gov/vocabulary/iso639-2/{primary}")
    return None


def language_tag(value: object) -> str | None:
    """``value`` as a well-formed BCP 47 language tag (RFC 5646 section 2.1; ``_`` read as ``-``),
    else None. A literal's tag must be one: the store (Oxigraph) refuses any other."""
    if not isinstance(value, str):
        return None
    tag = value.strip().replace("_", "-")
    return tag if tag and _well_formed_tag(tag) else None


@functools.lru_cache(maxsize=1024)
def _well_formed_tag(tag: str) -> bool:
    try:
        pyoxigraph.Literal("", language=tag)
    except ValueError:
        return False
    return True


def media_type_iri(value: object) -> URIRef | None:
    """The IANA registry IRI of a media type such as ``text/csv``."""
    if not isinstance(value, str):
        return None
    text = value.strip().split(";")[0].lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*", text):
        return None
    return URIRef(f"https://www.iana.org/assignments/media-types/{text}")


# ISO 8601 repeating durations used by DCAT-US 1.1 accrualPeriodicity → Dublin Core frequencies.
_FREQ = "http://purl.org/cld/freq/"
FREQUENCIES = {
    "R/P10Y": "decennial",
    "R/P4Y": "quadrennial",
    "R/P1Y": "annual",
    "R/P2M": "bimonthly",
    "R/P0.5W": "semiweekly",
    "R/P3.5D": "semiweekly",
    "R/P1D": "daily",
    "R/P2W": "biweekly",
    "R/P0.5M": "semimonthly",
    "R/P6M": "semiannual",
    "R/P3Y": "triennial",
    "R/P0.33W": "threeTimesAWeek",
    "R/P0.33M": "threeTimesAMonth",
    "R/PT1S": "continuous",
    "R/PT1H": "hourly",
    "R/P1M": "monthly",
    "R/P3M": "quarterly",
    "R/P1W": "weekly",
    "R/P2Y": "biennial",
    "irregular": "irregular",
}


def frequency_iri(value: object) -> URIRef | None:
    if not isinstance(value, str):
        return None
    name = FREQUENCIES.get(value.strip())
    return URIRef(_FREQ + name) if name else None


_WS = re.compile(r"\s+")


def clean_text(value: object) -> str | None:
    """Trimmed text with runs of whitespace collapsed; None for empty or non-text values."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = _WS.sub(" ", value).strip()
    return text or None


_BBOX_RE = re.compile(
    r"^\s*(-?\d+(\.\d+)?)\s*,\s*(-?\d+(\.\d+)?)\s*,\s*(-?\d+(\.\d+)?)\s*,\s*(-?\d+(\.\d+)?)\s*$"
)


def bbox_wkt(west: float, south: float, east: float, north: float) -> Literal:
    """A GeoSPARQL WKT polygon literal for a bounding box (DCAT 3 section 6.15 dcat:bbox)."""
    wkt = (
        f"POLYGON(({west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south}))"
    )
    return Literal(wkt, datatype=URIRef("http://www.opengis.net/ont/geosparql#wktLiteral"))


def parse_bbox(value: str) -> tuple[float, float, float, float] | None:
    """``west,south,east,north`` (DCAT-US 1.1 spatial bounding box) as floats, else None."""
    match = _BBOX_RE.match(value) if isinstance(value, str) else None
    if not match:
        return None
    west, south, east, north = (float(match.group(i)) for i in (1, 3, 5, 7))
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
        return None
    return west, south, east, north


# An escaped backslash (kept: what follows it is text), a UTF-16 surrogate pair (kept), or a lone
# surrogate (replaced; the \U0000 form is Turtle's).
_ESCAPE_RE = re.compile(
    r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|(?P<lone>\\(u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2})"
)
_SURROGATE_ESCAPE_RE = re.compile(r"\\(u|U0000)[dD][89a-fA-F]")  # any, paired or not: a fast first look


def without_lone_surrogates(text: str) -> str:
    """JSON or Turtle text with each lone surrogate escape (``\\ud800`` with no partner) read as
    U+FFFD. Both syntaxes allow the escape, but it names no Unicode character: decoded, it is a
    string that cannot be written as UTF-8 (raw record bytes, hashes, the store)."""
    if not _SURROGATE_ESCAPE_RE.search(text):
        return text
    return _ESCAPE_RE.sub(lambda m: "\\ufffd" if m.group("lone") else m.group(0), text)


def file_record(source_file: str) -> str:
    """The name a whole-file record goes by in errors: the file's own name."""
    return PurePath(source_file).name or source_file
