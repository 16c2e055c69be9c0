"""NASA UMM-C collection JSON (Unified Metadata Model for Collections 1.15 – 1.18, as served by
NASA CMR) → DCAT 3 / DCTERMS / PROV-O / FOAF / vCard / SKOS.

Reads a bare UMM-C document, a CMR search response (``{"hits", "items": [{"meta", "umm"}]}``,
one record per item, pointer ``/items/N/umm``), a single ``{"meta", "umm"}`` item, or a JSON
array of either. Where NASA publishes a crosswalk it is followed: CMR's own data.json export
(``cmr.search.results-handlers.opendata-results-handler``: identifier = concept-id, landing
page = the DOI, related URLs → distributions, archive centre → publisher, citation creator →
creator) and CMR's UMM-C → ISO 19115-2 writer (``EndsAtPresentFlag`` → an open end, projects →
a larger work).

Identity: the dataset IRI is ``https://doi.org/<doi>`` when ``DOI.DOI`` holds a DOI. The local
identifier (record key, ``dcterms:identifier`` without a DOI) is the CMR concept-id
(``meta.concept-id``) when the record came with CMR's ``meta``, else ``ShortName___Version``
(the NASA Cumulus collection-id convention; ``ShortName`` alone without a Version). The same
collection read bare and from a search response therefore has two keys but, with a DOI, one
dataset IRI.

==================================  ==========================================================
UMM-C (JSON pointer under the       RDF
record)
==================================  ==========================================================
/DOI/DOI (+ Authority)              the dataset IRI; ``dcterms:identifier`` the DOI. The
                                    concept-id is then an ``adms:identifier`` (schemaAgency
                                    "NASA CMR"). MissingReason / Explanation kept unmapped
/DOI/PreviousVersion/DOI            ``dcat:previousVersion`` its doi.org IRI
/AssociatedDOIs                     ``dcterms:isPartOf`` (Parent Dataset), ``dcterms:hasPart``
                                    (Child Dataset), else ``dcterms:relation``: doi.org IRIs
/EntryTitle, /ShortName             ``dcterms:title``; ``dcterms:alternative``
/Version, /VersionDescription       ``dcat:version``; ``adms:versionNotes``
/Abstract, /Purpose                 ``dcterms:description``; ``dcat-us:purpose`` (DCAT-US 3.0)
/DataCenters                        every centre is ``{BASE}agent/<slug(ShortName)>`` (the
                                    shared organisation node; LongName → skos:altLabel, its
                                    HOME PAGE → foaf:homepage) with one
                                    ``prov:qualifiedAttribution`` per role (``dcat:hadRole``
                                    ``{BASE}concept/umm-c/data-center-role/<role>``).
                                    ``dcterms:publisher`` = the first ARCHIVER, else the first
                                    DISTRIBUTOR (CMR data.json: the archive centre), else the
                                    citation's Publisher, else the first named centre
                                    (reported); ORIGINATOR → ``dcterms:creator``
                                    (``dcterms:contributor`` when a citation names the
                                    creator); PROCESSOR → ``dcterms:contributor``
ContactInformation, ContactPersons  ``dcat:contactPoint`` vcard:Kind: vcard:fn (centre name,
ContactGroups (in a centre and at    person "First Middle Last", GroupName), vcard:hasEmail
the top level)                      (ContactMechanisms of Type Email), vcard:hasURL (their
                                    RelatedUrls), vcard:organization-name (the centre or
                                    NonDataCenterAffiliation), vcard:role (Roles). Identical
                                    contacts are written once; a centre's own information only
                                    with an e-mail (DCAT-US 3.0 requires one), a nameless
                                    centre's information is its only person's. Phones,
                                    addresses, hours kept on the contact
/ScienceKeywords                    ``dcat:keyword`` the most specific level; ``dcat:theme`` a
                                    skos:Concept per hierarchy path, IRI
                                    ``{BASE}concept/gcmd/sciencekeywords/<slug>/<slug>/...``
                                    (Category / Topic / Term / VariableLevel1-3 /
                                    DetailedVariable), skos:prefLabel the full path
                                    "EARTH SCIENCE > BIOSPHERE > ...", skos:altLabel the level's
                                    own label, skos:broader its parent (ancestors written too),
                                    skos:inScheme ``{BASE}concept/gcmd/sciencekeywords``
                                    ("GCMD Science Keywords"). A "Not provided" level ends the
                                    path (reported)
/AncillaryKeywords,                 ``dcat:keyword``
/TemporalKeywords
/ISOTopicCategories                 ``dcat:keyword``; a known category also ``dcat:theme`` the
                                    INSPIRE TopicCategory concept the ISO 19139 lifter uses
/Platforms, …/Instruments           ``dcat:keyword`` each ShortName; and ``prov:wasGeneratedBy``
                                    an acquisition prov:Activity per platform that
                                    ``prov:used`` the platform (sosa:Platform) and its
                                    instruments (sosa:Sensor, hosted by the platform:
                                    ``sosa:hosts``; ComposedOf → ``ssn:hasSubSystem``); each
                                    with dcterms:identifier ShortName and rdfs:label LongName.
                                    Type, Characteristics, Technique ... kept on the node
/Projects                           ``dcat:keyword`` ShortName; ``dcterms:isPartOf`` a
                                    foaf:Project node (dcterms:identifier, rdfs:label) — ISO's
                                    largerWorkCitation / GeoDCAT-AP's mapping. Dates and
                                    Campaigns kept on the node
/TemporalExtents                    ``dcterms:temporal`` dcterms:PeriodOfTime per RangeDateTime
                                    (dcat:startDate / dcat:endDate) and per SingleDateTime
                                    (both ends the same). EndsAtPresentFlag true → no end (an
                                    EndingDateTime given anyway is reported and kept).
                                    PeriodicDateTimes, PrecisionOfSeconds ... kept
/SpatialExtent/HorizontalSpatial…   ``dcterms:spatial`` dcterms:Location: BoundingRectangles →
Domain/Geometry                     ``dcat:bbox`` WKT polygon (a box across the antimeridian a
                                    MULTIPOLYGON); GPolygons → ``locn:geometry`` POLYGON;
                                    Points → POINT; Lines → LINESTRING. Orbit, vertical
                                    domains, coordinate system ... kept
/LocationKeywords                   ``dcat:keyword`` and a dcterms:Location with
                                    locn:geographicName the most specific place and
                                    skos:prefLabel the path "CONTINENT > NORTH AMERICA > ..."
/RelatedUrls                        DistributionURL of Type GET DATA / GET DATA VIA DIRECT
                                    ACCESS / USE SERVICE API → ``dcat:distribution``: Subtype
                                    DIRECT DOWNLOAD (or a non-text MimeType, CMR's rule) →
                                    dcat:downloadURL, else dcat:accessURL; Description →
                                    dcterms:description; Subtype (else Type) → dcterms:title;
                                    GetData/Format → dcterms:format; MimeType → dcat:mediaType.
                                    CollectionURL DATA SET LANDING PAGE → ``dcat:landingPage``
                                    (the first; without one the DOI, as CMR does);
                                    PublicationURL → ``dcterms:references``;
                                    VisualizationURL → ``foaf:depiction``; others →
                                    ``dcterms:relation``. Repeated entries are written once
/ArchiveAndDistributionInformation  FileDistributionInformation/Format → ``dcterms:format``
                                    (dcterms:MediaType with rdfs:label): one format goes on
                                    each distribution without its own (with dcat:mediaType
                                    when certain), several stay on the dataset (DCAT-US 3.0
                                    allows one per distribution). Sizes, media, fees, archive
                                    information kept
/UseConstraints                     LicenseURL/Linkage → ``dcterms:license``
                                    (dcterms:LicenseDocument); Description / LicenseText →
                                    ``dcterms:rights`` dcterms:RightsStatement (rdfs:label)
/AccessConstraints                  ``dcterms:accessRights`` dcterms:RightsStatement
                                    (Description; Value kept)
/CollectionProgress                 ``adms:status`` a skos:Concept in
                                    ``{BASE}concept/umm-c/collection-progress``
/DataDates                          CREATE → ``dcterms:issued`` (the earliest), UPDATE →
                                    ``dcterms:modified`` (the latest); without an UPDATE,
                                    ``meta.revision-date`` (CMR data.json does the same);
                                    without a CREATE, the citation ReleaseDate
/CollectionCitations                Creator → ``dcterms:creator`` a foaf:Agent named as given
                                    (a free-text author list is not split); Publisher →
                                    ``dcterms:publisher`` when no centre is ARCHIVER or
                                    DISTRIBUTOR; ReleaseDate → ``dcterms:issued`` without a
                                    CREATE date. The citation itself is kept
/DataLanguage                       ``dcterms:language`` (its first code)
==================================  ==========================================================

Everything else (ProcessingLevel, CollectionDataType, MetadataDates, MetadataSpecification,
AdditionalAttributes, TilingIdentificationSystems, ``meta`` ...) and every part of a mapped
object that is not mapped is kept under the source namespace (``src:umm-c/<key>``) as JSON.
"Not provided" (CMR's placeholder for a missing required value) counts as absent.

Every problem is reported with the JSON pointer of the field inside the file (e.g.
``/items/0/umm/TemporalExtents/0/RangeDateTimes/0/BeginningDateTime``). ECHO10 XML, DIF and
UMM-G / UMM-S / UMM-V JSON are not read by this lifter (ECHO10 and DIF are other formats; CMR
converts them to UMM-C on request with ``Accept: application/vnd.nasa.cmr.umm+json``).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterator
from typing import Any

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS

from kg.errors import LiftError
from kg.formats import SourceFormat
from kg.lifting.base import LiftedRecord, Lifter, RawRecord
from kg.lifting.common import (
    bbox_wkt,
    clean_text,
    date_literal,
    file_record,
    iri,
    language_iri,
    mailto,
    media_type_iri,
    without_lone_surrogates,
)
from kg.namespaces import ADMS, BASE, DCAT_US, LOCN, VCARD, doi_iri, normalize_doi, slug
from kg.report import Severity

FORMAT = SourceFormat(
    "umm-c",
    "NASA UMM-C collection JSON (CMR)",
    ("application/vnd.nasa.cmr.umm+json", "application/json"),
    (".json",),
)

ORG = Namespace("http://www.w3.org/ns/org#")
SOSA = Namespace("http://www.w3.org/ns/sosa/")
SSN = Namespace("http://www.w3.org/ns/ssn/")
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3 terms missing from rdflib's DCAT namespace
DCAT_PREVIOUS_VERSION = URIRef(str(DCAT) + "previousVersion")

CONCEPTS = f"{BASE}concept/umm-c/"
GCMD_SCHEME = URIRef(f"{BASE}concept/gcmd/sciencekeywords")
GCMD_KMS_SCHEME = URIRef("https://gcmd.earthdata.nasa.gov/kms/concepts/concept_scheme/sciencekeywords")
PROGRESS_SCHEME = URIRef(f"{CONCEPTS}collection-progress")
TOPIC_SCHEME = URIRef("http://inspire.ec.europa.eu/metadata-codelist/TopicCategory")  # as the ISO 19139 lifter

SCIENCE_LEVELS = ("Category", "Topic", "Term", "VariableLevel1", "VariableLevel2", "VariableLevel3", "DetailedVariable")
LOCATION_LEVELS = ("Category", "Type", "Subregion1", "Subregion2", "Subregion3", "DetailedLocation")
DATA_CENTER_ROLES = ("ARCHIVER", "DISTRIBUTOR", "ORIGINATOR", "PROCESSOR")
DISTRIBUTION_TYPES = {"GET DATA", "GET DATA VIA DIRECT ACCESS", "USE SERVICE API"}
DOWNLOAD_SUBTYPES = {"DIRECT DOWNLOAD"}

# UMM-C ISOTopicCategories (upper-case words, or ISO codes since 1.15) → ISO 19115 topic codes.
ISO_TOPICS = {
    re.sub(r"[^a-z]", "", code.lower()): code
    for code in (
        "farming biota boundaries climatologyMeteorologyAtmosphere economy elevation environment "
        "geoscientificInformation health imageryBaseMapsEarthCover intelligenceMilitary inlandWaters "
        "location oceans planningCadastre society structure transportation utilitiesCommunication "
        "extraTerrestrial"
    ).split()
}
# Format names (GCMD granule data formats) whose IANA media type is certain.
FORMAT_MEDIA_TYPES = {
    "ascii": "text/plain",
    "ascii text": "text/plain",
    "text": "text/plain",
    "csv": "text/csv",
    "html": "text/html",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "tiff": "image/tiff",
    "geotiff": "image/tiff",
    "pdf": "application/pdf",
    "json": "application/json",
    "geojson": "application/geo+json",
    "xml": "application/xml",
    "kml": "application/vnd.google-earth.kml+xml",
    "kmz": "application/vnd.google-earth.kmz",
    "zip": "application/zip",
}

# Top-level UMM-C keys the steps below map; every other key is kept under the source namespace.
MAPPED = {
    "DOI", "AssociatedDOIs", "EntryTitle", "ShortName", "Version", "VersionDescription", "Abstract", "Purpose",
    "DataCenters", "ContactPersons", "ContactGroups", "ScienceKeywords", "AncillaryKeywords", "TemporalKeywords",
    "ISOTopicCategories", "Platforms", "Projects", "TemporalExtents", "SpatialExtent", "LocationKeywords",
    "RelatedUrls", "ArchiveAndDistributionInformation", "UseConstraints", "AccessConstraints",
    "CollectionProgress", "DataDates", "CollectionCitations", "DataLanguage",
}  # fmt: skip
# UMM-C 1.17 required fields checked here (the rest are reported by the steps that read them).
REQUIRED = ("ShortName", "Version", "EntryTitle", "Abstract", "DataCenters", "ScienceKeywords", "TemporalExtents")

_KEY_RE = {
    key: re.compile(rb'"' + key.encode() + rb'"\s*:')
    for key in ("EntryTitle", "ShortName", "Abstract", "DataCenters", "ScienceKeywords", "TemporalExtents",
                "SpatialExtent", "RelatedUrls", "Platforms", "ProcessingLevel", "CollectionProgress", "umm",
                "items", "concept-id", "GranuleUR", "CollectionReference", "@context")
}  # fmt: skip




def _kind(value: object) -> str:
    """A JSON type name for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _placeholder(text: str | None) -> bool:
    return text is not None and text.strip().lower() == "not provided"


def _num(value: float) -> str:
    return repr(value).rstrip("0").rstrip(".") if "." in repr(value) else repr(value)


def _dumps(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _load(data: bytes, source_file: str) -> tuple[object, bool]:
    """The parsed JSON and whether lone surrogates in it were replaced, or a LiftError saying
    why it cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LiftError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start}); UMM-C JSON is UTF-8", source_file=source_file
        ) from exc
    # A lone \uD800-\uDFFF escape names no character: read as U+FFFD, as every JSON lifter does.
    readable = without_lone_surrogates(text)
    try:
        obj = json.loads(readable)
    except json.JSONDecodeError as exc:
        raise LiftError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", source_file=source_file
        ) from exc
    except RecursionError as exc:
        raise LiftError("JSON nested too deeply", source_file=source_file) from exc
    except ValueError as exc:  # e.g. an integer literal over Python's 4300-digit limit
        raise LiftError(f"not readable JSON: {str(exc).split(';')[0]}", source_file=source_file) from exc
    return obj, readable != text


def _looks_like_umm(obj: object) -> bool:
    return isinstance(obj, dict) and ("EntryTitle" in obj or ("ShortName" in obj and "Abstract" in obj))


def _entries(obj: object) -> list[tuple[str, object, object]] | None:
    """(pointer, umm, meta) for each record the document holds; None when it is not UMM-C."""
    if isinstance(obj, dict):
        items = obj.get("items")
        if isinstance(items, list) and ("hits" in obj or any(isinstance(i, dict) and "umm" in i for i in items)):
            out: list[tuple[str, object, object]] = []
            for i, item in enumerate(items):
                if isinstance(item, dict) and "umm" in item:
                    out.append((f"/items/{i}/umm", item.get("umm"), item.get("meta")))
                else:
                    out.append((f"/items/{i}", item, None))
            return out
        if "umm" in obj and ("meta" in obj or _looks_like_umm(obj.get("umm"))):
            return [("/umm", obj.get("umm"), obj.get("meta"))]
        if _looks_like_umm(obj):
            return [("", obj, None)]
        return None
    if isinstance(obj, list):
        out = []
        for i, item in enumerate(obj):
            if isinstance(item, dict) and "umm" in item:
                out.append((f"/{i}/umm", item.get("umm"), item.get("meta")))
            else:
                out.append((f"/{i}", item, None))
        return out if any(_looks_like_umm(u) for _, u, _ in out) else None
    return None


def _local_id(umm: dict[str, Any], meta: object) -> str | None:
    """The CMR concept-id, else ShortName___Version (Cumulus collection id), else ShortName."""
    if isinstance(meta, dict):
        concept = clean_text(meta.get("concept-id")) if isinstance(meta.get("concept-id"), str) else None
        if concept:
            return concept
    short = umm.get("ShortName")
    short = clean_text(short) if isinstance(short, (str, int, float)) and not isinstance(short, bool) else None
    if not short or _placeholder(short):
        return None
    version = umm.get("Version")
    version = clean_text(version) if isinstance(version, (str, int, float)) and not isinstance(version, bool) else None
    return f"{short}___{version}" if version and not _placeholder(version) else short


@functools.lru_cache(maxsize=8192)
def _gcmd_triples(path: tuple[str, ...]) -> tuple[URIRef, tuple[tuple[URIRef, URIRef, URIRef | Literal], ...]]:
    """The concept IRI of a GCMD Science Keywords path and the triples describing it and its
    ancestors (cached: the same paths recur across a provider's collections)."""
    triples: list[tuple[URIRef, URIRef, URIRef | Literal]] = [
        (GCMD_SCHEME, RDF.type, SKOS.ConceptScheme),
        (GCMD_SCHEME, DCTERMS.title, Literal("GCMD Science Keywords")),
        (GCMD_SCHEME, RDFS.seeAlso, GCMD_KMS_SCHEME),
    ]
    parent = None
    concept = GCMD_SCHEME
    for depth in range(1, len(path) + 1):
        concept = URIRef(f"{GCMD_SCHEME}/" + "/".join(slug(p) for p in path[:depth]))
        triples += [
            (concept, RDF.type, SKOS.Concept),
            (concept, SKOS.prefLabel, Literal(" > ".join(path[:depth]))),
            (concept, SKOS.altLabel, Literal(path[depth - 1])),
            (concept, SKOS.inScheme, GCMD_SCHEME),
            (concept, SKOS.topConceptOf, GCMD_SCHEME) if parent is None else (concept, SKOS.broader, parent),
        ]
        parent = concept
    return concept, tuple(triples)


def _meta_pointer(pointer: str) -> str:
    return pointer[: -len("/umm")] + "/meta" if pointer.endswith("/umm") else "/meta"


class _Ctx:
    """State of one record being lifted: the record, the base pointer, counters and dedup sets."""

    def __init__(self, rec: LiftedRecord, base: str) -> None:
        self.rec = rec
        self.base = base
        self.contacts: dict[tuple[str | None, tuple[str, ...]], URIRef] = {}
        self.attributions = 0
        self.distributions: list[tuple[URIRef, bool]] = []  # (node, has its own format)
        self.keywords: set[str] = set()
        self.citation_publisher: str | None = None
        self.release_date: Literal | None = None

    def at(self, *parts: object) -> str:
        return self.base + "".join(f"/{p}" for p in parts)


class UmmCLifter(Lifter):
    """Each UMM-C collection (bare, in a CMR search response, or in a JSON array) is a record."""

    format = FORMAT
    version = "1.1"

    # --- detect / split -----------------------------------------------------------------

    def detect(self, data: bytes, filename: str) -> float:
        head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith((b"{", b"[")):
            return 0.0
        sample = data[:1_000_000]
        found = {key for key, pattern in _KEY_RE.items() if pattern.search(sample)}
        if "@context" in found or "GranuleUR" in found or "CollectionReference" in found:
            return 0.0  # JSON-LD (schema.org, DCAT) or a UMM-G granule
        if "EntryTitle" not in found and not ("ShortName" in found and "Abstract" in found):
            return 0.0
        body = found & {"DataCenters", "ScienceKeywords", "TemporalExtents", "SpatialExtent", "RelatedUrls",
                        "Platforms", "ProcessingLevel", "CollectionProgress", "Abstract"}  # fmt: skip
        if len(body) < 2:
            return 0.0
        if b"cdn.earthdata.nasa.gov/umm/collection" in sample or {"umm", "concept-id"} <= found:
            return 0.95
        return 0.9

    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        obj, scrubbed = _load(data, source_file)
        entries = _entries(obj)
        if entries is None:
            raise LiftError(
                "not a UMM-C document: expected a collection object (with EntryTitle), a CMR search "
                'response ({"items": [{"meta": ..., "umm": ...}]}) or a list of collections',
                source_file=source_file,
            )
        if not entries:
            raise LiftError("the CMR search response holds no items", source_file=source_file, field="/items")
        whole = len(entries) == 1 and entries[0][0] == "" and not scrubbed
        for pointer, umm, meta in entries:
            position = pointer or file_record(source_file)
            if not isinstance(umm, dict) or not umm:
                yield LiftError(
                    f"the collection is {_kind(umm) if umm != {} else 'an empty object'}, not a UMM-C object",
                    source_file=source_file,
                    record=position,
                    field=pointer or None,  # "" (RFC 6901) is the whole document
                )
                continue
            local_id = _local_id(umm, meta)
            if local_id is None:
                yield LiftError(
                    "no CMR concept-id and no ShortName: the collection cannot be given a stable identity",
                    source_file=source_file,
                    record=position,
                    field=f"{pointer}/ShortName",
                )
                continue
            if whole:
                raw_bytes = data
            else:
                raw_bytes = _dumps({"meta": meta, "umm": umm} if meta is not None else umm)
            yield RawRecord(
                data=raw_bytes,
                local_id=local_id,
                pointer=pointer,
                source_file=source_file,
                media_type="application/vnd.nasa.cmr.umm+json",
                parsed=(umm, meta, scrubbed),
            )

    # --- lift ---------------------------------------------------------------------------

    def lift(self, raw: RawRecord, *, source: str) -> LiftedRecord:
        try:
            return self._lift(raw, source)
        except RecursionError as exc:
            raise LiftError("JSON nested too deeply", source_file=raw.source_file, record=raw.local_id) from exc

    def _lift(self, raw: RawRecord, source: str) -> LiftedRecord:
        if isinstance(raw.parsed, tuple):
            umm, meta, scrubbed = raw.parsed
        else:
            obj, scrubbed = _load(raw.data, raw.source_file)
            entries = _entries(obj) or []
            if len(entries) != 1 or not isinstance(entries[0][1], dict):
                raise LiftError("the raw record is not one UMM-C collection", source_file=raw.source_file)
            _, umm, meta = entries[0]
        if not isinstance(umm, dict):
            raise LiftError("the collection is not a JSON object", source_file=raw.source_file, record=raw.local_id)
        doi, doi_problem = self._doi(umm)
        rec = self.new_record(raw, source=source, doi=doi)
        ctx = _Ctx(rec, raw.pointer)
        g, ds = rec.graph, rec.dataset
        g.add((ds, RDF.type, DCAT.Dataset))
        if scrubbed:
            self.warn(
                rec,
                raw.pointer,  # the whole record ("" is the whole document, RFC 6901)
                "the record holds invalid Unicode escapes (lone surrogates); they were replaced with U+FFFD",
                fix="fix the \\uD800-\\uDFFF escapes at the source",
            )
        if doi_problem:
            self.warn(rec, ctx.at("DOI", "DOI"), doi_problem, fix='give the DOI as "10.xxxx/suffix"')
        for name in REQUIRED:
            if umm.get(name) in (None, "", [], {}):
                self.warn(
                    rec,
                    ctx.at(name),
                    f"UMM-C requires {name!r}, which this collection lacks",
                    fix=f"add {name} to the collection in CMR",
                )
        self._identity(ctx, umm, meta, doi)
        self._texts(ctx, umm)
        self._data_centers(ctx, umm)
        self._keywords(ctx, umm)
        self._platforms(ctx, umm)
        self._projects(ctx, umm)
        self._temporal(ctx, umm)
        self._spatial(ctx, umm)
        self._related_urls(ctx, umm, doi)
        self._file_formats(ctx, umm)
        self._constraints(ctx, umm)
        self._dates(ctx, umm, meta)
        for key, value in sorted(umm.items()):
            if key not in MAPPED:
                self.keep_unmapped(rec, ds, key, value)
        return rec

    # --- typed access ------------------------------------------------------------------

    def _text(self, ctx: _Ctx, value: object, pointer: str) -> str | None:
        """Trimmed text of a string field; a number is read as text (reported); other types
        are reported and give None. "Not provided" gives None."""
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.warn(ctx.rec, pointer, f"expected a string, got {_kind(value)}", fix="give the value as a string")
            return None
        if not isinstance(value, str):
            self.warn(ctx.rec, pointer, f"expected a string, got the number {value!r}; read as text")
        text = clean_text(value)
        return None if _placeholder(text) else text

    def _list(self, ctx: _Ctx, value: object, pointer: str, name: str) -> list[tuple[int, Any, str]]:
        """(index, item, item's pointer) of a JSON array; a single object or string is read as a
        list of one (reported; its pointer is the field's own); anything else is reported, kept
        unmapped and gives []."""
        if value is None or value == [] or value == "":
            return []
        if isinstance(value, list):
            return [(i, item, f"{pointer}/{i}") for i, item in enumerate(value)]
        if isinstance(value, (dict, str)):
            self.warn(ctx.rec, pointer, f"expected a list, got {_kind(value)}; read as a list of one", fix="use [ ]")
            return [(0, value, pointer)]
        self.warn(ctx.rec, pointer, f"expected a list, got {_kind(value)}", fix="use a JSON array")
        self.keep_unmapped(ctx.rec, ctx.rec.dataset, name, value)
        return []

    def _obj(self, ctx: _Ctx, value: object, pointer: str, name: str) -> dict[str, Any] | None:
        if value is None or value == {}:
            return None
        if isinstance(value, dict):
            return value
        self.warn(ctx.rec, pointer, f"expected an object, got {_kind(value)}", fix="use a JSON object")
        self.keep_unmapped(ctx.rec, ctx.rec.dataset, name, value)
        return None

    def _number(self, ctx: _Ctx, value: object, pointer: str, limit: float) -> float | None:
        """A finite number within ±limit; a numeric string is read (reported)."""
        if isinstance(value, bool) or value is None:
            number = None
        elif isinstance(value, (int, float)):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                number = None
            if number is not None:
                self.warn(ctx.rec, pointer, f"the number is given as the string {value!r}", fix="give it as a number")
        else:
            number = None
        if number is None or not math.isfinite(number) or not -limit <= number <= limit:
            self.warn(ctx.rec, pointer, f"{str(value)[:40]!r} is not a number between -{limit:g} and {limit:g}")
            return None
        return number

    def _keyword(self, ctx: _Ctx, text: str | None) -> None:
        if text and text not in ctx.keywords:
            ctx.keywords.add(text)
            ctx.rec.graph.add((ctx.rec.dataset, DCAT.keyword, Literal(text)))

    def _rest(self, ctx: _Ctx, subject: URIRef, entry: dict[str, Any], mapped: set[str] | tuple[str, ...]) -> None:
        """Keep each key of ``entry`` not in ``mapped`` under the source namespace on ``subject``."""
        for key, value in sorted(entry.items()):
            if key not in mapped and value not in (None, "", [], {}):
                self.keep_unmapped(ctx.rec, subject, key, value)

    # --- identity and texts ------------------------------------------------------------

    @staticmethod
    def _doi(umm: dict[str, Any]) -> tuple[str | None, str | None]:
        """The collection's DOI (normalised) and, when DOI/DOI holds something else, why not."""
        block = umm.get("DOI")
        if not isinstance(block, dict):
            return None, None
        value = block.get("DOI")
        if value in (None, ""):
            return None, None
        if not isinstance(value, str):
            return None, f"DOI is {_kind(value)}, not a string"
        text = value.strip()
        doi = normalize_doi(text if text.lower().startswith(("10.", "doi:", "http")) else "")
        if doi is None:
            return None, f"{text[:80]!r} is not a DOI"
        return doi, None

    def _identity(self, ctx: _Ctx, umm: dict[str, Any], meta: object, doi: str | None) -> None:
        rec, g, ds = ctx.rec, ctx.rec.graph, ctx.rec.dataset
        g.add((ds, DCTERMS.identifier, Literal(doi or rec.raw.local_id)))
        meta_ptr = _meta_pointer(ctx.base)
        if meta is not None and not isinstance(meta, dict):
            self.warn(rec, meta_ptr, f"meta is {_kind(meta)}, not an object")
        if isinstance(meta, dict):
            concept = meta.get("concept-id")
            if concept is not None and not (isinstance(concept, str) and concept.strip()):
                self.warn(rec, f"{meta_ptr}/concept-id", f"concept-id is {_kind(concept)}, not a CMR concept id")
            if doi and isinstance(concept, str) and concept.strip():
                node = self.node(rec, "identifier", "concept-id")
                g.add((ds, ADMS.identifier, node))
                g.add((node, RDF.type, ADMS.Identifier))
                g.add((node, SKOS.notation, Literal(concept.strip())))
                g.add((node, ADMS.schemaAgency, Literal("NASA CMR")))
        if meta is not None:
            self.keep_unmapped(rec, ds, "meta", meta)
        block = self._obj(ctx, umm.get("DOI"), ctx.at("DOI"), "DOI")
        if block is not None:
            authority = self._text(ctx, block.get("Authority"), ctx.at("DOI", "Authority"))
            rest = {k: v for k, v in block.items() if k not in ("DOI", "PreviousVersion")}
            if authority and re.match(r"^https?://(dx\.)?doi\.org/?$", authority):
                rest.pop("Authority", None)
            if not doi and block.get("DOI") not in (None, ""):
                rest["DOI"] = block.get("DOI")
            if rest:
                self.keep_unmapped(rec, ds, "DOI", rest)
            previous = block.get("PreviousVersion")
            if isinstance(previous, dict):
                prev_doi = normalize_doi(previous.get("DOI")) if isinstance(previous.get("DOI"), str) else None
                if prev_doi:
                    g.add((ds, DCAT_PREVIOUS_VERSION, URIRef(doi_iri(prev_doi))))
                self.keep_unmapped(rec, ds, "DOI/PreviousVersion", {k: v for k, v in previous.items() if k != "DOI"})
            elif previous is not None:
                self.keep_unmapped(rec, ds, "DOI/PreviousVersion", previous)
        for _, entry, ptr in self._list(ctx, umm.get("AssociatedDOIs"), ctx.at("AssociatedDOIs"), "AssociatedDOIs"):
            if not isinstance(entry, dict):
                self.warn(rec, ptr, f"expected an object with DOI, got {_kind(entry)}")
                self.keep_unmapped(rec, ds, "AssociatedDOIs", entry)
                continue
            text = self._text(ctx, entry.get("DOI"), f"{ptr}/DOI")
            other = normalize_doi(text) if text else None
            if other is None:
                if text:
                    self.warn(rec, f"{ptr}/DOI", f"{text[:80]!r} is not a DOI")
                self.keep_unmapped(rec, ds, "AssociatedDOIs", entry)
                continue
            kind = (self._text(ctx, entry.get("Type"), f"{ptr}/Type") or "").upper()
            prop = {"PARENT DATASET": DCTERMS.isPartOf, "CHILD DATASET": DCTERMS.hasPart}.get(kind, DCTERMS.relation)
            g.add((ds, prop, URIRef(doi_iri(other))))
            rest = {k: v for k, v in entry.items() if k != "DOI"}
            if rest:
                self.keep_unmapped(rec, ds, "AssociatedDOIs", {"DOI": other, **rest})

    def _texts(self, ctx: _Ctx, umm: dict[str, Any]) -> None:
        rec, g, ds = ctx.rec, ctx.rec.graph, ctx.rec.dataset
        for key, prop in (
            ("EntryTitle", DCTERMS.title),
            ("ShortName", DCTERMS.alternative),
            ("Version", DCAT_VERSION),
            ("VersionDescription", ADMS.versionNotes),
            ("Purpose", DCAT_US.purpose),
        ):
            value = umm.get(key)
            text = self._text(ctx, value, ctx.at(key))
            if text:
                g.add((ds, prop, Literal(text)))
            elif value not in (None, "") and not isinstance(value, str):
                self.keep_unmapped(rec, ds, key, value)
        abstract = umm.get("Abstract")
        if isinstance(abstract, str):
            # Paragraph breaks are meaningful in abstracts: trim each line, keep blank lines (once).
            lines = [re.sub(r"[ \t]+", " ", line).strip() for line in abstract.replace("\r\n", "\n").split("\n")]
            text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
            if text and not _placeholder(text):
                g.add((ds, DCTERMS.description, Literal(text)))
        elif abstract is not None:
            text = self._text(ctx, abstract, ctx.at("Abstract"))
            if text:
                g.add((ds, DCTERMS.description, Literal(text)))
            else:
                self.keep_unmapped(rec, ds, "Abstract", abstract)
        language = umm.get("DataLanguage")
        text = self._text(ctx, language, ctx.at("DataLanguage"))
        if text:
            first = re.split(r"[;,\s]+", text)[0]
            lang = language_iri(first)
            if lang is not None:
                g.add((ds, DCTERMS.language, lang))
            if lang is None or first != text:
                self.keep_unmapped(rec, ds, "DataLanguage", language)
        elif language not in (None, ""):
            self.keep_unmapped(rec, ds, "DataLanguage", language)
        progress = umm.get("CollectionProgress")
        text = self._text(ctx, progress, ctx.at("CollectionProgress"))
        if text:
            concept = URIRef(f"{PROGRESS_SCHEME}/{slug(text)}")
            g.add((ds, ADMS.status, concept))
            g.add((concept, RDF.type, SKOS.Concept))
            g.add((concept, SKOS.prefLabel, Literal(text.upper())))
            g.add((concept, SKOS.inScheme, PROGRESS_SCHEME))
            g.add((PROGRESS_SCHEME, RDF.type, SKOS.ConceptScheme))
            g.add((PROGRESS_SCHEME, DCTERMS.title, Literal("UMM-C CollectionProgress")))
        elif progress not in (None, ""):
            self.keep_unmapped(rec, ds, "CollectionProgress", progress)

    # --- agents and contacts -------------------------------------------------------------

    def _attribute(self, ctx: _Ctx, agent: URIRef, role: str) -> URIRef:
        g = ctx.rec.graph
        node = self.node(ctx.rec, "attribution", ctx.attributions)
        ctx.attributions += 1
        concept = URIRef(f"{CONCEPTS}data-center-role/{slug(role)}")
        g.add((ctx.rec.dataset, PROV.qualifiedAttribution, node))
        g.add((node, RDF.type, PROV.Attribution))
        g.add((node, PROV.agent, agent))
        g.add((node, DCAT.hadRole, concept))
        g.add((concept, RDF.type, DCAT.Role))
        g.add((concept, SKOS.prefLabel, Literal(role)))
        return node

    def _data_centers(self, ctx: _Ctx, umm: dict[str, Any]) -> None:
        rec, g, ds = ctx.rec, ctx.rec.graph, ctx.rec.dataset
        by_role: dict[str, list[URIRef]] = {role: [] for role in DATA_CENTER_ROLES}
        named: list[tuple[URIRef, list[str]]] = []  # every named centre with its roles, in order
        for _, center, ptr in self._list(ctx, umm.get("DataCenters"), ctx.at("DataCenters"), "DataCenters"):
            if not isinstance(center, dict):
                self.warn(rec, ptr, f"expected a data centre object, got {_kind(center)}")
                self.keep_unmapped(rec, ds, "DataCenters", center)
                continue
            short = self._text(ctx, center.get("ShortName"), f"{ptr}/ShortName")
            long = self._text(ctx, center.get("LongName"), f"{ptr}/LongName")
            agent = None
            if short or long:
                agent = self.organization(rec, short or long)  # type: ignore[arg-type]
                if short and long and long != short:
                    g.add((agent, SKOS.altLabel, Literal(long)))
            else:
                self.warn(
                    rec,
                    f"{ptr}/ShortName",
                    'the data centre has no ShortName (or "Not provided"); it cannot be named as an agent',
                    fix="give the GCMD provider short name",
                )
            info = center.get("ContactInformation")
            if agent is not None and isinstance(info, dict):
                for url in self._urls(ctx, info.get("RelatedUrls"), f"{ptr}/ContactInformation/RelatedUrls"):
                    g.add((agent, FOAF.homepage, url))
            role_list = self._list(ctx, center.get("Roles"), f"{ptr}/Roles", "DataCenters")
            roles = [(self._text(ctx, r, r_ptr) or "").upper() for _, r, r_ptr in role_list]
            role_ptrs = [r_ptr for (_, _, r_ptr), r in zip(role_list, roles, strict=True) if r]
            roles = [r for r in roles if r]
            if not roles:
                self.warn(rec, f"{ptr}/Roles", "the data centre has no Roles", fix="give ARCHIVER, DISTRIBUTOR, ...")
            first_attribution = None
            if agent is not None:
                named.append((agent, roles))
            for role, r_ptr in zip(roles, role_ptrs, strict=True):
                if role not in DATA_CENTER_ROLES:
                    self.warn(
                        rec,
                        r_ptr,
                        f"{role!r} is not a UMM-C data centre role ({', '.join(DATA_CENTER_ROLES)})",
                    )
                if agent is not None:
                    node = self._attribute(ctx, agent, role)
                    first_attribution = first_attribution or node
                    if role in by_role and agent not in by_role[role]:
                        by_role[role].append(agent)
            name = long or short
            people = center.get("ContactPersons")
            shared = None
            if name is None and isinstance(people, list) and len(people) == 1 and isinstance(people[0], dict):
                shared = info if people[0].get("ContactInformation") is None else None
            if shared is None and info is not None:
                i_ptr = f"{ptr}/ContactInformation"
                self._contact(ctx, i_ptr, name, info, [], None, i_ptr)
            self._people(ctx, center, ptr, name, shared)
            rest = {
                k: v
                for k, v in center.items()
                if k not in ("ShortName", "LongName", "Roles", "ContactInformation", "ContactPersons", "ContactGroups")
            }
            if rest:
                self.keep_unmapped(rec, first_attribution or ds, "DataCenters", rest)
        self._people(ctx, umm, ctx.base, None)

        creators = self._citations(ctx, umm)
        publisher = (by_role["ARCHIVER"] or by_role["DISTRIBUTOR"] or [None])[0]
        if publisher is None and ctx.citation_publisher:
            publisher = self.organization(rec, ctx.citation_publisher)
        if publisher is None and named:
            publisher, roles = named[0]
            self.warn(
                rec,
                ctx.at("DataCenters"),
                f"no data centre has the role ARCHIVER or DISTRIBUTOR; {g.value(publisher, FOAF.name)} "
                f"({', '.join(roles) or 'no role'}) is read as the publisher",
                fix="add Roles [ARCHIVER] to the archiving DAAC in DataCenters",
            )
        if publisher is not None:
            g.add((ds, DCTERMS.publisher, publisher))
        else:
            self.warn(
                rec,
                ctx.at("DataCenters"),
                "no data centre has the role ARCHIVER or DISTRIBUTOR and no citation names a publisher",
                fix="add the archiving DAAC to DataCenters with Roles [ARCHIVER]",
            )
        for agent in by_role["ORIGINATOR"]:
            if creators:
                g.add((ds, DCTERMS.contributor, agent))
            else:
                self.add_creator(rec, agent)
        for agent in by_role["PROCESSOR"]:
            if agent not in rec.creators:
                g.add((ds, DCTERMS.contributor, agent))

    def _citations(self, ctx: _Ctx, umm: dict[str, Any]) -> bool:
        """CollectionCitations: creators (returns whether any), publisher and release date noted."""
        rec, g, ds = ctx.rec, ctx.rec.graph, ctx.rec.dataset
        creators = False
        entries = self._list(ctx, umm.get("CollectionCitations"), ctx.at("CollectionCitations"), "CollectionCitations")
        for i, citation, ptr in entries:
            if not isinstance(citation, dict):
                self.warn(rec, ptr, f"expected a citation object, got {_kind(citation)}")
                self.keep_unmapped(rec, ds, "CollectionCitations", citation)
                continue
            creator = self._text(ctx, citation.get("Creator"), f"{ptr}/Creator")
            if creator:
                agent = self.node(rec, "creator", i)
                g.add((agent, RDF.type, FOAF.Agent))
                g.add((agent, FOAF.name, Literal(creator)))
                self.add_creator(rec, agent)
                creators = True
            publisher = self._text(ctx, citation.get("Publisher"), f"{ptr}/Publisher")
            if publisher and ctx.citation_publisher is None:
                ctx.citation_publisher = publisher
            release = citation.get("ReleaseDate")
            if release not in (None, ""):
                lit = date_literal(release)
                if lit is None:
                    self.warn(rec, f"{ptr}/ReleaseDate", f"{str(release)[:80]!r} is not an ISO 8601 date")
                elif ctx.release_date is None:
                    ctx.release_date = lit
            rest = {k: v for k, v in citation.items() if k not in ("Creator",)}
            if rest:
                self.keep_unmapped(rec, ds, "CollectionCitations", rest)
        return creators

    def _people(self, ctx: _Ctx, holder: dict[str, Any], ptr: str, org_name: str | None, shared: object = None) -> None:
        """ContactPersons and ContactGroups of a data centre (or of the collection). ``shared`` is
        the ContactInformation of a nameless data centre, given to its only person (ECHO10 →
        UMM-C translations put a person's e-mail on the centre)."""
        rec = ctx.rec
        people = self._list(ctx, holder.get("ContactPersons"), f"{ptr}/ContactPersons", "ContactPersons")
        for _, person, p_ptr in people:
            if not isinstance(person, dict):
                self.warn(rec, p_ptr, f"expected a person object, got {_kind(person)}")
                self.keep_unmapped(rec, rec.dataset, "ContactPersons", person)
                continue
            parts = [self._text(ctx, person.get(k), f"{p_ptr}/{k}") for k in ("FirstName", "MiddleName", "LastName")]
            name = " ".join(p for p in parts if p) or None
            affiliation = self._text(ctx, person.get("NonDataCenterAffiliation"), f"{p_ptr}/NonDataCenterAffiliation")
            info = person.get("ContactInformation")
            info_ptr = f"{p_ptr}/ContactInformation"
            if info is None and shared is not None:
                info, info_ptr = shared, f"{ptr}/ContactInformation"
            self._contact(ctx, p_ptr, name, info, person.get("Roles"), org_name or affiliation, info_ptr)
            self._rest(ctx, rec.dataset, {f"ContactPersons/{k}": v for k, v in person.items() if k == "Uuid"}, ())
        for _, group, g_ptr in self._list(ctx, holder.get("ContactGroups"), f"{ptr}/ContactGroups", "ContactGroups"):
            if not isinstance(group, dict):
                self.warn(rec, g_ptr, f"expected a group object, got {_kind(group)}")
                self.keep_unmapped(rec, rec.dataset, "ContactGroups", group)
                continue
            name = self._text(ctx, group.get("GroupName"), f"{g_ptr}/GroupName")
            affiliation = self._text(ctx, group.get("NonDataCenterAffiliation"), f"{g_ptr}/NonDataCenterAffiliation")
            self._contact(
                ctx, g_ptr, name, group.get("ContactInformation"), group.get("Roles"), org_name or affiliation,
                f"{g_ptr}/ContactInformation",
            )  # fmt: skip

    def _urls(self, ctx: _Ctx, value: object, ptr: str) -> list[URIRef]:
        """The URLs of a list of RelatedUrl objects inside contact information."""
        out = []
        for _, entry, e_ptr in self._list(ctx, value, ptr, "RelatedUrls"):
            url = entry.get("URL") if isinstance(entry, dict) else entry
            u_ptr = f"{e_ptr}/URL" if isinstance(entry, dict) else e_ptr
            text = self._text(ctx, url, u_ptr)
            target = iri(text) if text else None
            if target is not None:
                out.append(target)
            elif text:
                self.warn(ctx.rec, u_ptr, f"{text[:80]!r} is not an absolute URL")
        return out

    def _contact(
        self,
        ctx: _Ctx,
        ptr: str,
        name: str | None,
        info: object,
        roles: object,
        org_name: str | None,
        info_ptr: str,
    ) -> None:
        """One dcat:contactPoint vcard:Kind (identical contacts once). ``ptr`` is the contact's
        pointer, ``info_ptr`` its ContactInformation's."""
        rec, g = ctx.rec, ctx.rec.graph
        if info is not None and not isinstance(info, dict):
            self.warn(rec, info_ptr, f"ContactInformation is {_kind(info)}, not an object")
            self.keep_unmapped(rec, rec.dataset, "ContactInformation", info)
            info = None
        emails: list[URIRef] = []
        kept: dict[str, Any] = {}
        if isinstance(info, dict):
            mechanisms = []
            mechanism_list = self._list(
                ctx, info.get("ContactMechanisms"), f"{info_ptr}/ContactMechanisms", "ContactInformation"
            )
            for _, mech, m_ptr in mechanism_list:
                kind = self._text(ctx, mech.get("Type"), f"{m_ptr}/Type") if isinstance(mech, dict) else None
                if isinstance(mech, dict) and (kind or "").lower() == "email":
                    value = self._text(ctx, mech.get("Value"), f"{m_ptr}/Value")
                    address = mailto(value) if value else None
                    if address is not None:
                        if address not in emails:
                            emails.append(address)
                        continue
                    if value:
                        self.warn(rec, f"{m_ptr}/Value", f"{value[:80]!r} is not an e-mail address")
                mechanisms.append(mech)
            if mechanisms:
                kept["ContactMechanisms"] = mechanisms
            kept.update({k: v for k, v in info.items() if k not in ("ContactMechanisms", "RelatedUrls")})
        urls = self._urls(ctx, info.get("RelatedUrls"), f"{info_ptr}/RelatedUrls") if isinstance(info, dict) else []
        role_names = []
        for _, role, r_ptr in self._list(ctx, roles, f"{ptr}/Roles", "Roles"):
            text = self._text(ctx, role, r_ptr)
            if text:
                role_names.append(text)
        if ptr == info_ptr and not emails:
            # A data centre's own information without an e-mail: the centre is already an agent
            # (its home page is its foaf:homepage); a contact point needs a way to write to it.
            if info:
                self.keep_unmapped(rec, rec.dataset, "ContactInformation", info)
            return
        if not name and not emails:
            self.warn(rec, ptr, "the contact has neither a name nor an e-mail address", fix="give a name and Email")
            if info:
                self.keep_unmapped(rec, rec.dataset, "ContactInformation", info)
            return
        key = (name, tuple(sorted(str(e) for e in emails)))
        if not emails and key not in ctx.contacts:
            self.warn(
                rec,
                f"{info_ptr}/ContactMechanisms" if isinstance(info, dict) else ptr,
                f"the contact {name!r} has no e-mail address (DCAT-US 3.0 requires one for a contact point)",
                fix='add {"Type": "Email", "Value": ...} to ContactMechanisms',
                severity=Severity.INFO,
            )
        node = ctx.contacts.get(key)
        if node is None:
            node = self.node(rec, "contact", len(ctx.contacts))
            ctx.contacts[key] = node
            g.add((rec.dataset, DCAT.contactPoint, node))
            g.add((node, RDF.type, VCARD.Kind))
            if name:
                g.add((node, VCARD.fn, Literal(name)))
            for address in emails:
                g.add((node, VCARD.hasEmail, address))
        for url in urls:
            g.add((node, VCARD.hasURL, url))
        if org_name and org_name != name:
            g.add((node, VCARD["organization-name"], Literal(org_name)))
        for role in role_names:
            g.add((node, VCARD.role, Literal(role)))
        for k, v in sorted(kept.items()):
            if v not in (None, "", [], {}):
                self.keep_unmapped(rec, node, k, v)

    # --- keywords --------------------------------------------------------------------------

    def _keywords(self, ctx: _Ctx, umm: dict[str, Any]) -> None:
        rec, g, ds = ctx.rec, ctx.rec.graph, ctx.rec.dataset
        for _, entry, ptr in self._list(ctx, umm.get("ScienceKeywords"), ctx.at("ScienceKeywords"), "ScienceKeywords"):
            if not isinstance(entry, dict):
                self.warn(rec, ptr, f"expected a science keyword object, got {_kind(entry)}")
                self.keep_unmapped(rec, ds, "ScienceKeywords", entry)
                continue
            path: list[str] = []
            gap = None
            for level in SCIENCE_LEVELS:
                raw = entry.get(level)
                text = self._text(ctx, raw, f"{ptr}/{level}")
                if text and gap is None:
                    path.append(text)
                elif text:
                    self.warn(
                        rec,
                        f"{ptr}/{level}",
                        f'{level} is given but {gap} is missing or "Not provided"; the keyword ends at {gap}',
                        fix=f"give {gap} (GCMD Science Keywords)",
                    )
                    self.keep_unmapped(rec, ds, "ScienceKeywords", entry)
                    break
                elif gap is None:
                    gap = level
                    if level in ("Category", "Topic", "Term"):
                        what = '"Not provided"' if _placeholder(clean_text(raw)) else "missing"
                        self.warn(
                            rec,
                            f"{ptr}/{level}",
                            f"{level} is {what}; UMM-C requires Category, Topic and Term",
                            fix="give the full GCMD Science Keywords path",
                        )
            if not path:
                continue
            self._keyword(ctx, path[-1])
            g.add((ds, DCAT.theme, self._gcmd_concept(ctx, path)))
            extra = {k: v for k, v in entry.items() if k not in SCIENCE_LEVELS}
            if extra:
                self.keep_unmapped(rec, ds, "ScienceKeywords", entry)

        for key in ("AncillaryKeywords", "TemporalKeywords"):
            for _, word, w_ptr in self._list(ctx, umm.get(key), ctx.at(key), key):
                text = self._text(ctx, word, w_ptr)
                if text:
                    self._keyword(ctx, text)
                elif word not in (None, ""):
                    self.keep_unmapped(rec, ds, key, word)

        topics = self._list(ctx, umm.get("ISOTopicCategories"), ctx.at("ISOTopicCategories"), "ISOTopicCategories")
        for _, topic, t_ptr in topics:
            text = self._text(ctx, topic, t_ptr)
            if not text:
                continue
            self._keyword(ctx, text)
            code = ISO_TOPICS.get(re.sub(r"[^a-z]", "", text.lower()))
            if code is None:
                self.warn(rec, t_ptr, f"{text!r} is not an ISO 19115 topic category")
                continue
            concept = URIRef(f"{TOPIC_SCHEME}/{code}")
            g.add((ds, DCAT.theme, concept))
            g.add((concept, RDF.type, SKOS.Concept))
            g.add((concept, SKOS.prefLabel, Literal(code)))
            g.add((concept, SKOS.inScheme, TOPIC_SCHEME))
            g.add((TOPIC_SCHEME, RDF.type, SKOS.ConceptScheme))
            g.add((TOPIC_SCHEME, DCTERMS.title, Literal("ISO 19115 topic categories")))

        for i, entry, ptr in self._list(
            ctx, umm.get("LocationKeywords"), ctx.at("LocationKeywords"), "LocationKeywords"
        ):
            if not isinstance(entry, dict):
                self.warn(rec, ptr, f"expected a location keyword object, got {_kind(entry)}")
                self.keep_unmapped(rec, ds, "LocationKeywords", entry)
                continue
            path = [t for t in (self._text(ctx, entry.get(k), f"{ptr}/{k}") for k in LOCATION_LEVELS) if t]
            if not path:
                self.warn(rec, ptr, "the location keyword has no Category or Type")
                continue
            self._keyword(ctx, path[-1])
            location = self.node(rec, "location", f"keyword-{i}")
            g.add((ds, DCTERMS.spatial, location))
            g.add((location, RDF.type, DCTERMS.Location))
            g.add((location, LOCN.geographicName, Literal(path[-1])))
            g.add((location, SKOS.prefLabel, Literal(" > ".join(path))))
            self._rest(ctx, location, entry, LOCATION_LEVELS)

    def _gcmd_concept(self, ctx: _Ctx, path: list[str]) -> URIRef:
        """The concept of a GCMD Science Keywords path, with its ancestors (skos:broader)."""
        concept, triples = _gcmd_triples(tuple(path))
        for triple in triples:
            ctx.rec.graph.add(triple)
        return concept

    # --- platforms, instruments, projects -------------------------------------------------

    def _thing(self, ctx: _Ctx, entry: dict[str, Any], ptr: str, node: URIRef, cls: URIRef) -> str | None:
        """A platform / instrument / project node: type, dcterms:identifier ShortName, rdfs:label."""
        g = ctx.rec.graph
        short = self._text(ctx, entry.get("ShortName"), f"{ptr}/ShortName")
        long = self._text(ctx, entry.get("LongName"), f"{ptr}/LongName")
        g.add((node, RDF.type, cls))
        if short:
            g.add((node, DCTERMS.identifier, Literal(short)))
        if long or short:
            g.add((node, RDFS.label, Literal(long or short)))  # type: ignore[arg-type]
        else:
            self.warn(ctx.rec, f"{ptr}/ShortName", "no ShortName or LongName", fix="give the GCMD short name")
        return short

    def _platforms(self, ctx: _Ctx, umm: dict[str, Any]) -> None:
        rec, g, ds = ctx.rec, ctx.rec.graph, ctx.rec.dataset
        for p, platform, ptr in self._list(ctx, umm.get("Platforms"), ctx.at("Platforms"), "Platforms"):
            if not isinstance(platform, dict):
                self.warn(rec, ptr, f"expected a platform object, got {_kind(platform)}")
                self.keep_unmapped(rec, ds, "Platforms", platform)
                continue
            activity = self.node(rec, "acquisition", p)
            node = self.node(rec, "platform", p)
            g.add((ds, PROV.wasGeneratedBy, activity))
            g.add((activity, RDF.type, PROV.Activity))
            g.add((activity, PROV.used, node))
            self._keyword(ctx, self._thing(ctx, platform, ptr, node, SOSA.Platform))
            instruments = self._list(ctx, platform.get("Instruments"), f"{ptr}/Instruments", "Instruments")
            for i, instrument, i_ptr in instruments:
                if not isinstance(instrument, dict):
                    self.warn(rec, i_ptr, f"expected an instrument object, got {_kind(instrument)}")
                    self.keep_unmapped(rec, node, "Instruments", instrument)
                    continue
                sensor = self.node(rec, "instrument", f"{p}-{i}")
                g.add((node, SOSA.hosts, sensor))
                g.add((activity, PROV.used, sensor))
                self._keyword(ctx, self._thing(ctx, instrument, i_ptr, sensor, SOSA.Sensor))
                parts = self._list(ctx, instrument.get("ComposedOf"), f"{i_ptr}/ComposedOf", "ComposedOf")
                for k, part, c_ptr in parts:
                    if not isinstance(part, dict):
                        self.warn(rec, c_ptr, f"expected an instrument object, got {_kind(part)}")
                        self.keep_unmapped(rec, sensor, "ComposedOf", part)
                        continue
                    sub = self.node(rec, "instrument", f"{p}-{i}-{k}")
                    g.add((sensor, SSN.hasSubSystem, sub))
                    self._thing(ctx, part, c_ptr, sub, SOSA.Sensor)
                    self._rest(ctx, sub, part, ("ShortName", "LongName"))
                self._rest(ctx, sensor, instrument, ("ShortName", "LongName", "ComposedOf"))
            self._rest(ctx, node, platform, ("ShortName", "LongName", "Instruments"))

    def _projects(self, ctx: _Ctx, umm: dict[str, Any]) -> None:
        rec, g, ds = ctx.rec, ctx.rec.graph, ctx.rec.dataset
        for j, project, ptr in self._list(ctx, umm.get("Projects"), ctx.at("Projects"), "Projects"):
            if not isinstance(project, dict):
                self.warn(rec, ptr, f"expected a project object, got {_kind(project)}")
                self.keep_unmapped(rec, ds, "Projects", project)
                continue
            node = self.node(rec, "project", j)
            g.add((ds, DCTERMS.isPartOf, node))
            self._keyword(ctx, self._thing(ctx, project, ptr, node, FOAF.Project))
            self._rest(ctx, node, project, ("ShortName", "LongName"))

    # --- time and space ------------------------------------------------------------------

    def _date(self, ctx: _Ctx, value: object, ptr: str) -> Literal | None:
        if value in (None, ""):
            return None
        lit = date_literal(value) if isinstance(value, str) else None
        if lit is None:
            self.warn(
                ctx.rec, ptr, f"{str(value)[:80]!r} is not an ISO 8601 date-time", fix="use 2001-01-31T00:00:00.000Z"
            )
        return lit

    def _temporal(self, ctx: _Ctx, umm: dict[str, Any]) -> None:
        rec, g, ds = ctx.rec, ctx.rec.graph, ctx.rec.dataset

        def period(index: str, start: Literal | None, end: Literal | None) -> URIRef:
            node = self.node(rec, "period", index)
            g.add((ds, DCTERMS.temporal, node))
            g.add((node, RDF.type, DCTERMS.PeriodOfTime))
            if start is not None:
                g.add((node, DCAT.startDate, start))
            if end is not None:
                g.add((node, DCAT.endDate, end))
            return node

        for i, extent, ptr in self._list(ctx, umm.get("TemporalExtents"), ctx.at("TemporalExtents"), "TemporalExtents"):
            if not isinstance(extent, dict):
                self.warn(rec, ptr, f"expected a temporal extent object, got {_kind(extent)}")
                self.keep_unmapped(rec, ds, "TemporalExtents", extent)
                continue
            flag = extent.get("EndsAtPresentFlag")
            if isinstance(flag, str) and flag.strip().lower() in ("true", "false"):
                self.warn(rec, f"{ptr}/EndsAtPresentFlag", f"the flag is the string {flag!r}", fix="use true or false")
                flag = flag.strip().lower() == "true"
            elif flag is not None and not isinstance(flag, bool):
                self.warn(rec, f"{ptr}/EndsAtPresentFlag", f"expected true or false, got {_kind(flag)}")
                flag = None
            ranges = self._list(ctx, extent.get("RangeDateTimes"), f"{ptr}/RangeDateTimes", "RangeDateTimes")
            for j, span, r_ptr in ranges:
                if not isinstance(span, dict):
                    self.warn(rec, r_ptr, f"expected an object with BeginningDateTime, got {_kind(span)}")
                    self.keep_unmapped(rec, ds, "TemporalExtents", span)
                    continue
                start = self._date(ctx, span.get("BeginningDateTime"), f"{r_ptr}/BeginningDateTime")
                end = self._date(ctx, span.get("EndingDateTime"), f"{r_ptr}/EndingDateTime")
                if start is None and span.get("BeginningDateTime") in (None, ""):
                    self.warn(rec, f"{r_ptr}/BeginningDateTime", "the range has no BeginningDateTime")
                if flag is True and end is not None:
                    self.warn(
                        rec,
                        f"{r_ptr}/EndingDateTime",
                        f"EndingDateTime {span.get('EndingDateTime')} is given although EndsAtPresentFlag is true; "
                        "read as ongoing (as CMR's ISO 19115 export does)",
                        fix="remove EndingDateTime or set EndsAtPresentFlag to false",
                    )
                    node = period(f"{i}-{j}", start, None)
                    self.keep_unmapped(rec, node, "EndingDateTime", span.get("EndingDateTime"))
                elif start is None and end is None:
                    self.keep_unmapped(rec, ds, "TemporalExtents", span)
                    continue
                else:
                    node = period(f"{i}-{j}", start, end)
                if start is not None and end is not None and str(end) < str(start):
                    self.warn(rec, r_ptr, f"the range ends ({end}) before it begins ({start})")
                self._rest(ctx, node, span, ("BeginningDateTime", "EndingDateTime"))
            singles = self._list(ctx, extent.get("SingleDateTimes"), f"{ptr}/SingleDateTimes", "SingleDateTimes")
            for j, value, s_ptr in singles:
                when = self._date(ctx, value, s_ptr)
                if when is not None:
                    period(f"{i}-single-{j}", when, when)
                elif value not in (None, ""):
                    self.keep_unmapped(rec, ds, "TemporalExtents", value)
            rest = {k: v for k, v in extent.items() if k not in ("RangeDateTimes", "SingleDateTimes")}
            if rest.get("EndsAtPresentFlag") is False:
                rest.pop("EndsAtPresentFlag")
            if rest:
                self.keep_unmapped(rec, ds, "TemporalExtents", rest)

    def _spatial(self, ctx: _Ctx, umm: dict[str, Any]) -> None:
        rec, g, ds = ctx.rec, ctx.rec.graph, ctx.rec.dataset
        extent = self._obj(ctx, umm.get("SpatialExtent"), ctx.at("SpatialExtent"), "SpatialExtent")
        if extent is None:
            return
        ptr = ctx.at("SpatialExtent")
        rest = {k: v for k, v in extent.items() if k != "HorizontalSpatialDomain"}
        horizontal = self._obj(
            ctx, extent.get("HorizontalSpatialDomain"), f"{ptr}/HorizontalSpatialDomain", "SpatialExtent"
        )
        geometry = None
        if horizontal is not None:
            h_rest = {k: v for k, v in horizontal.items() if k != "Geometry"}
            geometry = self._obj(
                ctx, horizontal.get("Geometry"), f"{ptr}/HorizontalSpatialDomain/Geometry", "SpatialExtent"
            )
            if geometry is not None:
                g_rest = {
                    k: v for k, v in geometry.items() if k not in ("BoundingRectangles", "GPolygons", "Points", "Lines")
                }
                if g_rest:
                    h_rest["Geometry"] = g_rest
            if h_rest:
                rest["HorizontalSpatialDomain"] = h_rest
        if rest:
            self.keep_unmapped(rec, ds, "SpatialExtent", rest)
        if geometry is None:
            return
        base = f"{ptr}/HorizontalSpatialDomain/Geometry"

        def location(kind: str, index: int, prop: URIRef, wkt: str | Literal) -> URIRef:
            node = self.node(rec, "location", f"{kind}-{index}")
            g.add((ds, DCTERMS.spatial, node))
            g.add((node, RDF.type, DCTERMS.Location))
            g.add((node, prop, wkt if isinstance(wkt, Literal) else Literal(wkt, datatype=WKT)))
            return node

        def point(value: object, p_ptr: str) -> tuple[float, float] | None:
            if not isinstance(value, dict):
                self.warn(rec, p_ptr, f"expected a point with Longitude and Latitude, got {_kind(value)}")
                return None
            lon = self._number(ctx, value.get("Longitude"), f"{p_ptr}/Longitude", 180)
            lat = self._number(ctx, value.get("Latitude"), f"{p_ptr}/Latitude", 90)
            return None if lon is None or lat is None else (lon, lat)

        boxes = self._list(ctx, geometry.get("BoundingRectangles"), f"{base}/BoundingRectangles", "SpatialExtent")
        for i, box, b_ptr in boxes:
            if not isinstance(box, dict):
                self.warn(rec, b_ptr, f"expected a bounding rectangle object, got {_kind(box)}")
                self.keep_unmapped(rec, ds, "BoundingRectangles", box)
                continue
            sides = {}
            for side, limit in (("West", 180), ("South", 90), ("East", 180), ("North", 90)):
                sides[side] = self._number(
                    ctx, box.get(f"{side}BoundingCoordinate"), f"{b_ptr}/{side}BoundingCoordinate", limit
                )
            west, south, east, north = sides["West"], sides["South"], sides["East"], sides["North"]
            if west is None or south is None or east is None or north is None:
                self.keep_unmapped(rec, ds, "BoundingRectangles", box)
                continue
            if south > north:
                self.warn(
                    rec, b_ptr, f"SouthBoundingCoordinate {south:g} is north of NorthBoundingCoordinate {north:g}"
                )
                self.keep_unmapped(rec, ds, "BoundingRectangles", box)
                continue
            if west <= east:
                wkt: Literal | str = bbox_wkt(west, south, east, north)
            else:  # crosses the antimeridian (UMM-C allows West > East): two boxes
                wkt = (
                    f"MULTIPOLYGON((({west} {south}, 180.0 {south}, 180.0 {north}, {west} {north}, {west} {south})), "
                    f"((-180.0 {south}, {east} {south}, {east} {north}, -180.0 {north}, -180.0 {south})))"
                )
            location("bbox", i, DCAT.bbox, wkt)
        for i, polygon, p_ptr in self._list(ctx, geometry.get("GPolygons"), f"{base}/GPolygons", "SpatialExtent"):
            boundary = polygon.get("Boundary") if isinstance(polygon, dict) else None
            points = boundary.get("Points") if isinstance(boundary, dict) else None
            if not isinstance(points, list):
                self.warn(rec, p_ptr, "the polygon has no Boundary/Points list")
                self.keep_unmapped(rec, ds, "GPolygons", polygon)
                continue
            coords = [point(pt, f"{p_ptr}/Boundary/Points/{k}") for k, pt in enumerate(points)]
            if len(coords) < 3 or any(c is None for c in coords):
                if len(coords) < 3:
                    self.warn(rec, f"{p_ptr}/Boundary/Points", "a polygon needs at least 3 points")
                self.keep_unmapped(rec, ds, "GPolygons", polygon)
                continue
            if coords[0] != coords[-1]:
                coords.append(coords[0])
            wkt = "POLYGON((" + ", ".join(f"{_num(x)} {_num(y)}" for x, y in coords) + "))"  # type: ignore[misc]
            node = location("polygon", i, LOCN.geometry, wkt)
            self._rest(ctx, node, polygon, ("Boundary",))
        for i, pt, pt_ptr in self._list(ctx, geometry.get("Points"), f"{base}/Points", "SpatialExtent"):
            coord = point(pt, pt_ptr)
            if coord is None:
                self.keep_unmapped(rec, ds, "Points", pt)
                continue
            location("point", i, LOCN.geometry, f"POINT({_num(coord[0])} {_num(coord[1])})")
        for i, line, l_ptr in self._list(ctx, geometry.get("Lines"), f"{base}/Lines", "SpatialExtent"):
            points = line.get("Points") if isinstance(line, dict) else None
            if not isinstance(points, list):
                points = []
            coords = [point(pt, f"{l_ptr}/Points/{k}") for k, pt in enumerate(points)]
            if len(coords) < 2 or any(c is None for c in coords):
                self.warn(rec, l_ptr, "a line needs at least 2 valid points")
                self.keep_unmapped(rec, ds, "Lines", line)
                continue
            wkt = "LINESTRING(" + ", ".join(f"{_num(x)} {_num(y)}" for x, y in coords) + ")"  # type: ignore[misc]
            location("line", i, LOCN.geometry, wkt)

    # --- related URLs and formats -------------------------------------------------------

    def _format(self, ctx: _Ctx, subject: URIRef, name: str, mime: str | None = None) -> None:
        g = ctx.rec.graph
        node = self.node(ctx.rec, "format", slug(name))
        g.add((subject, DCTERMS.format, node))
        g.add((node, RDF.type, DCTERMS.MediaType))
        g.add((node, RDFS.label, Literal(name)))
        media = media_type_iri(mime) if mime else media_type_iri(FORMAT_MEDIA_TYPES.get(name.lower()))
        if media is None and "/" in name:
            media = media_type_iri(name)
        if media is not None and subject != ctx.rec.dataset:  # dcat:mediaType is a distribution's
            g.add((subject, DCAT.mediaType, media))

    def _related_urls(self, ctx: _Ctx, umm: dict[str, Any], doi: str | None) -> None:
        rec, g, ds = ctx.rec, ctx.rec.graph, ctx.rec.dataset
        landing = False
        seen_at: dict[tuple[str, str, str, str], str] = {}
        for i, entry, ptr in self._list(ctx, umm.get("RelatedUrls"), ctx.at("RelatedUrls"), "RelatedUrls"):
            if not isinstance(entry, dict):
                self.warn(rec, ptr, f"expected a related URL object, got {_kind(entry)}")
                self.keep_unmapped(rec, ds, "RelatedUrls", entry)
                continue
            text = self._text(ctx, entry.get("URL"), f"{ptr}/URL")
            content = (self._text(ctx, entry.get("URLContentType"), f"{ptr}/URLContentType") or "").upper()
            kind = (self._text(ctx, entry.get("Type"), f"{ptr}/Type") or "").upper()
            subtype = self._text(ctx, entry.get("Subtype"), f"{ptr}/Subtype")
            if not text:
                self.warn(rec, f"{ptr}/URL", "the related URL has no URL", fix="give URL")
                self.keep_unmapped(rec, ds, "RelatedUrls", entry)
                continue
            key = (text, content, kind, (subtype or "").upper())
            if key in seen_at:
                self.warn(
                    rec,
                    ptr,
                    f"repeats {seen_at[key]} (same URL, URLContentType, Type and Subtype); written once",
                    fix="remove the repeated entry",
                    severity=Severity.INFO,
                )
                continue
            seen_at[key] = ptr
            target = iri(text)
            if target is None:
                if not re.match(r"^[a-z][a-z0-9+.-]*://", text):  # s3://, gs:// ... kept as given
                    self.warn(rec, f"{ptr}/URL", f"{text[:80]!r} is not an absolute URL")
                self.keep_unmapped(rec, ds, "RelatedUrls", entry)
                continue
            if not content:
                self.warn(rec, f"{ptr}/URLContentType", "the related URL has no URLContentType; read as a relation")
            if content == "DISTRIBUTIONURL" and kind in DISTRIBUTION_TYPES:
                self._distribution(ctx, entry, ptr, i, target, kind, subtype)
                continue
            if content == "COLLECTIONURL" and kind == "DATA SET LANDING PAGE" and not landing:
                g.add((ds, DCAT.landingPage, target))
                landing = True
            elif content == "PUBLICATIONURL":
                g.add((ds, DCTERMS.references, target))
            elif content == "VISUALIZATIONURL":
                g.add((ds, FOAF.depiction, target))
            else:
                g.add((ds, DCTERMS.relation, target))
            self.keep_unmapped(rec, ds, "RelatedUrls", entry)  # Description, Type, Subtype with the URL
        if not landing and doi:
            g.add((ds, DCAT.landingPage, URIRef(doi_iri(doi))))  # CMR: the DOI is the landing page

    def _distribution(
        self, ctx: _Ctx, entry: dict[str, Any], ptr: str, index: int, target: URIRef, kind: str, subtype: str | None
    ) -> None:
        rec, g = ctx.rec, ctx.rec.graph
        node = self.node(rec, "distribution", index)
        g.add((rec.dataset, DCAT.distribution, node))
        g.add((node, RDF.type, DCAT.Distribution))
        get_data = entry.get("GetData")
        if get_data is not None and not isinstance(get_data, dict):
            self.warn(rec, f"{ptr}/GetData", f"expected an object, got {_kind(get_data)}")
            self.keep_unmapped(rec, node, "GetData", get_data)
            get_data = None
        mime_ptr = f"{ptr}/GetData/MimeType" if (get_data or {}).get("MimeType") else f"{ptr}/MimeType"
        mime = self._text(ctx, (get_data or {}).get("MimeType") or entry.get("MimeType"), mime_ptr)
        if mime and media_type_iri(mime) is None:
            self.warn(rec, mime_ptr, f"{mime!r} is not a media type")
        downloadable = (subtype or "").upper() in DOWNLOAD_SUBTYPES or (
            kind == "GET DATA"
            and mime is not None
            and media_type_iri(mime) is not None
            and not mime.startswith("text/")
        )
        g.add((node, DCAT.downloadURL if downloadable else DCAT.accessURL, target))
        title = subtype or kind
        g.add((node, DCTERMS.title, Literal(title)))
        description = self._text(ctx, entry.get("Description"), f"{ptr}/Description")
        if description:
            g.add((node, DCTERMS.description, Literal(description)))
        fmt = self._text(ctx, (get_data or {}).get("Format"), f"{ptr}/GetData/Format")
        if fmt:
            self._format(ctx, node, fmt, mime if mime and media_type_iri(mime) else None)
        elif mime and media_type_iri(mime) is not None:
            g.add((node, DCAT.mediaType, media_type_iri(mime)))  # type: ignore[arg-type]
        ctx.distributions.append((node, bool(fmt)))
        if kind != "GET DATA":
            self.keep_unmapped(rec, node, "Type", kind)
        if get_data:
            rest = {k: v for k, v in get_data.items() if k not in ("Format", "MimeType")}
            rest = {k: v for k, v in rest.items() if not (k == "Size" and v in (0, 0.0))}
            if "Size" not in rest:
                rest.pop("Unit", None)  # "Size": 0.0, "Unit": "KB" is CMR's placeholder for unknown
            if rest:
                self.keep_unmapped(rec, node, "GetData", rest)
        self._rest(ctx, node, entry, ("URL", "URLContentType", "Type", "Subtype", "Description", "GetData", "MimeType"))

    def _file_formats(self, ctx: _Ctx, umm: dict[str, Any]) -> None:
        rec, ds = ctx.rec, ctx.rec.dataset
        info = self._obj(
            ctx,
            umm.get("ArchiveAndDistributionInformation"),
            ctx.at("ArchiveAndDistributionInformation"),
            "ArchiveAndDistributionInformation",
        )
        if info is None:
            return
        ptr = ctx.at("ArchiveAndDistributionInformation", "FileDistributionInformation")
        rest = {k: v for k, v in info.items() if k != "FileDistributionInformation"}
        kept = []
        entries = self._list(ctx, info.get("FileDistributionInformation"), ptr, "ArchiveAndDistributionInformation")
        names = {
            clean_text(e.get("Format"))
            for _, e, _ in entries
            if isinstance(e, dict) and isinstance(e.get("Format"), str)
        }
        names = {n for n in names if n and not _placeholder(n)}
        # DCAT-US 3.0 allows one format per distribution: a single file format goes on each
        # distribution that has none of its own; several stay on the dataset.
        targets = [node for node, has_format in ctx.distributions if not has_format] if len(names) == 1 else []
        targets = targets or [ds]
        for _, entry, e_ptr in entries:
            if not isinstance(entry, dict):
                self.warn(rec, e_ptr, f"expected a file distribution object, got {_kind(entry)}")
                kept.append(entry)
                continue
            name = self._text(ctx, entry.get("Format"), f"{e_ptr}/Format")
            if name:
                for target in targets:
                    self._format(ctx, target, name)
            others = {k: v for k, v in entry.items() if k != "Format"}
            if others:
                kept.append(entry)
        if kept:
            rest["FileDistributionInformation"] = kept
        if rest:
            self.keep_unmapped(rec, ds, "ArchiveAndDistributionInformation", rest)

    # --- rights and dates ----------------------------------------------------------------

    def _constraints(self, ctx: _Ctx, umm: dict[str, Any]) -> None:
        rec, g, ds = ctx.rec, ctx.rec.graph, ctx.rec.dataset
        use = umm.get("UseConstraints")
        ptr = ctx.at("UseConstraints")
        texts: list[str] = []
        if isinstance(use, str):
            use = {"Description": use}
        if isinstance(use, dict):
            description = use.get("Description")
            if isinstance(description, dict):  # UMM-C 1.10 – 1.14: {"Description": {"Description": "..."}}
                description = description.get("Description")
            text = self._text(ctx, description, f"{ptr}/Description")
            if text:
                texts.append(text)
            licence_text = self._text(ctx, use.get("LicenseText"), f"{ptr}/LicenseText")
            if licence_text:
                texts.append(licence_text)
            for key in ("LicenseURL", "LicenseUrl"):
                link = use.get(key)
                if link in (None, "", {}):
                    continue
                url = link.get("Linkage") if isinstance(link, dict) else link
                text = self._text(ctx, url, f"{ptr}/{key}/Linkage" if isinstance(link, dict) else f"{ptr}/{key}")
                target = iri(text) if text else None
                if target is None:
                    self.warn(
                        rec,
                        f"{ptr}/{key}/Linkage",
                        f"{str(url)[:80]!r} is not an absolute URL",
                        fix="give the licence as a URL, e.g. https://creativecommons.org/licenses/by/4.0/",
                    )
                    self.keep_unmapped(rec, ds, "UseConstraints", link)
                    continue
                g.add((ds, DCTERMS.license, target))
                g.add((target, RDF.type, DCTERMS.LicenseDocument))
                if isinstance(link, dict):
                    name = self._text(ctx, link.get("Name"), f"{ptr}/{key}/Name")
                    if name:
                        g.add((target, RDFS.label, Literal(name)))
                    others = {k: v for k, v in link.items() if k not in ("Linkage", "Name")}
                    if others:
                        self.keep_unmapped(rec, ds, f"UseConstraints/{key}", others)
            others = {
                k: v for k, v in use.items() if k not in ("Description", "LicenseText", "LicenseURL", "LicenseUrl")
            }
            if others:
                self.keep_unmapped(rec, ds, "UseConstraints", others)
        elif use is not None:
            self.warn(rec, ptr, f"expected an object, got {_kind(use)}")
            self.keep_unmapped(rec, ds, "UseConstraints", use)
        if texts:
            node = self.node(rec, "rights", 0)
            g.add((ds, DCTERMS.rights, node))
            g.add((node, RDF.type, DCTERMS.RightsStatement))
            g.add((node, RDFS.label, Literal("\n\n".join(texts))))

        access = umm.get("AccessConstraints")
        ptr = ctx.at("AccessConstraints")
        if isinstance(access, str):
            access = {"Description": access}
        if isinstance(access, dict):
            text = self._text(ctx, access.get("Description"), f"{ptr}/Description")
            if text:
                node = self.node(rec, "access-rights", 0)
                g.add((ds, DCTERMS.accessRights, node))
                g.add((node, RDF.type, DCTERMS.RightsStatement))
                g.add((node, RDFS.label, Literal(text)))
                self._rest(ctx, node, access, ("Description",))
            elif access:
                self.keep_unmapped(rec, ds, "AccessConstraints", access)
        elif access is not None:
            self.warn(rec, ptr, f"expected an object, got {_kind(access)}")
            self.keep_unmapped(rec, ds, "AccessConstraints", access)

    def _dates(self, ctx: _Ctx, umm: dict[str, Any], meta: object) -> None:
        rec, g, ds = ctx.rec, ctx.rec.graph, ctx.rec.dataset
        created: list[Literal] = []
        updated: list[Literal] = []
        for _, entry, ptr in self._list(ctx, umm.get("DataDates"), ctx.at("DataDates"), "DataDates"):
            if not isinstance(entry, dict):
                self.warn(rec, ptr, f"expected an object with Date and Type, got {_kind(entry)}")
                self.keep_unmapped(rec, ds, "DataDates", entry)
                continue
            kind = (self._text(ctx, entry.get("Type"), f"{ptr}/Type") or "").upper()
            lit = self._date(ctx, entry.get("Date"), f"{ptr}/Date")
            if lit is not None and kind == "CREATE":
                created.append(lit)
            elif lit is not None and kind == "UPDATE":
                updated.append(lit)
            else:
                self.keep_unmapped(rec, ds, "DataDates", entry)
        # Dates sort as text within one precision; datetimes and dates are compared by their text.
        if created:
            g.add((ds, DCTERMS.issued, min(created, key=str)))
            for extra in created:
                if extra != min(created, key=str):
                    self.keep_unmapped(rec, ds, "DataDates", {"Type": "CREATE", "Date": str(extra)})
        elif ctx.release_date is not None:
            g.add((ds, DCTERMS.issued, ctx.release_date))
        if updated:
            g.add((ds, DCTERMS.modified, max(updated, key=str)))
            for extra in updated:
                if extra != max(updated, key=str):
                    self.keep_unmapped(rec, ds, "DataDates", {"Type": "UPDATE", "Date": str(extra)})
        elif isinstance(meta, dict) and meta.get("revision-date") not in (None, ""):
            lit = self._date(ctx, meta.get("revision-date"), f"{_meta_pointer(ctx.base)}/revision-date")
            if lit is not None:
                g.add((ds, DCTERMS.modified, lit))
