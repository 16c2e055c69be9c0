"""Declarative crosswalks: a lab's spreadsheet columns → Crosswalk's dataset model, without code.

A crosswalk is a YAML file (``ontologies/crosswalks/*.yaml``, or a directory named in
``$KG_CROSSWALK_DIRS``) that a curator edits. It says which inventories it applies to (the header
columns it needs), which column identifies a record, and for each column the *target* it fills
and the value transforms on the way. ``docs`` of every key: ``ontologies/crosswalks/README.md``.

.. code-block:: yaml

    crosswalk: ornl-ess-inventory          # name: a slug, unique among crosswalks
    version: "1.0"
    title: ORNL Environmental Sciences data inventory
    match: {columns: [Dataset ID, Dataset Name]}   # header columns that identify the inventory
    identifier: Dataset ID                  # column (or "{Col A}/{Col B}" template) = record id
    defaults: {publisher: Oak Ridge National Laboratory}   # target → value when no column gives one
    columns:
      Dataset Name: title
      Keywords: {target: keyword, split: ";"}
      Start: {target: temporal_start, date: ["%m/%d/%Y"]}
      Size (GB): {target: byte_size, unit: GB}
      Access: {target: access_rights, values: {Public: public, "ORNL only": non-public}}
      Sponsor: {property: "schema:sponsor"}        # any property, as a literal (or kind: iri)

Targets are the neutral dataset model of ``kg/lifting/tabular.py`` (``TARGETS``); a target that is
not in it, an unknown transform or a malformed value is refused with a ``CrosswalkSpecError``
naming the file and the key (``columns."Size (GB)".unit``), before any record is lifted.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import CrosswalkError
from kg.lifting.common import date_literal

REPO_CROSSWALKS = Path(__file__).resolve().parents[2] / "ontologies" / "crosswalks"

PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "adms": "http://www.w3.org/ns/adms#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# Units a column's numbers may be given in, per dimension, as factors of the dimension's base unit
# (bytes, metres, seconds). Sizes: SI prefixes are decimal (IEC 80000-13), KiB… binary.
UNITS: dict[str, dict[str, float]] = {
    "bytes": {
        "b": 1, "byte": 1, "bytes": 1,
        "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "pb": 1e15,
        "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40, "pib": 2**50,
    },
    "metres": {"mm": 1e-3, "cm": 1e-2, "m": 1, "km": 1e3, "ft": 0.3048, "mi": 1609.344},
    "seconds": {"s": 1, "sec": 1, "min": 60, "h": 3600, "hr": 3600, "d": 86400, "day": 86400, "days": 86400},
}  # fmt: skip
_UNIT_DIMENSION = {unit: dim for dim, table in UNITS.items() for unit in table}
_NUMBER_UNIT = re.compile(r"^\s*([-+]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*([A-Za-z]+)?\s*$")

SPEC_KEYS = {"crosswalk", "version", "title", "description", "match", "identifier", "defaults", "columns",
             "delimiter", "prefixes", "skip_rows", "encoding"}  # fmt: skip
COLUMN_KEYS = {"target", "property", "kind", "datatype", "lang", "split", "values", "strict", "date", "unit",
               "template", "default", "lower", "note"}  # fmt: skip


class CrosswalkSpecError(CrosswalkError):
    """A crosswalk file is malformed: names the file and the key."""

    def __init__(self, message: str, *, path: str, key: str | None = None) -> None:
        self.path, self.key, self.message = path, key, message
        super().__init__(f"{path}: {key}: {message}" if key else f"{path}: {message}")


@dataclass(frozen=True)
class ColumnRule:
    """What one column fills, and how its text becomes values (in the order of the fields)."""

    column: str
    target: str | None = None  # a name in tabular.TARGETS
    property: URIRef | None = None  # or any property, written on the dataset
    kind: str = "literal"  # for ``property``: literal | iri
    datatype: URIRef | None = None
    lang: str | None = None
    split: str | None = None
    values: dict[str, str | None] = field(default_factory=dict)
    strict: bool = False  # a value missing from ``values`` is a warning (and kept unmapped)
    date_formats: tuple[str, ...] = ()
    unit: str | None = None
    template: str | None = None
    default: str | None = None
    lower: bool = False


@dataclass(frozen=True)
class Crosswalk:
    """A parsed crosswalk file (see the module docstring)."""

    name: str
    version: str
    path: str
    digest: str  # sha256 of the file: part of every lifted record's fingerprint
    title: str
    match_columns: tuple[str, ...]
    identifier: str
    columns: tuple[ColumnRule, ...]
    defaults: dict[str, str]
    delimiter: str | None = None

    @property
    def iri(self) -> URIRef:
        from kg.namespaces import BASE

        return URIRef(f"{BASE}crosswalk/{self.name}/{self.version}")

    def matches(self, header: list[str]) -> bool:
        have = {h.strip().casefold() for h in header}
        return all(c.casefold() in have for c in self.match_columns)

    def identifier_columns(self) -> list[str]:
        if "{" in self.identifier:
            return re.findall(r"\{([^{}]+)\}", self.identifier)
        return [self.identifier]


def load_crosswalk(path: Path | str) -> Crosswalk:
    """Parse and check one crosswalk file. Raises CrosswalkSpecError naming the file and key."""
    from kg.lifting.tabular import TARGETS  # the neutral model the crosswalk fills

    path = Path(path)
    shown = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CrosswalkSpecError(f"cannot read ({exc.strerror})", path=shown) from exc
    try:
        spec = yaml.safe_load(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CrosswalkSpecError(f"not UTF-8 text (byte {exc.start})", path=shown) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise CrosswalkSpecError(f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", path=shown) from exc
    if not isinstance(spec, dict):
        raise CrosswalkSpecError("the file must be a YAML mapping with 'crosswalk', 'identifier' and 'columns'",
                                 path=shown)  # fmt: skip
    unknown = sorted(set(map(str, spec)) - SPEC_KEYS)
    if unknown:
        raise CrosswalkSpecError(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(SPEC_KEYS))}",
                                 path=shown, key=unknown[0])  # fmt: skip

    def text(key: str, *, required: bool = False, default: str = "") -> str:
        value = spec.get(key)
        if value is None:
            if required:
                raise CrosswalkSpecError("is required", path=shown, key=key)
            return default
        if not isinstance(value, (str, int, float)):
            raise CrosswalkSpecError(f"must be text, not {type(value).__name__}", path=shown, key=key)
        return str(value)

    name = text("crosswalk", required=True)
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
        raise CrosswalkSpecError(f"{name!r} must be a lower-case slug (a-z, 0-9, . _ -)", path=shown, key="crosswalk")
    prefixes = dict(PREFIXES)
    extra = spec.get("prefixes") or {}
    if not isinstance(extra, dict):
        raise CrosswalkSpecError("must map prefix → namespace IRI", path=shown, key="prefixes")
    prefixes.update({str(k): str(v) for k, v in extra.items()})

    columns_spec = spec.get("columns")
    if not isinstance(columns_spec, dict) or not columns_spec:
        raise CrosswalkSpecError("must map each column name to a target or a rule", path=shown, key="columns")
    rules: list[ColumnRule] = []
    for column, entry in columns_spec.items():
        for position, item in enumerate(entry if isinstance(entry, list) else [entry]):
            key = f'columns."{column}"' + (f"[{position}]" if isinstance(entry, list) else "")
            rules.append(_column_rule(str(column), item, key=key, path=shown, prefixes=prefixes, targets=TARGETS))

    identifier = text("identifier", required=True)
    match = spec.get("match") or {}
    if not isinstance(match, dict) or not isinstance(match.get("columns", []), list):
        raise CrosswalkSpecError("must be {columns: [header names]}", path=shown, key="match")
    match_columns = tuple(str(c) for c in match.get("columns") or [])
    if not match_columns:
        match_columns = tuple(dict.fromkeys(_template_columns(identifier)))
    defaults = spec.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise CrosswalkSpecError("must map target → value", path=shown, key="defaults")
    for target in defaults:
        if target not in TARGETS:
            raise CrosswalkSpecError(f"unknown target {target!r}; known: {', '.join(sorted(TARGETS))}",
                                     path=shown, key=f"defaults.{target}")  # fmt: skip
    delimiter = spec.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter.replace("\\t", "\t")) != 1):
        raise CrosswalkSpecError('must be one character (use "\\t" for tab)', path=shown, key="delimiter")
    return Crosswalk(
        name=name,
        version=text("version", default="1"),
        path=shown,
        digest=hashlib.sha256(data).hexdigest(),
        title=text("title", default=name),
        match_columns=match_columns,
        identifier=identifier,
        columns=tuple(rules),
        defaults={str(k): str(v) for k, v in defaults.items() if v is not None},
        delimiter=delimiter.replace("\\t", "\t") if isinstance(delimiter, str) else None,
    )


def _template_columns(template: str) -> list[str]:
    return re.findall(r"\{([^{}]+)\}", template) if "{" in template else [template]


def _column_rule(column: str, item: object, *, key: str, path: str, prefixes: dict[str, str],
                 targets: dict[str, object]) -> ColumnRule:  # fmt: skip
    if isinstance(item, str):
        item = {"target": item}
    if not isinstance(item, dict):
        raise CrosswalkSpecError("must be a target name or a mapping with 'target' or 'property'", path=path, key=key)
    unknown = sorted(set(map(str, item)) - COLUMN_KEYS)
    if unknown:
        raise CrosswalkSpecError(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(COLUMN_KEYS))}",
                                 path=path, key=f"{key}.{unknown[0]}")  # fmt: skip
    target = item.get("target")
    prop = item.get("property")
    if (target is None) == (prop is None):
        raise CrosswalkSpecError("give exactly one of 'target' or 'property'", path=path, key=key)
    if target is not None and target not in targets:
        raise CrosswalkSpecError(f"unknown target {target!r}; known: {', '.join(sorted(targets))}",
                                 path=path, key=f"{key}.target")  # fmt: skip
    prop_iri = _expand(str(prop), prefixes, path=path, key=f"{key}.property") if prop is not None else None
    kind = str(item.get("kind", "literal"))
    if kind not in ("literal", "iri"):
        raise CrosswalkSpecError("must be 'literal' or 'iri'", path=path, key=f"{key}.kind")
    datatype = (
        _expand(str(item["datatype"]), prefixes, path=path, key=f"{key}.datatype") if item.get("datatype") else None
    )
    values = item.get("values") or {}
    if not isinstance(values, dict):
        raise CrosswalkSpecError("must map source value → value (or null to drop it)", path=path, key=f"{key}.values")
    dates = item.get("date") or ()
    if isinstance(dates, str):
        dates = (dates,)
    if not isinstance(dates, (list, tuple)) or not all(isinstance(d, str) and "%" in d for d in dates):
        raise CrosswalkSpecError("must be a strptime format or a list of them, e.g. \"%m/%d/%Y\"",
                                 path=path, key=f"{key}.date")  # fmt: skip
    unit = item.get("unit")
    if unit is not None and str(unit).casefold() not in _UNIT_DIMENSION:
        raise CrosswalkSpecError(f"unknown unit {unit!r}; known: {', '.join(sorted(_UNIT_DIMENSION))}",
                                 path=path, key=f"{key}.unit")  # fmt: skip
    split = item.get("split")
    if split is not None and (not isinstance(split, str) or not split):
        raise CrosswalkSpecError('must be the separator text, e.g. ";"', path=path, key=f"{key}.split")
    template = item.get("template")
    if template is not None and "{value}" not in str(template):
        raise CrosswalkSpecError("must contain {value}", path=path, key=f"{key}.template")
    return ColumnRule(
        column=column,
        target=str(target) if target is not None else None,
        property=prop_iri,
        kind=kind,
        datatype=datatype,
        lang=str(item["lang"]) if item.get("lang") else None,
        split=split,
        values={str(k).casefold(): (None if v is None else str(v)) for k, v in values.items()},
        strict=bool(item.get("strict", False)),
        date_formats=tuple(dates),
        unit=str(unit).casefold() if unit is not None else None,
        template=str(template) if template is not None else None,
        default=str(item["default"]) if item.get("default") is not None else None,
        lower=bool(item.get("lower", False)),
    )


def _expand(curie: str, prefixes: dict[str, str], *, path: str, key: str) -> URIRef:
    if curie.startswith(("http://", "https://")):
        return URIRef(curie)
    prefix, _, local = curie.partition(":")
    if not local or prefix not in prefixes:
        raise CrosswalkSpecError(f"{curie!r} is neither an IRI nor a CURIE with a known prefix "
                                 f"({', '.join(sorted(prefixes))})", path=path, key=key)  # fmt: skip
    return URIRef(prefixes[prefix] + local)


# --- value transforms ---------------------------------------------------------------------------


class ValueProblem(ValueError):
    """A cell value a transform could not turn into a value (becomes a warning naming the column)."""


def parse_date(text: str, formats: tuple[str, ...]) -> Literal:
    """An xsd:date / gYearMonth / gYear literal from ``text`` by the first format that fits, else
    ISO 8601. The granularity follows the format: ``%Y`` gives a year, ``%m/%Y`` a month."""
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if "%d" in fmt or "%j" in fmt:
            if "%H" in fmt:
                return Literal(parsed.strftime("%Y-%m-%dT%H:%M:%S"), datatype=XSD.dateTime)
            return Literal(parsed.strftime("%Y-%m-%d"), datatype=XSD.date)
        if "%m" in fmt or "%b" in fmt or "%B" in fmt:
            return Literal(parsed.strftime("%Y-%m"), datatype=XSD.gYearMonth)
        return Literal(parsed.strftime("%Y"), datatype=XSD.gYear)
    lit = date_literal(text)
    if lit is None:
        wanted = " or ".join(formats) if formats else "YYYY-MM-DD"
        raise ValueProblem(f"{text!r} is not a date ({wanted})")
    return lit


def convert_unit(text: str, unit: str | None, *, to: str) -> float:
    """``text`` (a number, optionally with its own unit: "2.5 TB") in the base unit of dimension
    ``to`` (bytes, metres, seconds); the column's ``unit`` applies when the value names none."""
    match = _NUMBER_UNIT.match(text)
    if not match:
        raise ValueProblem(f"{text!r} is not a number" + (f" of {unit}" if unit else ""))
    number = float(match.group(1).replace(",", ""))
    given = (match.group(2) or unit or "").casefold()
    if not given:
        given = next(iter(UNITS[to]))  # the base unit itself
    if given not in UNITS[to]:
        raise ValueProblem(f"{text!r}: unit {given!r} is not a unit of {to}")
    value = number * UNITS[to][given]
    if not math.isfinite(value):
        raise ValueProblem(f"{text!r} is out of range")
    return value


def crosswalk_files(extra: list[Path] | None = None) -> list[Path]:
    """The crosswalk files in ``ontologies/crosswalks/``, the directories of ``$KG_CROSSWALK_DIRS``
    and ``extra``, in that order."""
    dirs = [REPO_CROSSWALKS] + [Path(p) for p in os.environ.get("KG_CROSSWALK_DIRS", "").split(os.pathsep) if p]
    return [path for d in dirs + list(extra or []) if d.is_dir() for path in sorted(d.glob("*.y*ml"))]


def discover_crosswalks(extra: list[Path] | None = None) -> list[Crosswalk]:
    """Every crosswalk (``crosswalk_files``), sorted by name. A malformed file raises: crosswalks
    are curated, and a broken one must be fixed, not skipped."""
    found: dict[str, Crosswalk] = {}
    for path in crosswalk_files(extra):
        cw = load_crosswalk(path)
        if cw.name in found and found[cw.name].path != cw.path:
            raise CrosswalkSpecError(
                f"crosswalk name {cw.name!r} is also used by {found[cw.name].path}", path=cw.path, key="crosswalk"
            )
        found[cw.name] = cw
    return [found[name] for name in sorted(found)]


__all__ = ["ColumnRule", "Crosswalk", "CrosswalkSpecError", "crosswalk_files", "ValueProblem", "convert_unit", "discover_crosswalks",
           "load_crosswalk", "parse_date"]  # fmt: skip
