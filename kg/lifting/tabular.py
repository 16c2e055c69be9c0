"""CSV / TSV inventories → DCAT 3, through a declarative crosswalk (``kg/lifting/crosswalk.py``).

Labs keep dataset inventories as spreadsheets with their own column names. Each row is one
record; the crosswalk whose ``match.columns`` are all in the header says what each column means.
The row's cells become values of the *targets* below (a small neutral dataset model), and the
targets are written as DCAT 3 / DCTERMS / vCard / schema.org exactly once, here:

================  =====================================================================
target            RDF (on the dataset unless said)
================  =====================================================================
identifier        ``dcterms:identifier`` (the record's identifier column always is one)
doi               the dataset IRI ``https://doi.org/{doi}`` and ``dcterms:identifier``
title             ``dcterms:title``;  alternative → ``dcterms:alternative``
description       ``dcterms:description``
keyword           ``dcat:keyword`` (one per value; ``split`` cuts a cell into values)
theme             ``dcat:theme``: an IRI as given, else a skos:Concept in the crosswalk's scheme
publisher         ``dcterms:publisher`` the organisation ``{BASE}agent/{slug(name)}``
creator           ``dcterms:creator``; contributor → ``dcterms:contributor`` (foaf:Agent,
                  an ORCID iD in the value makes it ``https://orcid.org/…``)
contact_name,     ``dcat:contactPoint`` a vcard:Kind with vcard:fn / vcard:hasEmail
contact_email
issued, modified  ``dcterms:issued`` / ``dcterms:modified`` (typed dates)
temporal_start,   ``dcterms:temporal`` dcterms:PeriodOfTime with dcat:startDate / dcat:endDate
temporal_end
bbox, west,       ``dcterms:spatial`` dcterms:Location with a ``dcat:bbox`` WKT polygon
south, east,      (``bbox`` is "west,south,east,north", as DCAT-US 1.1 writes it)
north
place             ``dcterms:spatial`` dcterms:Location with locn:geographicName
license           ``dcterms:license`` (an IRI; use ``values`` to turn names into licence IRIs)
rights            ``dcterms:rights`` dcterms:RightsStatement;  access_rights →
                  ``dcterms:accessRights`` (a label such as DCAT-US "public")
landing_page      ``dcat:landingPage``
download_url,     ``dcat:distribution`` dcat:Distribution(s): ``dcat:downloadURL`` /
access_url,       ``dcat:accessURL`` (one distribution per URL), ``dcat:mediaType`` (IANA),
media_type,       ``dcterms:format`` a dcterms:MediaType with rdfs:label, ``dcat:byteSize``
format, byte_size (bytes; ``unit: GB`` converts)
language          ``dcterms:language`` (ISO 639 IRI)
frequency         ``dcterms:accrualPeriodicity`` (ISO 8601 R/P1Y or a Dublin Core name)
version           ``dcat:version``
funder, award     ``schema:funding`` schema:MonetaryGrant (schema:funder org, schema:identifier)
related,          ``dcterms:relation`` / ``dcterms:references`` (IRIs);  is_part_of →
references        ``dcterms:isPartOf`` (a DOI or IRI as given, else the dataset of that
                  identifier in the same source)
================  =====================================================================

A column with ``property:`` writes that property on the dataset directly (literal, or ``kind: iri``).
Columns the crosswalk does not name are kept under the source namespace (``src:csv/<column>``):
nothing in the row is dropped. Every value problem is a warning that names the column, and every
written fact remembers the column it came from (``LiftedRecord.origins``) so validation results
name the column a steward must fix.

Raw record: the header line and the row, as CSV; pointer ``#row=N`` (RFC 7111 fragment, the
header is row 1). The crosswalk's name, version and sha256 go into the record graph, and the
sha256 into the record's fingerprint, so editing a crosswalk re-lifts its records.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.formats import SourceFormat
from kg.lifting.base import LiftedRecord, Lifter, RawRecord
from kg.lifting.common import (
    FREQUENCIES,
    bbox_wkt,
    clean_text,
    frequency_iri,
    iri,
    language_iri,
    mailto,
    media_type_iri,
    parse_bbox,
)
from kg.lifting.crosswalk import (
    ColumnRule,
    Crosswalk,
    ValueProblem,
    convert_unit,
    crosswalk_files,
    discover_crosswalks,
    parse_date,
)
from kg.namespaces import BASE, CW, LOCN, SDO, VCARD, dataset_iri, normalize_doi, record_graph, slug

TABULAR = SourceFormat(
    "csv",
    "CSV / TSV dataset inventory, lifted through a declarative crosswalk (ontologies/crosswalks/)",
    ("text/csv", "text/tab-separated-values"),
    (".csv", ".tsv", ".tab"),
)
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3 term missing from rdflib's DCAT namespace
MAX_CELL = 1_000_000  # characters; csv's own limit is 128 KiB, raised so long abstracts fit
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """One slot of the neutral dataset model: what kind of value it takes, and how many."""

    kind: str  # text | date | iri | email | bytes | number | bbox | language | frequency
    multiple: bool = False


TARGETS: dict[str, Target] = {
    "identifier": Target("text"), "doi": Target("text"),
    "title": Target("text"), "alternative": Target("text", True), "description": Target("text"),
    "keyword": Target("text", True), "theme": Target("text", True),
    "publisher": Target("text"), "creator": Target("text", True), "contributor": Target("text", True),
    "contact_name": Target("text"), "contact_email": Target("email"),
    "issued": Target("date"), "modified": Target("date"),
    "temporal_start": Target("date"), "temporal_end": Target("date"),
    "bbox": Target("bbox"), "west": Target("number"), "south": Target("number"),
    "east": Target("number"), "north": Target("number"), "place": Target("text", True),
    "license": Target("iri"), "rights": Target("text"), "access_rights": Target("text"),
    "landing_page": Target("iri"), "download_url": Target("iri", True), "access_url": Target("iri", True),
    "media_type": Target("text"), "format": Target("text"), "byte_size": Target("bytes"),
    "language": Target("language", True), "frequency": Target("frequency"), "version": Target("text"),
    "funder": Target("text", True), "award": Target("text", True),
    "related": Target("iri", True), "references": Target("iri", True), "is_part_of": Target("text"),
}  # fmt: skip

_FREQUENCY_NAMES = {name.casefold(): name for name in FREQUENCIES.values()}


def _decode(data: bytes, source_file: str, encoding: str = "utf-8") -> str:
    try:
        return data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        raise LiftError(
            f"not {encoding} text (invalid byte at offset {exc.start}); save the inventory as UTF-8",
            source_file=source_file,
        ) from exc
    except LookupError as exc:
        raise LiftError(f"unknown encoding {encoding!r}", source_file=source_file) from exc


def _sniff_delimiter(first_line: str, filename: str) -> str | None:
    if filename.lower().endswith((".tsv", ".tab")) or first_line.count("\t") >= 1 and "," not in first_line:
        return "\t" if "\t" in first_line else None
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    delimiter, count = max(counts.items(), key=lambda kv: kv[1])
    return delimiter if count >= 1 else None


def read_table(
    data: bytes, source_file: str, delimiter: str | None = None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number, cells)]) of a CSV/TSV file; rows numbered as RFC 7111 (header = 1).

    Raises LiftError for text that is not a table (binary, no header, a cell over MAX_CELL)."""
    text = _decode(data, source_file)
    if "\x00" in text[:4096]:
        raise LiftError("binary data, not a CSV/TSV inventory", source_file=source_file)
    first_line = text.split("\n", 1)[0]
    delimiter = delimiter or _sniff_delimiter(first_line, source_file)
    if delimiter is None:
        raise LiftError("the first line has no column separators (, ; | or tab); expected a header row",
                        source_file=source_file, field="#row=1")  # fmt: skip
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader, [])]
        rows = []
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise LiftError(f"not a readable CSV/TSV table at line {reader.line_num}: {exc}",
                        source_file=source_file, field=f"#row={reader.line_num}") from exc  # fmt: skip
    if len([h for h in header if h]) < 2:
        raise LiftError("the header row names fewer than two columns", source_file=source_file, field="#row=1")
    return header, rows


class TabularLifter(Lifter):
    """Each row of a CSV/TSV inventory is one record, lifted through the matching crosswalk.

    ``crosswalk`` forces one crosswalk (``kg crosswalk preview``, ``kg ingest --crosswalk``);
    otherwise the first crosswalk (by name) whose ``match.columns`` are all in the header is used.
    """

    format = TABULAR
    version = "1.1"

    def __init__(self, crosswalk: Crosswalk | None = None, *, search: list[Path] | None = None) -> None:
        self.forced = crosswalk
        self.search = search
        self._known: list[Crosswalk] | None = None
        self._stamp: tuple[tuple[str, int], ...] = ()

    # --- choosing the crosswalk -------------------------------------------------------------

    def crosswalks(self) -> list[Crosswalk]:
        if self.forced is not None:
            return [self.forced]
        # Re-read when a crosswalk file is added, removed or edited (curators edit them while
        # a server or a harvester runs).
        stamp = tuple((str(p), p.stat().st_mtime_ns) for p in crosswalk_files(self.search))
        if self._known is None or stamp != self._stamp:
            self._known, self._stamp = discover_crosswalks(self.search), stamp
        return self._known

    def reload(self) -> None:
        self._known = None

    def crosswalk_for(self, header: list[str]) -> Crosswalk | None:
        return next((cw for cw in self.crosswalks() if cw.matches(header)), None)

    def detect(self, data: bytes, filename: str) -> float:
        head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head or head[:1] in (b"<", b"{", b"[", b"@", b"#") or b"\x00" in head:
            return 0.0
        named = filename.lower().endswith(self.format.extensions)
        try:
            first_line = head.split(b"\n", 1)[0].decode("utf-8")
        except UnicodeDecodeError:
            return 0.6 if named else 0.0
        delimiter = _sniff_delimiter(first_line, filename)
        if delimiter is None:
            return 0.0
        header = next(csv.reader([first_line.strip("\r")], delimiter=delimiter), [])
        try:
            matched = self.crosswalk_for([h.strip() for h in header]) is not None
        except Exception:  # noqa: BLE001 - a broken crosswalk file is reported by split, not here
            matched = False
        if matched:
            return 0.9
        return 0.6 if named else 0.0  # an inventory by name: claimed, so split says no crosswalk fits

    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        forced_delimiter = self.forced.delimiter if self.forced is not None else None
        header, rows = read_table(data, source_file, forced_delimiter)
        crosswalk = self.crosswalk_for(header)
        if crosswalk is None:
            wanted = "; ".join(f"{cw.name} needs {', '.join(cw.match_columns)}" for cw in self.crosswalks())
            raise LiftError(
                f"no crosswalk matches the header columns ({', '.join(h for h in header if h)[:300]}). "
                f"Write one under ontologies/crosswalks/ (or $KG_CROSSWALK_DIRS), or force one with --crosswalk"
                + (f"; known: {wanted}" if wanted else ""),
                source_file=source_file,
                field="#row=1",
            )
        if crosswalk.delimiter and crosswalk.delimiter != forced_delimiter:
            header, rows = read_table(data, source_file, crosswalk.delimiter)
        missing = [c for c in crosswalk.identifier_columns() if c.casefold() not in {h.casefold() for h in header}]
        if missing:
            raise LiftError(
                f"crosswalk {crosswalk.name} identifies records by column(s) {', '.join(missing)}, "
                f"which the header lacks",
                source_file=source_file,
                field=missing[0],
            )
        index = {h.casefold(): i for i, h in reversed(list(enumerate(header)))}
        for row_number, cells in rows:
            pointer = f"#row={row_number}"
            if len(cells) > len(header):
                extra = [c for c in cells[len(header) :] if c.strip()]
                if extra:
                    yield LiftError(
                        f"row has {len(cells)} cells but the header names {len(header)} columns "
                        f"(a separator inside an unquoted value?); row not lifted",
                        source_file=source_file,
                        record=pointer,
                        field=pointer,
                    )
                    continue
            row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
            local_id = self._identifier(crosswalk, index, cells)
            if not local_id:
                yield LiftError(
                    f"the identifier column(s) {', '.join(crosswalk.identifier_columns())} are empty; "
                    f"the record cannot be given a stable identity",
                    source_file=source_file,
                    record=pointer,
                    field=crosswalk.identifier_columns()[0],
                )
                continue
            out = io.StringIO()
            writer = csv.writer(out, delimiter=crosswalk.delimiter or ",", lineterminator="\n")
            writer.writerow(header)
            writer.writerow(cells)
            yield RawRecord(
                data=out.getvalue().encode("utf-8"),
                local_id=local_id,
                pointer=pointer,
                source_file=source_file,
                media_type="text/csv",
                parsed=(crosswalk, row),
            )

    @staticmethod
    def _identifier(crosswalk: Crosswalk, index: dict[str, int], cells: list[str]) -> str | None:
        def cell(name: str) -> str:
            i = index.get(name.casefold())
            return (cells[i] if i is not None and i < len(cells) else "").strip()

        if "{" in crosswalk.identifier:
            parts = {c: cell(c) for c in crosswalk.identifier_columns()}
            if not all(parts.values()):
                return None
            text = crosswalk.identifier
            for name, value in parts.items():
                text = text.replace("{" + name + "}", value)
            return clean_text(text)
        return clean_text(cell(crosswalk.identifier))

    def fingerprint_extra(self, raw: RawRecord) -> str:
        crosswalk = raw.parsed[0] if isinstance(raw.parsed, tuple) else None
        return crosswalk.digest if crosswalk is not None else ""

    # --- lifting ----------------------------------------------------------------------------

    def lift(self, raw: RawRecord, *, source: str) -> LiftedRecord:
        if isinstance(raw.parsed, tuple):
            crosswalk, row = raw.parsed
        else:  # a raw record read back from the raw store: header + row
            header, rows = read_table(raw.data, raw.source_file)
            crosswalk = self.crosswalk_for(header)
            if crosswalk is None or not rows:
                raise LiftError("no crosswalk matches this record's columns", source_file=raw.source_file,
                                record=raw.local_id)  # fmt: skip
            row = {h: (rows[0][1][i] if i < len(rows[0][1]) else "") for i, h in enumerate(header) if h}
        found = self._values(raw, crosswalk, row)
        values = found.values
        doi = next((normalize_doi(str(v)) or normalize_doi("doi:" + str(v)) for v in values.get("doi", [])), None)
        rec = self.new_record(raw, source=source, doi=doi)
        for column, message in found.problems:
            self.warn(rec, column, f"{message} ({raw.pointer}); the cell is kept unmapped",
                      fix=f"correct the cell in column {column!r}, or adjust the crosswalk {crosswalk.name}")  # fmt: skip
        _Builder(self, rec, crosswalk, values, found.origins).build(source)
        g, ds = rec.graph, rec.dataset
        for rule in crosswalk.columns:
            if rule.property is None:
                continue
            for value in values.get(f"property:{rule.column}:{rule.property}", []):
                g.add((ds, rule.property, value))
                rec.origins[(str(ds), str(rule.property))] = rule.column
        graph_iri = URIRef(record_graph(rec.key))
        g.add((graph_iri, CW.crosswalk, crosswalk.iri))
        g.add((crosswalk.iri, RDF.type, CW.Crosswalk))
        g.add((crosswalk.iri, DCTERMS.title, Literal(crosswalk.title)))
        g.add((crosswalk.iri, OWL.versionInfo, Literal(crosswalk.version)))
        g.add((crosswalk.iri, CW.sha256, Literal(crosswalk.digest)))
        for column, cell in row.items():
            if column not in found.used and cell.strip():
                self.keep_unmapped(rec, ds, quote(column, safe=""), cell.strip())
        for column, part in found.rejected:
            self.keep_unmapped(rec, ds, quote(column, safe=""), part)
        return rec

    def _values(self, raw: RawRecord, crosswalk: Crosswalk, row: dict[str, str]) -> _Values:
        """The row's cells as typed values per target, with the column each came from."""
        by_name = {k.casefold(): k for k in row}
        values: dict[str, list[object]] = {}
        origins: dict[str, str] = {}
        used: set[str] = {by_name[c.casefold()] for c in crosswalk.identifier_columns() if c.casefold() in by_name}
        problems: list[tuple[str, str]] = []
        rejected: list[tuple[str, str]] = []
        for rule in crosswalk.columns:
            column = by_name.get(rule.column.casefold())
            key = rule.target or f"property:{rule.column}:{rule.property}"
            origins.setdefault(key, rule.column)
            if column is None:
                continue
            used.add(column)
            cell = row[column].strip() or (rule.default or "")
            if not cell:
                continue
            parts = [p.strip() for p in cell.split(rule.split)] if rule.split else [cell]
            for part in parts:
                if not part:
                    continue
                try:
                    value = self._transform(rule, part)
                except ValueProblem as exc:
                    problems.append((rule.column, str(exc)))
                    rejected.append((column, part))
                    continue
                if value is None:
                    continue
                bucket = values.setdefault(key, [])
                target = TARGETS.get(rule.target or "")
                if target is not None and not target.multiple and bucket:
                    if value not in bucket:
                        problems.append((rule.column, f"{part!r} is a second value for {rule.target}, "
                                                      f"which takes one"))  # fmt: skip
                        rejected.append((column, part))
                    continue
                bucket.append(value)
                origins[key] = rule.column
        for target, text in crosswalk.defaults.items():
            if target not in values:
                rule = ColumnRule(column="(default)", target=target)
                try:
                    value = self._transform(rule, text)
                except ValueProblem as exc:
                    problems.append((f"defaults.{target}", str(exc)))
                    continue
                values[target] = [value]
                origins[target] = f"crosswalk {crosswalk.name} defaults.{target}"
        return _Values(values, origins, used, problems, rejected)

    def _transform(self, rule: ColumnRule, text: str) -> object | None:
        """One cell value through the rule: controlled values, template, then the target's type."""
        if rule.lower:
            text = text.lower()
        if rule.values:
            if text.casefold() in rule.values:
                mapped = rule.values[text.casefold()]
                if mapped is None:
                    return None  # mapped to null: a value the crosswalk drops on purpose (e.g. "n/a")
                text = mapped
            elif rule.strict:
                known = ", ".join(sorted(rule.values))[:200]
                raise ValueProblem(f"{text!r} is not one of the controlled values ({known})")
        if rule.template:
            text = rule.template.replace("{value}", text)
        if rule.property is not None:
            if rule.kind == "iri":
                found = iri(text)
                if found is None:
                    raise ValueProblem(f"{text[:80]!r} is not an absolute IRI")
                return found
            if rule.date_formats:
                return parse_date(text, rule.date_formats)
            if rule.datatype is not None:
                return Literal(text, datatype=rule.datatype)
            return Literal(text, lang=rule.lang) if rule.lang else Literal(text)
        kind = TARGETS[rule.target or ""].kind
        if kind == "text":
            return clean_text(text)
        if kind == "date":
            return parse_date(text, rule.date_formats)
        if kind == "iri":
            found = iri(text)
            if found is None and normalize_doi(text):
                found = iri("https://doi.org/" + str(normalize_doi(text)))
            if found is None:
                raise ValueProblem(f"{text[:80]!r} is not an absolute URL")
            return found
        if kind == "email":
            found = mailto(text)
            if found is None:
                raise ValueProblem(f"{text[:80]!r} is not an e-mail address")
            return found
        if kind == "bytes":
            number = convert_unit(text, rule.unit, to="bytes")
            if number < 0:
                raise ValueProblem(f"{text!r} is negative")
            return Literal(round(number), datatype=XSD.nonNegativeInteger)
        if kind == "number":
            try:
                return float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
            except ValueError as exc:
                raise ValueProblem(f"{text!r} is not a number") from exc
        if kind == "bbox":
            box = parse_bbox(text)
            if box is None:
                raise ValueProblem(f"{text!r} is not a bounding box 'west,south,east,north' in degrees")
            return box
        if kind == "language":
            found = language_iri(text)
            if found is None:
                raise ValueProblem(f"{text!r} is not an ISO 639 language code")
            return found
        if kind == "frequency":
            found = frequency_iri(text)
            if found is None and text.casefold() in _FREQUENCY_NAMES:
                found = URIRef("http://purl.org/cld/freq/" + _FREQUENCY_NAMES[text.casefold()])
            if found is None:
                raise ValueProblem(f"{text!r} is not an ISO 8601 repeating duration (R/P1Y) or a Dublin Core frequency")
            return found
        raise ValueProblem(f"no conversion for {kind}")  # unreachable: TARGETS kinds are all above


@dataclass
class _Values:
    values: dict[str, list[object]]  # target (or "property:<column>:<iri>") → typed values
    origins: dict[str, str]  # target → the column (or crosswalk default) it came from
    used: set[str]  # columns the crosswalk names
    problems: list[tuple[str, str]]  # (column, message)
    rejected: list[tuple[str, str]]  # (column, cell value) that could not be used: kept unmapped


class _Builder:
    """Writes the neutral values of one record as DCAT 3, remembering each fact's column."""

    def __init__(self, lifter: TabularLifter, rec: LiftedRecord, crosswalk: Crosswalk,
                 values: dict[str, list[object]], origins: dict[str, str]) -> None:  # fmt: skip
        self.lifter, self.rec, self.crosswalk, self.values, self.origins = lifter, rec, crosswalk, values, origins
        self.g, self.ds = rec.graph, rec.dataset

    def one(self, target: str) -> object | None:
        found = self.values.get(target)
        return found[0] if found else None

    def all(self, target: str) -> list[object]:
        return self.values.get(target, [])

    def add(self, s: URIRef, p: URIRef, o: object, target: str) -> None:
        self.g.add((s, p, o))
        self.rec.origins[(str(s), str(p))] = self.origins.get(target, target)

    def build(self, source: str) -> None:
        g, ds, rec = self.g, self.ds, self.rec
        # Where each dataset-level property would come from, so a missing value names its column.
        for target, prop in DATASET_PROPERTIES.items():
            if target in self.origins:
                rec.origins.setdefault((str(ds), str(prop)), self.origins[target])
        g.add((ds, RDF.type, DCAT.Dataset))
        self.add(ds, DCTERMS.identifier, Literal(rec.raw.local_id), "identifier")
        for target in ("identifier", "doi"):
            for value in self.all(target):
                self.add(ds, DCTERMS.identifier, Literal(value), target)
        for target, prop in (("title", DCTERMS.title), ("description", DCTERMS.description),
                             ("version", DCAT_VERSION)):  # fmt: skip
            value = self.one(target)
            if value:
                self.add(ds, prop, Literal(value), target)
        for value in self.all("alternative"):
            self.add(ds, DCTERMS.alternative, Literal(value), "alternative")
        for value in self.all("keyword"):
            self.add(ds, DCAT.keyword, Literal(value), "keyword")
        self._themes()
        publisher = self.one("publisher")
        if publisher:
            self.add(ds, DCTERMS.publisher, self.lifter.organization(rec, str(publisher)), "publisher")
        for index, name in enumerate(self.all("creator")):
            self.lifter.add_creator(rec, self._agent(str(name), "creator", index))
            rec.origins[(str(ds), str(DCTERMS.creator))] = self.origins.get("creator", "creator")
        for index, name in enumerate(self.all("contributor")):
            self.add(ds, DCTERMS.contributor, self._agent(str(name), "contributor", index), "contributor")
        self._contact()
        for target, prop in (("issued", DCTERMS.issued), ("modified", DCTERMS.modified)):
            value = self.one(target)
            if value is not None:
                self.add(ds, prop, value, target)
        self._temporal()
        self._spatial()
        lic = self.one("license")
        if lic is not None:
            self.add(ds, DCTERMS.license, lic, "license")
        for target, prop, kind in (("rights", DCTERMS.rights, DCTERMS.RightsStatement),
                                   ("access_rights", DCTERMS.accessRights, DCTERMS.RightsStatement)):  # fmt: skip
            value = self.one(target)
            if value:
                node = self.lifter.node(rec, target.replace("_", "-"), 0)
                self.add(ds, prop, node, target)
                g.add((node, RDF.type, kind))
                g.add((node, RDFS.label, Literal(value)))
        page = self.one("landing_page")
        if page is not None:
            self.add(ds, DCAT.landingPage, page, "landing_page")
        for value in self.all("language"):
            self.add(ds, DCTERMS.language, value, "language")
        freq = self.one("frequency")
        if freq is not None:
            self.add(ds, DCTERMS.accrualPeriodicity, freq, "frequency")
        for target, prop in (("related", DCTERMS.relation), ("references", DCTERMS.references)):
            for value in self.all(target):
                self.add(ds, prop, value, target)
        parent = self.one("is_part_of")
        if parent:
            text = str(parent)
            target_iri = iri(text) or URIRef(dataset_iri(source, text, normalize_doi(text)))
            self.add(ds, DCTERMS.isPartOf, target_iri, "is_part_of")
        self._funding()
        self._distributions()

    def _agent(self, name: str, target: str, index: int) -> URIRef:
        orcid = _ORCID.search(name)
        label = clean_text(_ORCID.sub("", name).replace("https://orcid.org/", "").strip(" ()<>[],;")) or name
        if orcid:
            agent = URIRef(f"https://orcid.org/{orcid.group(1).upper()}")
            self.g.add((agent, RDF.type, FOAF.Person))
        else:
            agent = self.lifter.node(self.rec, target, index)
            self.g.add((agent, RDF.type, FOAF.Agent))
        self.g.add((agent, FOAF.name, Literal(label)))
        return agent

    def _themes(self) -> None:
        scheme = URIRef(f"{BASE}concept/crosswalk/{self.crosswalk.name}/theme")
        for value in self.all("theme"):
            text = str(value)
            concept = iri(text)
            if concept is None:
                concept = URIRef(f"{scheme}/{slug(text)}")
                self.g.add((concept, RDF.type, SKOS.Concept))
                self.g.add((concept, SKOS.prefLabel, Literal(text)))
                self.g.add((concept, SKOS.inScheme, scheme))
                self.g.add((scheme, RDF.type, SKOS.ConceptScheme))
                self.g.add((scheme, DCTERMS.title, Literal(f"{self.crosswalk.title}: themes")))
            self.add(self.ds, DCAT.theme, concept, "theme")

    def _contact(self) -> None:
        name, email = self.one("contact_name"), self.one("contact_email")
        if not name and email is None:
            return
        node = self.lifter.node(self.rec, "contact", 0)
        self.add(self.ds, DCAT.contactPoint, node, "contact_name" if name else "contact_email")
        self.g.add((node, RDF.type, VCARD.Kind))
        if name:
            self.add(node, VCARD.fn, Literal(name), "contact_name")
        if email is not None:
            self.add(node, VCARD.hasEmail, email, "contact_email")

    def _temporal(self) -> None:
        start, end = self.one("temporal_start"), self.one("temporal_end")
        if start is None and end is None:
            return
        node = self.lifter.node(self.rec, "period", 0)
        self.add(self.ds, DCTERMS.temporal, node, "temporal_start" if start is not None else "temporal_end")
        self.g.add((node, RDF.type, DCTERMS.PeriodOfTime))
        if start is not None:
            self.add(node, DCAT.startDate, start, "temporal_start")
        if end is not None:
            self.add(node, DCAT.endDate, end, "temporal_end")
        if start is not None and end is not None and str(start) > str(end):
            self.lifter.warn(self.rec, self.origins.get("temporal_end", "temporal_end"),
                             f"the period ends ({end}) before it starts ({start})")  # fmt: skip

    def _spatial(self) -> None:
        box = self.one("bbox")
        sides = [self.one(t) for t in ("west", "south", "east", "north")]
        if box is None and all(s is not None for s in sides):
            w, s, e, n = (float(x) for x in sides)  # type: ignore[arg-type]
            if -180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= n <= 90:
                box = (w, s, e, n)
            else:
                self.lifter.warn(self.rec, self.origins.get("west", "west"),
                                 f"bounding box {w},{s},{e},{n} is out of range (degrees)")  # fmt: skip
        elif box is None and any(s is not None for s in sides):
            self.lifter.warn(self.rec, self.origins.get("west", "west"),
                             "a bounding box needs all of west, south, east and north; kept unmapped")  # fmt: skip
        places = self.all("place")
        if box is None and not places:
            return
        node = self.lifter.node(self.rec, "location", 0)
        self.add(self.ds, DCTERMS.spatial, node, "bbox" if "bbox" in self.values else "west" if box else "place")
        self.g.add((node, RDF.type, DCTERMS.Location))
        if box is not None:
            self.add(node, DCAT.bbox, bbox_wkt(*box), "bbox" if "bbox" in self.values else "west")  # type: ignore[misc]
        for place in places:
            self.add(node, LOCN.geographicName, Literal(place), "place")
            self.g.add((node, SKOS.prefLabel, Literal(place)))

    def _funding(self) -> None:
        funders, awards = self.all("funder"), self.all("award")
        for index in range(max(len(funders), len(awards))):
            node = self.lifter.node(self.rec, "funding", index)
            self.add(self.ds, SDO.funding, node, "award" if index < len(awards) else "funder")
            self.g.add((node, RDF.type, SDO.MonetaryGrant))
            if index < len(funders):
                self.add(node, SDO.funder, self.lifter.organization(self.rec, str(funders[index])), "funder")
            if index < len(awards):
                self.add(node, SDO.identifier, Literal(awards[index]), "award")

    def _distributions(self) -> None:
        urls = [(DCAT.downloadURL, u, "download_url") for u in self.all("download_url")]
        urls += [(DCAT.accessURL, u, "access_url") for u in self.all("access_url")]
        media, fmt, size = self.one("media_type"), self.one("format"), self.one("byte_size")
        if not urls and media is None and fmt is None and size is None:
            return
        for index, (prop, url, target) in enumerate(urls or [(None, None, "")]):
            node = self.lifter.node(self.rec, "distribution", index)
            self.add(self.ds, DCAT.distribution, node, target or "format")
            self.g.add((node, RDF.type, DCAT.Distribution))
            if prop is not None:
                self.add(node, prop, url, target)
            if media:
                found = media_type_iri(str(media))
                if found is not None:
                    self.add(node, DCAT.mediaType, found, "media_type")
                else:
                    self.lifter.warn(self.rec, self.origins.get("media_type", "media_type"),
                                     f"{media!r} is not an IANA media type (type/subtype)")  # fmt: skip
            if fmt:
                fmt_node = URIRef(f"{node}/format")
                self.add(node, DCTERMS.format, fmt_node, "format")
                self.g.add((fmt_node, RDF.type, DCTERMS.MediaType))
                self.g.add((fmt_node, RDFS.label, Literal(fmt)))
            if size is not None:
                self.add(node, DCAT.byteSize, size, "byte_size")


# The dataset-level property each target fills: a validation result about a missing value of one
# of these names the column that should have given it.
DATASET_PROPERTIES = {
    "title": DCTERMS.title, "description": DCTERMS.description, "keyword": DCAT.keyword,
    "publisher": DCTERMS.publisher, "contact_name": DCAT.contactPoint, "contact_email": DCAT.contactPoint,
    "issued": DCTERMS.issued, "modified": DCTERMS.modified, "license": DCTERMS.license,
    "landing_page": DCAT.landingPage, "download_url": DCAT.distribution, "access_url": DCAT.distribution,
    "temporal_start": DCTERMS.temporal, "bbox": DCTERMS.spatial, "place": DCTERMS.spatial,
    "access_rights": DCTERMS.accessRights, "theme": DCAT.theme, "creator": DCTERMS.creator,
}  # fmt: skip


__all__ = ["TARGETS", "TABULAR", "TabularLifter", "read_table"]
