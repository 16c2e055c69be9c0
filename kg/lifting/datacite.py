"""DataCite Metadata Schema 4.x (XML and JSON) → DCAT 3 / DCTERMS / PROV-O / FOAF / vCard.

Two lifters share one mapping: ``DataCiteXmlLifter`` reads ``<resource>`` documents
(kernel-4.x; kernel-3 and kernel-2.2 best-effort, their element names are mostly the same) and
``DataCiteJsonLifter`` reads DataCite JSON (schema 4.3 examples, the REST API's
``{"data": {"attributes": ...}}`` wrapper and its ``{"data": [...]}`` list, and the older
kebab-/snake-case spellings written by bolognese and crosscite). The XML is first turned into the
same dictionary shape as the JSON (``_xml_attributes``) and both go through the same named steps
(``_types``, ``_titles``, ``_creators`` ...), so the same record gives the same graph in both
forms.

The mapping follows CiteDCAT-AP, the DataCite profile of DCAT-AP
(https://ec-jrc.github.io/datacite-to-dcat-ap/, "Mapping summary": 1st-level, 2nd-level and
identifier mappings), where it applies:

==========================  ==============================================================
DataCite                    RDF (section of CiteDCAT-AP it follows, or why it differs)
==========================  ==============================================================
identifier (DOI)            the dataset IRI ``https://doi.org/<lower-case DOI>`` and
                            ``dcterms:identifier "10.x/y"`` ("Identifier"); ``dcat:landingPage``
                            is ``url`` when given, else the DOI IRI ("Identifier")
resourceTypeGeneral         ``dcat:Dataset`` for Dataset and Collection, ``dcat:Resource`` for
                            every other type (project decision; CiteDCAT-AP types most of them
                            dcat:Dataset). ``dcterms:type`` a DCMI Type where one fits
                            ("ResourceType", extended profile; also the SPAR DataCite
                            ontology's hasGeneralResourceType). The exact value and the free-text
                            resourceType are kept under the source namespace.
titles                      untyped → ``dcterms:title``; AlternativeTitle, Subtitle,
                            TranslatedTitle, Other → ``dcterms:alternative`` ("Title"); language
                            tags kept. With no untyped title the first title is also the title.
creators                    ``dcterms:creator`` → ``foaf:Person`` / ``foaf:Organization`` /
                            ``foaf:Agent`` (nameType) with foaf:name, givenName, familyName;
                            affiliation → ``org:memberOf`` a foaf:Organization ("Creator")
publisher                   ``dcterms:publisher`` → foaf:Organization ("Publisher")
publicationYear             ``dcterms:issued`` xsd:gYear unless a date of type Issued exists
                            ("PublicationYear", "Date")
subjects                    ``dcat:keyword`` always; with a scheme or valueURI also
                            ``dcat:theme`` a skos:Concept with skos:prefLabel, skos:notation
                            (classificationCode) and skos:inScheme ("Subject")
contributors                ContactPerson → ``dcat:contactPoint`` vcard:Kind; RightsHolder →
                            ``dcterms:rightsHolder``; others → ``dcterms:contributor``
                            ("Contributor", default). Every contributor also gets a
                            ``prov:qualifiedAttribution`` with ``dcat:hadRole`` its
                            contributorType, so the role is never lost.
dates                       Created/Issued/Updated/Available/Accepted/Copyrighted/Submitted/
                            Valid → dcterms:created/issued/modified/available/dateAccepted/
                            dateCopyrighted/dateSubmitted/valid; Collected and Coverage (and
                            kernel-2.2 StartDate/EndDate) → ``dcterms:temporal``
                            dcterms:PeriodOfTime with dcat:startDate/endDate ("Date").
                            Ranges of other types, Withdrawn, Other: kept under the source
                            namespace (CiteDCAT-AP leaves them unstable).
language                    ``dcterms:language`` (Library of Congress ISO 639 IRIs)
alternateIdentifiers        ``adms:identifier`` adms:Identifier with skos:notation and
                            adms:schemaAgency (the identifier type) ("AlternateIdentifier")
relatedIdentifiers          a direct property by relationType (``RELATION_PROPERTIES``,
                            "RelatedIdentifier"; anything else dcterms:relation) when the target
                            resolves to an IRI, plus always a ``dcat:qualifiedRelation``
                            dcat:Relationship with dcat:hadRole the exact relationType,
                            dcterms:relation the target IRI and dcterms:identifier the exact
                            identifier text, so IsSupplementTo, Cites, ... stay queryable.
formats                     ``dcterms:format`` (and ``dcat:mediaType`` for IANA media types) on
                            the distribution, else on the resource ("*Format")
version                     ``dcat:version`` (DCAT 3; CiteDCAT-AP uses owl:versionInfo)
rightsList                  rightsURI → ``dcterms:license`` (info:eu-repo access rights →
                            ``dcterms:accessRights``); without a URI → ``dcterms:rights``
                            dcterms:RightsStatement with rdfs:label ("Rights")
descriptions                Abstract (or untyped) → ``dcterms:description``; Methods →
                            ``dcterms:provenance`` dcterms:ProvenanceStatement; TableOfContents
                            → ``dcterms:tableOfContents`` ("Description"); SeriesInformation,
                            TechnicalInfo, Other: kept under the source namespace
geoLocations                ``dcterms:spatial`` dcterms:Location: geoLocationPlace →
                            locn:geographicName, geoLocationPoint → dcat:centroid WKT POINT,
                            geoLocationBox → dcat:bbox WKT POLYGON, geoLocationPolygon →
                            locn:geometry WKT POLYGON ("GeoLocation")
fundingReferences           ``schema:funding`` a schema:MonetaryGrant with schema:funder,
                            schema:identifier (awardNumber), schema:name (awardTitle),
                            schema:url (awardURI) (schema.org, instead of CiteDCAT-AP's own
                            citedcat:isFundedBy)
url / contentUrl            dcat:landingPage / dcat:downloadURL of the distribution
sizes, relatedItems,        kept under the source namespace (``SRC``), like every other field
schemaVersion, container    not listed here
==========================  ==============================================================

Records typed dcat:Dataset get one ``dcat:Distribution`` whose dcat:accessURL is the landing page
(CiteDCAT-AP "Identifier" → *dcat:accessURL; DCAT-AP allows an access URL to be a landing page).

Identity (ARCHITECTURE.md): people are ``https://orcid.org/<iD>`` when they have an ORCID iD,
else a node of the record; organisations (publisher, organisational creators and contributors,
affiliations, funders) are ``{BASE}agent/{slug(name)}`` exactly like the data.json publisher, so
the same lab is one node across records and formats. Their ROR / Crossref Funder ID / ISNI IRIs
are given with ``schema:sameAs`` rather than owl:sameAs, because a name-based node can stand for
two organisations with the same name and owl:sameAs would then merge two ROR records. Role and
relation-type concepts are minted under ``{BASE}concept/datacite/...``: DataCite publishes no
IRIs for them, and the alignment stage maps them to CiTO or IANA link relations.

XML is parsed with lxml without entity expansion, DTD loading or network access; documents that
declare entities or an external DTD are refused. Nothing is ever fetched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from lxml import etree
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.formats import DATACITE_JSON, DATACITE_XML, SourceFormat
from kg.lifting.base import LiftedRecord, Lifter, RawRecord
from kg.lifting.common import (
    bbox_wkt,
    clean_text,
    date_literal,
    file_record,
    iri,
    language_iri,
    language_tag,
    mailto,
    media_type_iri,
    split_interval,
    without_lone_surrogates,
)
from kg.lifting.xmlsafe import parse_xml, root_name_and_namespace
from kg.namespaces import ADMS, BASE, LOCN, SDO, VCARD, doi_iri, normalize_doi, slug

ORG = Namespace("http://www.w3.org/ns/org#")
DCTYPE = Namespace("http://purl.org/dc/dcmitype/")
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
# DCAT 3 terms that rdflib's closed DCAT namespace does not list yet.
DCAT_VERSION = URIRef(str(DCAT) + "version")
DCAT_PREVIOUS_VERSION = URIRef(str(DCAT) + "previousVersion")

KERNEL_NS = "http://datacite.org/schema/kernel-"
CONCEPTS = f"{BASE}concept/datacite/"

# resourceTypeGeneral → DCMI Type (CiteDCAT-AP "ResourceType", extended profile).
DCMI_TYPES: dict[str, URIRef] = {
    "Audiovisual": DCTYPE.MovingImage,
    "Collection": DCTYPE.Collection,
    "Dataset": DCTYPE.Dataset,
    "Event": DCTYPE.Event,
    "Image": DCTYPE.Image,
    "InteractiveResource": DCTYPE.InteractiveResource,
    "PhysicalObject": DCTYPE.PhysicalObject,
    "Service": DCTYPE.Service,
    "Software": DCTYPE.Software,
    "Sound": DCTYPE.Sound,
    **{
        name: DCTYPE.Text
        for name in (
            "Text", "Book", "BookChapter", "ConferencePaper", "ConferenceProceeding", "DataPaper",
            "Dissertation", "Journal", "JournalArticle", "OutputManagementPlan", "PeerReview",
            "Preprint", "Report",
        )
    },
}  # fmt: skip
# resourceTypeGeneral values lifted as dcat:Dataset; every other type is a dcat:Resource.
DATASET_TYPES = {"Dataset", "Collection"}

# relationType → the direct property (CiteDCAT-AP "RelatedIdentifier"); others dcterms:relation.
RELATION_PROPERTIES: dict[str, URIRef] = {
    "IsPartOf": DCTERMS.isPartOf,
    "IsPublishedIn": DCTERMS.isPartOf,
    "HasPart": DCTERMS.hasPart,
    "IsVersionOf": DCTERMS.isVersionOf,
    "HasVersion": DCTERMS.hasVersion,
    "IsNewVersionOf": DCAT_PREVIOUS_VERSION,
    "IsReferencedBy": DCTERMS.isReferencedBy,
    "IsCitedBy": DCTERMS.isReferencedBy,
    "References": DCTERMS.references,
    "Cites": DCTERMS.references,
    "IsDerivedFrom": DCTERMS.source,
    "Requires": DCTERMS.requires,
    "IsRequiredBy": DCTERMS.isRequiredBy,
    "Obsoletes": DCTERMS.replaces,
    "IsObsoletedBy": DCTERMS.isReplacedBy,
}

# dateType → property (CiteDCAT-AP "Date"). Issued and Updated are handled apart (one value each).
DATE_PROPERTIES: dict[str, URIRef] = {
    "created": DCTERMS.created,
    "available": DCTERMS.available,
    "accepted": DCTERMS.dateAccepted,
    "copyrighted": DCTERMS.dateCopyrighted,
    "submitted": DCTERMS.dateSubmitted,
    "valid": DCTERMS.valid,
}
TEMPORAL_DATE_TYPES = {"collected", "coverage"}

# Top-level fields the steps below map; every other field is kept under the source namespace.
MAPPED = {
    "doi", "identifiers", "alternateIdentifiers", "types", "titles", "creators", "publisher",
    "publicationYear", "subjects", "contributors", "dates", "language", "relatedIdentifiers",
    "sizes", "formats", "version", "rightsList", "descriptions", "geoLocations",
    "fundingReferences", "url", "contentUrl",
}  # fmt: skip
AGENT_KEYS = {
    "name", "nameType", "givenName", "familyName", "nameIdentifiers", "affiliation",
    "contributorType", "lang", "type", "id",
}  # fmt: skip

_ORCID_RE = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$", re.IGNORECASE)
_ROR_RE = re.compile(r"(0[a-z0-9]{6}\d{2})$")
_NEGATIVE_YEAR_RE = re.compile(r"^-\d{4,}$")
_WS_RE = re.compile(r"[ \t\n\r]*")
_LINE_WS_RE = re.compile(r"[ \t]+")


@dataclass
class _Parsed:
    """One record in the shape of DataCite JSON ``attributes``, plus what to report or keep."""

    attrs: dict[str, Any]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message) warnings
    extra: dict[str, Any] = field(default_factory=dict)  # REST wrapper members, kept as source


# --- identity ---------------------------------------------------------------------------------


def _record_doi(attrs: dict[str, Any]) -> tuple[str | None, str | None]:
    """(normalised DOI, the identifier text as given) of a record, from doi / id / identifiers."""
    given = clean_text(attrs.get("doi"))
    if given:
        return normalize_doi(given) or normalize_doi("doi:" + given), given
    ident = clean_text(attrs.get("id"))
    if ident and normalize_doi(ident):
        return normalize_doi(ident), ident
    for entry in _as_list(attrs.get("identifiers")):
        if isinstance(entry, dict) and str(entry.get("identifierType", "")).upper() == "DOI":
            text = clean_text(entry.get("identifier"))
            if text:
                return normalize_doi(text) or normalize_doi("doi:" + text), text
    return None, None


def _alternate_identifiers(attrs: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(identifier, type) of every identifier other than the record's DOI."""
    out = []
    for key, value_key, type_key in (
        ("identifiers", "identifier", "identifierType"),
        ("alternateIdentifiers", "alternateIdentifier", "alternateIdentifierType"),
    ):
        for entry in _as_list(attrs.get(key)):
            if isinstance(entry, str):
                entry = {value_key: entry}
            if not isinstance(entry, dict):
                continue
            text = clean_text(entry.get(value_key, entry.get("identifier")))
            kind = clean_text(entry.get(type_key, entry.get("identifierType")))
            if text and (kind or "").upper() != "DOI":
                out.append((text, kind))
    return out


def _local_id(attrs: dict[str, Any]) -> str | None:
    """The record's own identifier: its DOI (normalised), else its first other identifier."""
    doi, given = _record_doi(attrs)
    if doi:
        return doi
    if given:
        return given
    alternates = _alternate_identifiers(attrs)
    return alternates[0][0] if alternates else None


# --- small value helpers --------------------------------------------------------------------


def _as_list(value: object) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _text_literal(text: str, lang: object) -> Literal:
    """A literal with a language tag when ``lang`` is a well-formed BCP 47 tag."""
    tag = language_tag(lang)
    if tag:
        return Literal(text, lang=tag)
    return Literal(text)


def _block_text(value: object) -> str | None:
    """Long text (descriptions): paragraphs kept, spaces inside each line collapsed."""
    if isinstance(value, list):
        value = "\n\n".join(v for v in value if isinstance(v, str))
    if not isinstance(value, str):
        return None
    lines = [_LINE_WS_RE.sub(" ", line).strip() for line in value.strip().splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text or None


def _date(value: str) -> Literal | None:
    """An XSD date literal; also years before the common era (``-0024``, XSD 1.1 gYear)."""
    lit = date_literal(value)
    if lit is None and _NEGATIVE_YEAR_RE.match(value.strip()):
        lit = Literal(value.strip(), datatype=XSD.gYear)
    return lit


def _coordinate(value: object, limit: float) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    if number != number or not -limit <= number <= limit:  # NaN or out of range
        return None
    return number


def _orcid_iri(value: str) -> URIRef | None:
    match = _ORCID_RE.search(value.strip().rstrip("/"))
    return URIRef("https://orcid.org/" + match.group(1).upper()) if match else None


def _identifier_iri(value: object, scheme: object = None, scheme_uri: object = None) -> URIRef | None:
    """The IRI of an agent, funder or resource identifier, or None when it cannot be resolved.

    ORCID, ROR, ISNI and Crossref Funder IDs are recognised in bare form; anything else must be
    an absolute IRI or resolve as schemeURI + identifier (DataCite 4.x, nameIdentifier/@schemeURI).
    """
    text = clean_text(value)
    if not text:
        return None
    kind = (clean_text(scheme) or "").lower()
    low = text.lower()
    if kind == "orcid" or "orcid.org/" in low:
        return _orcid_iri(text)
    if kind == "ror" or "ror.org/" in low:
        match = _ROR_RE.search(text.rstrip("/"))
        return URIRef("https://ror.org/" + match.group(1)) if match else None
    if kind == "isni":
        digits = re.sub(r"\s", "", text)
        if re.fullmatch(r"\d{15}[\dX]", digits):
            return URIRef("https://isni.org/isni/" + digits)
    if kind in ("crossref funder id", "crossref funder", "fundref") and re.fullmatch(r"\d{6,14}", text):
        return URIRef(doi_iri("10.13039/" + text))
    doi = normalize_doi(text)
    if doi and (kind in ("", "doi", "crossref funder id") or low.startswith(("10.", "doi:"))):
        return URIRef(doi_iri(doi))
    absolute = iri(text)
    if absolute is not None:
        return absolute
    base = iri(scheme_uri) if isinstance(scheme_uri, str) else None
    if base is not None and str(base).startswith(("http://", "https://")):
        return iri(str(base).rstrip("/") + "/" + text)
    return None


def _related_iri(value: str, kind: str | None) -> URIRef | None:
    """The IRI a relatedIdentifier points to, when its type has a resolver, else None."""
    t = (kind or "").lower()
    text = value.strip()
    if t == "doi" or (not t and normalize_doi(text)):
        doi = normalize_doi(text) or normalize_doi("doi:" + text)
        return URIRef(doi_iri(doi)) if doi else None
    if t == "url":
        return iri(text)
    if t == "handle" and iri(text) is None:
        return iri("https://hdl.handle.net/" + re.sub(r"^hdl:", "", text, flags=re.IGNORECASE))
    if t == "arxiv" and iri(text) is None:
        return iri("https://arxiv.org/abs/" + re.sub(r"^arxiv:", "", text, flags=re.IGNORECASE))
    if t == "pmid" and text.isdigit():
        return URIRef(f"https://pubmed.ncbi.nlm.nih.gov/{text}/")
    if t == "ark" and text.lower().startswith("ark:"):
        return iri("https://n2t.net/" + text)
    if text.lower().startswith(("http://", "https://", "urn:")):
        return iri(text)
    return None


def _concept(kind: str, value: str) -> URIRef:
    """A Crosswalk concept for a DataCite code (relationType, contributorType ...)."""
    token = value if re.fullmatch(r"[A-Za-z0-9]+", value) else slug(value)
    return URIRef(f"{CONCEPTS}{kind}/{token}")


# --- XML → the JSON attributes shape ---------------------------------------------------------


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str)]  # no comments or processing instructions


def _attributes(element: etree._Element) -> dict[str, str]:
    """XML attributes under DataCite JSON names: xml:lang → lang, schemeURI → schemeUri."""
    out = {}
    for name, value in element.attrib.items():
        local = etree.QName(name).localname
        if local == "lang" and name.startswith("{http://www.w3.org/XML/1998/namespace}"):
            out["lang"] = value
        elif not name.startswith("{http://www.w3.org/2001/XMLSchema-instance}"):
            out[re.sub(r"URI$", "Uri", local)] = value
    return out


def _element_text(element: etree._Element) -> str:
    """The text of an element; ``<br/>`` (kernel-2.2/3 descriptions) becomes a line break."""
    if len(element) == 0:
        return element.text or ""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append("\n" if _local(child) == "br" else "".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def _generic(element: etree._Element) -> object:
    """Any element as JSON-able data (attributes, children, text), to keep it verbatim."""
    out: dict[str, Any] = dict(_attributes(element))
    children = _children(element)
    text = (element.text or "").strip()
    if not children:
        if not out:
            return text
        if text:
            out["value"] = text
        return out
    if text:
        out["value"] = text
    for child in children:
        out.setdefault(_local(child), []).append(_generic(child))
    return {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in out.items()}


def _with_text(element: etree._Element, key: str) -> dict[str, Any]:
    entry: dict[str, Any] = dict(_attributes(element))
    entry[key] = _element_text(element)
    return entry


def _xml_agents(
    element: etree._Element, role: str, index: int, problems: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """One <creator>/<contributor> as agent dicts; several when it wrongly holds several names."""
    base = {k: v for k, v in _attributes(element).items()}
    groups: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    for child in _children(element):
        name = _local(child)
        if name in ("creatorName", "contributorName"):
            if "name" in current:
                groups.append(current)
                current = {}
            current.update({k: v for k, v in _attributes(child).items()})
            current["name"] = _element_text(child)
        elif name in ("givenName", "familyName"):
            current[name] = _element_text(child)
        elif name == "nameIdentifier":
            current.setdefault("nameIdentifiers", []).append(_with_text(child, "nameIdentifier"))
        elif name == "affiliation":
            current.setdefault("affiliation", []).append(_with_text(child, "name"))
        else:
            current.setdefault("_extra", {})[name] = _generic(child)
    groups.append(current)
    if len(groups) > 1:
        problems.append(
            (
                f"{role}s[{index}]",
                f"<{role}> #{index + 1} holds {len(groups)} <{role}Name> elements; the schema allows "
                f"one name per <{role}>. Lifted as {len(groups)} separate {role}s.",
            )
        )
    return [{**base, **group} for group in groups]


def _xml_geolocation(element: etree._Element) -> dict[str, Any]:
    geo: dict[str, Any] = {}
    for child in _children(element):
        name = _local(child)
        if name == "geoLocationPlace":
            geo.setdefault("geoLocationPlace", []).append(_element_text(child))
        elif name in ("geoLocationPoint", "geoLocationBox"):
            parts = _children(child)
            geo[name] = {_local(p): _element_text(p) for p in parts} if parts else _element_text(child)
        elif name == "geoLocationPolygon":
            points = []
            for point in _children(child):
                points.append({_local(point): {_local(p): _element_text(p) for p in _children(point)}})
            geo.setdefault("geoLocationPolygon", []).append(points)
        else:
            geo[name] = _generic(child)
    return geo


def _xml_attributes(root: etree._Element) -> _Parsed:
    """A DataCite ``<resource>`` as the dictionary of DataCite JSON ``attributes``."""
    attrs: dict[str, Any] = {"schemaVersion": etree.QName(root).namespace or ""}
    problems: list[tuple[str, str]] = []
    lists: dict[str, list[Any]] = {}

    def add(key: str, value: object) -> None:
        lists.setdefault(key, []).append(value)

    for child in _children(root):
        name = _local(child)
        items = _children(child)
        if name == "identifier":
            entry = _attributes(child)
            text = _element_text(child)
            if entry.get("identifierType", "DOI").upper() == "DOI" and "doi" not in attrs:
                attrs["doi"] = text
            else:
                add("identifiers", {"identifier": text, "identifierType": entry.get("identifierType")})
        elif name in ("creators", "contributors"):
            role = name[:-1]
            for index, item in enumerate(e for e in items if _local(e) == role):
                for agent in _xml_agents(item, role, index, problems):
                    add(name, agent)
        elif name == "titles":
            for item in items:
                add("titles", _with_text(item, "title"))
        elif name == "publisher":
            attrs["publisher"] = _with_text(child, "name")
        elif name == "resourceType":
            entry = _attributes(child)
            entry["resourceType"] = _element_text(child)
            attrs["types"] = entry
        elif name in ("subjects", "dates", "sizes", "formats", "descriptions"):
            singular = name[:-1]
            for item in items:
                if name in ("sizes", "formats"):
                    add(name, _element_text(item))
                else:
                    add(name, _with_text(item, singular))
        elif name == "alternateIdentifiers":
            shared = _attributes(child)  # some writers put the type on the container
            for item in items:
                entry = _with_text(item, "alternateIdentifier")
                entry.setdefault("alternateIdentifierType", shared.get("alternateIdentifierType"))
                add("alternateIdentifiers", entry)
        elif name == "relatedIdentifiers":
            for item in items:
                add("relatedIdentifiers", _with_text(item, "relatedIdentifier"))
        elif name == "rightsList":
            for item in items:
                add("rightsList", _with_text(item, "rights"))
        elif name == "rights":  # kernel-2.2: one <rights> directly under <resource>
            add("rightsList", _with_text(child, "rights"))
        elif name == "geoLocations":
            for item in items:
                add("geoLocations", _xml_geolocation(item))
        elif name == "fundingReferences":
            for item in items:
                entry: dict[str, Any] = {}
                for part in _children(item):
                    entry.update({k: v for k, v in _attributes(part).items()})
                    entry[_local(part)] = _element_text(part)
                add("fundingReferences", entry)
        elif name in ("publicationYear", "language", "version"):
            attrs[name] = _element_text(child)
        else:
            add(name, _generic(child))
    for key, values in lists.items():
        attrs[key] = values if key in MAPPED or len(values) > 1 else values[0]
    return _Parsed(attrs, problems)


# --- JSON → the attributes shape -------------------------------------------------------------


def _camel(key: str) -> str:
    """``publication-year`` / ``rights_list`` / ``Identifier`` → DataCite JSON camelCase."""
    if "-" in key or "_" in key:
        head, *rest = re.split(r"[-_]", key)
        key = head + "".join(part[:1].upper() + part[1:] for part in rest)
    if len(key) > 1 and key[0].isupper() and key[1].islower():
        key = key[0].lower() + key[1:]
    return key


def _camel_keys(value: object) -> object:
    if isinstance(value, dict):
        return {(_camel(k) if not k.startswith("@") else k): _camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel_keys(v) for v in value]
    return value


def _json_record(obj: dict[str, Any], problems: list[tuple[str, str]]) -> _Parsed:
    """One DataCite JSON record (plain, REST item or single REST wrapper) as attributes."""
    extra: dict[str, Any] = {}
    if isinstance(obj.get("data"), dict) and isinstance(obj["data"].get("attributes"), dict):
        extra.update({f"rest/{k}": v for k, v in obj.items() if k != "data"})
        obj = obj["data"]
    if isinstance(obj.get("attributes"), dict):
        extra.update({f"rest/{k}": v for k, v in obj.items() if k != "attributes"})
        obj = obj["attributes"]
    attrs = cast(dict[str, Any], _camel_keys(obj))
    # Older DataCite JSON (bolognese "datacite_json"): singular creator/title/description and
    # the resource type at the top level.
    if "creators" not in attrs and "creator" in attrs:
        attrs["creators"] = _as_list(attrs.pop("creator"))
    if "titles" not in attrs and isinstance(attrs.get("title"), str):
        attrs["titles"] = [{"title": attrs.pop("title")}]
    if "descriptions" not in attrs and isinstance(attrs.get("description"), str):
        attrs["descriptions"] = [{"description": attrs.pop("description")}]
    if "types" not in attrs and ("resourceTypeGeneral" in attrs or "resourceType" in attrs):
        attrs["types"] = {k: attrs.pop(k) for k in ("resourceTypeGeneral", "resourceType") if k in attrs}
    return _Parsed(attrs, problems, extra)


def _load_json(text: str) -> tuple[object, list[str]]:
    """Parse JSON, noting keys that occur twice in one object (the last one wins)."""
    duplicates: list[str] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                duplicates.append(key)
            out[key] = value
        return out

    return json.loads(text, object_pairs_hook=pairs_hook), duplicates


def _skip_ws(text: str, index: int) -> int:
    match = _WS_RE.match(text, index)
    return match.end() if match else index


def _array_spans(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) offsets of each element of the JSON array opening at ``text[start]``."""
    decoder = json.JSONDecoder()
    spans = []
    i = _skip_ws(text, start + 1)
    if text[i] == "]":
        return spans
    while True:
        _, end = decoder.raw_decode(text, i)
        spans.append((i, end))
        i = _skip_ws(text, end)
        if text[i] == "]":
            return spans
        i = _skip_ws(text, i + 1)  # past the comma


def _member_start(text: str, key: str) -> int | None:
    """Offset of the value of top-level member ``key`` (the last one if repeated), in valid JSON."""
    decoder = json.JSONDecoder()
    i = _skip_ws(text, 0)
    if text[i] != "{":
        return None
    found = None
    i = _skip_ws(text, i + 1)
    while text[i] == '"':
        name, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
        i = _skip_ws(text, i)
        i = _skip_ws(text, i + 1)  # past the colon
        if name == key:
            found = i
        _, i = decoder.raw_decode(text, i)
        i = _skip_ws(text, i)
        if text[i] == ",":
            i = _skip_ws(text, i + 1)
    return found


def _attributes_score(obj: object) -> float:
    """How surely a JSON object is one DataCite record (its ``attributes``)."""
    if not isinstance(obj, dict) or "@context" in obj or "@type" in obj:
        return 0.0
    if isinstance(obj.get("dataset"), list):  # a data.json catalog
        return 0.0
    for key in ("schemaVersion", "schema-version", "schema_version"):
        version = obj.get(key)
        if isinstance(version, str) and "datacite" in version.lower():
            return 0.95
    has_id = "doi" in obj or "identifiers" in obj
    has_body = any(k in obj for k in ("titles", "types", "creators"))
    return 0.9 if has_id and has_body else 0.0


def _rest_item_score(obj: object) -> float:
    if not isinstance(obj, dict) or not isinstance(obj.get("attributes"), dict):
        return 0.0
    if obj.get("type") in ("dois", "doi"):
        return 0.95
    return _attributes_score(obj["attributes"])


def _json_score(obj: object) -> float:
    if isinstance(obj, dict):
        data = obj.get("data")
        if isinstance(data, dict):
            return _rest_item_score(data)
        if isinstance(data, list):
            return _rest_item_score(data[0]) if data else 0.0
        return _attributes_score(obj)
    if isinstance(obj, list) and obj:
        return max(_rest_item_score(obj[0]), _attributes_score(obj[0]))
    return 0.0


def _decode(data: bytes, source_file: str) -> str:
    try:
        return without_lone_surrogates(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise LiftError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source_file=source_file) from exc


# --- the shared mapping -----------------------------------------------------------------------


class _DataCiteLifter(Lifter):
    """The mapping shared by the XML and JSON lifters, as named steps over the attributes."""

    format: SourceFormat
    version = "1.1"

    def _parsed(self, raw: RawRecord) -> _Parsed:
        raise NotImplementedError

    def lift(self, raw: RawRecord, *, source: str) -> LiftedRecord:
        parsed = raw.parsed if isinstance(raw.parsed, _Parsed) else self._parsed(raw)
        attrs = parsed.attrs
        doi, given = _record_doi(attrs)
        rec = self.new_record(raw, source=source, doi=doi)
        for field_name, message in parsed.problems:
            self.warn(rec, field_name, message)
        g, ds = rec.graph, rec.dataset
        g.add((ds, DCTERMS.identifier, Literal(doi or raw.local_id)))
        if given and not doi:
            self.warn(rec, "identifier", f"{given!r} is not a DOI; the record is identified by it as given")
        is_dataset = self._types(rec, attrs.get("types"))
        self._titles(rec, attrs.get("titles"))
        self._creators(rec, attrs.get("creators"))
        self._publisher(rec, attrs.get("publisher"))
        self._dates(rec, attrs.get("dates"), attrs.get("publicationYear"))
        self._subjects(rec, attrs.get("subjects"))
        self._contributors(rec, attrs.get("contributors"))
        self._language(rec, attrs.get("language"))
        self._alternate_identifiers(
            rec,
            [(value, kind) for value, kind in _alternate_identifiers(attrs) if not doi or normalize_doi(value) != doi],
        )
        self._related(rec, attrs.get("relatedIdentifiers"))
        sizes = [s for s in _as_list(attrs.get("sizes")) if clean_text(s) or not isinstance(s, str)]
        self.keep_unmapped(rec, ds, "sizes", sizes or None)
        self._version(rec, attrs.get("version"))
        self._rights(rec, attrs.get("rightsList"))
        self._descriptions(rec, attrs.get("descriptions"))
        self._geolocations(rec, attrs.get("geoLocations"))
        self._funding(rec, attrs.get("fundingReferences"))
        self._access(rec, attrs, doi, is_dataset)
        identity = {doi_iri(doi)} if doi else set()
        for name, value in sorted(attrs.items()):
            if name == "id" and (normalize_doi(str(value)) == doi or str(value) in identity):
                continue
            if name not in MAPPED:
                self.keep_unmapped(rec, ds, name, value)
        for name, value in sorted(parsed.extra.items()):
            if name == "rest/id" and normalize_doi(str(value)) == doi:
                continue
            self.keep_unmapped(rec, ds, name, value)
        return rec

    # --- steps -----------------------------------------------------------------------------

    def _types(self, rec: LiftedRecord, types: object) -> bool:
        """rdf:type and dcterms:type (CiteDCAT-AP "ResourceType"). True when a dcat:Dataset."""
        g, ds = rec.graph, rec.dataset
        if isinstance(types, str):
            types = {"resourceTypeGeneral": types}
        general = clean_text(types.get("resourceTypeGeneral")) if isinstance(types, dict) else None
        if general:
            general = next((k for k in DCMI_TYPES if k.lower() == general.lower()), general)
        is_dataset = general in DATASET_TYPES
        g.add((ds, RDF.type, DCAT.Dataset if is_dataset else DCAT.Resource))
        if general in DCMI_TYPES:
            g.add((ds, DCTERMS.type, DCMI_TYPES[general]))
        if isinstance(types, dict):
            self.keep_unmapped(rec, ds, "resourceTypeGeneral", types.get("resourceTypeGeneral"))
            text = clean_text(types.get("resourceType"))
            self.keep_unmapped(rec, ds, "resourceType", text)
            rest = {k: v for k, v in types.items() if k not in ("resourceTypeGeneral", "resourceType")}
            self.keep_unmapped(rec, ds, "types", rest or None)
        elif types is not None:
            self.keep_unmapped(rec, ds, "types", types)
        return is_dataset

    def _titles(self, rec: LiftedRecord, titles: object) -> None:
        """dcterms:title and dcterms:alternative (CiteDCAT-AP "Title")."""
        g, ds = rec.graph, rec.dataset
        first_typed = None
        has_main = False
        for entry in _as_list(titles):
            if isinstance(entry, str):
                entry = {"title": entry}
            if not isinstance(entry, dict):
                self.keep_unmapped(rec, ds, "titles", entry)
                continue
            text = clean_text(entry.get("title"))
            if not text:
                continue
            lit = _text_literal(text, entry.get("lang"))
            if clean_text(entry.get("titleType")):
                g.add((ds, DCTERMS.alternative, lit))
                if first_typed is None:
                    first_typed = lit
            else:
                g.add((ds, DCTERMS.title, lit))
                has_main = True
        if not has_main and first_typed is not None:
            g.add((ds, DCTERMS.title, first_typed))
        elif not has_main:
            self.warn(rec, "titles", "the record has no title", fix="add a <title> to <titles>")

    def _creators(self, rec: LiftedRecord, creators: object) -> None:
        """dcterms:creator (CiteDCAT-AP "Creator")."""
        entries = [c for c in _as_list(creators) if c not in ({}, "", None)]
        if not entries:
            self.warn(
                rec,
                "creators",
                "no creator is given; DataCite requires at least one creator",
                fix="name the people or organisations who made the resource in <creators>",
            )
            return
        for index, entry in enumerate(entries):
            agent = self._agent(rec, entry, "creator", index)
            if agent is not None:
                self.add_creator(rec, agent)

    def _contributors(self, rec: LiftedRecord, contributors: object) -> None:
        """Contact points, rights holders, contributors and their roles ("Contributor")."""
        g, ds = rec.graph, rec.dataset
        for index, entry in enumerate(_as_list(contributors)):
            if isinstance(entry, str):
                entry = {"name": entry}
            agent = self._agent(rec, entry, "contributor", index)
            if agent is None or not isinstance(entry, dict):
                continue
            role = clean_text(entry.get("contributorType"))
            if role == "ContactPerson":
                self._contact(rec, entry, agent, index)
            elif role == "RightsHolder":
                g.add((ds, DCTERMS.rightsHolder, agent))
            else:
                g.add((ds, DCTERMS.contributor, agent))
            attribution = self.node(rec, "attribution", index)
            g.add((ds, PROV.qualifiedAttribution, attribution))
            g.add((attribution, RDF.type, PROV.Attribution))
            g.add((attribution, PROV.agent, agent))
            if role:
                concept = _concept("contributorType", role)
                g.add((attribution, DCAT.hadRole, concept))
                g.add((concept, RDF.type, DCAT.Role))
                g.add((concept, SKOS.prefLabel, Literal(role)))

    def _contact(self, rec: LiftedRecord, entry: dict[str, Any], agent: URIRef, index: int) -> None:
        g = rec.graph
        node = self.node(rec, "contact", index)
        g.add((rec.dataset, DCAT.contactPoint, node))
        g.add((node, RDF.type, VCARD.Kind))
        name = clean_text(entry.get("name"))
        if name and mailto(name) is None:
            g.add((node, VCARD.fn, Literal(name)))
        candidates = [name] + [
            i.get("nameIdentifier") if isinstance(i, dict) else i for i in _as_list(entry.get("nameIdentifiers"))
        ]
        for candidate in candidates:
            address = mailto(candidate)
            if address is not None:
                g.add((node, VCARD.hasEmail, address))
                break
        if isinstance(agent, URIRef) and str(agent).startswith("https://orcid.org/"):
            g.add((node, VCARD.hasUID, agent))

    def _agent(self, rec: LiftedRecord, entry: object, kind: str, index: int) -> URIRef | None:
        """A creator's or contributor's agent node: ORCID IRI, name-based organisation or local."""
        g = rec.graph
        field_name = f"{kind}s[{index}]"
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict):
            self.warn(rec, field_name, f"expected an object, got {type(entry).__name__}")
            self.keep_unmapped(rec, rec.dataset, kind + "s", entry)
            return None
        given = clean_text(entry.get("givenName"))
        family = clean_text(entry.get("familyName"))
        name = clean_text(entry.get("name")) or ", ".join(x for x in (family, given) if x) or None
        identifiers, unresolved = self._name_identifiers(rec, entry, field_name)
        orcid = next((i for i in identifiers if str(i).startswith("https://orcid.org/")), None)
        name_type = (clean_text(entry.get("nameType")) or clean_text(entry.get("type")) or "").lower()
        if name_type.startswith("organi"):
            cls = FOAF.Organization
        elif name_type in ("personal", "person"):
            cls = FOAF.Person
        elif given or family or orcid is not None:
            cls = FOAF.Person
        elif any(str(i).startswith("https://ror.org/") for i in identifiers):
            cls = FOAF.Organization
        else:
            cls = FOAF.Agent
        if not name and not identifiers:
            self.warn(rec, field_name, f"the {kind} has no name", fix=f"give the {kind}'s name")
            self.keep_unmapped(rec, rec.dataset, kind + "s", entry)
            return None
        if cls == FOAF.Person and orcid is not None:
            agent = orcid
        elif cls == FOAF.Organization and name:
            agent = self.organization(rec, name)
        else:
            agent = self.node(rec, kind, index)
        g.add((agent, RDF.type, cls))
        if name:  # one foaf:name per agent (DCAT-US 3.0); another spelling of it is an altLabel
            first = g.value(agent, FOAF.name)
            if first is None:
                g.add((agent, FOAF.name, Literal(name)))
            elif str(first) != name:
                g.add((agent, SKOS.altLabel, Literal(name)))
        if given:
            g.add((agent, FOAF.givenName, Literal(given)))
        if family:
            g.add((agent, FOAF.familyName, Literal(family)))
        for identifier in identifiers:
            if identifier != agent:
                g.add((agent, SDO.sameAs, identifier))
        for value in unresolved:
            self.keep_unmapped(rec, agent, "nameIdentifier", value)
        for position, affiliation in enumerate(_as_list(entry.get("affiliation"))):
            org = self._affiliation(rec, affiliation, f"{field_name}.affiliation[{position}]")
            if org is not None:
                g.add((agent, ORG.memberOf, org))
        extra = dict(entry.get("_extra") or {})
        extra.update({k: v for k, v in entry.items() if k not in AGENT_KEYS and k != "_extra"})
        for key, value in sorted(extra.items()):
            self.keep_unmapped(rec, agent, key, value)
        return agent

    def _name_identifiers(
        self, rec: LiftedRecord, entry: dict[str, Any], field_name: str
    ) -> tuple[list[URIRef], list[object]]:
        resolved: list[URIRef] = []
        unresolved: list[object] = []
        values = list(_as_list(entry.get("nameIdentifiers")))
        if isinstance(entry.get("id"), str):  # bolognese's older JSON gives the ORCID as "id"
            values.append({"nameIdentifier": entry["id"]})
        for item in values:
            if isinstance(item, str):
                item = {"nameIdentifier": item}
            if not isinstance(item, dict):
                unresolved.append(item)
                continue
            text = clean_text(item.get("nameIdentifier"))
            if not text:
                continue  # an empty <nameIdentifier/> says nothing
            scheme = item.get("nameIdentifierScheme")
            found = _identifier_iri(text, scheme, item.get("schemeUri"))
            if found is None:
                if (clean_text(scheme) or "").lower() == "orcid":
                    self.warn(rec, f"{field_name}.nameIdentifier", f"{text!r} is not an ORCID iD")
                unresolved.append(item)
            elif found not in resolved:
                resolved.append(found)
        return resolved, unresolved

    def _affiliation(self, rec: LiftedRecord, value: object, field_name: str) -> URIRef | None:
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, dict):
            return None
        name = clean_text(value.get("name"))
        identifier = _identifier_iri(
            value.get("affiliationIdentifier"), value.get("affiliationIdentifierScheme"), value.get("schemeUri")
        )
        if name and iri(name) is not None:  # an identifier written where the name belongs
            identifier = identifier or _identifier_iri(name)
            name = None
        if not name and identifier is None:
            if any(clean_text(v) for v in value.values()):
                self.warn(rec, field_name, "affiliation has neither a name nor a resolvable identifier")
            return None
        return self._organization(rec, name, [identifier] if identifier is not None else [])

    def _organization(self, rec: LiftedRecord, name: str | None, identifiers: list[URIRef]) -> URIRef | None:
        """A foaf:Organization named ``{BASE}agent/{slug(name)}`` (same lab, same node)."""
        g = rec.graph
        if name:
            agent = self.organization(rec, name)
        elif identifiers:
            agent = identifiers[0]
        else:
            return None
        g.add((agent, RDF.type, FOAF.Organization))
        for identifier in identifiers:
            if identifier != agent:
                g.add((agent, SDO.sameAs, identifier))
        return agent

    def _publisher(self, rec: LiftedRecord, publisher: object) -> None:
        """dcterms:publisher (CiteDCAT-AP "Publisher"); DataCite 4.5 publisherIdentifier as sameAs."""
        if isinstance(publisher, str):
            publisher = {"name": publisher}
        if publisher is None:
            self.warn(rec, "publisher", "no publisher is given; DataCite requires one", fix="add <publisher>")
            return
        if not isinstance(publisher, dict):
            self.warn(rec, "publisher", f"expected a name, got {type(publisher).__name__}")
            self.keep_unmapped(rec, rec.dataset, "publisher", publisher)
            return
        name = clean_text(publisher.get("name"))
        raw_identifier = clean_text(publisher.get("publisherIdentifier"))
        identifier = _identifier_iri(
            raw_identifier, publisher.get("publisherIdentifierScheme"), publisher.get("schemeUri")
        )
        if not name:
            also = f" (only publisherIdentifier {raw_identifier} is given)" if raw_identifier else ""
            self.warn(
                rec,
                "publisher",
                f"publisher is blank{also}; no dcterms:publisher was lifted",
                fix="put the publisher's name in <publisher>",
            )
            self.keep_unmapped(rec, rec.dataset, "publisher", publisher if raw_identifier else None)
            return
        agent = self._organization(rec, name, [identifier] if identifier is not None else [])
        assert agent is not None
        rec.graph.add((rec.dataset, DCTERMS.publisher, agent))
        if raw_identifier and identifier is None:
            self.keep_unmapped(rec, agent, "publisherIdentifier", raw_identifier)

    def _dates(self, rec: LiftedRecord, dates: object, publication_year: object) -> None:
        """Dates by dateType, temporal coverage, and publicationYear (CiteDCAT-AP "Date")."""
        g, ds = rec.graph, rec.dataset
        issued: list[tuple[Literal, dict[str, Any]]] = []
        updated: list[tuple[Literal, dict[str, Any]]] = []
        start_end: dict[str, str] = {}
        for index, entry in enumerate(_as_list(dates)):
            if isinstance(entry, str):
                entry = {"date": entry}
            if not isinstance(entry, dict):
                self.keep_unmapped(rec, ds, "dates", entry)
                continue
            value = clean_text(entry.get("date"))
            kind = clean_text(entry.get("dateType")) or ""
            key = kind.lower()
            if not value:
                continue
            if key in TEMPORAL_DATE_TYPES:
                self._period(rec, f"{index}", value, entry)
                continue
            if key in ("startdate", "enddate"):  # kernel-2.2
                start_end[key] = value
                continue
            lit = _date(value)
            if lit is None:
                if split_interval(value) is None:
                    self.warn(
                        rec,
                        f"dates[{index}]",
                        f"{value!r} ({kind or 'no dateType'}) is not an ISO 8601 date",
                        fix="use YYYY, YYYY-MM-DD or an ISO 8601 range start/end",
                    )
                self.keep_unmapped(rec, ds, "dates", entry)
                continue
            if key == "issued":
                issued.append((lit, entry))
            elif key == "updated":
                updated.append((lit, entry))
            elif key in DATE_PROPERTIES:
                g.add((ds, DATE_PROPERTIES[key], lit))
                if entry.get("dateInformation"):
                    self.keep_unmapped(rec, ds, "dates", entry)
            else:
                self.keep_unmapped(rec, ds, "dates", entry)
        if start_end:
            self._period(rec, "range", f"{start_end.get('startdate', '')}/{start_end.get('enddate', '')}", {})
        # One dcterms:issued and one dcterms:modified (core shape maxCount 1): the first issue
        # date and the latest update; the others are kept as given.
        for chosen, candidates, prop in (
            (issued[:1], issued, DCTERMS.issued),
            (sorted(updated, key=lambda c: str(c[0]))[-1:], updated, DCTERMS.modified),
        ):
            for lit, entry in candidates:
                if chosen and entry is chosen[0][1]:
                    g.add((ds, prop, lit))
                    if entry.get("dateInformation"):
                        self.keep_unmapped(rec, ds, "dates", entry)
                else:
                    self.keep_unmapped(rec, ds, "dates", entry)
        year = clean_text(publication_year)
        if not year:
            return
        year_lit = date_literal(year) or (date_literal(int(year)) if year.isdigit() else None)
        if year_lit is None:
            self.warn(rec, "publicationYear", f"{year!r} is not a year", fix="use YYYY")
            self.keep_unmapped(rec, ds, "publicationYear", year)
        elif not issued:
            g.add((ds, DCTERMS.issued, Literal(str(year_lit)[:4], datatype=XSD.gYear)))
        elif str(issued[0][0])[:4] != str(year_lit)[:4]:
            self.keep_unmapped(rec, ds, "publicationYear", year)

    def _period(self, rec: LiftedRecord, index: str, value: str, entry: dict[str, Any]) -> None:
        ends = split_interval(value) or (value, value)
        start, end = (_date(ends[0]) if ends[0] else None), (_date(ends[1]) if ends[1] else None)
        if start is None and end is None:
            self.warn(rec, f"dates[{index}]", f"{value!r} is not an ISO 8601 date or range start/end")
            self.keep_unmapped(rec, rec.dataset, "dates", entry or value)
            return
        g = rec.graph
        node = self.node(rec, "period", index)
        g.add((rec.dataset, DCTERMS.temporal, node))
        g.add((node, RDF.type, DCTERMS.PeriodOfTime))
        if start is not None:
            g.add((node, DCAT.startDate, start))
        if end is not None:
            g.add((node, DCAT.endDate, end))
        if (start is None and ends[0]) or (end is None and ends[1]):
            self.keep_unmapped(rec, node, "date", value)  # an end we could not read, verbatim
        self.keep_unmapped(rec, node, "dateType", entry.get("dateType"))
        self.keep_unmapped(rec, node, "dateInformation", entry.get("dateInformation"))

    def _subjects(self, rec: LiftedRecord, subjects: object) -> None:
        """dcat:keyword, and dcat:theme concepts for subjects in a scheme (CiteDCAT-AP "Subject")."""
        g, ds = rec.graph, rec.dataset
        for entry in _as_list(subjects):
            if isinstance(entry, str):
                entry = {"subject": entry}
            if not isinstance(entry, dict):
                self.keep_unmapped(rec, ds, "subjects", entry)
                continue
            text = clean_text(entry.get("subject"))
            scheme = clean_text(entry.get("subjectScheme"))
            scheme_uri = iri(entry.get("schemeUri"))
            value_uri = iri(entry.get("valueUri"))
            code = clean_text(entry.get("classificationCode"))
            if text:
                g.add((ds, DCAT.keyword, _text_literal(text, entry.get("lang"))))
            if (scheme or "").lower() in ("keyword", "keywords", "tag", "tags") and not (scheme_uri or value_uri):
                continue  # free keywords labelled as a scheme
            if not (scheme or scheme_uri or value_uri) or not (text or value_uri):
                continue
            scheme_key = scheme or str(scheme_uri or "")
            concept = value_uri or URIRef(f"{BASE}concept/{slug(scheme_key)}/{slug(text or '')}")
            g.add((ds, DCAT.theme, concept))
            g.add((concept, RDF.type, SKOS.Concept))
            if text:
                g.add((concept, SKOS.prefLabel, _text_literal(text, entry.get("lang"))))
            if code:
                g.add((concept, SKOS.notation, Literal(code)))
            if scheme or scheme_uri:
                scheme_node = scheme_uri or URIRef(f"{BASE}concept/{slug(scheme_key)}")
                g.add((concept, SKOS.inScheme, scheme_node))
                g.add((scheme_node, RDF.type, SKOS.ConceptScheme))
                if scheme:
                    g.add((scheme_node, DCTERMS.title, Literal(scheme)))

    def _language(self, rec: LiftedRecord, language: object) -> None:
        for value in _as_list(language):
            lang = language_iri(value)
            if lang is not None:
                rec.graph.add((rec.dataset, DCTERMS.language, lang))
            else:
                self.warn(rec, "language", f"{value!r} is not an ISO 639 language code", fix="use e.g. en")
                self.keep_unmapped(rec, rec.dataset, "language", value)

    def _alternate_identifiers(self, rec: LiftedRecord, identifiers: list[tuple[str, str | None]]) -> None:
        """adms:identifier adms:Identifier (CiteDCAT-AP "AlternateIdentifier")."""
        g = rec.graph
        for index, (value, kind) in enumerate(identifiers):
            node = self.node(rec, "identifier", index)
            g.add((rec.dataset, ADMS.identifier, node))
            g.add((node, RDF.type, ADMS.Identifier))
            g.add((node, SKOS.notation, Literal(value)))
            if kind:
                g.add((node, ADMS.schemaAgency, Literal(kind)))

    def _related(self, rec: LiftedRecord, related: object) -> None:
        """Typed links to related resources, and a qualified relation for each (DCAT 3 §15)."""
        g, ds = rec.graph, rec.dataset
        for index, entry in enumerate(_as_list(related)):
            if isinstance(entry, str):
                entry = {"relatedIdentifier": entry}
            if not isinstance(entry, dict):
                self.keep_unmapped(rec, ds, "relatedIdentifiers", entry)
                continue
            value = clean_text(entry.get("relatedIdentifier"))
            if not value:
                if any(clean_text(v) for v in entry.values()):
                    self.keep_unmapped(rec, ds, "relatedIdentifiers", entry)
                continue
            kind = clean_text(entry.get("relatedIdentifierType"))
            relation = clean_text(entry.get("relationType"))
            target = _related_iri(value, kind)
            if target is None and (kind or "").upper() in ("DOI", "URL"):
                self.warn(rec, f"relatedIdentifiers[{index}]", f"{value!r} is not a valid {kind}")
            node = self.node(rec, "relation", index)
            g.add((ds, DCAT.qualifiedRelation, node))
            g.add((node, RDF.type, DCAT.Relationship))
            g.add((node, DCTERMS.identifier, Literal(value)))
            if target is not None:
                g.add((node, DCTERMS.relation, target))
                g.add((ds, RELATION_PROPERTIES.get(relation or "", DCTERMS.relation), target))
            if relation:
                concept = _concept("relationType", relation)
                g.add((node, DCAT.hadRole, concept))
                g.add((concept, RDF.type, DCAT.Role))
                g.add((concept, SKOS.prefLabel, Literal(relation)))
            else:
                self.warn(rec, f"relatedIdentifiers[{index}]", "relatedIdentifier has no relationType")
            for key, val in sorted(entry.items()):
                if key not in ("relatedIdentifier", "relationType"):
                    self.keep_unmapped(rec, node, key, val)

    def _version(self, rec: LiftedRecord, version: object) -> None:
        text = clean_text(version)
        if text:
            rec.graph.add((rec.dataset, DCAT_VERSION, Literal(text)))
        elif version not in (None, ""):
            self.keep_unmapped(rec, rec.dataset, "version", version)

    def _rights(self, rec: LiftedRecord, rights_list: object) -> None:
        """dcterms:license / accessRights / rights (CiteDCAT-AP "Rights")."""
        g, ds = rec.graph, rec.dataset
        for index, entry in enumerate(_as_list(rights_list)):
            if isinstance(entry, str):
                entry = {"rights": entry}
            if not isinstance(entry, dict):
                self.keep_unmapped(rec, ds, "rightsList", entry)
                continue
            text = clean_text(entry.get("rights"))
            uri_text = clean_text(entry.get("rightsUri"))
            identifier = clean_text(entry.get("rightsIdentifier"))
            scheme = (clean_text(entry.get("rightsIdentifierScheme")) or "").upper()
            if not uri_text and text and iri(text) is not None:  # the URI written as the text
                uri_text, text = text, None
            target = iri(uri_text) if uri_text else None
            if target is None and uri_text:
                self.warn(rec, f"rightsList[{index}]", f"rightsURI {uri_text!r} is not an absolute IRI")
                self.keep_unmapped(rec, ds, "rightsList", entry)
            if target is None and identifier and scheme == "SPDX":
                target = iri("https://spdx.org/licenses/" + identifier)
            if target is not None:
                if str(target).startswith("info:eu-repo/semantics/"):
                    g.add((ds, DCTERMS.accessRights, target))
                    g.add((target, RDF.type, DCTERMS.RightsStatement))
                else:
                    g.add((ds, DCTERMS.license, target))
                    g.add((target, RDF.type, DCTERMS.LicenseDocument))
                if text:
                    g.add((target, RDFS.label, _text_literal(text, entry.get("lang"))))
                if identifier:
                    g.add((target, DCTERMS.identifier, Literal(identifier)))
            elif text:
                self.add_rights(rec, _text_literal(text, entry.get("lang")))

    def _descriptions(self, rec: LiftedRecord, descriptions: object) -> None:
        """dcterms:description, provenance and tableOfContents (CiteDCAT-AP "Description")."""
        g, ds = rec.graph, rec.dataset
        for index, entry in enumerate(_as_list(descriptions)):
            if isinstance(entry, str):
                entry = {"description": entry}
            if not isinstance(entry, dict):
                self.keep_unmapped(rec, ds, "descriptions", entry)
                continue
            text = _block_text(entry.get("description"))
            if not text:
                continue
            kind = clean_text(entry.get("descriptionType")) or "Abstract"
            lit = _text_literal(text, entry.get("lang"))
            if kind == "Abstract":
                g.add((ds, DCTERMS.description, lit))
            elif kind == "Methods":
                node = self.node(rec, "provenance", index)
                g.add((ds, DCTERMS.provenance, node))
                g.add((node, RDF.type, DCTERMS.ProvenanceStatement))
                g.add((node, RDFS.label, lit))
            elif kind == "TableOfContents":
                g.add((ds, DCTERMS.tableOfContents, lit))
            else:
                self.keep_unmapped(rec, ds, f"description/{kind}", text)

    def _geolocations(self, rec: LiftedRecord, geolocations: object) -> None:
        """dcterms:spatial dcterms:Location (CiteDCAT-AP "GeoLocation", DCAT 3 §6.15)."""
        g, ds = rec.graph, rec.dataset
        for index, geo in enumerate(_as_list(geolocations)):
            if not isinstance(geo, dict):
                self.keep_unmapped(rec, ds, "geoLocations", geo)
                continue
            if not any(v not in (None, "", [], {}) for v in geo.values()):
                continue  # an empty <geoLocation/>
            field_name = f"geoLocations[{index}]"
            node = self.node(rec, "location", index)
            g.add((ds, DCTERMS.spatial, node))
            g.add((node, RDF.type, DCTERMS.Location))
            for place in _as_list(geo.get("geoLocationPlace")):
                text = clean_text(place)
                if text:
                    g.add((node, LOCN.geographicName, Literal(text)))
            point = geo.get("geoLocationPoint")
            if point not in (None, "", {}):
                coords = self._point(point)
                if coords is None:
                    self.warn(rec, f"{field_name}.geoLocationPoint", f"{point!r} is not a latitude/longitude pair")
                    self.keep_unmapped(rec, node, "geoLocationPoint", point)
                else:
                    g.add((node, DCAT.centroid, Literal(f"POINT({coords[1]} {coords[0]})", datatype=WKT)))
            box = geo.get("geoLocationBox")
            if box not in (None, "", {}):
                bounds = self._box(box)
                if bounds is None:
                    self.warn(rec, f"{field_name}.geoLocationBox", f"{box!r} is not a valid bounding box")
                    self.keep_unmapped(rec, node, "geoLocationBox", box)
                else:
                    g.add((node, DCAT.bbox, bbox_wkt(*bounds)))
            for position, polygon in enumerate(self._polygons(geo.get("geoLocationPolygon"))):
                ring, inside = self._ring(polygon)
                if ring is None:
                    self.warn(
                        rec, f"{field_name}.geoLocationPolygon[{position}]", "polygon needs at least 3 valid points"
                    )
                    self.keep_unmapped(rec, node, "geoLocationPolygon", polygon)
                    continue
                wkt = "POLYGON((" + ", ".join(f"{lon} {lat}" for lat, lon in ring) + "))"
                g.add((node, LOCN.geometry, Literal(wkt, datatype=WKT)))
                self.keep_unmapped(rec, node, "inPolygonPoint", inside)
            for key, value in sorted(geo.items()):
                if key not in ("geoLocationPlace", "geoLocationPoint", "geoLocationBox", "geoLocationPolygon"):
                    self.keep_unmapped(rec, node, key, value)

    @staticmethod
    def _point(value: object) -> tuple[float, float] | None:
        """(latitude, longitude) from {pointLatitude, pointLongitude} or kernel-3 "lat lon"."""
        if isinstance(value, dict):
            lat, lon = value.get("pointLatitude"), value.get("pointLongitude")
        elif isinstance(value, str) and len(value.split()) == 2:
            lat, lon = value.split()
        else:
            return None
        lat_f, lon_f = _coordinate(lat, 90), _coordinate(lon, 180)
        return None if lat_f is None or lon_f is None else (lat_f, lon_f)

    @staticmethod
    def _box(value: object) -> tuple[float, float, float, float] | None:
        """(west, south, east, north) from the 4.x children or the kernel-3 "s w n e" text."""
        if isinstance(value, dict):
            parts = [
                value.get(k)
                for k in ("westBoundLongitude", "southBoundLatitude", "eastBoundLongitude", "northBoundLatitude")
            ]
        elif isinstance(value, str) and len(value.split()) == 4:
            south, west, north, east = value.split()
            parts = [west, south, east, north]
        else:
            return None
        west, east = _coordinate(parts[0], 180), _coordinate(parts[2], 180)
        south, north = _coordinate(parts[1], 90), _coordinate(parts[3], 90)
        if west is None or east is None or south is None or north is None or south > north:
            return None
        return west, south, east, north

    @staticmethod
    def _polygons(value: object) -> list[list[Any]]:
        """Polygons as lists of point entries, from the XML shape or the JSON variants."""
        if value in (None, "", [], {}):
            return []
        if isinstance(value, dict):
            points = value.get("polygonPoint")
            return [_as_list(points) if "pointLatitude" not in value else [value]]
        if isinstance(value, list) and all(isinstance(v, list) for v in value):
            return value
        return [value] if isinstance(value, list) else [[value]]

    def _ring(self, polygon: list[Any]) -> tuple[list[tuple[float, float]] | None, object]:
        points: list[tuple[float, float]] = []
        inside = None
        for item in polygon:
            if isinstance(item, dict) and "inPolygonPoint" in item:
                inside = item["inPolygonPoint"]
                continue
            point = item.get("polygonPoint", item) if isinstance(item, dict) else item
            coords = self._point(point)
            if coords is None:
                return None, inside
            points.append(coords)
        if len(set(points)) < 3:
            return None, inside
        if points[0] != points[-1]:
            points.append(points[0])  # DataCite requires a closed ring; close it
        return points, inside

    def _funding(self, rec: LiftedRecord, funding: object) -> None:
        """schema:funding schema:MonetaryGrant (DataCite 4.x fundingReference)."""
        g, ds = rec.graph, rec.dataset
        for index, entry in enumerate(_as_list(funding)):
            if not isinstance(entry, dict):
                self.keep_unmapped(rec, ds, "fundingReferences", entry)
                continue
            if not any(clean_text(v) for v in entry.values()):
                continue  # an empty <fundingReference/>
            node = self.node(rec, "funding", index)
            g.add((ds, SDO.funding, node))
            g.add((node, RDF.type, SDO.MonetaryGrant))
            name = clean_text(entry.get("funderName"))
            raw_identifier = clean_text(entry.get("funderIdentifier"))
            identifier = _identifier_iri(raw_identifier, entry.get("funderIdentifierType"), entry.get("schemeUri"))
            funder = self._organization(rec, name, [identifier] if identifier is not None else [])
            if funder is not None:
                g.add((node, SDO.funder, funder))
            if raw_identifier and identifier is None:
                self.keep_unmapped(
                    rec,
                    node,
                    "funderIdentifier",
                    {k: entry.get(k) for k in ("funderIdentifier", "funderIdentifierType")},
                )
            award = clean_text(entry.get("awardNumber"))
            if award:
                g.add((node, SDO.identifier, Literal(award)))
            award_url = iri(entry.get("awardUri"))
            if award_url is not None:
                g.add((node, SDO.url, award_url))
            title = clean_text(entry.get("awardTitle"))
            if title:
                g.add((node, SDO.name, _text_literal(title, entry.get("lang"))))
            mapped = {"funderName", "funderIdentifier", "funderIdentifierType", "awardNumber", "awardTitle", "lang"}
            for key, value in sorted(entry.items()):
                if key not in mapped and not (key == "awardUri" and award_url is not None):
                    if key == "schemeUri" and identifier is not None:
                        continue
                    self.keep_unmapped(rec, node, key, value)

    def _access(self, rec: LiftedRecord, attrs: dict[str, Any], doi: str | None, is_dataset: bool) -> None:
        """dcat:landingPage, and for datasets one distribution with the access URL and formats."""
        g, ds = rec.graph, rec.dataset
        url_value = attrs.get("url")
        landing = iri(url_value) if url_value else None
        if url_value and landing is None:
            self.warn(rec, "url", f"{str(url_value)[:80]!r} is not an absolute URL")
            self.keep_unmapped(rec, ds, "url", url_value)
        if landing is None and doi:
            landing = URIRef(doi_iri(doi))
        if landing is not None:
            g.add((ds, DCAT.landingPage, landing))
        formats = [clean_text(f) for f in _as_list(attrs.get("formats"))]
        content = attrs.get("contentUrl")
        downloads = [iri(u) for u in _as_list(content)]
        holder = ds
        if is_dataset and (landing is not None or any(downloads)):
            holder = self.node(rec, "distribution", 0)
            g.add((ds, DCAT.distribution, holder))
            g.add((holder, RDF.type, DCAT.Distribution))
            if landing is not None:
                g.add((holder, DCAT.accessURL, landing))
            for url in downloads:
                if url is not None:
                    g.add((holder, DCAT.downloadURL, url))
        if content and (holder == ds or not all(downloads)):
            self.keep_unmapped(rec, ds, "contentUrl", content)
        # DCAT 3 / DCAT-US 3.0: a distribution is one representation, with one format (a
        # dcterms:MediaType node labelled with the source's text) and at most one media type. Each
        # further <format> of the resource is one more distribution at the same access URL.
        for index, text in enumerate(t for t in dict.fromkeys(formats) if t):
            target = holder
            if holder != ds and index > 0:
                target = self.node(rec, "distribution", index)
                g.add((ds, DCAT.distribution, target))
                g.add((target, RDF.type, DCAT.Distribution))
                if landing is not None:
                    g.add((target, DCAT.accessURL, landing))
            fmt = URIRef(f"{target}/format") if target != ds else URIRef(f"{BASE}dataset/{rec.key}/format/{index}")
            g.add((target, DCTERMS.format, fmt))
            g.add((fmt, RDF.type, DCTERMS.MediaType))
            g.add((fmt, RDFS.label, Literal(text)))
            media = media_type_iri(text) if target != ds else None
            if media is not None:
                g.add((target, DCAT.mediaType, media))


# --- the two lifters --------------------------------------------------------------------------


class DataCiteXmlLifter(_DataCiteLifter):
    """DataCite Metadata Schema XML (kernel-4.x; kernel-3 and 2.2 best-effort): one record a file."""

    format = DATACITE_XML
    version = "1.1"

    def detect(self, data: bytes, filename: str) -> float:
        root = root_name_and_namespace(data)
        if root is None or root[0] != "resource":
            return 0.0
        namespace = root[1] or ""
        if namespace.startswith(KERNEL_NS):
            return 0.95
        return 0.3 if not namespace else 0.0

    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        root = parse_xml(data, source_file)
        namespace = etree.QName(root).namespace or ""
        if _local(root) != "resource" or (namespace and not namespace.startswith(KERNEL_NS)):
            raise LiftError(
                f"root element is <{_local(root)}>{' in ' + namespace if namespace else ''}; a DataCite "
                f"record is a <resource> in {KERNEL_NS}4",
                source_file=source_file,
                field=_local(root),
            )
        parsed = _xml_attributes(root)
        local_id = _local_id(parsed.attrs)
        if local_id is None:
            yield LiftError(
                "no <identifier> (DOI) and no <alternateIdentifier>; the record cannot be given a stable identity",
                source_file=source_file,
                record=file_record(source_file),
                field="identifier",
            )
            return
        yield RawRecord(
            data=data,
            local_id=local_id,
            pointer="/resource",
            source_file=source_file,
            media_type="application/xml",
            parsed=parsed,
        )

    def _parsed(self, raw: RawRecord) -> _Parsed:
        return _xml_attributes(parse_xml(raw.data, raw.source_file))


class DataCiteJsonLifter(_DataCiteLifter):
    """DataCite JSON: one record, the REST API ``{"data": ...}`` wrapper (one or a list), or a list."""

    format = DATACITE_JSON
    version = "1.1"

    def detect(self, data: bytes, filename: str) -> float:
        head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith((b"{", b"[")):
            return 0.0
        sample = data[:1_000_000]
        if not any(marker in sample for marker in (b'"doi"', b'"identifiers"', b"datacite", b'"attributes"')):
            return 0.0  # no DataCite key at all: not worth parsing (large data.json catalogs)
        try:
            obj = json.loads(data.decode("utf-8-sig"))
        except (ValueError, RecursionError):  # not UTF-8, not JSON, a number of over 4,300 digits
            # Broken JSON that still reads as DataCite: claim it, so split() can say what is wrong.
            sample = data[:200_000]
            if b'"@context"' in sample or not head.startswith(b"{"):
                return 0.0
            has_id = b'"doi"' in sample or b'"identifiers"' in sample
            has_body = any(k in sample for k in (b'"titles"', b'"creators"', b'"creator"', b'"types"'))
            if (has_id and has_body) or b"datacite.org/schema/kernel" in sample:
                return 0.6
            return 0.0
        return _json_score(obj)

    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        text = _decode(data, source_file)
        try:
            obj, duplicates = _load_json(text)
        except json.JSONDecodeError as exc:
            raise LiftError(
                f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", source_file=source_file
            ) from exc
        except ValueError as exc:  # a number Python refuses to read (over 4,300 digits)
            raise LiftError(f"not readable JSON: {str(exc).split(':')[0]}", source_file=source_file) from exc
        except RecursionError as exc:
            raise LiftError("JSON nested too deeply", source_file=source_file) from exc
        if isinstance(obj, dict) and isinstance(obj.get("data"), list):
            start = _member_start(text, "data")
            assert start is not None
            yield from self._split_array(text, start, "/data", source_file)
        elif isinstance(obj, list):
            yield from self._split_array(text, _skip_ws(text, 0), "", source_file)
        elif isinstance(obj, dict):
            if _json_score(obj) == 0.0:
                raise LiftError(
                    "not a DataCite JSON record: expected 'doi' or 'identifiers' with 'titles', "
                    "'creators' or 'types', a DataCite schemaVersion, or the REST API {\"data\": ...} "
                    "wrapper",
                    source_file=source_file,
                )
            pointer = "/data" if isinstance(obj.get("data"), dict) else ""
            yield self._record(data, obj, duplicates, pointer, source_file, file_record(source_file))
        else:
            raise LiftError("top level is not a JSON object or array", source_file=source_file)

    def _split_array(self, text: str, start: int, prefix: str, source_file: str) -> Iterator[RawRecord | LiftError]:
        for index, (begin, end) in enumerate(_array_spans(text, start)):
            pointer = f"{prefix}/{index}"
            piece = text[begin:end]
            element, duplicates = _load_json(piece)
            if not isinstance(element, dict) or max(_rest_item_score(element), _attributes_score(element)) == 0.0:
                yield LiftError(
                    "entry is not a DataCite record object",
                    source_file=source_file,
                    record=f"#{index}",
                    field=pointer,
                )
                continue
            yield self._record(piece.encode("utf-8"), element, duplicates, pointer, source_file, f"#{index}")

    def _record(
        self,
        data: bytes,
        obj: dict[str, Any],
        duplicates: list[str],
        pointer: str,
        source_file: str,
        position: str,
    ) -> RawRecord | LiftError:
        problems = [
            (key, f"key {key!r} occurs more than once in one object; the last value was used")
            for key in dict.fromkeys(duplicates)
        ]
        parsed = _json_record(obj, problems)
        local_id = _local_id(parsed.attrs)
        if local_id is None:
            return LiftError(
                "no 'doi' and no other identifier ('identifiers'); the record cannot be given a stable identity",
                source_file=source_file,
                record=position,
                field=f"{pointer}/doi",
            )
        return RawRecord(
            data=data,
            local_id=local_id,
            pointer=pointer,
            source_file=source_file,
            media_type="application/json",
            parsed=parsed,
        )

    def _parsed(self, raw: RawRecord) -> _Parsed:
        obj, duplicates = _load_json(_decode(raw.data, raw.source_file))
        if not isinstance(obj, dict):
            raise LiftError("record is not a JSON object", source_file=raw.source_file, record=raw.local_id)
        record = self._record(raw.data, obj, duplicates, raw.pointer, raw.source_file, raw.local_id)
        if isinstance(record, LiftError):
            raise record
        assert isinstance(record.parsed, _Parsed)
        return record.parsed


__all__ = ["DataCiteJsonLifter", "DataCiteXmlLifter"]
