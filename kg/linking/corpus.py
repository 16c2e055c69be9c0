"""What linking and search need to know about each stored dataset, read from the store.

Search facets (format, licence, year, validation status) are read here too, with one
whole-store query each (never one per dataset), and normalised to readable labels: the many
ways lifters and catalogs spell one format or licence (``text/csv``, ``CSV``, ``csv``;
``https://creativecommons.org/licenses/by/4.0/legalcode``, ``https://spdx.org/licenses/CC-BY-4.0``)
are one facet value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.namespaces import BASE, CW
from kg.store import GraphStore

_PREFIXES = f"""PREFIX cw: <{CW}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@dataclass
class DatasetSummary:
    key: str
    iri: str
    source: str  # source IRI
    title: str = ""
    description: str = ""
    publisher: str = ""
    identifier: str = ""
    keywords: list[str] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)  # shared concepts: aligned, or a scheme's own IRI
    formats: list[str] = field(default_factory=list)  # readable labels of its distributions' formats
    licenses: list[str] = field(default_factory=list)  # readable licence labels (licence_label)
    issued: str = ""  # dcterms:issued as written (the earliest when there are several)
    modified: str = ""  # dcterms:modified (the latest)
    temporal_start: str = ""  # the earliest dcat:startDate of its dcterms:temporal
    validation: str = ""  # the stored report's cw:status (Conforms, Info, Warning, Violation); "" none

    @property
    def source_name(self) -> str:
        return self.source.rstrip("/").rsplit("/", 1)[-1]

    @property
    def year(self) -> str:
        """One year per dataset, for the year facet: of dcterms:issued, else dcterms:modified,
        else the start of its temporal coverage; "" when it has none of them."""
        for value in (self.issued, self.modified, self.temporal_start):
            if _YEAR.match(value):
                return value[:4]
        return ""

    @property
    def latest_date(self) -> str:
        """What "newest first" sorts by: the later of dcterms:modified and issued, else the
        temporal start, as ``YYYY[-MM[-DD]]`` (ISO 8601 strings compare by their text)."""
        dates = [d[:10] for d in (self.modified, self.issued) if _YEAR.match(d)]
        if dates:
            return max(dates)
        return self.temporal_start[:10] if _YEAR.match(self.temporal_start) else ""

    @property
    def validation_status(self) -> str:
        """``conforms``, ``warnings``, ``violations`` or ``unvalidated`` (an Info finding
        conforms, as in ``kg validate``)."""
        return {"Violation": "violations", "Warning": "warnings", "Info": "conforms", "Conforms": "conforms"}.get(
            self.validation, "unvalidated"
        )

    def embedding_text(self) -> str:
        """The text embedded for linking and search: title, keywords, then description.

        The model reads 128 tokens; keywords go before the description so they are never cut.
        """
        parts = [self.title.strip()]
        if self.keywords:
            parts.append("Keywords: " + "; ".join(sorted(self.keywords)[:20]))
        if self.description:
            parts.append(self.description.strip()[:2000])
        return ". ".join(p for p in parts if p)


def dataset_summaries(store: GraphStore) -> list[DatasetSummary]:
    """Every stored record's dataset, ordered by key (deterministic)."""
    rows = store.select(
        _PREFIXES
        + """SELECT ?key ?ds ?source ?title ?desc ?pub ?id WHERE {
          GRAPH ?g { ?g cw:recordKey ?key ; cw:source ?source ; foaf:primaryTopic ?ds .
            OPTIONAL { ?ds dcterms:title ?title }
            OPTIONAL { ?ds dcterms:description ?desc }
            OPTIONAL { ?ds dcterms:publisher/foaf:name ?pub }
            OPTIONAL { ?ds dcterms:identifier ?id } } }"""
    )
    by_key: dict[str, DatasetSummary] = {}
    for r in rows:
        s = by_key.get(r["key"])
        if s is None:
            s = by_key[r["key"]] = DatasetSummary(r["key"], r["ds"], r["source"])
        # Several titles (languages) or descriptions: keep the first in a stable order.
        for attr, var in (("title", "title"), ("description", "desc"), ("publisher", "pub"), ("identifier", "id")):
            value = r.get(var, "")
            if value and (not getattr(s, attr) or value < getattr(s, attr)):
                setattr(s, attr, value)
    for r in store.select(
        _PREFIXES
        + """SELECT ?key ?kw WHERE { GRAPH ?g { ?g cw:recordKey ?key ; foaf:primaryTopic ?ds .
               ?ds dcat:keyword ?kw } }"""
    ):
        if r["key"] in by_key:
            by_key[r["key"]].keywords.append(r["kw"])
    for r in store.select(
        _PREFIXES
        + """SELECT DISTINCT ?key ?c WHERE {
               { GRAPH ?a { ?a cw:recordKey ?key ; foaf:primaryTopic ?ds . ?ds dcat:theme ?c } }
               FILTER(isIRI(?c)) }"""
    ):
        if r["key"] in by_key:
            by_key[r["key"]].concepts.append(r["c"])
    _read_facets(store, by_key)
    for s in by_key.values():
        s.keywords.sort()
        s.concepts = _shared_concepts(s.concepts)
    return [by_key[k] for k in sorted(by_key)]


def _per_record(store: GraphStore, pattern: str) -> list[dict[str, str]]:
    """Rows of ``pattern`` about each record's dataset ``?ds`` in the record's graph, with its ``?key``."""
    return store.select(
        _PREFIXES + f"SELECT * WHERE {{ GRAPH ?g {{ ?g cw:recordKey ?key ; foaf:primaryTopic ?ds . {pattern} }} }}"
    )


def _read_facets(store: GraphStore, by_key: dict[str, DatasetSummary]) -> None:
    """Formats, licences, dates and validation status of every dataset: four whole-store queries."""
    formats: dict[str, set[str]] = {}
    for r in _per_record(
        store,
        """?ds dcat:distribution ?d .
           { ?d dcat:mediaType ?v } UNION { ?d dcterms:format ?f OPTIONAL { ?f rdfs:label ?fl } BIND(COALESCE(?fl, ?f) AS ?v) }""",
    ):
        if r["key"] in by_key:
            # one label may list several formats ("CSV, JSON")
            labels = {format_label(part) for part in re.split(r"\s*[,;]\s*", r.get("v", ""))}
            formats.setdefault(r["key"], set()).update(label for label in labels if label)
    licences: dict[str, set[str]] = {}
    for r in _per_record(store, "?ds dcterms:license ?l OPTIONAL { ?l rdfs:label ?ll }"):
        if r["key"] in by_key:
            licences.setdefault(r["key"], set()).add(licence_label(r["l"], r.get("ll", "")))
    for r in _per_record(
        store,
        """{ ?ds dcterms:issued ?v BIND("issued" AS ?p) } UNION { ?ds dcterms:modified ?v BIND("modified" AS ?p) }
           UNION { ?ds dcterms:temporal/dcat:startDate ?v BIND("temporal_start" AS ?p) }""",
    ):
        s = by_key.get(r["key"])
        value = r["v"].strip()
        if s is None or not _YEAR.match(value):
            continue
        current = getattr(s, r["p"])
        # the first issue and the first coverage start, but the last modification
        if not current or (value > current if r["p"] == "modified" else value < current):
            setattr(s, r["p"], value)
    prefix = f"{BASE}graph/validation/"
    for r in store.select(
        f"""SELECT ?key ?status WHERE {{ GRAPH ?vg {{ ?rep <{CW.status}> ?status }}
              BIND(STRAFTER(STR(?vg), "{prefix}") AS ?key) }}"""
    ):
        if r.get("key") in by_key:
            by_key[r["key"]].validation = r["status"]
    for key, values in formats.items():
        by_key[key].formats = sorted(values)
    for key, values in licences.items():
        by_key[key].licenses = sorted(values)


_YEAR = re.compile(r"\d{4}(?!\d)")
_IANA = "https://www.iana.org/assignments/media-types/"
_TOP_LEVEL_TYPES = {"application", "audio", "font", "image", "message", "model", "multipart", "text", "video"}
# media types and free-text format names as catalogs write them → one readable label
_FORMATS = {
    "text/csv": "CSV", "application/csv": "CSV", "csv": "CSV",
    "text/tab-separated-values": "TSV", "text/tsv": "TSV", "tsv": "TSV",
    "application/x-netcdf": "NetCDF", "application/netcdf": "NetCDF", "netcdf": "NetCDF", "netcdf4": "NetCDF",
    "netcdf4_classic": "NetCDF", "netcdf3": "NetCDF", "nc": "NetCDF",
    "application/x-hdf5": "HDF5", "application/x-hdf": "HDF", "hdf5": "HDF5", "h5": "HDF5", "hdf": "HDF", "hdf4": "HDF",
    "application/zip": "ZIP", "application/x-zip-compressed": "ZIP", "zip": "ZIP",
    "application/gzip": "GZIP", "application/x-gzip": "GZIP", "gzip": "GZIP",
    "application/x-tar": "TAR", "application/tar": "TAR", "tar": "TAR",
    "application/json": "JSON", "text/json": "JSON", "application/vnd.api+json": "JSON", "json": "JSON",
    "application/geo+json": "GeoJSON", "application/vnd.geo+json": "GeoJSON", "geojson": "GeoJSON",
    "application/ld+json": "JSON-LD", "json-ld": "JSON-LD",
    "application/xml": "XML", "text/xml": "XML", "xml": "XML",
    "text/html": "HTML", "application/html": "HTML", "application/xhtml+xml": "HTML", "html": "HTML",
    "application/http": "API", "api": "API", "esri rest": "Esri REST",
    "application/pdf": "PDF", "pdf": "PDF",
    "application/vnd.ms-excel": "XLS", "application/xls": "XLS", "xls": "XLS", "excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX", "xlsx": "XLSX",
    "application/msword": "DOC", "doc": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX", "docx": "DOCX",
    "text/plain": "Text", "txt": "Text", "text": "Text", "ascii": "Text",
    "application/octet-stream": "Binary", "binary": "Binary",
    "image/jpeg": "JPEG", "jpeg": "JPEG", "jpg": "JPEG", "image/png": "PNG", "png": "PNG",
    "image/tiff": "TIFF", "tiff": "TIFF", "tif": "TIFF", "geotiff": "GeoTIFF", "image/geotiff": "GeoTIFF",
    "application/rdf+xml": "RDF/XML", "rdf": "RDF/XML", "text/turtle": "Turtle", "turtle": "Turtle",
    "application/rss+xml": "RSS", "rss": "RSS",
    "application/vnd.apache.parquet": "Parquet", "application/x-parquet": "Parquet", "parquet": "Parquet",
    "application/vnd.google-earth.kml+xml": "KML", "kml": "KML",
    "application/vnd.google-earth.kmz": "KMZ", "application/vnd.google-earth.kmz+xml": "KMZ", "kmz": "KMZ",
    "application/vnd.shp": "Shapefile", "application/x-shapefile": "Shapefile", "shp": "Shapefile",
    "shapefile": "Shapefile", "esri shapefile": "Shapefile",
    "application/vnd.las": "LAS", "application/matlab": "MATLAB", "application/x-matlab-data": "MATLAB",
    "matlab": "MATLAB", "audio/wav": "WAV", "audio/x-wav": "WAV", "application/x-nexus": "NeXus", "nexus": "NeXus",
    "application/vnd.datapackage+json": "Data Package", "application/vnd.ogc.wms_xml": "WMS", "wms": "WMS",
    "application/x-ipynb+json": "Jupyter notebook",
}  # fmt: skip
_NO_FORMAT = {"application/unknown", "unknown", "other", "n/a", "none"}


def format_label(value: str) -> str:
    """A readable label for a distribution's ``dcat:mediaType`` (IANA IRI) or ``dcterms:format``
    (label or IRI): ``text/csv`` and ``csv`` are ``CSV``; a packaging note is dropped
    (``NetCDF (tar)`` is ``NetCDF``); an unknown media type is its subtype (``application/x-foo``
    is ``FOO``); an unknown name stays as written. "" for an empty or "unknown" value."""
    text = " ".join(value.split())
    if text.startswith(BASE):
        return ""  # a lifter's own format node that carries no label says nothing
    if text.startswith(_IANA):
        text = text[len(_IANA) :]
    elif text.startswith(("http://", "https://")):
        # a format vocabulary IRI (EU file types, a lifter's own node without a label): its last part
        text = re.split(r"[/#]", text.rstrip("/"))[-1]
    text = re.sub(r"\s*\([^)]*\)$", "", text).strip()  # "NetCDF (tar)", "TSV (gzip)"
    low = text.lower().split(";")[0].strip()
    if not low or low in _NO_FORMAT:
        return ""
    if low in _FORMATS:
        return _FORMATS[low]
    if "+" in low and "/" not in low and " " not in low:  # a media subtype alone ("rss+xml")
        low = "application/" + low
        if low in _FORMATS:
            return _FORMATS[low]
    top, _, sub = low.partition("/")
    if sub and top in _TOP_LEVEL_TYPES and " " not in low:
        sub = re.sub(r"^(x-|vnd\.)", "", sub).split("+")[0]
        return _FORMATS.get(sub, sub.upper() if len(sub) <= 5 else sub)
    return text[:40]


_SPDX = re.compile(r"(?:spdx\.org/licenses|opensource\.org/licenses?)/([\w.+-]+?)(?:\.html|\.json)?/?$")
_CC = re.compile(r"creativecommons\.org/licenses/([a-z-]+)/(\d(?:\.\d)?)(?:/([a-z]{2}))?(?=/|$)")
_LICENCE_IDS = {  # CKAN licence ids (kg.lifting.ckan writes {BASE}license/ckan/<id>) and a few URL tails
    "cc-by": "CC-BY", "cc-by-sa": "CC-BY-SA", "cc-nc": "CC-BY-NC", "cc-zero": "CC0-1.0", "odc-odbl": "ODbL-1.0",
    "odc-pddl": "PDDL-1.0", "odc-by": "ODC-By-1.0", "uk-ogl": "OGL-UK-3.0", "gfdl": "GFDL-1.3",
    "us-pd": "US public domain",
}  # fmt: skip
NO_LICENCE = "(no licence)"  # the facet value of a dataset that states none, or states "unknown"


def licence_label(iri: str, label: str = "") -> str:
    """A readable licence label, the SPDX identifier where there is one: every spelling of the
    Creative Commons Attribution 4.0 licence (deed, legalcode, http or https, spdx.org) is
    ``CC-BY-4.0``; US federal public-domain statements are ``US public domain``; the
    "unknown licence" markers of Project Open Data and CKAN are ``(no licence)``. Any
    other licence is its own label when it has a short one, else its address."""
    low = iri.strip().lower()
    if match := _CC.search(low):
        code, version, country = match.groups()
        return "-".join(["CC", code.upper(), version] + ([country.upper()] if country else []))
    if re.search(r"creativecommons\.org/publicdomain/zero/|opendefinition\.org/licenses/cc-zero", low):
        return "CC0-1.0"
    if "creativecommons.org/publicdomain/mark/" in low:
        return "Public Domain Mark 1.0"
    if re.search(r"usa\.gov/(publicdomain|government-works|government-copyright)", low):
        return "US public domain"
    if "unknown-license" in low:
        return NO_LICENCE
    if match := re.search(r"opendatacommons\.org/licenses/(odbl|pddl|by)\b", low):
        return {"odbl": "ODbL-1.0", "pddl": "PDDL-1.0", "by": "ODC-By-1.0"}[match.group(1)]
    if match := _SPDX.search(iri.strip()):
        return match.group(1)
    if low.startswith(f"{BASE}license/ckan/".lower()):
        ident = low.rsplit("/", 1)[-1]
        if ident == "notspecified":
            return NO_LICENCE
        if ident in _LICENCE_IDS:
            return _LICENCE_IDS[ident]
    text = " ".join(label.split())
    if text and len(text) <= 60 and text != "MD_Constraints":
        return text
    address = re.sub(r"^[a-z]+://(www\.)?", "", iri.strip()).rstrip("/")
    return address if len(address) <= 60 else address[:59] + "…"


def _shared_concepts(iris: list[str]) -> list[str]:
    """The dataset's concepts that belong to a shipped scheme (alignment graphs give those;
    a record's own themes count when they are, or resolve to, a scheme concept: the UMM-C
    lifter's GCMD path IRIs resolve to the KMS concepts)."""
    from kg.alignment.concepts import concept_index

    index = concept_index()
    return sorted({c for c in (index.resolve(i) for i in iris) if c})
