"""CKAN package JSON (the action API's ``package_show`` / ``package_search``) → DCAT 3.

Reads one package dict, a JSON list of them, or an action API envelope
(``{"help": …, "success": true, "result": {…}}``; for ``package_search`` the packages are
``result.results``). Field names follow the CKAN 2.x package schema
(https://docs.ckan.org/en/latest/api/, ``ckan.logic.action.get.package_show``); the mapping
follows ckanext-dcat's CKAN → DCAT table (docs/mapping.md: identifier falling back to id, issued /
modified falling back to metadata_created / _modified, url → landingPage, tags → keyword) where it
applies. Packages
that CKAN harvested from a ``data.json`` (ckanext-datajson, catalog.data.gov) carry the DCAT-US
1.1 fields in ``extras``; those are read with the data.json lifter's own steps, so the same field
gives the same triples whichever way the record arrived.

================================  ==================================================================
CKAN                              RDF
================================  ==================================================================
id                                the record's local identifier (the package UUID). The dataset IRI
                                  is ``https://doi.org/<doi>`` when the ``identifier`` extra is a
                                  DOI, the IRI of the identifier URL when it is an http(s) URL (as
                                  the data.json lifter mints it), else minted from (source, id).
                                  Sub-nodes are keyed by (source, id). ``dcterms:identifier`` is the
                                  ``identifier`` extra when there is one (the id is then kept
                                  unmapped), else the id. A package without id uses its ``name``.
type                              ``dcat:Dataset`` for "dataset" (or none), else ``dcat:Resource``
title / notes                     ``dcterms:title`` / ``dcterms:description`` (line breaks kept:
                                  notes are Markdown)
tags[].name (display_name)        ``dcat:keyword`` (a bare string tag also)
groups[]                          ``dcat:theme`` a skos:Concept ``{BASE}concept/ckan-group/<name>``
                                  with skos:prefLabel the group title, in the scheme
                                  ``{BASE}concept/ckan-group``: CKAN groups are the catalogue's topic
                                  categories, which is what dcat:theme is for (ckanext-dcat leaves
                                  groups out; catalog.data.gov uses them as its topics)
organization.title                ``dcterms:publisher`` the organisation ``{BASE}agent/<slug>``,
                                  unless a DCAT-US ``publisher`` extra names the publisher (then the
                                  organisation, the catalogue's owner, is kept unmapped)
author / author_email             ``dcterms:creator`` a foaf:Agent with foaf:name, foaf:mbox
maintainer / maintainer_email     ``dcat:contactPoint`` vcard:Kind with vcard:fn, vcard:hasEmail
license_*                         ``dcterms:license``: the DCAT-US ``license`` extra (an IRI) first,
                                  else ``license_url``, else a dcterms:LicenseDocument
                                  ``{BASE}license/ckan/<license_id>`` with rdfs:label license_title
                                  and dcterms:identifier license_id (CKAN licence ids such as
                                  "notspecified" or "cc-by" are the same across CKAN sites)
url                               ``dcat:landingPage`` unless a ``landingPage`` extra gives one
metadata_created / _modified      ``dcterms:issued`` / ``dcterms:modified`` only when the DCAT-US
                                  ``issued`` / ``modified`` extras do not give them: CKAN's are the
                                  dates of the catalogue entry (on catalog.data.gov, of the harvest),
                                  the extras' are the publisher's own. When not used, kept unmapped.
version                           ``dcat:version``
resources[]                       ``dcat:Distribution`` (``{dataset}/distribution/<position>``):
                                  url → ``dcat:downloadURL`` when it names a file (upload, a file
                                  format, a file extension), else ``dcat:accessURL`` (web pages,
                                  APIs, WMS / Esri REST services; ckanext-dcat makes every url an
                                  accessURL); ckanext-dcat's download_url / access_url when given; name → dcterms:title; description
                                  → dcterms:description; format → ``dcterms:format`` a
                                  dcterms:MediaType with rdfs:label; mimetype → ``dcat:mediaType``;
                                  size → ``dcat:byteSize`` when an integer; id → dcterms:identifier;
                                  created / last_modified → dcterms:issued / dcterms:modified
extras (DCAT-US 1.1)              as the data.json lifter maps the same fields: identifier, issued,
                                  modified, publisher (with ``publisher_hierarchy`` "A > B > C" as
                                  org:subOrganizationOf), spatial, temporal, accrualPeriodicity,
                                  language, theme, landingPage, references, isPartOf, conformsTo,
                                  rights, license. accessLevel, bureauCode, programCode, describedBy
                                  … are kept unmapped there and here. Values stored as JSON text
                                  ('["025:09"]') are read as JSON.
extras ``spatial`` GeoJSON        ``dcterms:spatial`` dcterms:Location with ``dcat:bbox`` (the
                                  envelope of a Polygon / MultiPolygon, or a GeoJSON ``bbox``) and,
                                  for a polygon that is not a rectangle, ``locn:geometry`` the WKT
                                  polygon; a Point → ``dcat:centroid``
every other field and extra       kept under the source namespace (``extras/<key>`` for extras);
                                  null and empty values are not kept
================================  ==================================================================

``state`` other than "active" and ``private: true`` are lifted all the same and kept, with a
warning: the access level of what is stored is the source's (governance decides it, not this
lifter). Warnings name the JSON pointer of the field in the input file
(``/result/results/2/extras/7/value``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlsplit

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.formats import SourceFormat
from kg.lifting.base import LiftedRecord, Lifter, RawRecord, json_pointer_escape
from kg.lifting.common import (
    bbox_wkt,
    clean_text,
    date_literal,
    frequency_iri,
    iri,
    language_iri,
    mailto,
    media_type_iri,
    without_lone_surrogates,
)

# The DCAT-US value handling is the data.json lifter's; its steps are called, not copied.
from kg.lifting.datacite import DCAT_VERSION, _block_text
from kg.lifting.datajson import THEME_SCHEME, DataJsonLifter
from kg.namespaces import BASE, LOCN, dataset_iri, normalize_doi, normalize_identifier_url, slug

FORMAT = SourceFormat(
    "ckan-package",
    "CKAN package JSON (action API package_show / package_search)",
    ("application/vnd.ckan.package+json", "application/json"),
    (".json",),
)

WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
GROUP_SCHEME = URIRef(f"{BASE}concept/ckan-group")
LICENSES = f"{BASE}license/ckan/"

# Keys that only CKAN packages have together; two of them (besides id/name) make a package.
CKAN_KEYS = {
    "resources", "tags", "extras", "notes", "license_id", "license_title", "license_url",
    "metadata_created", "metadata_modified", "owner_org", "organization", "num_resources", "num_tags",
    "maintainer", "maintainer_email", "author", "author_email", "isopen", "groups",
}  # fmt: skip
# Keys of other formats' records: a dict with one of them is not a CKAN package.
FOREIGN_KEYS = {"@context", "@type", "umm", "meta", "dataset", "doi", "titles", "data", "conformsTo"}
_MARKERS = tuple(f'"{k}"'.encode() for k in sorted(CKAN_KEYS - {"tags", "groups", "author", "resources"}))

# Package fields the steps below map; every other field is kept under the source namespace.
MAPPED = {
    "id", "type", "title", "notes", "tags", "groups", "organization", "author", "author_email",
    "maintainer", "maintainer_email", "license_id", "license_title", "license_url", "url",
    "metadata_created", "metadata_modified", "version", "resources", "extras",
}  # fmt: skip
# DCAT-US 1.1 extras mapped here (as the data.json lifter maps them); other extras are kept.
DCAT_US_EXTRAS = {
    "identifier", "issued", "modified", "publisher", "publisher_hierarchy", "spatial", "temporal",
    "accrualPeriodicity", "language", "theme", "landingPage", "references", "isPartOf", "conformsTo",
    "rights", "license",
}  # fmt: skip
RESOURCE_MAPPED = {
    "url", "name", "description", "format", "mimetype", "size", "id", "created", "last_modified",
    "download_url", "access_url",
}  # fmt: skip
# Resource formats that name a web page or a service, not a file to download.
WEB_FORMATS = {
    "html", "htm", "api", "web page", "webpage", "website", "web site", "rest", "esri rest",
    "arcgis geoservices rest api", "wms", "wfs", "wcs", "wmts", "ogc wms", "ogc wfs", "query tool",
    "url", "link", "landing page", "application",
}  # fmt: skip
WEB_EXTENSIONS = {"html", "htm", "shtml", "php", "asp", "aspx", "jsp", "cfm", "cgi"}

_DATAJSON = DataJsonLifter()


# --- finding the packages ---------------------------------------------------------------------


def _is_package(obj: object) -> bool:
    if not isinstance(obj, dict) or any(k in obj for k in FOREIGN_KEYS):
        return False
    if not ("id" in obj or "name" in obj):
        return False
    return len(CKAN_KEYS.intersection(obj)) >= 2


def _is_envelope(obj: object) -> bool:
    return isinstance(obj, dict) and ("result" in obj or "error" in obj) and ("help" in obj or "success" in obj)


def _entries(obj: object, source_file: str) -> list[tuple[str, object]]:
    """(JSON pointer, package) of every package in a parsed input."""
    if _is_envelope(obj):
        assert isinstance(obj, dict)
        if obj.get("success") is False:
            error = obj.get("error")
            message = clean_text(error.get("message")) if isinstance(error, dict) else clean_text(error)
            raise LiftError(
                f"the CKAN API call failed: {message or json.dumps(error)[:200]}",
                source_file=source_file,
                field="/error",
            )
        result = obj.get("result")
        if isinstance(result, dict) and isinstance(result.get("results"), list):
            return [(f"/result/results/{i}", e) for i, e in enumerate(result["results"])]
        if isinstance(result, dict):
            return [("/result", result)]
        if isinstance(result, list):
            return [(f"/result/{i}", e) for i, e in enumerate(result)]
        raise LiftError(
            "the API envelope's result is neither a package nor a package_search result",
            source_file=source_file,
            field="/result",
        )
    if isinstance(obj, list):
        return [(f"/{i}", e) for i, e in enumerate(obj)]
    if isinstance(obj, dict):
        return [("", obj)]
    raise LiftError("top level is not a JSON object or list (expected CKAN package JSON)", source_file=source_file)


def _score(obj: object) -> float:
    if _is_envelope(obj):
        assert isinstance(obj, dict)
        help_text = str(obj.get("help", ""))
        if obj.get("success") is False:
            return 0.9 if "package_" in help_text else 0.0
        result = obj.get("result")
        if isinstance(result, dict) and isinstance(result.get("results"), list):
            results = result["results"]
            if not results:
                return 0.9 if "package_search" in help_text else 0.0
            return 0.95 if _is_package(results[0]) else 0.0
        if isinstance(result, list):
            return 0.95 if result and _is_package(result[0]) else 0.0
        return 0.95 if _is_package(result) else 0.0
    if isinstance(obj, list):
        return 0.95 if obj and _is_package(obj[0]) else 0.0
    return 0.95 if _is_package(obj) else 0.0


def _decode(data: bytes, source_file: str) -> object:
    try:
        return json.loads(without_lone_surrogates(data.decode("utf-8-sig")))
    except UnicodeDecodeError as exc:
        raise LiftError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source_file=source_file) from exc
    except json.JSONDecodeError as exc:
        raise LiftError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", source_file=source_file
        ) from exc
    except ValueError as exc:  # a number Python refuses to read (over 4,300 digits)
        raise LiftError(f"not readable JSON: {str(exc).split(':')[0]}", source_file=source_file) from exc
    except RecursionError as exc:
        raise LiftError("JSON nested too deeply", source_file=source_file) from exc


# --- value helpers ----------------------------------------------------------------------------


def _json_text(value: object) -> object:
    """A value CKAN stored as JSON text (extras: '["025:09"]', GeoJSON) as the JSON it holds."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return value
    return value


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _as_list(value: object) -> list[Any]:
    if _empty(value):
        return []
    return value if isinstance(value, list) else [value]


def _field_name(key: str) -> str:
    """A source-namespace field name for any JSON key (extras keys may hold spaces)."""
    return quote(key, safe="/@_-.~:!$&'()*+,;=")


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return None
    return float(value)


def _positions(value: object, depth: int = 0) -> list[tuple[float, float]] | None:
    """Every (x, y) in GeoJSON coordinates, or None when one is not a number pair in range."""
    if depth > 4 or not isinstance(value, list) or not value:
        return None
    if all(not isinstance(v, list) for v in value):
        x, y = (_number(v) for v in value[:2]) if len(value) >= 2 else (None, None)
        if x is None or y is None or not (-180 <= x <= 180 and -90 <= y <= 90):
            return None
        return [(x, y)]
    found: list[tuple[float, float]] = []
    for part in value:
        inner = _positions(part, depth + 1)
        if inner is None:
            return None
        found += inner
    return found


def _is_rectangle(ring: list[tuple[float, float]]) -> bool:
    return len(ring) in (4, 5) and len({x for x, _ in ring}) == 2 and len({y for _, y in ring}) == 2


def _looks_like_file(resource: dict[str, Any], url: URIRef) -> bool:
    """Whether a resource's URL names a file to download rather than a page or a service."""
    if resource.get("url_type") == "upload":
        return True
    kind = clean_text(resource.get("resource_type")) or ""
    fmt = (clean_text(resource.get("format")) or "").lower()
    mimetype = (clean_text(resource.get("mimetype")) or "").lower()
    if kind.lower() in ("api", "service", "documentation") or fmt in WEB_FORMATS or mimetype == "text/html":
        return False
    path = urlsplit(str(url)).path
    name = path.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in WEB_EXTENSIONS:
        return False
    return bool(fmt) or (extension.isalnum() and 1 <= len(extension) <= 5)


# --- the lifter -------------------------------------------------------------------------------


class CkanPackageLifter(Lifter):
    """CKAN packages: one record per package of a package_show / package_search response."""

    format = FORMAT
    version = "1.0"

    def detect(self, data: bytes, filename: str) -> float:
        head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith((b"{", b"[")):
            return 0.0
        sample = data[:1_000_000]
        markers = sum(1 for m in _MARKERS if m in sample)
        envelope = b'"help"' in head and (b"name=package_" in head or b"action/package_" in head)
        if markers < 2 and not envelope:
            return 0.0  # no CKAN key at all: not worth parsing
        try:
            obj = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            # Broken JSON that still reads as CKAN: claimed, so that split() says what is wrong.
            return 0.6 if envelope or (markers >= 4 and b'"@context"' not in sample) else 0.0
        return _score(obj)

    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        obj = _decode(data, source_file)
        for index, (pointer, entry) in enumerate(_entries(obj, source_file)):
            if not isinstance(entry, dict):
                hint = " (package_list gives only names: use package_show or package_search)"
                yield LiftError(
                    f"the package is not a JSON object{hint if isinstance(entry, str) else ''}",
                    source_file=source_file,
                    record=f"#{index}",
                    field=pointer or "/",
                )
                continue
            local_id = clean_text(entry.get("id")) or clean_text(entry.get("name"))
            if local_id is None:
                title = clean_text(entry.get("title"))
                yield LiftError(
                    "the package has no 'id' (and no 'name'); it cannot be given a stable identity",
                    source_file=source_file,
                    record=f"'{title[:60]}'" if title else f"#{index}",
                    field=f"{pointer}/id",
                )
                continue
            try:
                text = json.dumps(entry, sort_keys=True, ensure_ascii=False)
            except (RecursionError, ValueError) as exc:  # nested too deeply for the encoder
                yield LiftError(
                    f"the package cannot be stored as JSON ({type(exc).__name__})",
                    source_file=source_file,
                    record=local_id,
                    field=pointer or "/",
                )
                continue
            yield RawRecord(
                data=text.encode("utf-8"),
                local_id=local_id,
                pointer=pointer,
                source_file=source_file,
                media_type="application/json",
                parsed=entry,
            )

    def lift(self, raw: RawRecord, *, source: str) -> LiftedRecord:
        package = raw.parsed if isinstance(raw.parsed, dict) else _decode(raw.data, raw.source_file)
        if not isinstance(package, dict):
            raise LiftError("the package is not a JSON object", source_file=raw.source_file, record=raw.local_id)
        try:
            return _Lift(self, raw, package, source).run()
        except RecursionError as exc:
            raise LiftError(
                "the package is nested too deeply", source_file=raw.source_file, record=raw.local_id
            ) from exc


class _Lift:
    """One package being lifted: the record, the package, its extras and where each field is."""

    def __init__(self, lifter: CkanPackageLifter, raw: RawRecord, package: dict[str, Any], source: str) -> None:
        self.lifter = lifter
        self.raw = raw
        self.package = package
        self.source = source
        self.base = raw.pointer
        self.extras: dict[str, tuple[object, str]] = {}
        self._problems: list[tuple[str, str]] = []
        self._origins: list[tuple[URIRef, URIRef, str]] = []
        self._read_extras()
        identifier = self.extra_text("identifier")
        self.identifier = identifier
        doi = normalize_doi(identifier) if identifier else None
        self.rec = lifter.new_record(raw, source=source, doi=doi)
        if identifier and not doi and normalize_identifier_url(identifier):
            # A DCAT-US identifier URL names the dataset wherever it is listed: the IRI the
            # data.json lifter gives the same record (ARCHITECTURE.md, "Identity").
            self.rec.dataset = URIRef(dataset_iri(source, identifier, None))
        self.g, self.ds = self.rec.graph, self.rec.dataset

    # --- helpers ---------------------------------------------------------------------------------

    def at(self, *parts: object) -> str:
        """The JSON pointer of a field of this package in the input file."""
        return self.base + "".join("/" + json_pointer_escape(str(p)) for p in parts)

    def warn(self, pointer: str, message: str, *, fix: str | None = None) -> None:
        self.lifter.warn(self.rec, pointer, message, fix=fix)

    def keep(self, subject: URIRef, name: str, value: object) -> None:
        if not _empty(value):
            self.lifter.keep_unmapped(self.rec, subject, _field_name(name), value)

    def origin(self, subject: URIRef, prop: URIRef, pointer: str) -> None:
        """Note the field a fact came from, so validation results can name it (kept at the end of
        the lift for the facts the graph holds)."""
        self._origins.append((subject, prop, pointer))

    @contextmanager
    def findings_at(self, pointer: str) -> Iterator[None]:
        """Findings made by a data.json step name this package's field, not the data.json one."""
        start = len(self.rec.findings)
        yield
        for i in range(start, len(self.rec.findings)):
            self.rec.findings[i] = dataclasses.replace(self.rec.findings[i], field=pointer)

    def _read_extras(self) -> None:
        extras = self.package.get("extras")
        items: list[tuple[object, object, str]] = []
        if isinstance(extras, list):
            for i, item in enumerate(extras):
                if isinstance(item, dict) and "key" in item:
                    items.append((item.get("key"), item.get("value"), self.at("extras", i, "value")))
                elif not _empty(item):
                    self._problems.append((self.at("extras", i), "an extra is not a {key, value} object"))
        elif isinstance(extras, dict):
            items = [(k, v, self.at("extras", k)) for k, v in extras.items()]
        elif not _empty(extras):
            self._problems.append((self.at("extras"), "extras is not a list of {key, value} objects"))
        for key, value, pointer in items:
            name = clean_text(key)
            if name is None:
                self._problems.append((pointer, "an extra has no key"))
                continue
            if name in self.extras:
                self._problems.append((pointer, f"the extra {name!r} is given twice; the first is used"))
                continue
            self.extras[name] = (_json_text(value), pointer)

    def extra(self, name: str) -> object:
        return self.extras[name][0] if name in self.extras else None

    def extra_text(self, name: str) -> str | None:
        value = self.extra(name)
        return clean_text(value) if isinstance(value, str) else None

    def extra_at(self, name: str) -> str:
        return self.extras[name][1] if name in self.extras else self.at("extras")

    def text(
        self, value: object, pointer: str, subject: URIRef, prop: URIRef, name: str, *, block: bool = False
    ) -> None:
        cleaned = _block_text(value) if block and isinstance(value, str) else clean_text(value)
        if cleaned is not None:
            self.g.add((subject, prop, Literal(cleaned)))
            self.origin(subject, prop, pointer)
        elif not _empty(value):
            self.warn(pointer, f"expected text, got {type(value).__name__}")
            self.keep(subject, name, value)

    def date(self, value: object, pointer: str, subject: URIRef, prop: URIRef, name: str) -> None:
        if _empty(value):
            return
        lit = date_literal(value)
        if lit is not None:
            self.g.add((subject, prop, lit))
            self.origin(subject, prop, pointer)
        else:
            self.warn(pointer, f"{str(value)[:80]!r} is not an ISO 8601 date", fix="use YYYY-MM-DD")
            self.keep(subject, name, value)

    def link(self, value: object, pointer: str, subject: URIRef, prop: URIRef, name: str) -> None:
        if _empty(value):
            return
        target = iri(value)
        if target is not None:
            self.g.add((subject, prop, target))
            self.origin(subject, prop, pointer)
        else:
            self.warn(pointer, f"{str(value)[:80]!r} is not an absolute URL")
            self.keep(subject, name, value)

    # --- steps -----------------------------------------------------------------------------------

    def run(self) -> LiftedRecord:
        p, g, ds = self.package, self.g, self.ds
        for pointer, message in self._problems:
            self.warn(pointer, message)
        kind = p.get("type")
        g.add((ds, RDF.type, DCAT.Dataset if _empty(kind) or kind == "dataset" else DCAT.Resource))
        g.add((ds, DCTERMS.identifier, Literal(self.identifier or self.raw.local_id)))
        if self.identifier and normalize_doi(self.identifier):
            g.add((ds, DCTERMS.identifier, Literal(normalize_doi(self.identifier))))
        if self.identifier or not clean_text(p.get("id")):
            self.keep(ds, "id", p.get("id"))
        if _empty(p.get("title")):
            self.warn(self.at("title"), "the package has no title", fix="give the package a title")
        self.text(p.get("title"), self.at("title"), ds, DCTERMS.title, "title")
        self.text(p.get("notes"), self.at("notes"), ds, DCTERMS.description, "notes", block=True)
        self.text(p.get("version"), self.at("version"), ds, DCAT_VERSION, "version")
        self._tags()
        self._groups()
        self._governance()
        self._publisher()
        self._people()
        self._license()
        self._dates()
        self._landing_page()
        self._dcat_us_extras()
        self._resources()
        ds_origins = (
            (DCTERMS.identifier, self.extra_at("identifier") if self.identifier else self.at("id")),
            (DCAT.keyword, self.at("tags")),
            (DCAT.contactPoint, self.at("maintainer")),
            (DCTERMS.creator, self.at("author")),
            (DCAT.distribution, self.at("resources")),
            (DCTERMS.license, self.extra_at("license") if "license" in self.extras else self.at("license_id")),
            (DCTERMS.publisher, self.extra_at("publisher") if "publisher" in self.extras else self.at("organization")),
            (DCAT.theme, self.at("groups")),
        )
        for prop, pointer in ds_origins:
            self.origin(ds, prop, pointer)
        for name in (
            "spatial",
            "temporal",
            "accrualPeriodicity",
            "language",
            "references",
            "isPartOf",
            "conformsTo",
            "rights",
        ):
            prop = DCTERMS[name] if name != "rights" else DCTERMS.rights
            if name in self.extras:
                self.origin(ds, prop, self.extra_at(name))
        present = {(s, prop) for s, prop, _ in g}
        for subject, prop, pointer in self._origins:
            if (subject, prop) in present:
                self.rec.origins.setdefault((str(subject), str(prop)), pointer)
        for name, value in sorted(p.items()):
            if name not in MAPPED:
                self.keep(ds, name, value)
        for name, (value, _) in sorted(self.extras.items()):
            if name not in DCAT_US_EXTRAS:
                self.keep(ds, f"extras/{name}", value)
        return self.rec

    def _tags(self) -> None:
        tags = self.package.get("tags")
        if _empty(tags):
            return
        if not isinstance(tags, list):
            self.warn(self.at("tags"), "tags is not a list of {name} objects")
            self.keep(self.ds, "tags", tags)
            return
        for i, tag in enumerate(tags):
            name = clean_text(tag.get("name") or tag.get("display_name")) if isinstance(tag, dict) else clean_text(tag)
            if name:
                self.g.add((self.ds, DCAT.keyword, Literal(name)))
            elif not _empty(tag):
                self.warn(self.at("tags", i), "the tag has no name")
                self.keep(self.ds, "tags", tag)

    def _groups(self) -> None:
        groups = self.package.get("groups")
        if _empty(groups):
            return
        g = self.g
        for i, group in enumerate(_as_list(groups)):
            if isinstance(group, dict):
                label = clean_text(group.get("title")) or clean_text(group.get("display_name"))
                name = clean_text(group.get("name")) or label
                label = label or name
            else:
                label = name = clean_text(group)
            if not name or not label:
                if not _empty(group):
                    self.warn(self.at("groups", i), "the group has no name or title")
                    self.keep(self.ds, "groups", group)
                continue
            concept = URIRef(f"{GROUP_SCHEME}/{slug(name)}")
            g.add((self.ds, DCAT.theme, concept))
            g.add((concept, RDF.type, SKOS.Concept))
            g.add((concept, SKOS.prefLabel, Literal(label)))
            g.add((concept, SKOS.inScheme, GROUP_SCHEME))
            g.add((GROUP_SCHEME, RDF.type, SKOS.ConceptScheme))
            g.add((GROUP_SCHEME, DCTERMS.title, Literal("CKAN groups (as published)")))

    def _governance(self) -> None:
        p = self.package
        state = p.get("state")
        if not _empty(state) and state != "active":
            self.lifter.warn(
                self.rec,
                self.at("state"),
                f"the package's CKAN state is {str(state)[:40]!r}, not 'active'; lifted all the same",
                fix="harvest only active packages, or give the source an access level that hides it",
            )
        if p.get("private") is True:
            self.lifter.warn(
                self.rec,
                self.at("private"),
                "the package is private in CKAN; it is stored with the source's access level",
                fix="check that the source's access level fits private packages",
            )

    def _publisher(self) -> None:
        publisher = self.extra("publisher")
        hierarchy = self.extra_text("publisher_hierarchy")
        organization = self.package.get("organization")
        if not _empty(publisher):
            if isinstance(publisher, str) and hierarchy:
                # "U.S. Government > Department of Energy > Office of Science": the last is the publisher.
                names = [n for n in (clean_text(x) for x in hierarchy.split(">")) if n]
                if names and names[-1] == clean_text(publisher):
                    value: object = None
                    for name in names:
                        value = {"name": name, "subOrganizationOf": value} if value else {"name": name}
                    publisher = value
            with self.findings_at(self.extra_at("publisher")):
                _DATAJSON._publisher(self.rec, publisher)
            self.keep(self.ds, "organization", organization)
            return
        if _empty(organization):
            return
        name = (
            clean_text(organization.get("title")) or clean_text(organization.get("name"))
            if isinstance(organization, dict)
            else clean_text(organization)
        )
        if name:
            self.g.add((self.ds, DCTERMS.publisher, self.lifter.organization(self.rec, name)))
            if isinstance(organization, dict):
                self.keep(self.ds, "organization", {k: v for k, v in organization.items() if k not in ("title",)})
        else:
            self.warn(self.at("organization"), "the organization has no title or name")
            self.keep(self.ds, "organization", organization)

    def _people(self) -> None:
        p, g = self.package, self.g
        author, email = p.get("author"), p.get("author_email")
        name = clean_text(author)
        address = mailto(email) if not _empty(email) else None
        if not _empty(email) and address is None:
            self.warn(self.at("author_email"), f"{str(email)[:80]!r} is not an e-mail address")
            self.keep(self.ds, "author_email", email)
        if not _empty(author) and name is None:
            self.warn(self.at("author"), f"expected text, got {type(author).__name__}")
            self.keep(self.ds, "author", author)
        if name or address is not None:
            agent = self.lifter.node(self.rec, "creator", 0)
            g.add((self.ds, DCTERMS.creator, agent))
            g.add((agent, RDF.type, FOAF.Agent))
            if name:
                g.add((agent, FOAF.name, Literal(name)))
            if address is not None:
                g.add((agent, FOAF.mbox, address))
        maintainer, maintainer_email = p.get("maintainer"), p.get("maintainer_email")
        if not _empty(maintainer) and clean_text(maintainer) is None:
            self.warn(self.at("maintainer"), f"expected text, got {type(maintainer).__name__}")
            self.keep(self.ds, "maintainer", maintainer)
        contact = {"fn": clean_text(maintainer), "hasEmail": maintainer_email if not _empty(maintainer_email) else None}
        if contact["fn"] or contact["hasEmail"] is not None:
            if contact["hasEmail"] is not None and not isinstance(contact["hasEmail"], str):
                self.warn(self.at("maintainer_email"), f"expected text, got {type(maintainer_email).__name__}")
                self.keep(self.ds, "maintainer_email", maintainer_email)
                contact["hasEmail"] = None
            with self.findings_at(self.at("maintainer_email")):
                _DATAJSON._contact(self.rec, contact)

    def _license(self) -> None:
        p, g, ds = self.package, self.g, self.ds
        lic_id, title, url = clean_text(p.get("license_id")), clean_text(p.get("license_title")), p.get("license_url")
        extra = self.extra("license")
        if not _empty(extra):
            target = iri(extra)
            if target is not None:
                g.add((ds, DCTERMS.license, target))
                for name in ("license_id", "license_title", "license_url"):
                    self.keep(ds, name, p.get(name))
                return
            self.warn(
                self.extra_at("license"),
                f"{str(extra)[:80]!r} is not an absolute IRI",
                fix="give the licence as a URL, e.g. https://creativecommons.org/licenses/by/4.0/",
            )
            self.keep(ds, "extras/license", extra)
        target = iri(url) if not _empty(url) else None
        if not _empty(url) and target is None:
            self.warn(self.at("license_url"), f"{str(url)[:80]!r} is not an absolute URL")
            self.keep(ds, "license_url", url)
        if target is None and (lic_id or title):
            target = URIRef(LICENSES + slug(lic_id or title or ""))
        if target is None:
            return
        g.add((ds, DCTERMS.license, target))
        g.add((target, RDF.type, DCTERMS.LicenseDocument))
        if title:
            g.add((target, RDFS.label, Literal(title)))
        if lic_id:
            g.add((target, DCTERMS.identifier, Literal(lic_id)))

    def _dates(self) -> None:
        p, ds = self.package, self.ds
        for extra, core, prop in (
            ("issued", "metadata_created", DCTERMS.issued),
            ("modified", "metadata_modified", DCTERMS.modified),
        ):
            value = self.extra(extra)
            if not _empty(value):
                self.date(value, self.extra_at(extra), ds, prop, f"extras/{extra}")
            if (ds, prop, None) in self.g:
                self.keep(ds, core, p.get(core))  # the catalogue entry's date, kept beside the publisher's
            else:  # no (readable) DCAT-US date: the catalogue entry's
                self.date(p.get(core), self.at(core), ds, prop, core)

    def _landing_page(self) -> None:
        p, ds = self.package, self.ds
        extra = self.extra("landingPage")
        if not _empty(extra):
            self.link(extra, self.extra_at("landingPage"), ds, DCAT.landingPage, "extras/landingPage")
            if p.get("url") != extra:
                self.keep(ds, "url", p.get("url"))
            return
        self.link(p.get("url"), self.at("url"), ds, DCAT.landingPage, "url")

    def _dcat_us_extras(self) -> None:
        """The DCAT-US 1.1 fields a data.json harvest leaves in extras, mapped like data.json's."""
        g, ds, rec = self.g, self.ds, self.rec
        spatial = self.extra("spatial")
        if isinstance(spatial, dict):
            self._geojson(spatial, self.extra_at("spatial"))
        elif not _empty(spatial):
            with self.findings_at(self.extra_at("spatial")):
                _DATAJSON._spatial(rec, spatial)
        temporal = self.extra("temporal")
        if not _empty(temporal):
            with self.findings_at(self.extra_at("temporal")):
                _DATAJSON._temporal(rec, temporal)
        frequency = self.extra("accrualPeriodicity")
        if not _empty(frequency):
            target = frequency_iri(frequency)
            if target is not None:
                g.add((ds, DCTERMS.accrualPeriodicity, target))
            else:
                self.warn(self.extra_at("accrualPeriodicity"), f"{str(frequency)[:40]!r} is not a known frequency")
                self.keep(ds, "extras/accrualPeriodicity", frequency)
        for language in _as_list(self.extra("language")):
            target = language_iri(language)
            if target is not None:
                g.add((ds, DCTERMS.language, target))
            else:
                self.keep(ds, "extras/language", language)
        themes = self.extra("theme")
        if isinstance(themes, str):
            themes = themes.split(";")
        for theme in _as_list(themes):
            label = clean_text(theme)
            if not label:
                continue
            # The data.json lifter's theme concepts: the same theme is one concept either way.
            concept = URIRef(f"{BASE}theme/{slug(label)}")
            g.add((ds, DCAT.theme, concept))
            g.add((concept, RDF.type, SKOS.Concept))
            g.add((concept, SKOS.prefLabel, Literal(label)))
            g.add((concept, SKOS.inScheme, THEME_SCHEME))
            g.add((THEME_SCHEME, RDF.type, SKOS.ConceptScheme))
            g.add((THEME_SCHEME, DCTERMS.title, Literal("data.json themes (free text, as published)")))
        for reference in _as_list(self.extra("references")):
            self.link(reference, self.extra_at("references"), ds, DCTERMS.references, "extras/references")
        parent = self.extra_text("isPartOf")
        if parent:
            g.add((ds, DCTERMS.isPartOf, URIRef(dataset_iri(self.source, parent, normalize_doi(parent)))))
        elif not _empty(self.extra("isPartOf")):
            self.keep(ds, "extras/isPartOf", self.extra("isPartOf"))
        conforms = self.extra("conformsTo")
        if not _empty(conforms):
            target = iri(conforms)
            if target is not None:
                g.add((ds, DCTERMS.conformsTo, target))
            else:
                self.keep(ds, "extras/conformsTo", conforms)
        rights = self.extra_text("rights")
        if rights:
            self.lifter.add_rights(rec, rights)
        elif not _empty(self.extra("rights")):
            self.keep(ds, "extras/rights", self.extra("rights"))
        identifier = self.extra("identifier")
        if not _empty(identifier) and self.identifier is None:
            self.warn(self.extra_at("identifier"), f"expected text, got {type(identifier).__name__}")
            self.keep(ds, "extras/identifier", identifier)

    def _geojson(self, value: dict[str, Any], pointer: str) -> None:
        """A GeoJSON geometry (RFC 7946) in the spatial extra, as ckanext-spatial stores it."""
        geometry = value.get("geometry") if value.get("type") == "Feature" else value
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        box = value.get("bbox")
        points = _positions(coordinates) if kind in ("Polygon", "MultiPolygon", "Point") else None
        if isinstance(box, list) and len(box) == 4 and all(_number(v) is not None for v in box):
            west, south, east, north = (float(v) for v in box)
        elif points:
            west, east = min(x for x, _ in points), max(x for x, _ in points)
            south, north = min(y for _, y in points), max(y for _, y in points)
        else:
            self.warn(
                pointer,
                f"the spatial GeoJSON ({kind or 'no type'}) has no Polygon, Point or bbox with coordinates in range",
            )
            self.keep(self.ds, "extras/spatial", value)
            return
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
            self.warn(pointer, "the spatial bbox is out of range")
            self.keep(self.ds, "extras/spatial", value)
            return
        g = self.g
        node = self.lifter.node(self.rec, "location", 0)
        g.add((self.ds, DCTERMS.spatial, node))
        g.add((node, RDF.type, DCTERMS.Location))
        if kind == "Point" and points and len(points) == 1:
            x, y = points[0]
            g.add((node, DCAT.centroid, Literal(f"POINT({x} {y})", datatype=WKT)))
            return
        g.add((node, DCAT.bbox, bbox_wkt(west, south, east, north)))
        if kind == "Polygon" and points and not _is_rectangle(points):
            ring = _positions(coordinates[0]) or []
            wkt = "POLYGON((" + ", ".join(f"{x} {y}" for x, y in ring) + "))"
            g.add((node, LOCN.geometry, Literal(wkt, datatype=WKT)))

    def _resources(self) -> None:
        resources = self.package.get("resources")
        if _empty(resources):
            return
        if not isinstance(resources, list):
            self.warn(self.at("resources"), "resources is not a list of objects")
            self.keep(self.ds, "resources", resources)
            return
        g = self.g
        for i, resource in enumerate(resources):
            if not isinstance(resource, dict):
                if not _empty(resource):
                    self.warn(self.at("resources", i), "the resource is not an object")
                    self.keep(self.ds, "resources", resource)
                continue
            node = self.lifter.node(self.rec, "distribution", i)
            g.add((self.ds, DCAT.distribution, node))
            g.add((node, RDF.type, DCAT.Distribution))
            url = resource.get("url")
            target = iri(url) if not _empty(url) else None
            if target is not None:
                prop = DCAT.downloadURL if _looks_like_file(resource, target) else DCAT.accessURL
                g.add((node, prop, target))
            elif not _empty(url):
                self.warn(self.at("resources", i, "url"), f"{str(url)[:80]!r} is not an absolute URL")
                self.keep(node, "url", url)
            for key, prop in (("download_url", DCAT.downloadURL), ("access_url", DCAT.accessURL)):
                self.link(resource.get(key), self.at("resources", i, key), node, prop, key)  # ckanext-dcat
            self.text(resource.get("name"), self.at("resources", i, "name"), node, DCTERMS.title, "name")
            self.text(
                resource.get("description"),
                self.at("resources", i, "description"),
                node,
                DCTERMS.description,
                "description",
                block=True,
            )
            self.text(resource.get("id"), self.at("resources", i, "id"), node, DCTERMS.identifier, "id")
            fmt = clean_text(resource.get("format"))
            if fmt:
                fmt_node = URIRef(f"{node}/format")
                g.add((node, DCTERMS.format, fmt_node))
                g.add((fmt_node, RDF.type, DCTERMS.MediaType))
                g.add((fmt_node, RDFS.label, Literal(fmt)))
            elif not _empty(resource.get("format")):
                self.warn(self.at("resources", i, "format"), "expected text")
                self.keep(node, "format", resource.get("format"))
            mimetype = resource.get("mimetype")
            media = media_type_iri(mimetype) if not _empty(mimetype) else None
            if media is None and fmt and "/" in fmt:
                media = media_type_iri(fmt)
            if media is not None:
                g.add((node, DCAT.mediaType, media))
            elif not _empty(mimetype):
                self.warn(self.at("resources", i, "mimetype"), f"{str(mimetype)[:80]!r} is not a media type")
                self.keep(node, "mimetype", mimetype)
            size = resource.get("size")
            if isinstance(size, str) and size.strip().isdigit():
                size = int(size.strip())
            if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
                g.add((node, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
            elif not _empty(size):
                self.warn(self.at("resources", i, "size"), f"{str(size)[:40]!r} is not a size in bytes")
                self.keep(node, "size", size)
            self.date(resource.get("created"), self.at("resources", i, "created"), node, DCTERMS.issued, "created")
            self.date(
                resource.get("last_modified"),
                self.at("resources", i, "last_modified"),
                node,
                DCTERMS.modified,
                "last_modified",
            )
            for key, value in sorted(resource.items()):
                if key not in RESOURCE_MAPPED:
                    self.keep(node, key, value)


__all__ = ["CkanPackageLifter"]
