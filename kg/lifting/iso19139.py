"""ISO 19115 / 19115-2 metadata in ISO 19139 XML (``gmd:MD_Metadata``, ``gmi:MI_Metadata``) → DCAT 3.

Reads one record a file, or every ``MD_Metadata`` / ``MI_Metadata`` wrapped in an OGC CSW 2.0.2
``GetRecordByIdResponse`` / ``GetRecordsResponse``. Elements are found by XPath with explicit
namespaces (gmd, gco, gmi, gmx, srv, xlink; gml 3.2 and GML 3.1 both accepted).

The mapping follows GeoDCAT-AP (https://semiceu.github.io/GeoDCAT-AP/releases/, "ISO 19139 →
DCAT-AP" mapping tables, sections on the resource, responsible parties, keywords, extents,
constraints and distributions) and the NOAA/NCEI ISO 19115-2 → DCAT crosswalk:

===============================================  ===============================================
ISO 19139 (XPath under MD_Metadata)              RDF (and why, where it differs)
===============================================  ===============================================
DOI in citation identifier ``MD_Identifier/      the dataset IRI ``https://doi.org/<doi>`` and
code`` (text or gmx:Anchor href), else in        ``dcterms:identifier "10.x/y"`` (GeoDCAT-AP
``dataSetURI``                                   "Resource unique identifier")
fileIdentifier                                   ``dcterms:identifier`` when there is no DOI
                                                 (the record's local id); else kept as source
other citation identifier codes                  ``adms:identifier`` adms:Identifier skos:notation
dataSetURI                                       ``dcat:landingPage`` (NOAA crosswalk)
citation/title, alternateTitle, abstract         ``dcterms:title``, ``dcterms:alternative``,
                                                 ``dcterms:description``
citation/date by CI_DateTypeCode                 publication → ``dcterms:issued``, creation →
                                                 ``dcterms:created``, revision →
                                                 ``dcterms:modified``; other types kept. A
                                                 gco:DateTime at midnight without a zone is an
                                                 xsd:date; basic forms (YYYYMMDD) are read
dateStamp                                        kept as source only: it dates the *metadata*,
                                                 which GeoDCAT-AP gives to the catalog record
                                                 (dcat:CatalogRecord), never to the dataset
citedResponsibleParty, pointOfContact by role    originator/author/principalInvestigator →
                                                 ``dcterms:creator``; publisher →
                                                 ``dcterms:publisher``; pointOfContact →
                                                 ``dcat:contactPoint`` vcard:Kind (fn, hasEmail);
                                                 any other role → ``dcterms:contributor`` plus a
                                                 ``prov:qualifiedAttribution`` with
                                                 ``dcat:hadRole`` the INSPIRE role code IRI
                                                 (GeoDCAT-AP "Responsible party role")
descriptiveKeywords/MD_Keywords                  ``dcat:keyword``; with a thesaurusName also
                                                 ``dcat:theme`` skos:Concept in a
                                                 skos:ConceptScheme titled by the thesaurus
                                                 (gmx:Anchor href is the concept / scheme IRI)
topicCategory                                    ``dcat:theme`` INSPIRE TopicCategory concept
extent/EX_Extent                                 bounding box → ``dcterms:spatial``
                                                 dcterms:Location ``dcat:bbox`` (range checked;
                                                 a box of zero size also ``dcat:centroid``);
                                                 EX_GeographicDescription →
                                                 ``locn:geographicName`` + skos:prefLabel;
                                                 gml:TimePeriod / TimeInstant →
                                                 ``dcterms:temporal`` (indeterminatePosition
                                                 "now"/"unknown" leaves that end open)
resourceConstraints (useLimitation,              a licence URL (Creative Commons, SPDX, ...) →
otherConstraints)                                ``dcterms:license``; other text →
                                                 ``dcterms:rights`` dcterms:RightsStatement
distributionInfo ... onLine/CI_OnlineResource    ``dcat:distribution``: linkage →
                                                 ``dcat:accessURL`` (and ``dcat:downloadURL``
                                                 when the function is "download"), name →
                                                 dcterms:title, description →
                                                 dcterms:description, protocol kept
distributionFormat/MD_Format/name                ``dcterms:format`` dcterms:MediaType node with
                                                 rdfs:label (and ``dcat:mediaType`` when the
                                                 name is an IANA media type) on each distribution
identificationInfo/*/language                    ``dcterms:language`` (ISO 639-2 or 639-1 IRI)
parentIdentifier                                 ``dcterms:isPartOf``: its DOI or IRI, else the
                                                 parent record of the same source (literal kept)
dataQualityInfo/*/lineage/*/statement            ``dcterms:provenance`` ProvenanceStatement
gmi:acquisitionInformation                       kept as source, plus each instrument's and
                                                 platform's identifier / title / description as
                                                 its own source-namespace text for curation
everything else (hierarchyLevel, purpose,        kept under the source namespace (``SRC``) as a
contentInfo, metadata contact, ...)              JSON rendering of the element
===============================================  ===============================================

Agents follow the other lifters: organisations are ``{BASE}agent/{slug(name)}`` (foaf and org
Organization, foaf:name, skos:prefLabel), people their ORCID IRI when one is given, else a node of
the record named after the person (so one person listed twice is one node).

XML is parsed without entity expansion, DTD loading or network access (the DataCite lifter's
parser); documents that declare entities or an external DTD are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS

from kg.errors import LiftError
from kg.formats import ISO19139
from kg.lifting.base import LiftedRecord, Lifter, RawRecord
from kg.lifting.common import (
    bbox_wkt,
    clean_text,
    date_literal,
    iri,
    language_iri,
    mailto,
    media_type_iri,
)

# The DataCite lifter's hardened parser: no entities, no DTDs, no network.
from kg.lifting.xmlsafe import parse_xml, root_name_and_namespace
from kg.namespaces import ADMS, BASE, LOCN, VCARD, dataset_iri, doi_iri, normalize_doi, slug

ORG = Namespace("http://www.w3.org/ns/org#")
DCAT_CENTROID = URIRef(str(DCAT) + "centroid")  # DCAT 3, not in rdflib's closed namespace
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")

GMD = "http://www.isotc211.org/2005/gmd"
GMI = "http://www.isotc211.org/2005/gmi"
CSW = "http://www.opengis.net/cat/csw/2.0.2"
NS = {
    "gmd": GMD,
    "gco": "http://www.isotc211.org/2005/gco",
    "gmi": GMI,
    "gmx": "http://www.isotc211.org/2005/gmx",
    "srv": "http://www.isotc211.org/2005/srv",
    "gml": "http://www.opengis.net/gml/3.2",
    "gml31": "http://www.opengis.net/gml",
    "xlink": "http://www.w3.org/1999/xlink",
    "csw": CSW,
}
PREFIX = {uri: prefix for prefix, uri in NS.items()}
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
RECORD_TAGS = {f"{{{GMD}}}MD_Metadata", f"{{{GMI}}}MI_Metadata"}

# GeoDCAT-AP uses the INSPIRE registry code lists for ISO 19115 role codes and topic categories.
ROLE_BASE = "http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/"
TOPIC_SCHEME = URIRef("http://inspire.ec.europa.eu/metadata-codelist/TopicCategory")
CONCEPTS = f"{BASE}concept/iso19139/"

CREATOR_ROLES = {"originator", "author", "principalInvestigator"}
DATE_PROPERTIES = {"publication": DCTERMS.issued, "creation": DCTERMS.created, "revision": DCTERMS.modified}
LICENCE_HOSTS = ("creativecommons.org", "opendatacommons.org", "spdx.org/licenses", "opensource.org/licenses")

ID = "gmd:identificationInfo/*"
CITATION = f"{ID}/gmd:citation/gmd:CI_Citation"
# Children of MD_Metadata / MD_DataIdentification / CI_Citation the steps below map.
MAPPED_METADATA = {"fileIdentifier", "dataSetURI", "identificationInfo", "distributionInfo", "parentIdentifier"}
MAPPED_IDENT = {
    "citation", "abstract", "pointOfContact", "descriptiveKeywords", "topicCategory", "extent",
    "resourceConstraints", "language",
}  # fmt: skip
MAPPED_CITATION = {"title", "alternateTitle", "date", "identifier", "citedResponsibleParty"}

_ORCID_RE = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/?$", re.IGNORECASE)
_URL_RE = re.compile(r"https?://[^\s<>\"')]+")


# --- element helpers ----------------------------------------------------------------------------


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _elements(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str)]


def _value(prop: etree._Element | None) -> str | None:
    """The text of an ISO property: its gco:CharacterString / gmx:Anchor / gco:Date ... child."""
    if prop is None:
        return None
    kids = _elements(prop)
    if kids:
        return clean_text("".join(kids[0].itertext()))
    return clean_text(prop.text)


def _href(prop: etree._Element | None) -> str | None:
    """The xlink:href of a property's gmx:Anchor (or of the property itself)."""
    if prop is None:
        return None
    for el in (*_elements(prop), prop):
        href = clean_text(el.get(XLINK_HREF))
        if href:
            return href
    return None


def _code(prop: etree._Element | None) -> str | None:
    """A code list value: the text of the code element, else the tail of its codeListValue."""
    if prop is None:
        return None
    kids = _elements(prop)
    el = kids[0] if kids else prop
    text = clean_text(el.text)
    if text:
        return text
    value = clean_text(el.get("codeListValue"))
    if value:
        return re.split(r"[#_]", value)[-1] if "#" in value else value
    return None


def _nil(prop: etree._Element | None) -> bool:
    """Whether a property says why it is empty (gco:nilReason), which ISO 19139 allows."""
    return prop is not None and prop.get("{http://www.isotc211.org/2005/gco}nilReason") is not None


_BASIC_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


def _date(text: str | None) -> Literal | None:
    """date_literal, also reading the ISO 8601 basic forms YYYYMMDD and YYYYMM."""
    if not text:
        return None
    text = text.strip()
    match = _BASIC_DATE_RE.match(text)
    if match:
        text = "-".join(x for x in match.groups() if x)
    # gco:DateTime at exactly midnight with no zone is how many tools write a plain date (ARM does);
    # lifted as the xsd:date so it agrees with the same record's schema.org datePublished.
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00(:00(\.0+)?)?", text):
        text = text[:10]
    return date_literal(text)


def _num(value: float) -> str:
    """A coordinate as written by the schema.org lifter (no trailing zeros)."""
    text = repr(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _first(element: etree._Element, path: str) -> etree._Element | None:
    found = element.xpath(path, namespaces=NS)
    return found[0] if found else None


def _texts(element: etree._Element, path: str) -> list[str]:
    return [t for t in (_value(p) for p in element.xpath(path, namespaces=NS)) if t]


def _generic(element: etree._Element) -> Any:
    """A JSON-able rendering of an element, gco/gmd object wrappers collapsed."""
    kids = _elements(element)
    if not kids:
        text = clean_text(element.text)
        if text:
            return text
        for attr in ("codeListValue", XLINK_HREF, "{http://www.isotc211.org/2005/gco}nilReason"):
            if element.get(attr):
                return element.get(attr)
        return None
    out: dict[str, Any] = {}
    for kid in kids:
        value = _generic(kid)
        if value is not None:
            out.setdefault(_local(kid), []).append(value)
    result = {k: v[0] if len(v) == 1 else v for k, v in out.items()}
    if len(kids) == 1 and len(result) == 1:
        ((name, value),) = result.items()
        if name[:1].isupper():  # an object wrapper (CI_Citation, CharacterString, ...)
            return value
    return result or None


def _xpath_of(element: etree._Element) -> str:
    """An XPath with the usual prefixes, e.g. ``/csw:GetRecordsResponse/csw:SearchResults/gmd:MD_Metadata[2]``."""
    steps = []
    el: etree._Element | None = element
    while el is not None:
        qname = etree.QName(el)
        step = f"{PREFIX.get(qname.namespace or '', 'ns')}:{qname.localname}"
        parent = el.getparent()
        if parent is not None:
            same = [s for s in parent if s.tag == el.tag]
            if len(same) > 1:
                step += f"[{same.index(el) + 1}]"
        steps.append(step)
        el = parent
    return "/" + "/".join(reversed(steps))


# --- identity -----------------------------------------------------------------------------------


def _identity(md: etree._Element) -> tuple[str | None, str | None]:
    """(DOI, fileIdentifier) of a record. The DOI comes from the citation identifiers, then dataSetURI."""
    candidates: list[str] = []
    for prop in md.xpath(f"{CITATION}/gmd:identifier/*/gmd:code", namespaces=NS):
        candidates += [x for x in (_value(prop), _href(prop)) if x]
    candidates += [x for p in md.xpath("gmd:dataSetURI", namespaces=NS) for x in (_value(p), _href(p)) if x]
    doi = next((d for d in (normalize_doi(c) for c in candidates) if d), None)
    return doi, _value(_first(md, "gmd:fileIdentifier"))


def _orcid(*values: str | None) -> URIRef | None:
    for value in values:
        if value and ("orcid" in value.lower() or re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", value)):
            match = _ORCID_RE.search(value.strip())
            if match:
                return URIRef("https://orcid.org/" + match.group(1).upper())
    return None


def _is_licence(url: str) -> bool:
    low = url.lower()
    return any(host in low for host in LICENCE_HOSTS) or "/licen" in low


class Iso19139Lifter(Lifter):
    """ISO 19115(-2) in ISO 19139 XML: one record a document, or each record of a CSW response."""

    format = ISO19139
    version = "1.1"

    def detect(self, data: bytes, filename: str) -> float:
        root = root_name_and_namespace(data)
        if root is None:
            return 0.0
        name, namespace = root
        if name in ("MD_Metadata", "MI_Metadata") and namespace in (GMD, GMI):
            return 0.95
        if name in ("MD_Metadata", "MI_Metadata") and namespace is None and b"isotc211.org/2005/gm" in data[:4096]:
            return 0.6  # namespace declared on the children (seen in Census TIGER files)
        if namespace == CSW and name in ("GetRecordByIdResponse", "GetRecordsResponse"):
            return 0.9 if re.search(rb"<[\w.-]*:?M[DI]_Metadata[\s>]", data) else 0.0
        return 0.0

    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        try:
            root = parse_xml(data, source_file)
        except LiftError as exc:
            raise LiftError(exc.message, source_file=source_file, field=exc.field or "/") from exc
        if root.tag in RECORD_TAGS:
            records = [root]
        else:
            records = [el for el in root.iter(*RECORD_TAGS)]
            if not records:
                raise LiftError(
                    f"root element is <{_local(root)}> and holds no gmd:MD_Metadata or gmi:MI_Metadata; "
                    "an ISO 19139 record is one of those (or a CSW response wrapping them)",
                    source_file=source_file,
                    field=_xpath_of(root),
                )
        for position, md in enumerate(records):
            pointer = _xpath_of(md)
            doi, file_id = _identity(md)
            local_id = doi or file_id
            if local_id is None:  # the resource's own identifiers, then its URI
                codes = _texts(md, f"{CITATION}/gmd:identifier/*/gmd:code") + _texts(md, "gmd:dataSetURI")
                local_id = codes[0] if codes else None
            if local_id is None:
                yield LiftError(
                    "no gmd:fileIdentifier, no DOI and no citation identifier; the record cannot be given "
                    "a stable identity",
                    source_file=source_file,
                    record=f"#{position}",
                    field=f"{pointer}/gmd:fileIdentifier",
                )
                continue
            yield RawRecord(
                data=data if md is root else etree.tostring(md),
                local_id=local_id,
                pointer=pointer,
                source_file=source_file,
                media_type="application/xml",
                parsed=md,
            )

    def lift(self, raw: RawRecord, *, source: str) -> LiftedRecord:
        md = raw.parsed if isinstance(raw.parsed, etree._Element) else parse_xml(raw.data, raw.source_file)
        if md.tag not in RECORD_TAGS:
            raise LiftError(
                f"record root is <{_local(md)}>, not gmd:MD_Metadata", source_file=raw.source_file, field=raw.pointer
            )
        doi, file_id = _identity(md)
        rec = self.new_record(raw, source=source, doi=doi)
        ident = _first(md, "gmd:identificationInfo/*")
        if ident is None:
            raise LiftError(
                "no gmd:identificationInfo; the record describes no resource",
                source_file=raw.source_file,
                record=raw.local_id,
                field="gmd:identificationInfo",
            )
        g, ds = rec.graph, rec.dataset
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, DCTERMS.identifier, Literal(doi or raw.local_id)))
        if doi and file_id:
            self.keep_unmapped(rec, ds, "fileIdentifier", file_id)

        self._metadata_level(rec, md, source)
        self._citation(rec, ident)
        abstract = _value(_first(ident, "gmd:abstract"))
        if abstract:
            g.add((ds, DCTERMS.description, Literal(abstract)))
        self._parties(rec, ident)
        self._keywords(rec, ident)
        self._topics(rec, ident)
        self._extents(rec, ident)
        self._constraints(rec, ident)
        self._language(rec, ident)
        self._distributions(rec, md)
        self._quality(rec, md)
        self._acquisition(rec, md)
        for child in _elements(ident):
            if _local(child) not in MAPPED_IDENT:
                self.keep_unmapped(rec, ds, _local(child), _generic(child))
        return rec

    # --- steps ------------------------------------------------------------------------------

    def _metadata_level(self, rec: LiftedRecord, md: etree._Element, source: str) -> None:
        """dataSetURI, parentIdentifier and the unmapped metadata-level elements."""
        g, ds = rec.graph, rec.dataset
        for prop in md.xpath("gmd:dataSetURI", namespaces=NS):
            text = _href(prop) or _value(prop)
            page = iri(text)
            if page is not None:
                g.add((ds, DCAT.landingPage, page))
            elif text:
                self.warn(rec, "gmd:dataSetURI", f"{text[:80]!r} is not an absolute URL")
                self.keep_unmapped(rec, ds, "dataSetURI", text)
        parent = _value(_first(md, "gmd:parentIdentifier"))
        if parent:
            parent_doi = normalize_doi(parent)
            target = URIRef(doi_iri(parent_doi)) if parent_doi else iri(parent)
            g.add((ds, DCTERMS.isPartOf, target or URIRef(dataset_iri(rec.source, parent, None))))
            self.keep_unmapped(rec, ds, "parentIdentifier", parent)
        for child in _elements(md):
            name = _local(child)
            if name not in MAPPED_METADATA and name not in ("dataQualityInfo", "acquisitionInformation"):
                self.keep_unmapped(rec, ds, name, _generic(child))

    def _citation(self, rec: LiftedRecord, ident: etree._Element) -> None:
        """Title, alternate titles, dates and identifiers of the resource's CI_Citation."""
        g, ds = rec.graph, rec.dataset
        citation = _first(ident, "gmd:citation/gmd:CI_Citation")
        field = f"{CITATION}/gmd:title"
        title = _value(_first(citation, "gmd:title")) if citation is not None else None
        if title:
            g.add((ds, DCTERMS.title, Literal(title)))
        else:
            self.warn(rec, field, "the resource has no title", fix="give the citation a gmd:title")
        if citation is None:
            return
        for alt in _texts(citation, "gmd:alternateTitle"):
            g.add((ds, DCTERMS.alternative, Literal(alt)))
        seen: set[URIRef] = set()
        for index, ci_date in enumerate(citation.xpath("gmd:date/gmd:CI_Date", namespaces=NS)):
            where = f"{CITATION}/gmd:date[{index + 1}]"
            text = _value(_first(ci_date, "gmd:date"))
            kind = _code(_first(ci_date, "gmd:dateType"))
            if not text:
                continue
            prop = DATE_PROPERTIES.get(kind or "")
            lit = _date(text)
            if prop is None or prop in seen or lit is None:
                if lit is None:
                    self.warn(rec, where, f"{text!r} is not an ISO 8601 date")
                self.keep_unmapped(rec, ds, "citation/date", {"date": text, "dateType": kind})
                continue
            seen.add(prop)
            g.add((ds, prop, lit))
        for index, prop in enumerate(citation.xpath("gmd:identifier/*/gmd:code", namespaces=NS)):
            code = _value(prop)
            href = _href(prop)
            if not code and not href:
                continue
            if normalize_doi(code or "") or normalize_doi(href or ""):
                continue  # the DOI is the dataset IRI and dcterms:identifier
            node = self.node(rec, "identifier", index)
            g.add((ds, ADMS.identifier, node))
            g.add((node, RDF.type, ADMS.Identifier))
            g.add((node, SKOS.notation, Literal(code or href)))
            if href and iri(href) is not None and href != code:
                g.add((node, RDFS.seeAlso, iri(href)))
        for child in _elements(citation):
            if _local(child) not in MAPPED_CITATION:
                self.keep_unmapped(rec, ds, "citation/" + _local(child), _generic(child))

    def _parties(self, rec: LiftedRecord, ident: etree._Element) -> None:
        """Responsible parties of the citation and the resource's points of contact, by role."""
        parties = [
            (f"{CITATION}/gmd:citedResponsibleParty[{i + 1}]", p)
            for i, p in enumerate(ident.xpath("gmd:citation/gmd:CI_Citation/gmd:citedResponsibleParty", namespaces=NS))
        ]
        for i, prop in enumerate(ident.xpath("gmd:pointOfContact", namespaces=NS)):
            parties += [(f"{ID}/gmd:pointOfContact[{i + 1}]", p) for p in [prop]]
        contacts = attributions = 0
        attributed: set[tuple[URIRef, str | None]] = set()
        g, ds = rec.graph, rec.dataset
        for where, prop in parties:
            # One pointOfContact holding several CI_ResponsibleParty is invalid but published (ARM).
            for party in prop.xpath("gmd:CI_ResponsibleParty", namespaces=NS):
                role_prop = _first(party, "gmd:role")
                role = _code(role_prop)
                if not role and not _nil(role_prop):
                    self.warn(
                        rec,
                        f"{where}/gmd:CI_ResponsibleParty/gmd:role",
                        "gmd:role is empty (no CI_RoleCode and no gco:nilReason); the party is lifted without a role",
                        fix="give gmd:role a gmd:CI_RoleCode (e.g. author, publisher, pointOfContact)",
                    )
                if role == "pointOfContact":
                    self._contact(rec, party, contacts)
                    contacts += 1
                    continue
                agent = self._agent(rec, party, as_organisation=role == "publisher", where=where)
                if agent is None:
                    continue
                if role in CREATOR_ROLES:
                    self.add_creator(rec, agent, role)
                elif role == "publisher":
                    g.add((ds, DCTERMS.publisher, agent))
                elif (agent, role) not in attributed:  # a party listed twice with one role is one attribution
                    attributed.add((agent, role))
                    g.add((ds, DCTERMS.contributor, agent))
                    attribution = self.node(rec, "attribution", attributions)
                    attributions += 1
                    g.add((ds, PROV.qualifiedAttribution, attribution))
                    g.add((attribution, RDF.type, PROV.Attribution))
                    g.add((attribution, PROV.agent, agent))
                    if role:
                        concept = URIRef(ROLE_BASE + role)
                        g.add((attribution, DCAT.hadRole, concept))
                        g.add((concept, RDF.type, DCAT.Role))
                        g.add((concept, SKOS.prefLabel, Literal(role)))

    def _organisation(self, rec: LiftedRecord, name: str) -> URIRef:
        return self.organization(rec, name)

    def _agent(self, rec: LiftedRecord, party: etree._Element, *, as_organisation: bool, where: str) -> URIRef | None:
        """A person (ORCID IRI or record node) or an organisation ({BASE}agent/{slug(name)})."""
        g = rec.graph
        person_prop = _first(party, "gmd:individualName")
        person = _value(person_prop)
        org_prop = _first(party, "gmd:organisationName")
        org_name = _value(org_prop)
        links = [_value(p) for p in party.xpath(".//gmd:onlineResource/*/gmd:linkage", namespaces=NS)]
        orcid = _orcid(_href(person_prop), *links)
        organisation = self._organisation(rec, org_name) if org_name else None
        if person and not as_organisation or person and organisation is None:
            agent = orcid or self.node(rec, "person", slug(person))
            g.add((agent, RDF.type, FOAF.Person))
            g.add((agent, FOAF.name, Literal(person)))
            if organisation is not None:
                g.add((agent, ORG.memberOf, organisation))
        elif organisation is not None:
            agent = organisation
            if person:  # a publisher named with a person too: the person is kept
                self.keep_unmapped(rec, agent, "individualName", person)
        else:
            if not (_nil(person_prop) or _nil(org_prop)):
                self.warn(rec, f"{where}/gmd:CI_ResponsibleParty", "the responsible party has no name")
            self.keep_unmapped(rec, rec.dataset, "responsibleParty", _generic(party))
            return None
        extra = {
            k: v for k, v in (_generic(party) or {}).items() if k not in ("individualName", "organisationName", "role")
        }
        if extra:
            self.keep_unmapped(rec, agent, "responsibleParty", extra)
        return agent

    def _contact(self, rec: LiftedRecord, party: etree._Element, index: int) -> None:
        """dcat:contactPoint vcard:Kind with fn (person, else organisation) and hasEmail."""
        g = rec.graph
        node = self.node(rec, "contact", index)
        g.add((rec.dataset, DCAT.contactPoint, node))
        g.add((node, RDF.type, VCARD.Kind))
        person = _value(_first(party, "gmd:individualName"))
        org_name = _value(_first(party, "gmd:organisationName"))
        name = person or org_name
        if name:
            g.add((node, VCARD.fn, Literal(name)))
        if person and org_name:
            g.add((node, VCARD["organization-name"], Literal(org_name)))
        for email in _texts(party, "gmd:contactInfo/*/gmd:address/*/gmd:electronicMailAddress"):
            address = mailto(email)
            if address is not None:
                g.add((node, VCARD.hasEmail, address))
            else:
                self.warn(rec, "gmd:electronicMailAddress", f"{email[:80]!r} is not an e-mail address")
        extra = {
            k: v for k, v in (_generic(party) or {}).items() if k not in ("individualName", "organisationName", "role")
        }
        if extra:
            self.keep_unmapped(rec, node, "responsibleParty", extra)

    def _keywords(self, rec: LiftedRecord, ident: etree._Element) -> None:
        """dcat:keyword, and dcat:theme concepts for keywords from a named thesaurus."""
        g, ds = rec.graph, rec.dataset
        for block in ident.xpath("gmd:descriptiveKeywords/gmd:MD_Keywords", namespaces=NS):
            thesaurus_prop = _first(block, "gmd:thesaurusName/gmd:CI_Citation/gmd:title")
            thesaurus = _value(thesaurus_prop)
            scheme = None
            if thesaurus:
                scheme = iri(_href(thesaurus_prop)) or URIRef(CONCEPTS + slug(thesaurus))
                g.add((scheme, RDF.type, SKOS.ConceptScheme))
                g.add((scheme, DCTERMS.title, Literal(thesaurus)))
            kind = _code(_first(block, "gmd:type"))
            words = []
            for prop in block.xpath("gmd:keyword", namespaces=NS):
                word = _value(prop)
                if not word:
                    continue
                words.append(word)
                g.add((ds, DCAT.keyword, Literal(word)))
                href = iri(_href(prop))
                if scheme is None and href is None:
                    continue
                concept = href or URIRef(f"{scheme}/{slug(word)}")
                g.add((ds, DCAT.theme, concept))
                g.add((concept, RDF.type, SKOS.Concept))
                g.add((concept, SKOS.prefLabel, Literal(word)))
                first = g.value(concept, SKOS.inScheme)
                if scheme is not None and first is None:
                    g.add((concept, SKOS.inScheme, scheme))
                elif scheme is not None and first != scheme:
                    # one concept IRI under two thesauri: a concept sits in one scheme (DCAT-US 3.0
                    # Concept: inScheme max 1); the first thesaurus wins, the other is kept
                    self.keep_unmapped(rec, concept, "thesaurusName", str(g.value(scheme, DCTERMS.title) or scheme))
            if kind and words:
                self.keep_unmapped(rec, ds, "keywordType", {"type": kind, "keywords": words})

    def _topics(self, rec: LiftedRecord, ident: etree._Element) -> None:
        g, ds = rec.graph, rec.dataset
        for topic in _texts(ident, "gmd:topicCategory"):
            concept = URIRef(f"{TOPIC_SCHEME}/{topic}")
            g.add((ds, DCAT.theme, concept))
            g.add((concept, RDF.type, SKOS.Concept))
            g.add((concept, SKOS.prefLabel, Literal(topic)))
            g.add((concept, SKOS.inScheme, TOPIC_SCHEME))
            g.add((TOPIC_SCHEME, RDF.type, SKOS.ConceptScheme))
            g.add((TOPIC_SCHEME, DCTERMS.title, Literal("ISO 19115 topic categories")))

    def _extents(self, rec: LiftedRecord, ident: etree._Element) -> None:
        """Bounding boxes, geographic names and time periods of every EX_Extent."""
        g, ds = rec.graph, rec.dataset
        places = periods = 0
        for e_index, extent in enumerate(
            ident.xpath("gmd:extent/gmd:EX_Extent | srv:extent/gmd:EX_Extent", namespaces=NS)
        ):
            base = f"{ID}/gmd:extent[{e_index + 1}]/gmd:EX_Extent"
            for b_index, box in enumerate(
                extent.xpath("gmd:geographicElement/gmd:EX_GeographicBoundingBox", namespaces=NS)
            ):
                where = f"{base}/gmd:geographicElement[{b_index + 1}]/gmd:EX_GeographicBoundingBox"
                coords = self._box(rec, box, where)
                if coords is None:
                    continue
                node = self.node(rec, "location", places)
                places += 1
                g.add((ds, DCTERMS.spatial, node))
                g.add((node, RDF.type, DCTERMS.Location))
                g.add((node, DCAT.bbox, bbox_wkt(*coords)))
                west, south, east, north = coords
                if west == east and south == north:  # a point given as a box: also its centroid
                    point = f"POINT({_num(west)} {_num(south)})"
                    g.add((node, DCAT_CENTROID, Literal(point, datatype=WKT)))
            for code in _texts(
                extent, "gmd:geographicElement/gmd:EX_GeographicDescription/gmd:geographicIdentifier/*/gmd:code"
            ):
                node = self.node(rec, "location", places)
                places += 1
                g.add((ds, DCTERMS.spatial, node))
                g.add((node, RDF.type, DCTERMS.Location))
                g.add((node, LOCN.geographicName, Literal(code)))
                g.add((node, SKOS.prefLabel, Literal(code)))
            for other in extent.xpath(
                "gmd:description | gmd:geographicElement/gmd:EX_BoundingPolygon | gmd:verticalElement", namespaces=NS
            ):
                self.keep_unmapped(rec, ds, "extent/" + _local(other), _generic(other))
            for t_index, time in enumerate(extent.xpath("gmd:temporalElement/*/gmd:extent/*", namespaces=NS)):
                where = f"{base}/gmd:temporalElement[{t_index + 1}]"
                if self._period(rec, time, periods, where):
                    periods += 1

    def _box(self, rec: LiftedRecord, box: etree._Element, where: str) -> tuple[float, float, float, float] | None:
        values: dict[str, float] = {}
        for side in ("westBoundLongitude", "eastBoundLongitude", "southBoundLatitude", "northBoundLatitude"):
            text = _value(_first(box, f"gmd:{side}"))
            try:
                values[side] = float(text) if text is not None else float("nan")
            except ValueError:
                values[side] = float("nan")
            if values[side] != values[side]:
                self.warn(rec, f"{where}/gmd:{side}", f"{text!r} is not a decimal number; the box is not lifted")
                self.keep_unmapped(rec, rec.dataset, "EX_GeographicBoundingBox", _generic(box))
                return None
        west, east = values["westBoundLongitude"], values["eastBoundLongitude"]
        south, north = values["southBoundLatitude"], values["northBoundLatitude"]
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
            swapped = -90 <= west <= 90 and -90 <= east <= 90 and -180 <= south <= 180 and -180 <= north <= 180
            hint = " (latitudes and longitudes look swapped)" if swapped else ""
            self.warn(
                rec,
                where,
                f"bounding box W={west} E={east} S={south} N={north} is out of range{hint}; it is not lifted",
                fix="longitudes lie in -180..180 and latitudes in -90..90",
            )
            self.keep_unmapped(rec, rec.dataset, "EX_GeographicBoundingBox", _generic(box))
            return None
        if south > north:
            self.warn(
                rec,
                where,
                f"southBoundLatitude {south} is north of northBoundLatitude {north} (swapped?); lifted as given",
                fix="swap southBoundLatitude and northBoundLatitude",
            )
        return west, south, east, north

    def _period(self, rec: LiftedRecord, time: etree._Element, index: int, where: str) -> bool:
        """dcterms:temporal from a gml:TimePeriod or gml:TimeInstant (GML 3.2 or 3.1)."""
        g = rec.graph
        ends: list[tuple[str | None, str | None]] = []  # (value, indeterminatePosition)
        if _local(time) == "TimePeriod":
            for side in ("begin", "end"):
                pos = time.xpath(
                    f"*[local-name()='{side}Position'] | *[local-name()='{side}']/*/*[local-name()='timePosition']"
                )
                el = pos[0] if pos else None
                ends.append(
                    (
                        clean_text(el.text) if el is not None else None,
                        el.get("indeterminatePosition") if el is not None else None,
                    )
                )
        elif _local(time) == "TimeInstant":
            pos = time.xpath("*[local-name()='timePosition']")
            value = clean_text(pos[0].text) if pos else None
            ends = [(value, None), (value, None)]
        else:
            self.keep_unmapped(rec, rec.dataset, "temporalExtent", _generic(time))
            return False
        start = _date(ends[0][0])
        end = _date(ends[1][0])
        for (text, _indeterminate), lit, side in ((ends[0], start, "begin"), (ends[1], end, "end")):
            if text and lit is None:
                self.warn(rec, f"{where}//gml:{side}Position", f"{text!r} is not an ISO 8601 date or date-time")
        if start is None and end is None:
            if any(t for t, _ in ends):
                self.keep_unmapped(rec, rec.dataset, "temporalExtent", _generic(time))
            return False
        node = self.node(rec, "period", index)
        g.add((rec.dataset, DCTERMS.temporal, node))
        g.add((node, RDF.type, DCTERMS.PeriodOfTime))
        if start is not None:
            g.add((node, DCAT.startDate, start))
        if end is not None:
            g.add((node, DCAT.endDate, end))
        for (_, indeterminate), side in zip(ends, ("begin", "end"), strict=True):
            if indeterminate:  # "now" / "unknown" / "before" / "after": that end stays open
                self.keep_unmapped(rec, node, f"{side}Position/indeterminatePosition", indeterminate)
        return True

    def _constraints(self, rec: LiftedRecord, ident: etree._Element) -> None:
        """Licence URLs → dcterms:license; other use limitations and constraints → dcterms:rights."""
        g, ds = rec.graph, rec.dataset
        statements: list[str] = []
        for constraint in ident.xpath("gmd:resourceConstraints/*", namespaces=NS):
            for prop in constraint.xpath("gmd:useLimitation | gmd:otherConstraints", namespaces=NS):
                text = _value(prop)
                urls = [u for u in [_href(prop), *(_URL_RE.findall(text or ""))] if u]
                licences = [iri(u.rstrip(".,;")) for u in urls if _is_licence(u)]
                for licence in licences:
                    if licence is not None:
                        g.add((ds, DCTERMS.license, licence))
                if text and text not in statements and not (licences and text.strip() in urls):
                    statements.append(text)
            for code_prop in constraint.xpath(
                "gmd:accessConstraints | gmd:useConstraints | gmd:classification", namespaces=NS
            ):
                self.keep_unmapped(rec, ds, "resourceConstraints/" + _local(code_prop), _code(code_prop))
        for text in statements:
            self.add_rights(rec, text)

    def _language(self, rec: LiftedRecord, ident: etree._Element) -> None:
        for index, prop in enumerate(ident.xpath("gmd:language", namespaces=NS)):
            kids = _elements(prop)
            text = (kids[0].get("codeListValue") if kids else None) or _value(prop)
            code = re.split(r"[;,\s]", text.strip())[0] if text else None
            lang = language_iri(code.split("#")[-1].split("_")[-1]) if code else None
            if lang is not None:
                rec.graph.add((rec.dataset, DCTERMS.language, lang))
            elif text:
                self.warn(rec, f"{ID}/gmd:language[{index + 1}]", f"{text!r} is not an ISO 639 language code")
                self.keep_unmapped(rec, rec.dataset, "language", text)

    def _distributions(self, rec: LiftedRecord, md: etree._Element) -> None:
        """One dcat:Distribution per online resource, each with at most one format (DCAT-US 3.0).

        One listed format applies to every resource. Several (``SHP`` and ``html`` for a .zip
        and a web page) are matched to resources by the URL's file extension; a format no
        resource matched goes to the resources left without one when it is the only one left;
        otherwise those resources keep the leftover format names under the source namespace.
        """
        g, ds = rec.graph, rec.dataset
        dist_info = md.xpath("gmd:distributionInfo/gmd:MD_Distribution", namespaces=NS)
        formats: list[tuple[str, str | None]] = []
        online: list[tuple[str, etree._Element]] = []
        for d_index, dist in enumerate(dist_info):
            base = f"gmd:distributionInfo[{d_index + 1}]/gmd:MD_Distribution"
            for fmt in dist.xpath(
                "gmd:distributionFormat/gmd:MD_Format | gmd:distributor/*/gmd:distributorFormat/gmd:MD_Format",
                namespaces=NS,
            ):
                name = _value(_first(fmt, "gmd:name"))
                if name and all(name != f for f, _ in formats):
                    formats.append((name, _value(_first(fmt, "gmd:version"))))
            paths = (
                "gmd:transferOptions/*/gmd:onLine/gmd:CI_OnlineResource",
                "gmd:distributor/*/gmd:distributorTransferOptions/*/gmd:onLine/gmd:CI_OnlineResource",
            )
            for path in paths:
                online += [(f"{base}/{path}[{i + 1}]", r) for i, r in enumerate(dist.xpath(path, namespaces=NS))]
            for distributor in dist.xpath("gmd:distributor/*/gmd:distributorContact", namespaces=NS):
                self.keep_unmapped(rec, ds, "distributorContact", _generic(distributor))
        if formats and not online:
            self.keep_unmapped(rec, ds, "distributionFormat", [f for f, _ in formats])
        chosen = _formats_by_resource(formats, [_value(_first(r, "gmd:linkage")) or "" for _, r in online])
        for index, (where, resource) in enumerate(online):
            url_text = _value(_first(resource, "gmd:linkage"))
            url = iri(url_text)
            if url is None:
                self.warn(rec, f"{where}/gmd:linkage", f"{(url_text or '')[:80]!r} is not an absolute URL")
                self.keep_unmapped(rec, ds, "onLine", _generic(resource))
                continue
            node = self.node(rec, "distribution", index)
            g.add((ds, DCAT.distribution, node))
            g.add((node, RDF.type, DCAT.Distribution))
            g.add((node, DCAT.accessURL, url))
            function = _code(_first(resource, "gmd:function"))
            if function == "download":
                g.add((node, DCAT.downloadURL, url))
            elif function:
                self.keep_unmapped(rec, node, "function", function)
            name = _value(_first(resource, "gmd:name"))
            if name:
                g.add((node, DCTERMS.title, Literal(name)))
            description = _value(_first(resource, "gmd:description"))
            if description:
                g.add((node, DCTERMS.description, Literal(description)))
            for extra in ("protocol", "applicationProfile"):
                self.keep_unmapped(rec, node, extra, _value(_first(resource, f"gmd:{extra}")))
            picked = chosen[index]
            if picked is None and len(formats) > 1:
                self.keep_unmapped(rec, node, "distributionFormat", [f for f, _ in formats])
            for fmt, version in [picked] if picked is not None else []:
                fmt_node = URIRef(f"{self.node(rec, 'format', slug(fmt))}")
                g.add((node, DCTERMS.format, fmt_node))
                g.add((fmt_node, RDF.type, DCTERMS.MediaType))
                g.add((fmt_node, RDFS.label, Literal(fmt)))
                if version and version.lower() not in ("unknown", "n/a", "none"):
                    self.keep_unmapped(rec, fmt_node, "version", version)
                media = media_type_iri(fmt)
                if media is not None:
                    g.add((node, DCAT.mediaType, media))

    def _quality(self, rec: LiftedRecord, md: etree._Element) -> None:
        """Lineage statements → dcterms:provenance; the data quality reports are kept as source."""
        g, ds = rec.graph, rec.dataset
        for index, text in enumerate(_texts(md, "gmd:dataQualityInfo/*/gmd:lineage/*/gmd:statement")):
            node = self.node(rec, "provenance", index)
            g.add((ds, DCTERMS.provenance, node))
            g.add((node, RDF.type, DCTERMS.ProvenanceStatement))
            g.add((node, RDFS.label, Literal(text)))
        for quality in md.xpath("gmd:dataQualityInfo", namespaces=NS):
            self.keep_unmapped(rec, ds, "dataQualityInfo", _generic(quality))

    def _acquisition(self, rec: LiftedRecord, md: etree._Element) -> None:
        """gmi:acquisitionInformation kept, with instrument and platform names as separate text."""
        ds = rec.dataset
        for info in md.xpath("gmi:acquisitionInformation", namespaces=NS):
            self.keep_unmapped(rec, ds, "acquisitionInformation", _generic(info))
            for kind in ("instrument", "platform"):
                for item in info.xpath(f".//gmi:{kind}/*", namespaces=NS):
                    for field, path in (
                        ("identifier", "gmi:identifier/*/gmd:code"),
                        ("title", "gmi:citation/gmd:CI_Citation/gmd:title"),
                        ("type", "gmi:type"),
                        ("description", "gmi:description"),
                    ):
                        for text in _texts(item, path):
                            self.keep_unmapped(rec, ds, f"{kind}/{field}", text)


def _formats_by_resource(
    formats: list[tuple[str, str | None]], urls: list[str]
) -> list[tuple[str, str | None] | None]:
    """The one format of each online resource (see ``_distributions``), or None."""
    if len(formats) == 1:
        return [formats[0]] * len(urls)

    def extension(url: str) -> str:
        path = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return path.rsplit(".", 1)[-1].lower() if "." in path else ""

    def matches(fmt: str, url: str) -> bool:
        ext, name = extension(url), fmt.strip().lower().lstrip(".")
        if not ext:
            return False
        return name == ext or (name.split()[0] if name.split() else "") == ext or (
            media_type_iri(fmt) is not None and media_type_iri(fmt) == media_type_iri(ext)
        )

    chosen: list[tuple[str, str | None] | None] = []
    for url in urls:
        hits = [f for f in formats if matches(f[0], url)]
        chosen.append(hits[0] if len(hits) == 1 else None)
    left = [f for f in formats if f not in chosen]
    if len(left) == 1:
        chosen = [c if c is not None else left[0] for c in chosen]
    return chosen
