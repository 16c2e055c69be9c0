"""FGDC Content Standard for Digital Geospatial Metadata (CSDGM, FGDC-STD-001-1998, and its
Biological Data Profile FGDC-STD-001.1-1999) XML → DCAT 3 / DCTERMS / PROV-O / FOAF / vCard.

One record per document: an un-namespaced ``<metadata>`` holding ``<idinfo>``. Section numbers
below are the standard's; where it leaves a choice the lifter does what data.gov does
(ckanext-spatial's ``FGDCDocument``, ckanext-geodatagov, GSA's datagov-harvester) or USGS
mdTranslator:

===========================================  ====================================================
FGDC (XPath under /metadata)                 RDF (and why, where it differs)
===========================================  ====================================================
*identity* (the standard has no record id)   in order: a DOI in ``idinfo/citation/citeinfo/onlink``,
                                             ``idinfo/datsetid`` / ``idinfo/datasetid`` or
                                             ``citeinfo/othercit`` → dataset IRI
                                             ``https://doi.org/<doi>``, local id the DOI;
                                             else ``idinfo/datsetid`` (NOAA NGDC / ERDDAP) or
                                             ``idinfo/datasetid`` (ckanext-spatial's guid); else
                                             the title with the first ``citeinfo/onlink`` (else
                                             the first ``networkr``): ``<title> <<onlink>>``.
                                             Not the URL alone: an onlink often names a portal
                                             shared by many data sets (four National Map
                                             services in the corpus all give
                                             https://viewer.nationalmap.gov), and an identifier
                                             URL would name one dataset across catalogs. No DOI,
                                             id or URL: a LiftError naming
                                             ``.../citeinfo/onlink``. The local id is also
                                             ``dcterms:identifier``.
idinfo/citation/citeinfo/title               ``dcterms:title``
citeinfo/origin                              ``dcterms:creator``: an organisation
                                             (``{BASE}agent/<slug>``) when the name reads like one
                                             (Survey, University, Center, an acronym ...), else a
                                             foaf:Person node of the record; "Unknown" is reported
citeinfo/pubdate                             ``dcterms:issued`` (YYYYMMDD / YYYYMM / YYYY);
                                             "Unknown", "Unpublished material" reported and kept
citeinfo/onlink                              the first → ``dcat:landingPage``; each further one a
                                             ``dcat:Distribution`` with ``dcat:accessURL`` (unless a
                                             digital transfer option already gives that URL)
citeinfo/pubinfo/publish                     ``dcterms:publisher`` (organisation); pubplace kept
citeinfo/lworkcit                            a DOI in it → ``dcterms:isPartOf``; the citation kept
citeinfo/edition, geoform, serinfo,          kept under the source namespace
othercit
idinfo/descript/abstract                     ``dcterms:description`` (paragraphs kept, line
                                             wrapping removed); purpose, supplinf kept
idinfo/timeperd/timeinfo                     ``dcterms:temporal`` dcterms:PeriodOfTime:
                                             rngdates begdate/enddate (+ begtime/endtime) →
                                             ``dcat:startDate`` / ``dcat:endDate`` (an enddate
                                             "Present" leaves the end open); each sngdate (also in
                                             mdattim) → a period with start = end; geologic ages
                                             and ``current`` kept
idinfo/status/update                         ``dcterms:accrualPeriodicity`` (Dublin Core frequency)
                                             when one fits: Continually, Daily, Weekly, Monthly,
                                             Annually, Irregular ...; "As needed", "None planned",
                                             "Unknown" kept; progress kept
idinfo/spdom/bounding                        ``dcterms:spatial`` dcterms:Location ``dcat:bbox`` WKT
                                             (range checked); descgeog →
                                             ``locn:geographicName`` on the same Location
idinfo/keywords/theme (themekt, themekey)    ``dcat:keyword``; with a thesaurus other than "None"
                                             also ``dcat:theme`` skos:Concept in a
                                             skos:ConceptScheme titled by the thesaurus
                                             (``{BASE}concept/fgdc/<thesaurus>``); ISO 19115 topic
                                             category codes → the INSPIRE TopicCategory concept,
                                             as the ISO 19139 lifter gives for gmd:topicCategory
keywords/place (placekt, placekey)           ``dcat:keyword`` and a ``dcterms:spatial``
                                             dcterms:Location with ``locn:geographicName``, and
                                             ``skos:inScheme`` the gazetteer (placekt) as GeoDCAT-AP
                                             does for geographic identifiers
keywords/stratum, keywords/temporal,         ``dcat:keyword`` (their thesauri kept)
taxonomy/keywtax/taxonkey
idinfo/accconst                              ``dcterms:accessRights`` dcterms:RightsStatement
idinfo/useconst                              ``dcterms:rights`` dcterms:RightsStatement; a licence
                                             URL in the text (Creative Commons, SPDX ...) →
                                             ``dcterms:license``
idinfo/ptcontac/cntinfo                      ``dcat:contactPoint`` vcard:Kind: vcard:fn (cntper,
                                             else cntorg), vcard:organization-name, vcard:title
                                             (cntpos), vcard:hasEmail; address, phones, hours kept.
                                             Placeholders ("Not Provided") are not names
metainfo/metc                                the ``dcat:contactPoint`` when there is no ptcontac
                                             (DCAT-US wants one); else kept
idinfo/crossref                              a DOI in it → ``dcterms:relation``; kept
distinfo/distrib                             ``prov:qualifiedAttribution`` with ``dcat:hadRole``
                                             the INSPIRE "distributor" role (as the ISO lifter)
distinfo/stdorder/digform                    a ``dcat:Distribution`` per digital form with a URL:
                                             networkr → ``dcat:accessURL``, also
                                             ``dcat:downloadURL`` for a direct file link (a data
                                             file extension, or a file format such as ZIP named by
                                             formname, and not a web service, HTML page or DOI);
                                             formname → ``dcterms:format`` dcterms:MediaType with
                                             rdfs:label (and ``dcat:mediaType`` for an IANA type),
                                             formvern kept; a formspec URL →
                                             ``dcterms:conformsTo``
distinfo/resdesc, distliab, fees ...         kept
metainfo/metd                                ``dcterms:modified``: FGDC has no date of the data set's
                                             last revision, and data.gov's FGDC harvest uses the
                                             metadata date as the record's modified date. (The ISO
                                             lifter keeps dateStamp as source only, because ISO
                                             has revision dates of its own.) metstdn, metstdv kept
dataqual/lineage/procstep/procdesc           ``dcterms:provenance`` dcterms:ProvenanceStatement,
                                             one per process step; lineage/srcinfo source
                                             citations with a DOI → ``prov:wasDerivedFrom``; the
                                             whole dataqual is also kept
eainfo/detailed/attr                         ``schema:variableMeasured`` schema:PropertyValue
                                             (attrlabl → schema:name, attrdef →
                                             schema:description, rdom/attrunit → schema:unitText,
                                             rdommin / rdommax → schema:minValue / maxValue);
                                             attrdefs, attrdomv kept on the variable
spdoinfo, spref, everything else             kept under the source namespace (``SRC``) as JSON,
                                             named by its path under /metadata
===========================================  ====================================================

XML is read with the shared hardened parser (no entity expansion, no DTD loading, no network).
FGDC records commonly carry ``<!DOCTYPE metadata SYSTEM ".../fgdc-std-001-1998.dtd">``: that one
external DTD, with no internal subset, is blanked out before parsing (the standard's DTD declares
elements only, never entities, and it is never fetched); an entity the document then uses is an
undefined-entity error. Any other external DTD is refused as the shared parser refuses it, and so
is an internal DTD subset (FGDC never needs one; it could inject attribute defaults).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.formats import SourceFormat
from kg.lifting.base import LiftedRecord, Lifter, RawRecord
from kg.lifting.common import bbox_wkt, clean_text, date_literal, file_record, iri, mailto, media_type_iri
from kg.lifting.xmlsafe import parse_xml, root_name_and_namespace
from kg.namespaces import BASE, LOCN, SDO, VCARD, doi_iri, normalize_doi, slug

FORMAT = SourceFormat(
    "fgdc-csdgm",
    "FGDC Content Standard for Digital Geospatial Metadata (CSDGM) XML",
    ("application/xml", "text/xml"),
    (".xml",),
)

ORG = Namespace("http://www.w3.org/ns/org#")
CONCEPTS = f"{BASE}concept/fgdc/"
# The same code lists the ISO 19139 lifter uses, so an FGDC and an ISO record meet on one concept.
ROLE_BASE = "http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/"
TOPIC_SCHEME = URIRef("http://inspire.ec.europa.eu/metadata-codelist/TopicCategory")
ISO_TOPICS = {
    "farming", "biota", "boundaries", "climatologyMeteorologyAtmosphere", "economy", "elevation",
    "environment", "geoscientificInformation", "health", "imageryBaseMapsEarthCover",
    "intelligenceMilitary", "inlandWaters", "location", "oceans", "planningCadastre", "society",
    "structure", "transportation", "utilitiesCommunication",
}  # fmt: skip

# FGDC 1.3.1 Maintenance_and_Update_Frequency → Dublin Core frequency (lower-cased source value).
FREQUENCIES = {
    "continually": "continuous",
    "continuous": "continuous",
    "hourly": "hourly",
    "daily": "daily",
    "weekly": "weekly",
    "biweekly": "biweekly",
    "monthly": "monthly",
    "bimonthly": "bimonthly",
    "quarterly": "quarterly",
    "semiannually": "semiannual",
    "biannually": "semiannual",
    "annually": "annual",
    "annual": "annual",
    "yearly": "annual",
    "biennially": "biennial",
    "irregular": "irregular",
}
PLACEHOLDERS = {"not provided", "unknown", "none", "n/a", "na", "not applicable", "null", "-"}
NO_DATE = {"unknown", "unpublished material", "not complete", "n/a", "none"}
OPEN_END = {"present", "now", "ongoing", "current"}
LICENCE_HOSTS = ("creativecommons.org", "opendatacommons.org", "spdx.org/licenses", "opensource.org/licenses")

# idinfo and idinfo/citation/citeinfo children the steps below map; every other child is kept.
MAPPED_IDINFO = {
    "citation", "descript", "timeperd", "status", "spdom", "keywords", "accconst", "useconst", "ptcontac",
    "crossref", "taxonomy", "datsetid", "datasetid",
}  # fmt: skip
MAPPED_CITEINFO = {"title", "origin", "pubdate", "onlink", "pubinfo", "lworkcit"}
RANGE_PARTS = {"begdate", "begtime", "enddate", "endtime"}  # each end is read by itself
MAPPED_ROOT = {"idinfo", "dataqual", "eainfo", "distinfo", "metainfo"}

_FGDC_DOCTYPE_RE = re.compile(
    rb"""<!DOCTYPE\s+metadata\s+(?:SYSTEM|PUBLIC\s+(["'])[^"']*\1)\s*(["'])([^"']*)\2\s*>""", re.IGNORECASE
)
_FGDC_DTD_NAME_RE = re.compile(r"(^|/)fgdc[\w.-]*\.dtd$", re.IGNORECASE)
_FIRST_ELEMENT_RE = re.compile(rb"<[A-Za-z_]")
_FGDC_DATE_RE = re.compile(r"^(\d{4})(\d{2})?(\d{2})?$")
_FGDC_TIME_RE = re.compile(r"^(\d{2})(\d{2})?(\d{2})?(\d*)\s*(Z|[+-]\d{4})?$")
_DOI_IN_TEXT_RE = re.compile(r"(\bdoi:\s*|\bhttps?://(dx\.)?doi\.org/)10\.\d{4,9}/[^\s\"<>]+", re.IGNORECASE)
_URL_RE = re.compile(r"https?://[^\s<>\"')]+")
_ORG_WORDS_RE = re.compile(
    r"\b(survey|department|dept|agency|service|services|university|universidad|institute|institution|"
    r"cent(er|re)|laborator(y|ies)|lab|office|bureau|administration|program(me)?|commission|council|"
    r"association|society|inc|llc|ltd|corp(oration)?|company|foundation|division|group|team|museum|college|"
    r"school|authority|board|federal|national|state|county|city|district|trust|network|consortium|"
    r"organi[sz]ation|committee|partnership|project|ministry|government|portal|observatory|"
    r"usgs|noaa|nasa|epa|usda|doe|nps|blm|fws)\b",
    re.IGNORECASE,
)
_ACRONYM_RE = re.compile(r"[A-Z0-9&.\- ]{2,}")
SERVICE_HINTS = (
    "/rest/services/", "mapserver", "featureserver", "imageserver", "wmsserver", "wfsserver", "wcsserver",
    "service=", "request=getcapabilities", "/ows", "/wms", "/wfs", "/wcs", "/wmts", "/arcgis/services/",
)  # fmt: skip
PAGE_EXTENSIONS = (".html", ".htm", ".php", ".asp", ".aspx", ".jsp", ".cfm", ".xml")
FILE_EXTENSIONS = (
    ".zip", ".gz", ".tgz", ".tar", ".7z", ".bz2", ".csv", ".tsv", ".txt", ".dat", ".xls", ".xlsx", ".json",
    ".geojson", ".kml", ".kmz", ".gpkg", ".shp", ".tif", ".tiff", ".jp2", ".img", ".dem", ".nc", ".nc4",
    ".h5", ".hdf", ".hdf5", ".las", ".laz", ".pdf", ".sid", ".e00",
)  # fmt: skip
FILE_FORMATS = {
    "zip", "csv", "txt", "ascii", "tiff", "geotiff", "tif", "shapefile", "shp", "netcdf", "xlsx", "xls", "pdf",
    "geopdf", "las", "laz", "jpeg2000", "jp2", "kml", "kmz", "geojson", "json", "gpkg", "geopackage",
    "file geodatabase", "hdf", "hdf5", "dem",
}  # fmt: skip


# --- XML helpers ------------------------------------------------------------------------------


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""  # FGDC is un-namespaced: no QName needed


def _children(element: Any | None, name: str | None = None) -> list[Any]:
    if element is None:
        return []
    if name is not None:
        return list(element.iterchildren(name))  # filtered in lxml's C code: the hot path
    return [c for c in element if isinstance(c.tag, str)]


def _child(element: Any | None, *names: str) -> Any | None:
    """The first element down the path ``names`` (each the first child of that name)."""
    for name in names:
        if element is None:
            return None
        element = next(element.iterchildren(name), None)
    return element


def _text(element: Any | None) -> str | None:
    return None if element is None else clean_text("".join(element.itertext()))


def _path_text(element: Any | None, *names: str) -> str | None:
    return _text(_child(element, *names))


def _texts(element: Any | None, name: str) -> list[str]:
    return [t for t in (_text(c) for c in _children(element, name)) if t]


def _paragraphs(element: Any | None) -> str | None:
    """Free text with its paragraphs (blank-line separated) kept and the line wrapping removed."""
    if element is None:
        return None
    parts = [clean_text(p) for p in re.split(r"\n\s*\n", "".join(element.itertext()))]
    text = "\n\n".join(p for p in parts if p)
    return text or None


def _real(text: str | None) -> str | None:
    """``text`` unless it is a placeholder such as "Not Provided" or "Unknown"."""
    return None if text is None or text.strip().lower() in PLACEHOLDERS else text


def _to_json(element: Any) -> Any:
    """An element as JSON-able data: text for leaves, else children by name (lists when repeated)."""
    kids = _children(element)
    if not kids:
        return clean_text("".join(element.itertext()))
    out: dict[str, list[Any]] = {}
    for kid in kids:
        value = _to_json(kid)
        if value not in (None, {}):
            out.setdefault(_local(kid), []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()} or None


def _xpath(element: Any) -> str:
    """The element's XPath from the root, with a position only where a name repeats."""
    steps = []
    el = element
    while el is not None:
        step = _local(el)
        parent = el.getparent()
        if parent is not None:
            same = [s for s in parent if s.tag == el.tag]
            if len(same) > 1:
                step += f"[{same.index(el) + 1}]"
        steps.append(step)
        el = parent
    return "/" + "/".join(reversed(steps))


def _rel(element: Any) -> str:
    """The source-field name of an element: its path under /metadata, without positions."""
    names = []
    el = element
    while el is not None and el.getparent() is not None:
        names.append(_local(el))
        el = el.getparent()
    return "/".join(reversed(names))


def _fgdc_dtd(data: bytes) -> re.Match[bytes] | None:
    """The FGDC standard's external DOCTYPE in the prolog, if that is the DOCTYPE there."""
    first = _FIRST_ELEMENT_RE.search(data)
    prolog = data[: first.start()] if first else data
    match = _FGDC_DOCTYPE_RE.search(prolog)
    if match and _FGDC_DTD_NAME_RE.search(match.group(3).decode("ascii", "replace").strip()):
        return match
    return None


def _parse(data: bytes, source_file: str) -> Any:
    """The document's root element, parsed safely; a LiftError naming the file otherwise."""
    match = _fgdc_dtd(data)
    if match is not None:  # blanked, not removed, so that line and column numbers stay right
        data = data[: match.start()] + b" " * (match.end() - match.start()) + data[match.end() :]
    try:
        root = parse_xml(data, source_file)
    except LiftError as exc:
        raise LiftError(exc.message, source_file=source_file, field=exc.field or "/metadata") from exc
    if root.getroottree().docinfo.internalDTD is not None:
        # Entity-free, but an internal subset can still inject attribute defaults; FGDC never needs one.
        raise LiftError(
            "the document has an internal DTD subset (<!DOCTYPE ... [ ... ]>); refused for safety",
            source_file=source_file,
            field="DOCTYPE",
        )
    return root


def _is_licence(url: str) -> bool:
    low = url.lower()
    return any(host in low for host in LICENCE_HOSTS) or "/licen" in low


def _looks_like_org(name: str) -> bool:
    if _ORG_WORDS_RE.search(name):
        return True
    return bool(_ACRONYM_RE.fullmatch(name)) and any(c.isalpha() for c in name)


def fgdc_date(text: str | None) -> Literal | None:
    """An FGDC calendar date (YYYYMMDD, YYYYMM or YYYY; ISO 8601 also read) as a typed literal."""
    if not text:
        return None
    text = text.strip()
    match = _FGDC_DATE_RE.match(text)
    if match:
        text = "-".join(x for x in match.groups() if x)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:  # date_literal checks the ranges only: 2019-02-30 is not a day
            datetime.date.fromisoformat(text)
        except ValueError:
            return None
    return date_literal(text)


def fgdc_date_time(date: str | None, time: str | None) -> Literal | None:
    """A calendar date with an FGDC time of day (hhmmss[sss], optional Z or ±hhmm) as xsd:dateTime."""
    day = fgdc_date(date)
    if day is None or day.datatype != XSD.date or not time:
        return None
    match = _FGDC_TIME_RE.match(time.strip())
    if not match:
        return None
    hours, minutes, seconds = match.group(1), match.group(2) or "00", match.group(3) or "00"
    if int(hours) > 23 or int(minutes) > 59 or int(seconds) > 60:
        return None
    zone = match.group(5) or ""
    if zone and zone != "Z":
        zone = f"{zone[:3]}:{zone[3:]}"
    return date_literal(f"{day}T{hours}:{minutes}:{seconds}{zone}")


def _find_doi(text: str) -> str | None:
    """A DOI given as the whole value (``doi:10.x/y``, a doi.org URL) or inside free text."""
    doi = normalize_doi(text)
    if doi is None:
        match = _DOI_IN_TEXT_RE.search(text)
        doi = normalize_doi(match.group(0).replace(" ", "")) if match else None
    return doi


def _identity(root: Any) -> tuple[str, str | None] | None:
    """(local id, DOI) of a record, or None when it has neither a DOI, an id nor a URL."""
    idinfo = _child(root, "idinfo")
    citeinfo = _child(idinfo, "citation", "citeinfo")
    onlinks = _texts(citeinfo, "onlink")
    ids = _texts(idinfo, "datsetid") + _texts(idinfo, "datasetid")
    for text in onlinks + ids + _texts(citeinfo, "othercit"):
        doi = _find_doi(text)
        if doi:
            return doi, doi
    if ids:
        return ids[0], None
    urls = onlinks or [
        t
        for dist in _children(root, "distinfo")
        for order in _children(dist, "stdorder")
        for t in _networkr_texts(order)
    ]
    if not urls:
        return None
    # Not a URL itself: an identifier URL names one dataset across catalogs (kg.namespaces), and an
    # onlink often names a portal shared by many data sets.
    title = _path_text(citeinfo, "title")
    return (f"{title} <{urls[0]}>" if title else urls[0]), None


def _networkr_texts(stdorder: Any) -> list[str]:
    return [
        t
        for form in _children(stdorder, "digform")
        for t in _texts(_child(form, "digtopt", "onlinopt", "computer", "networka"), "networkr")
    ]


# --- the lifter -------------------------------------------------------------------------------


class FgdcLifter(Lifter):
    """FGDC CSDGM (FGDC-STD-001-1998, FGDC-STD-001.1-1999): one record per ``<metadata>`` document."""

    format = FORMAT
    version = "1.1"

    def detect(self, data: bytes, filename: str) -> float:
        root = root_name_and_namespace(data)
        if root is None or root[0] != "metadata" or root[1] is not None:
            return 0.0  # onedcx and other namespaced <metadata> are not FGDC
        if b"<idinfo" in data:
            return 0.9
        return 0.3 if b"<metainfo" in data else 0.0  # an FGDC fragment, perhaps; not claimed

    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        root = _parse(data, source_file)
        self._check_root(root, source_file)
        if _child(root, "idinfo") is None:
            present = ", ".join(sorted({_local(c) for c in _children(root)})) or "nothing"
            raise LiftError(
                f"the <metadata> document has no <idinfo> (it holds {present}); an FGDC CSDGM record "
                "begins with Identification Information",
                source_file=source_file,
                field="/metadata/idinfo",
            )
        identity = _identity(root)
        if identity is None:
            yield LiftError(
                "no DOI, no idinfo/datsetid and no online linkage (citeinfo/onlink or a networkr); "
                "the record cannot be given a stable identity",
                source_file=source_file,
                record=file_record(source_file),
                field="/metadata/idinfo/citation/citeinfo/onlink",
            )
            return
        yield RawRecord(
            data=data,
            local_id=identity[0],
            pointer="/metadata",
            source_file=source_file,
            media_type="application/xml",
            parsed=root,
        )

    @staticmethod
    def _check_root(root: Any, source_file: str) -> None:
        namespace = etree.QName(root).namespace
        if _local(root) != "metadata" or namespace:
            raise LiftError(
                f"root element is <{_local(root)}>{' in ' + namespace if namespace else ''}; an FGDC CSDGM "
                "record is an un-namespaced <metadata>",
                source_file=source_file,
                field=f"/{_local(root)}",
            )

    def lift(self, raw: RawRecord, *, source: str) -> LiftedRecord:
        root = raw.parsed if isinstance(raw.parsed, etree._Element) else _parse(raw.data, raw.source_file)
        self._check_root(root, raw.source_file)
        idinfo = _child(root, "idinfo")
        identity = _identity(root)
        if idinfo is None or identity is None:
            raise LiftError(
                "no <idinfo> with a DOI, dataset id or online linkage",
                source_file=raw.source_file,
                record=raw.local_id,
                field="/metadata/idinfo/citation/citeinfo/onlink" if idinfo is not None else "/metadata/idinfo",
            )
        rec = self.new_record(raw, source=source, doi=identity[1])
        g, ds = rec.graph, rec.dataset
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, DCTERMS.identifier, Literal(raw.local_id)))
        dtd = _fgdc_dtd(raw.data)
        if dtd is not None:
            self.keep_unmapped(rec, ds, "DOCTYPE", dtd.group(3).decode("ascii", "replace"))

        networkr = {
            t
            for dist in _children(root, "distinfo")
            for order in _children(dist, "stdorder")
            for t in _networkr_texts(order)
        }
        self._citation(rec, idinfo, networkr)
        self._description(rec, idinfo)
        self._time_period(rec, idinfo)
        self._status(rec, idinfo)
        self._spatial_domain(rec, idinfo)
        self._keywords(rec, idinfo)
        self._constraints(rec, idinfo)
        contacts = _children(idinfo, "ptcontac")
        for index, ptcontac in enumerate(contacts):
            self._contact(rec, _child(ptcontac, "cntinfo"), index, ptcontac)
        for element in _children(idinfo, "crossref"):
            self._related(rec, element, DCTERMS.relation)
        for element in _children(idinfo, "taxonomy"):
            for key in element.iter("taxonkey"):
                if _text(key):
                    g.add((ds, DCAT.keyword, Literal(_text(key))))
            self.keep_unmapped(rec, ds, "idinfo/taxonomy", _to_json(element))
        for name in ("datsetid", "datasetid"):
            for text in _texts(idinfo, name):
                if text != raw.local_id:  # the one that is the identity is dcterms:identifier
                    self.keep_unmapped(rec, ds, f"idinfo/{name}", text)
        for element in _children(idinfo):
            if _local(element) not in MAPPED_IDINFO:
                self.keep_unmapped(rec, ds, _rel(element), _to_json(element))

        self._quality(rec, root)
        self._entities(rec, root)
        self._distributions(rec, root)
        self._metadata_info(rec, root, has_contact=bool(contacts))
        for element in _children(root):
            if _local(element) not in MAPPED_ROOT:
                self.keep_unmapped(rec, ds, _rel(element), _to_json(element))
        return rec

    # --- agents ---------------------------------------------------------------------------------

    def _agent(self, rec: LiftedRecord, name: str) -> URIRef:
        """An organisation when the name reads like one, else a person of this record."""
        if _looks_like_org(name):
            return self.organization(rec, name)
        person = self.node(rec, "person", slug(name))
        rec.graph.add((person, RDF.type, FOAF.Person))
        rec.graph.add((person, FOAF.name, Literal(name)))
        return person

    def _contact_names(self, cntinfo: Any) -> tuple[str | None, str | None, bool]:
        """(person, organisation, whether the person is the primary contact) of a cntinfo."""
        perp = _child(cntinfo, "cntperp")
        primary = perp if perp is not None else _child(cntinfo, "cntorgp")
        person = _real(_path_text(primary, "cntper"))
        org = _real(_path_text(primary, "cntorg"))
        return person, org, perp is not None

    def _contact(self, rec: LiftedRecord, cntinfo: Any | None, index: int, holder: Any) -> None:
        """A ``dcat:contactPoint`` vcard:Kind from FGDC Contact_Information (section 10)."""
        g = rec.graph
        where = _xpath(holder) + "/cntinfo"
        if cntinfo is None:
            self.warn(rec, where, "the contact has no <cntinfo>", fix="give the contact's cntinfo")
            self.keep_unmapped(rec, rec.dataset, _rel(holder), _to_json(holder))
            return
        node = self.node(rec, "contact", index)
        person, org, _ = self._contact_names(cntinfo)
        position = _real(_path_text(cntinfo, "cntpos"))
        fn = person or org or position
        g.add((rec.dataset, DCAT.contactPoint, node))
        g.add((node, RDF.type, VCARD.Kind))
        if fn:
            g.add((node, VCARD.fn, Literal(fn)))
        else:
            self.warn(rec, where, "the contact names no person, organisation or position", fix="give cntper or cntorg")
        if org and fn != org:
            g.add((node, VCARD["organization-name"], Literal(org)))
        if position and fn != position:
            g.add((node, VCARD.title, Literal(position)))
        for element in _children(cntinfo, "cntemail"):
            text = _text(element)
            address = mailto(text)
            if address is not None:
                g.add((node, VCARD.hasEmail, address))
            elif text:
                url = iri(text)
                self.warn(
                    rec,
                    _xpath(element),
                    f"{text[:80]!r} is not an e-mail address" + ("; lifted as the contact's URL" if url else ""),
                    fix="give an e-mail address in cntemail (a web form goes in cntinst)",
                )
                if url is not None:
                    g.add((node, VCARD.hasURL, url))
                self.keep_unmapped(rec, node, "cntemail", text)
        used = {fn, org, position}
        for element in _children(cntinfo):
            name = _local(element)
            if name in ("cntperp", "cntorgp"):
                for part in _children(element):  # a placeholder or a second name is kept
                    if _text(part) not in used:
                        self.keep_unmapped(rec, node, f"{name}/{_local(part)}", _to_json(part))
            elif name != "cntemail" and not (name == "cntpos" and position):
                self.keep_unmapped(rec, node, name, _to_json(element))

    # --- identification ---------------------------------------------------------------------

    def _citation(self, rec: LiftedRecord, idinfo: Any, networkr: set[str]) -> None:
        """FGDC section 8 Citation_Information of the data set (idinfo/citation/citeinfo)."""
        g, ds = rec.graph, rec.dataset
        citeinfo = _child(idinfo, "citation", "citeinfo")
        base = "/metadata/idinfo/citation/citeinfo"
        title = _path_text(citeinfo, "title")
        if title:
            g.add((ds, DCTERMS.title, Literal(title)))
        else:
            self.warn(rec, f"{base}/title", "the data set has no title; FGDC requires one", fix="add citeinfo/title")
        if citeinfo is None:
            return
        for element in _children(citeinfo, "origin"):
            name = _text(element)
            if not name:
                continue
            if _real(name) is None:
                self.warn(rec, _xpath(element), f"the originator is {name!r}", fix="name who made the data set")
                self.keep_unmapped(rec, ds, "idinfo/citation/citeinfo/origin", name)
                continue
            self.add_creator(rec, self._agent(rec, name))
        for element in _children(citeinfo, "pubdate"):
            text = _text(element)
            if not text:
                continue
            lit = fgdc_date(text)
            if lit is not None:
                g.add((ds, DCTERMS.issued, lit))
                continue
            known = text.lower() in NO_DATE
            self.warn(
                rec,
                _xpath(element),
                f"the publication date is {text!r}" if known else f"{text!r} is not an FGDC date (YYYYMMDD)",
                fix="give the publication date as YYYYMMDD, YYYYMM or YYYY",
            )
            self.keep_unmapped(rec, ds, "idinfo/citation/citeinfo/pubdate", text)
        onlinks = _children(citeinfo, "onlink")
        distributions = 0
        for position, element in enumerate(onlinks):
            text = _text(element)
            url = iri(text)
            if url is None:
                if text:
                    self.warn(
                        rec,
                        _xpath(element),
                        f"{text[:80]!r} is not an absolute URL",
                        fix="give a full URL (https://...)",
                    )
                    self.keep_unmapped(rec, ds, "idinfo/citation/citeinfo/onlink", text)
                continue
            if position == 0:
                g.add((ds, DCAT.landingPage, url))
                continue
            if text in networkr:
                continue  # the digital transfer option with this URL is the distribution
            node = self.node(rec, "onlink", distributions)
            distributions += 1
            g.add((ds, DCAT.distribution, node))
            g.add((node, RDF.type, DCAT.Distribution))
            g.add((node, DCAT.accessURL, url))
        for pubinfo in _children(citeinfo, "pubinfo"):
            for publisher in _texts(pubinfo, "publish"):
                if _real(publisher):
                    g.add((ds, DCTERMS.publisher, self.organization(rec, publisher)))
                else:
                    self.keep_unmapped(rec, ds, "idinfo/citation/citeinfo/pubinfo/publish", publisher)
            for element in _children(pubinfo):
                if _local(element) != "publish":
                    self.keep_unmapped(rec, ds, _rel(element), _to_json(element))
        for element in _children(citeinfo, "lworkcit"):
            self._related(rec, element, DCTERMS.isPartOf)
        for element in _children(citeinfo):
            if _local(element) not in MAPPED_CITEINFO:
                self.keep_unmapped(rec, ds, _rel(element), _to_json(element))

    def _related(self, rec: LiftedRecord, element: Any, prop: URIRef) -> None:
        """A cited work (larger work, cross reference): its DOI as ``prop``; the citation kept."""
        citeinfo = _child(element, "citeinfo")
        for text in _texts(citeinfo, "onlink") + _texts(citeinfo, "othercit"):
            doi = _find_doi(text)
            if doi:
                rec.graph.add((rec.dataset, prop, URIRef(doi_iri(doi))))
                break
        self.keep_unmapped(rec, rec.dataset, _rel(element), _to_json(element))

    def _description(self, rec: LiftedRecord, idinfo: Any) -> None:
        descript = _child(idinfo, "descript")
        abstract = _paragraphs(_child(descript, "abstract"))
        if abstract:
            rec.graph.add((rec.dataset, DCTERMS.description, Literal(abstract)))
        else:
            self.warn(
                rec,
                "/metadata/idinfo/descript/abstract",
                "the data set has no abstract; FGDC requires one",
                fix="add idinfo/descript/abstract",
            )
        for element in _children(descript):
            if _local(element) != "abstract":
                text = _paragraphs(element) if not _children(element) else None
                self.keep_unmapped(rec, rec.dataset, _rel(element), text or _to_json(element))

    # --- time, status, space ----------------------------------------------------------------

    def _time_period(self, rec: LiftedRecord, idinfo: Any) -> None:
        """FGDC 1.3 / 9 Time_Period_Information → dcterms:temporal."""
        g, ds = rec.graph, rec.dataset
        periods = 0
        for timeperd in _children(idinfo, "timeperd"):
            for timeinfo in _children(timeperd, "timeinfo"):
                singles = _children(timeinfo, "sngdate") + [
                    s for m in _children(timeinfo, "mdattim") for s in _children(m, "sngdate")
                ]
                spans: list[tuple[Any, Literal | None, Literal | None, dict[str, Any]]] = []
                for single in singles:
                    moment, kept = self._moment(rec, single, "caldate", "time")
                    spans.append((single, moment, moment, kept))
                for rng in _children(timeinfo, "rngdates"):
                    start, kept = self._moment(rec, rng, "begdate", "begtime")
                    end, kept_end = self._moment(rec, rng, "enddate", "endtime")
                    spans.append((rng, start, end, {**kept, **kept_end}))
                for element, start, end, kept in spans:
                    if start is None and end is None:
                        self.keep_unmapped(rec, ds, _rel(element), _to_json(element))
                        continue
                    node = self.node(rec, "period", periods)
                    periods += 1
                    g.add((ds, DCTERMS.temporal, node))
                    g.add((node, RDF.type, DCTERMS.PeriodOfTime))
                    if start is not None:
                        g.add((node, DCAT.startDate, start))
                    if end is not None:
                        g.add((node, DCAT.endDate, end))
                    for name, value in sorted(kept.items()):
                        self.keep_unmapped(rec, node, name, value)
                for element in _children(timeinfo):
                    if _local(element) not in ("sngdate", "mdattim", "rngdates"):
                        self.keep_unmapped(rec, ds, _rel(element), _to_json(element))
                for mdattim in _children(timeinfo, "mdattim"):
                    for element in _children(mdattim):
                        if _local(element) != "sngdate":
                            self.keep_unmapped(rec, ds, _rel(element), _to_json(element))
            for element in _children(timeperd):
                if _local(element) != "timeinfo":
                    self.keep_unmapped(rec, ds, _rel(element), _to_json(element))

    def _moment(
        self, rec: LiftedRecord, parent: Any, date_name: str, time_name: str
    ) -> tuple[Literal | None, dict[str, Any]]:
        """A date (with its time of day when there is one) and the parts that were kept as text."""
        kept: dict[str, Any] = {}
        date_el = _child(parent, date_name)
        date = _text(date_el)
        time = _text(_child(parent, time_name))
        for element in _children(parent):
            if _local(element) not in RANGE_PARTS and _local(element) not in (date_name, time_name):
                value = _to_json(element)
                if value is not None:
                    kept[_local(element)] = value
        if not date:
            if time:
                kept[time_name] = time
            return None, kept
        lit = fgdc_date_time(date, time)
        if lit is None and time:
            kept[time_name] = time  # "Unknown", or a time that is not an FGDC time of day
        if lit is None:
            lit = fgdc_date(date)
        if lit is None:
            if date.lower() in OPEN_END and date_name == "enddate":
                kept[date_name] = date  # an open end: the period goes on
            else:
                self.warn(
                    rec,
                    _xpath(date_el),
                    f"{date!r} is not an FGDC date (YYYYMMDD, YYYYMM or YYYY)",
                    fix="give the date as YYYYMMDD; an open end is 'Present'",
                )
                kept[date_name] = date
        return lit, kept

    def _status(self, rec: LiftedRecord, idinfo: Any) -> None:
        g, ds = rec.graph, rec.dataset
        for status in _children(idinfo, "status"):
            for element in _children(status):
                text = _text(element)
                if _local(element) == "update" and text and text.lower() in FREQUENCIES:
                    g.add(
                        (
                            ds,
                            DCTERMS.accrualPeriodicity,
                            URIRef(f"http://purl.org/cld/freq/{FREQUENCIES[text.lower()]}"),
                        )
                    )
                    continue
                self.keep_unmapped(rec, ds, _rel(element), _to_json(element))

    def _spatial_domain(self, rec: LiftedRecord, idinfo: Any) -> None:
        """FGDC 1.5 Spatial_Domain: bounding coordinates and the geographic description."""
        g, ds = rec.graph, rec.dataset
        for index, spdom in enumerate(_children(idinfo, "spdom")):
            node = self.node(rec, "spatial", index)
            name = _path_text(spdom, "descgeog")
            boxes = [b for b in (self._box(rec, box) for box in _children(spdom, "bounding")) if b is not None]
            if not name and not boxes:
                self.keep_unmapped(rec, ds, "idinfo/spdom", _to_json(spdom))
                continue
            g.add((ds, DCTERMS.spatial, node))
            g.add((node, RDF.type, DCTERMS.Location))
            if name:
                g.add((node, LOCN.geographicName, Literal(name)))
                g.add((node, SKOS.prefLabel, Literal(name)))
            for west, south, east, north in boxes:
                g.add((node, DCAT.bbox, bbox_wkt(west, south, east, north)))
            for element in _children(spdom):
                if _local(element) not in ("descgeog", "bounding"):
                    self.keep_unmapped(rec, node, _local(element), _to_json(element))
            for box in _children(spdom, "bounding"):
                for element in _children(box):
                    if _local(element) not in ("westbc", "eastbc", "northbc", "southbc"):
                        self.keep_unmapped(rec, node, f"bounding/{_local(element)}", _to_json(element))

    def _box(self, rec: LiftedRecord, box: Any) -> tuple[float, float, float, float] | None:
        where = _xpath(box)
        sides: dict[str, float] = {}
        for side in ("westbc", "eastbc", "northbc", "southbc"):
            text = _path_text(box, side)
            try:
                value = float(text) if text is not None else float("nan")
            except ValueError:
                value = float("nan")
            if value != value or value in (float("inf"), float("-inf")):
                self.warn(
                    rec,
                    f"{where}/{side}",
                    f"{text!r} is not a decimal number of degrees; the box is not lifted",
                    fix="give each bounding coordinate in decimal degrees",
                )
                self.keep_unmapped(rec, rec.dataset, "idinfo/spdom/bounding", _to_json(box))
                return None
            sides[side] = value
        west, east, north, south = sides["westbc"], sides["eastbc"], sides["northbc"], sides["southbc"]
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
            self.warn(
                rec,
                where,
                f"bounding box W={west} E={east} N={north} S={south} is out of range; it is not lifted",
                fix="longitudes lie in -180..180 and latitudes in -90..90",
            )
            self.keep_unmapped(rec, rec.dataset, "idinfo/spdom/bounding", _to_json(box))
            return None
        if south > north:
            self.warn(
                rec,
                where,
                f"southbc {south} is north of northbc {north} (swapped?); lifted as given",
                fix="swap southbc and northbc",
            )
        if west > east:
            self.warn(
                rec,
                where,
                "the box crosses the antimeridian (westbc > eastbc); the WKT polygon is as published",
                fix="check westbc and eastbc; a box across 180 degrees is better given as two boxes",
            )
        return west, south, east, north

    # --- keywords ---------------------------------------------------------------------------

    def _scheme(self, rec: LiftedRecord, thesaurus: str) -> URIRef:
        scheme = URIRef(f"{CONCEPTS}{slug(thesaurus)}")
        rec.graph.add((scheme, RDF.type, SKOS.ConceptScheme))
        rec.graph.add((scheme, DCTERMS.title, Literal(thesaurus)))
        return scheme

    def _keywords(self, rec: LiftedRecord, idinfo: Any) -> None:
        """FGDC 1.6 Keywords: theme, place, stratum and temporal keyword sets."""
        g, ds = rec.graph, rec.dataset
        places = 0
        for keywords in _children(idinfo, "keywords"):
            for theme in _children(keywords, "theme"):
                thesaurus = _path_text(theme, "themekt")
                words = _texts(theme, "themekey")
                has_thesaurus = bool(thesaurus and _real(thesaurus))
                if thesaurus and not has_thesaurus:
                    self.keep_unmapped(rec, ds, "idinfo/keywords/theme/themekt", thesaurus)
                topics = thesaurus is not None and "19115" in thesaurus and "topic" in thesaurus.lower()
                for word in words:
                    g.add((ds, DCAT.keyword, Literal(word)))
                    if topics and word in ISO_TOPICS:
                        concept = URIRef(f"{TOPIC_SCHEME}/{word}")
                        g.add((ds, DCAT.theme, concept))
                        g.add((concept, RDF.type, SKOS.Concept))
                        g.add((concept, SKOS.prefLabel, Literal(word)))
                        g.add((concept, SKOS.inScheme, TOPIC_SCHEME))
                        g.add((TOPIC_SCHEME, RDF.type, SKOS.ConceptScheme))
                        g.add((TOPIC_SCHEME, DCTERMS.title, Literal("ISO 19115 topic categories")))
                    elif has_thesaurus and thesaurus:
                        scheme = self._scheme(rec, thesaurus)
                        concept = URIRef(f"{scheme}/{slug(word)}")
                        g.add((ds, DCAT.theme, concept))
                        g.add((concept, RDF.type, SKOS.Concept))
                        g.add((concept, SKOS.prefLabel, Literal(word)))
                        g.add((concept, SKOS.inScheme, scheme))
            for place in _children(keywords, "place"):
                thesaurus = _path_text(place, "placekt")
                for word in _texts(place, "placekey"):
                    g.add((ds, DCAT.keyword, Literal(word)))
                    node = self.node(rec, "place", places)
                    places += 1
                    g.add((ds, DCTERMS.spatial, node))
                    g.add((node, RDF.type, DCTERMS.Location))
                    g.add((node, LOCN.geographicName, Literal(word)))
                    g.add((node, SKOS.prefLabel, Literal(word)))
                    if thesaurus and _real(thesaurus):
                        g.add((node, SKOS.inScheme, self._scheme(rec, thesaurus)))
            for kind, thesaurus_name, key_name in (
                ("stratum", "stratkt", "stratkey"),
                ("temporal", "tempkt", "tempkey"),
            ):
                for group in _children(keywords, kind):
                    words = _texts(group, key_name)
                    for word in words:
                        g.add((ds, DCAT.keyword, Literal(word)))
                    thesaurus = _path_text(group, thesaurus_name)
                    if thesaurus and words:
                        self.keep_unmapped(
                            rec, ds, f"idinfo/keywords/{kind}", {"thesaurus": thesaurus, "keywords": words}
                        )
            for element in _children(keywords):
                if _local(element) not in ("theme", "place", "stratum", "temporal"):
                    self.keep_unmapped(rec, ds, _rel(element), _to_json(element))

    # --- constraints ------------------------------------------------------------------------

    def _constraints(self, rec: LiftedRecord, idinfo: Any) -> None:
        """accconst → dcterms:accessRights, useconst → dcterms:rights (and a licence URL in it)."""
        g, ds = rec.graph, rec.dataset
        for name, prop, kind in (("accconst", DCTERMS.accessRights, "access"), ("useconst", DCTERMS.rights, "rights")):
            for index, element in enumerate(_children(idinfo, name)):
                text = _paragraphs(element)
                if not text:
                    continue
                if prop == DCTERMS.rights:
                    self.add_rights(rec, text)
                else:
                    node = self.node(rec, kind, index)
                    g.add((ds, prop, node))
                    g.add((node, RDF.type, DCTERMS.RightsStatement))
                    g.add((node, RDFS.label, Literal(text)))
                for url in _URL_RE.findall(text):
                    licence = iri(url.rstrip(".,;")) if _is_licence(url) else None
                    if licence is not None:
                        g.add((ds, DCTERMS.license, licence))

    # --- data quality, entities ---------------------------------------------------------------

    def _quality(self, rec: LiftedRecord, root: Any) -> None:
        """FGDC 2 Data_Quality_Information: process steps → dcterms:provenance; the rest kept."""
        g, ds = rec.graph, rec.dataset
        steps = 0
        for dataqual in _children(root, "dataqual"):
            for lineage in _children(dataqual, "lineage"):
                for procstep in _children(lineage, "procstep"):
                    text = _paragraphs(_child(procstep, "procdesc"))
                    if not text:
                        continue
                    node = self.node(rec, "provenance", steps)
                    steps += 1
                    g.add((ds, DCTERMS.provenance, node))
                    g.add((node, RDF.type, DCTERMS.ProvenanceStatement))
                    g.add((node, RDFS.label, Literal(text)))
                for srcinfo in _children(lineage, "srcinfo"):
                    citeinfo = _child(srcinfo, "srccite", "citeinfo")
                    for text in _texts(citeinfo, "onlink") + _texts(citeinfo, "othercit"):
                        doi = _find_doi(text)
                        if doi:
                            g.add((ds, PROV.wasDerivedFrom, URIRef(doi_iri(doi))))
                            break
            self.keep_unmapped(rec, ds, "dataqual", _to_json(dataqual))

    def _entities(self, rec: LiftedRecord, root: Any) -> None:
        """FGDC 5 Entity_and_Attribute_Information: attributes → schema:variableMeasured."""
        g, ds = rec.graph, rec.dataset
        count = 0
        for eainfo in _children(root, "eainfo"):
            for detailed in _children(eainfo, "detailed"):
                for attr in _children(detailed, "attr"):
                    name = _path_text(attr, "attrlabl")
                    if not name:
                        self.keep_unmapped(rec, ds, "eainfo/detailed/attr", _to_json(attr))
                        continue
                    node = self.node(rec, "variable", count)
                    count += 1
                    g.add((ds, SDO.variableMeasured, node))
                    g.add((node, RDF.type, SDO.PropertyValue))
                    g.add((node, SDO.name, Literal(name)))
                    definition = _paragraphs(_child(attr, "attrdef"))
                    if definition:
                        g.add((node, SDO.description, Literal(definition)))
                    for rdom in (r for domv in _children(attr, "attrdomv") for r in _children(domv, "rdom")):
                        unit = _path_text(rdom, "attrunit")
                        if unit:
                            g.add((node, SDO.unitText, Literal(unit)))
                        for side, prop in (("rdommin", SDO.minValue), ("rdommax", SDO.maxValue)):
                            value = _path_text(rdom, side)
                            try:
                                number = float(value) if value is not None else None
                            except ValueError:
                                number = None
                            if number is not None and number == number and abs(number) != float("inf"):
                                g.add(
                                    (node, prop, Literal(value, datatype=XSD.decimal if "." in value else XSD.integer))
                                )
                    for element in _children(attr):
                        if _local(element) not in ("attrlabl", "attrdef"):
                            self.keep_unmapped(rec, node, _local(element), _to_json(element))
                for element in _children(detailed):
                    if _local(element) != "attr":
                        self.keep_unmapped(rec, ds, _rel(element), _to_json(element))
            for element in _children(eainfo):
                if _local(element) != "detailed":
                    self.keep_unmapped(rec, ds, _rel(element), _to_json(element))

    # --- distribution -------------------------------------------------------------------------

    def _distributions(self, rec: LiftedRecord, root: Any) -> None:
        """FGDC 6 Distribution_Information: one dcat:Distribution per digital form with a URL."""
        g, ds = rec.graph, rec.dataset
        count = attributions = 0
        for distinfo in _children(root, "distinfo"):
            for distrib in _children(distinfo, "distrib"):
                cntinfo = _child(distrib, "cntinfo")
                person, org, person_first = self._contact_names(cntinfo)
                agent = None
                if person and person_first:
                    agent = self._agent(rec, person)
                    if org:
                        g.add((agent, ORG.memberOf, self.organization(rec, org)))
                elif org or person:
                    agent = self.organization(rec, org) if org else self._agent(rec, person or "")
                if agent is not None:
                    node = self.node(rec, "attribution", attributions)
                    attributions += 1
                    role = URIRef(ROLE_BASE + "distributor")
                    g.add((ds, PROV.qualifiedAttribution, node))
                    g.add((node, RDF.type, PROV.Attribution))
                    g.add((node, PROV.agent, agent))
                    g.add((node, DCAT.hadRole, role))
                    g.add((role, RDF.type, DCAT.Role))
                    g.add((role, SKOS.prefLabel, Literal("distributor")))
                self.keep_unmapped(rec, ds, "distinfo/distrib", _to_json(distrib))
            for stdorder in _children(distinfo, "stdorder"):
                for digform in _children(stdorder, "digform"):
                    if self._digital_form(rec, digform, count):
                        count += 1
                for element in _children(stdorder):
                    if _local(element) != "digform":
                        self.keep_unmapped(rec, ds, _rel(element), _to_json(element))
            for element in _children(distinfo):
                if _local(element) not in ("distrib", "stdorder"):
                    self.keep_unmapped(rec, ds, _rel(element), _to_json(element))

    def _digital_form(self, rec: LiftedRecord, digform: Any, index: int) -> bool:
        g = rec.graph
        digtinfo = _child(digform, "digtinfo")
        formname = _path_text(digtinfo, "formname")
        urls: list[URIRef] = []
        for digtopt in _children(digform, "digtopt"):
            for onlinopt in _children(digtopt, "onlinopt"):
                for networka in (n for c in _children(onlinopt, "computer") for n in _children(c, "networka")):
                    for element in _children(networka, "networkr"):
                        text = _text(element)
                        url = iri(text)
                        if url is not None:
                            urls.append(url)
                        elif text:
                            self.warn(
                                rec,
                                _xpath(element),
                                f"{text[:80]!r} is not an absolute URL",
                                fix="give the network resource name as a full URL (https://...)",
                            )
        if not urls:
            self.keep_unmapped(rec, rec.dataset, "distinfo/stdorder/digform", _to_json(digform))
            return False
        node = self.node(rec, "distribution", index)
        g.add((rec.dataset, DCAT.distribution, node))
        g.add((node, RDF.type, DCAT.Distribution))
        for url in urls:
            g.add((node, DCAT.accessURL, url))
            if _is_download(str(url), formname):
                g.add((node, DCAT.downloadURL, url))
        if formname:
            fmt = self.node(rec, "format", slug(formname))
            g.add((node, DCTERMS.format, fmt))
            g.add((fmt, RDF.type, DCTERMS.MediaType))
            g.add((fmt, RDFS.label, Literal(formname)))
            media = media_type_iri(formname)
            if media is not None:
                g.add((node, DCAT.mediaType, media))
            version = _path_text(digtinfo, "formvern")
            if version:
                self.keep_unmapped(rec, fmt, "formvern", version)
        spec = _path_text(digtinfo, "formspec")
        spec_url = iri(spec)
        if spec_url is not None:
            g.add((node, DCTERMS.conformsTo, spec_url))
        for element in _children(digtinfo):
            if _local(element) not in ("formname", "formvern") and not (_local(element) == "formspec" and spec_url):
                self.keep_unmapped(rec, node, f"digtinfo/{_local(element)}", _to_json(element))
        for digtopt in _children(digform, "digtopt"):
            for option in _children(digtopt):
                if _local(option) != "onlinopt":
                    self.keep_unmapped(rec, node, f"digtopt/{_local(option)}", _to_json(option))
                    continue
                for element in _children(option):
                    if _local(element) != "computer":
                        self.keep_unmapped(rec, node, f"onlinopt/{_local(element)}", _to_json(element))
                    else:
                        for inner in _children(element):
                            if _local(inner) != "networka":
                                self.keep_unmapped(rec, node, f"computer/{_local(inner)}", _to_json(inner))
        for element in _children(digform):
            if _local(element) not in ("digtinfo", "digtopt"):
                self.keep_unmapped(rec, node, _local(element), _to_json(element))
        return True

    # --- metadata reference -------------------------------------------------------------------

    def _metadata_info(self, rec: LiftedRecord, root: Any, *, has_contact: bool) -> None:
        """FGDC 7 Metadata_Reference_Information: metd → dcterms:modified; metc the contact if none."""
        g, ds = rec.graph, rec.dataset
        for metainfo in _children(root, "metainfo"):
            for element in _children(metainfo):
                name = _local(element)
                if name == "metd":
                    text = _text(element)
                    lit = fgdc_date(text)
                    if lit is not None and g.value(ds, DCTERMS.modified) is None:
                        g.add((ds, DCTERMS.modified, lit))
                        continue
                    if text and lit is None:
                        self.warn(
                            rec,
                            _xpath(element),
                            f"{text!r} is not an FGDC date (YYYYMMDD)",
                            fix="give metd as YYYYMMDD",
                        )
                elif name == "metc" and not has_contact:
                    self._contact(rec, _child(element, "cntinfo"), 0, element)
                    has_contact = True
                    continue
                self.keep_unmapped(rec, ds, _rel(element), _to_json(element))


def _is_download(url: str, formname: str | None) -> bool:
    """Whether a transfer URL fetches the data itself rather than a service, page or DOI landing page."""
    low = url.lower()
    if any(hint in low for hint in SERVICE_HINTS) or normalize_doi(url):
        return False
    path = low.split("?", 1)[0].split("#", 1)[0]
    if path.endswith(PAGE_EXTENSIONS) or (path.count("/") <= 3 and path.endswith("/")):
        return False
    if path.endswith(FILE_EXTENSIONS):
        return True
    return bool(formname) and formname.strip().lower() in FILE_FORMATS and not path.endswith("/")


__all__ = ["FORMAT", "FgdcLifter", "fgdc_date", "fgdc_date_time"]
