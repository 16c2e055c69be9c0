"""Dublin Core (OAI-PMH ``oai_dc``) → DCAT 3 / DCTERMS / FOAF.

Reads an ``oai_dc:dc`` document (OAI-PMH 2.0 section 6.2, schema
http://www.openarchives.org/OAI/2.0/oai_dc.xsd: the 15 DCMES 1.1 elements, each optional and
repeatable) on its own, or a whole OAI-PMH 2.0 response (``ListRecords`` / ``GetRecord``) with
one raw record per ``record`` whose metadata is oai_dc. The mapping follows the DCMI
"DCMES 1.1 → DCMI Metadata Terms" correspondence (every ``dc:x`` has a ``dcterms:x`` with a
stated range) and DCAT 3 where DCAT has a more specific property:

==============  ===================================================================================
oai_dc          RDF
==============  ===================================================================================
(header)        OAI-PMH ``header/identifier`` is the record's local identifier (standalone ``dc``
                documents: the first ``dc:identifier``); datestamp and setSpec kept unmapped.
                Records with ``header/@status="deleted"`` are not lifted: ``read_oai_page`` lists
                them (and the resumptionToken) for the harvester, which marks them withdrawn.
dc:identifier   every value → ``dcterms:identifier``; the first DOI (``10.x/y``, ``doi:``,
                ``DOI: 10.x/y``, ``https://doi.org/…``) gives the dataset IRI
                ``https://doi.org/<lower-case DOI>``; the first http(s) URL is ``dcat:landingPage``
title           ``dcterms:title`` (the first; later ones ``dcterms:alternative``), xml:lang kept
creator         ``dcterms:creator`` a foaf:Agent with foaf:name (DC does not say person or
                organisation); an ORCID iD in the text (``(ORCID:0000-…)``) makes the agent
                ``https://orcid.org/<iD>`` a foaf:Person; a trailing ``[Organisation]`` (OSTI's
                affiliation convention) → ``org:memberOf`` that organisation
contributor     ``dcterms:contributor``, agents as for creator
publisher       ``dcterms:publisher`` the organisation ``{BASE}agent/<slug>`` (the first; others
                kept unmapped)
subject         ``dcat:keyword``; one element holding ``a; b; c`` gives three keywords
description     ``dcterms:description`` (paragraphs kept), xml:lang kept
date            typed (xsd:date / gYearMonth / gYear / dateTime); the first → ``dcterms:issued``,
                the others → ``dcterms:date``; OpenAIRE ``info:eu-repo/date/embargoEnd/<date>`` →
                ``dcterms:available``. An unreadable date is reported and kept unmapped.
type            ``dcterms:type`` the DCMI Type when the value names one (``Dataset``, ``Text`` …);
                every value is also kept verbatim. The resource is a ``dcat:Dataset`` unless its
                types say it is something else (Text, Software, an OpenAIRE publication type,
                Zenodo's ``publication-…`` / ``software``): then ``dcat:Resource`` (as the
                DataCite lifter types non-dataset resourceTypeGeneral)
format          ``dcterms:format`` a dcterms:MediaType with rdfs:label, on the dataset's
                distribution, plus ``dcat:mediaType`` (IANA registry IRI) when the value is a
                media type. A dataset with a landing page gets one ``dcat:Distribution`` whose
                dcat:accessURL is that page (as the DataCite lifter does)
source          ``dcterms:source`` when the value is an IRI or a DOI, else kept unmapped
language        ``dcterms:language`` (Library of Congress ISO 639 IRIs; English names such as
                "English" accepted); anything else is reported and kept
relation        ``dcterms:relation`` when the value is an IRI or a DOI (Zenodo's ``doi:`` and
                ``url:`` prefixes understood), else kept unmapped (free-text citations)
coverage        DCMI Box (``northlimit=…; southlimit=…; eastlimit=…; westlimit=…``) →
                ``dcterms:spatial`` dcterms:Location with a dcat:bbox WKT polygon; DCMI Point
                (``east=…; north=…``) → dcat:centroid WKT point; DCMI Period (``start=…; end=…``),
                an ISO 8601 interval ``start/end`` or a single date → ``dcterms:temporal``
                dcterms:PeriodOfTime with dcat:startDate / dcat:endDate. A ``name=`` part is the
                place's locn:geographicName / the period's rdfs:label. Free text (a place name,
                "Holocene") is ambiguous between place and time: kept unmapped.
rights          a URL → ``dcterms:license`` a dcterms:LicenseDocument; ``info:eu-repo/semantics/…``
                → ``dcterms:accessRights``; text naming a licence URL (Creative Commons, SPDX,
                OSI, Open Data Commons) → that licence with the text as rdfs:label; other text →
                ``dcterms:rights`` a dcterms:RightsStatement with rdfs:label
==============  ===================================================================================

Elements of other namespaces inside ``oai_dc:dc``, attributes other than xml:lang, and the
record's ``about`` are kept under the source namespace. Warnings name the XPath of the element
in the input (``/OAI-PMH/ListRecords/record[3]/metadata/oai_dc:dc/dc:date[2]``).

OAI-PMH responses carrying other metadata formats (``oai_datacite``, ``datacite``, ``mods`` …)
are not claimed: ``detect`` reads the request's metadataPrefix, or on a resumption page (whose
request names none) looks for the oai_dc namespace. XML is parsed with ``kg.lifting.xmlsafe``:
no entity expansion, no DTD, nothing fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS

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
    media_type_iri,
    split_interval,
)

# Value handling shared with the other lifters rather than copied.
from kg.lifting.datacite import DCMI_TYPES, _coordinate, _orcid_iri, _related_iri, _text_literal
from kg.lifting.eml import _to_json
from kg.lifting.schemaorg import LANGUAGE_NAMES
from kg.lifting.xmlsafe import parse_xml, root_name_and_namespace
from kg.namespaces import doi_iri, normalize_doi

FORMAT = SourceFormat(
    "oai-dc",
    "Dublin Core (OAI-PMH oai_dc) XML",
    ("application/vnd.oai-dc+xml", "application/xml", "text/xml"),
    (".xml",),
)

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ORG = Namespace("http://www.w3.org/ns/org#")
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")

DC_ELEMENTS = (
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
)  # fmt: skip

# DCMI Type vocabulary by lower-case name (values may also be the full dcmitype IRI).
_DCMI_BY_NAME = {name.lower(): term for name, term in DCMI_TYPES.items() if str(term).endswith("/" + name)}
_DCMI_BY_NAME["stillimage"] = URIRef("http://purl.org/dc/dcmitype/StillImage")
_DCMI_BY_NAME["movingimage"] = URIRef("http://purl.org/dc/dcmitype/MovingImage")
_DATASET_TYPES = {"dataset", "collection"}
# dc:type values for kinds of resource that are not datasets and have no DCMI Type of their own.
_OTHER_KINDS_RE = re.compile(r"^(presentation|poster|lesson|video.*|image-.*|workflow)$")
# Publication types (OpenAIRE, Zenodo, OSTI wording) that are DCMI Text.
_TEXT_TYPES_RE = re.compile(
    r"^(publication\b.*|article|journal article|book.*|report|technical report|thesis.*|doctoralthesis"
    r"|masterthesis|bachelorthesis|conference.*|patent|preprint|workingpaper|lecture)$"
)
_EU_REPO_TYPE = "info:eu-repo/semantics/"
_EU_REPO_EMBARGO_RE = re.compile(r"^info:eu-repo/date/embargoEnd/(.+)$", re.IGNORECASE)
_ORCID_IN_TEXT_RE = re.compile(
    r"\(?\s*(?:ORCID\s*:?\s*|https?://orcid\.org/)(\d{4}-?\d{4}-?\d{4}-?\d{3}[\dX])\s*\)?", re.IGNORECASE
)
_AFFILIATION_RE = re.compile(r"^(?P<name>.+?)\s*\[(?P<org>[^\[\]]+)\]$")
_LICENCE_URL_RE = re.compile(
    r"https?://(?:www\.)?(?:creativecommons\.org/(?:licenses|publicdomain)|spdx\.org/licenses"
    r"|opensource\.org/licenses|opendatacommons\.org/licenses)/[^\s)\]>,;\"']*",
    re.IGNORECASE,
)
# Properties of the dataset each DC element gives (for ``LiftedRecord.origins``).
_ORIGIN_PROPERTIES = {
    "title": (DCTERMS.title, DCTERMS.alternative), "creator": (DCTERMS.creator,), "subject": (DCAT.keyword,),
    "description": (DCTERMS.description,), "publisher": (DCTERMS.publisher,), "contributor": (DCTERMS.contributor,),
    "date": (DCTERMS.issued, DCTERMS.date, DCTERMS.available), "type": (DCTERMS.type,),
    "format": (DCAT.distribution,), "identifier": (DCTERMS.identifier, DCAT.landingPage),
    "source": (DCTERMS.source,), "language": (DCTERMS.language,), "relation": (DCTERMS.relation,),
    "coverage": (DCTERMS.spatial, DCTERMS.temporal),
    "rights": (DCTERMS.license, DCTERMS.rights, DCTERMS.accessRights),
}  # fmt: skip
_REQUEST_PREFIX_RE = re.compile(rb"<(?:[\w.-]+:)?request\b[^>]*\bmetadataPrefix\s*=\s*[\"']([^\"']*)[\"']")


# --- XML helpers ------------------------------------------------------------------------------


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _namespace(element: Any) -> str:
    return (etree.QName(element).namespace or "") if isinstance(element.tag, str) else ""


def _children(element: Any, name: str | None = None, namespace: str | None = OAI_NS) -> list[Any]:
    return [
        c
        for c in element
        if isinstance(c.tag, str)
        and (name is None or _local(c) == name)
        and (namespace is None or _namespace(c) == namespace)
    ]


def _child(element: Any, name: str, namespace: str | None = OAI_NS) -> Any | None:
    found = _children(element, name, namespace)
    return found[0] if found else None


def _text(element: Any | None) -> str | None:
    return None if element is None else clean_text("".join(element.itertext()))


def _dcmi_pairs(text: str) -> dict[str, str] | None:
    """The ``name=value; name=value`` parts of a DCMI Box / Point / Period encoding, else None."""
    pairs: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            return None
        key, _, value = part.partition("=")
        pairs[key.strip().lower()] = value.strip()
    return pairs or None


# --- OAI-PMH responses --------------------------------------------------------------------------


@dataclass(frozen=True)
class OaiHeader:
    """One OAI-PMH record header (OAI-PMH 2.0 section 2.5): the item, when it changed, its sets."""

    identifier: str | None
    datestamp: str | None
    sets: tuple[str, ...]
    deleted: bool
    pointer: str  # XPath of the record in the response


@dataclass(frozen=True)
class OaiPage:
    """What a harvester needs from one OAI-PMH response besides the records themselves."""

    verb: str | None
    metadata_prefix: str | None
    headers: tuple[OaiHeader, ...] = ()
    resumption_token: str | None = None  # None or "" on the last page (OAI-PMH 2.0 section 3.5)
    complete_list_size: int | None = None
    error_code: str | None = None
    error_message: str | None = None

    @property
    def deleted(self) -> tuple[OaiHeader, ...]:
        """Headers of deleted records: not lifted; the harvester marks them withdrawn."""
        return tuple(h for h in self.headers if h.deleted)


def _header(header: Any | None, pointer: str) -> OaiHeader:
    if header is None:
        return OaiHeader(None, None, (), False, pointer)
    return OaiHeader(
        identifier=_text(_child(header, "identifier")),
        datestamp=_text(_child(header, "datestamp")),
        sets=tuple(t for t in (_text(s) for s in _children(header, "setSpec")) if t),
        deleted=(header.get("status") or "").strip() == "deleted",
        pointer=pointer,
    )


def _records(root: Any) -> tuple[str | None, list[Any]]:
    for verb in ("ListRecords", "GetRecord"):
        container = _child(root, verb)
        if container is not None:
            return verb, _children(container, "record")
    return None, []


def read_oai_page(data: bytes, *, source_file: str) -> OaiPage:
    """The verb, metadataPrefix, record headers (deleted ones included), resumptionToken and
    error of an OAI-PMH 2.0 response (sections 3.5, 3.6, 4.4–4.6). Raises LiftError when the
    bytes are not one."""
    root = parse_xml(data, source_file)
    if _local(root) != "OAI-PMH" or _namespace(root) != OAI_NS:
        raise LiftError(f"root element is <{_local(root)}>, not an OAI-PMH response", source_file=source_file)
    request = _child(root, "request")
    error = _child(root, "error")
    verb, records = _records(root)
    headers = [_header(_child(r, "header"), f"/OAI-PMH/{verb}/record[{i}]") for i, r in enumerate(records, 1)]
    listing = _child(root, "ListIdentifiers")
    if listing is not None:
        verb = "ListIdentifiers"
        headers = [
            _header(h, f"/OAI-PMH/ListIdentifiers/header[{i}]") for i, h in enumerate(_children(listing, "header"), 1)
        ]
    container = _child(root, verb) if verb else None
    token = _child(container, "resumptionToken") if container is not None else None
    size = clean_text(token.get("completeListSize")) if token is not None else None
    return OaiPage(
        verb=verb or (request.get("verb") if request is not None else None),
        metadata_prefix=request.get("metadataPrefix") if request is not None else None,
        headers=tuple(headers),
        resumption_token=_text(token),
        complete_list_size=int(size) if size and size.isdigit() else None,
        error_code=error.get("code") if error is not None else None,
        error_message=_text(error),
    )


# --- the parsed record ------------------------------------------------------------------------


@dataclass
class _Record:
    dc: Any  # the oai_dc:dc element
    base: str  # its XPath in the input
    header: OaiHeader | None = None
    about: list[Any] = field(default_factory=list)


def _is_oai_dc(element: Any) -> bool:
    return _local(element) == "dc" and _namespace(element) == OAI_DC_NS


def _record_from_element(element: Any, pointer: str) -> _Record | None:
    """The record of a stored raw record: an OAI-PMH ``record`` or a standalone ``oai_dc:dc``."""
    if _is_oai_dc(element):
        return _Record(element, pointer if pointer.endswith("oai_dc:dc") else "/oai_dc:dc")
    if _local(element) == "record" and _namespace(element) == OAI_NS:
        metadata = _child(element, "metadata")
        found = _children(metadata, None, None) if metadata is not None else []
        if found and _is_oai_dc(found[0]):
            header = _header(_child(element, "header"), pointer.removesuffix("/metadata"))
            return _Record(found[0], f"{pointer}/oai_dc:dc", header, _children(element, "about"))
    return None


# --- the lifter -------------------------------------------------------------------------------


class DublinCoreLifter(Lifter):
    """OAI-PMH ``oai_dc`` records: a standalone ``oai_dc:dc`` or every record of a response."""

    format = FORMAT
    version = "1.1"

    def detect(self, data: bytes, filename: str) -> float:
        root = root_name_and_namespace(data)
        if root is None:
            return 0.0
        name, namespace = root
        if name == "dc" and namespace == OAI_DC_NS:
            return 0.95
        if name != "OAI-PMH" or namespace != OAI_NS:
            return 0.0
        head = data[:200_000]
        prefix = _REQUEST_PREFIX_RE.search(head)
        if prefix is not None:
            return 0.95 if prefix.group(1).strip() == b"oai_dc" else 0.0
        # A resumption page's request names only the token: look at what the records hold.
        return 0.9 if OAI_DC_NS.encode() in head else 0.0

    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        root = parse_xml(data, source_file)
        if _is_oai_dc(root):
            identifier = next((t for t in (_text(e) for e in _children(root, "identifier", DC_NS)) if t), None)
            if identifier is None:
                yield LiftError(
                    "the oai_dc record has no dc:identifier; it cannot be given a stable identity",
                    source_file=source_file,
                    record=file_record(source_file),
                    field="/oai_dc:dc/dc:identifier",
                )
                return
            yield RawRecord(
                data=data,
                local_id=identifier,
                pointer="/oai_dc:dc",
                source_file=source_file,
                media_type="application/xml",
                parsed=_Record(root, "/oai_dc:dc"),
            )
            return
        if _local(root) != "OAI-PMH" or _namespace(root) != OAI_NS:
            namespace = _namespace(root)
            raise LiftError(
                f"root element is <{_local(root)}>{' in ' + namespace if namespace else ''}; expected an "
                f"<oai_dc:dc> in {OAI_DC_NS} or an OAI-PMH response in {OAI_NS}",
                source_file=source_file,
                field=_local(root),
            )
        yield from self._split_response(root, source_file)

    def _split_response(self, root: Any, source_file: str) -> Iterator[RawRecord | LiftError]:
        error = _child(root, "error")
        if error is not None:
            code = error.get("code") or "error"
            if code == "noRecordsMatch":
                return  # an empty result, not a failure (OAI-PMH 2.0 section 3.6)
            raise LiftError(
                f"the OAI-PMH response is an error ({code}): {_text(error) or 'no message'}",
                source_file=source_file,
                field="/OAI-PMH/error",
            )
        request = _child(root, "request")
        prefix = clean_text(request.get("metadataPrefix")) if request is not None else None
        if prefix and prefix != "oai_dc":
            raise LiftError(
                f"the response carries metadataPrefix {prefix!r}, not oai_dc",
                source_file=source_file,
                field="/OAI-PMH/request/@metadataPrefix",
            )
        verb, records = _records(root)
        if verb is None:
            present = ", ".join(sorted({_local(c) for c in _children(root)} - {"responseDate", "request"}))
            raise LiftError(
                f"the OAI-PMH response holds no records (it has {present or 'nothing'}); harvest with "
                "verb=ListRecords or GetRecord and metadataPrefix=oai_dc",
                source_file=source_file,
                field="/OAI-PMH",
            )
        for index, record in enumerate(records, 1):
            pointer = f"/OAI-PMH/{verb}/record[{index}]"
            header = _header(_child(record, "header"), pointer)
            if header.deleted:
                continue  # listed by read_oai_page(); the harvester marks it withdrawn
            if header.identifier is None:
                yield LiftError(
                    "the record's header has no identifier; it cannot be given a stable identity",
                    source_file=source_file,
                    record=f"#{index}",
                    field=f"{pointer}/header/identifier",
                )
                continue
            metadata = _child(record, "metadata")
            found = _children(metadata, None, None) if metadata is not None else []
            if not found:
                yield LiftError(
                    "the record has no metadata (and its header is not marked deleted)",
                    source_file=source_file,
                    record=header.identifier,
                    field=f"{pointer}/metadata",
                )
                continue
            if not _is_oai_dc(found[0]):
                namespace = _namespace(found[0])
                yield LiftError(
                    f"the record's metadata is <{_local(found[0])}>{' in ' + namespace if namespace else ''}, "
                    "not oai_dc:dc",
                    source_file=source_file,
                    record=header.identifier,
                    field=f"{pointer}/metadata",
                )
                continue
            yield RawRecord(
                data=etree.tostring(record, encoding="utf-8"),
                local_id=header.identifier,
                pointer=f"{pointer}/metadata",
                source_file=source_file,
                media_type="application/xml",
                parsed=_Record(found[0], f"{pointer}/metadata/oai_dc:dc", header, _children(record, "about")),
            )

    def lift(self, raw: RawRecord, *, source: str) -> LiftedRecord:
        parsed = raw.parsed if isinstance(raw.parsed, _Record) else None
        if parsed is None:
            parsed = _record_from_element(parse_xml(raw.data, raw.source_file), raw.pointer)
            if parsed is None:
                raise LiftError(
                    "the stored record is neither an OAI-PMH record with oai_dc metadata nor an oai_dc:dc",
                    source_file=raw.source_file,
                    record=raw.local_id,
                    field=raw.pointer,
                )
        try:
            return self._lift(raw, parsed, source)
        except RecursionError as exc:
            raise LiftError(
                "the record is nested too deeply", source_file=raw.source_file, record=raw.local_id
            ) from exc

    # --- steps ------------------------------------------------------------------------------------

    def _lift(self, raw: RawRecord, parsed: _Record, source: str) -> LiftedRecord:
        # (element, its XPath, its text) of each DC element, by name, in document order.
        values: dict[str, list[tuple[Any, str, str]]] = {name: [] for name in DC_ELEMENTS}
        others: list[Any] = []
        unknown_dc: list[tuple[Any, str]] = []
        counts: dict[str, int] = {}
        for element in _children(parsed.dc, None, None):
            name = _local(element)
            if _namespace(element) != DC_NS:
                others.append(element)
                continue
            counts[name] = counts.get(name, 0) + 1
            xpath = f"{parsed.base}/dc:{name}[{counts[name]}]"
            if name not in values:
                unknown_dc.append((element, xpath))
                continue
            text = _text(element)
            if text:
                values[name].append((element, xpath, text))

        identifiers = [text for _, _, text in values["identifier"]]
        doi = next((d for d in (normalize_doi(t) for t in identifiers) if d), None)
        rec = self.new_record(raw, source=source, doi=doi)
        g, ds = rec.graph, rec.dataset
        types = [text for _, _, text in values["type"]]
        is_dataset = _is_dataset(types)
        g.add((ds, RDF.type, DCAT.Dataset if is_dataset else DCAT.Resource))
        g.add((ds, DCTERMS.identifier, Literal(raw.local_id)))
        for text in identifiers:
            g.add((ds, DCTERMS.identifier, Literal(text)))
        if doi:
            g.add((ds, DCTERMS.identifier, Literal(doi)))  # as the DataCite lifter gives it
        landing = next((u for u in (iri(t) for t in identifiers) if u is not None and _is_web(u)), None)
        if landing is None and doi:
            landing = URIRef(doi_iri(doi))
        if landing is not None:
            g.add((ds, DCAT.landingPage, landing))

        self._titles(rec, values["title"], parsed.base)
        for element, _, text in values["description"]:
            g.add((ds, DCTERMS.description, _text_literal(_paragraphs(element) or text, _lang(element))))
        for element, _, text in values["subject"]:
            for keyword in text.split(";") if ";" in text else [text]:
                cleaned = clean_text(keyword)
                if cleaned:
                    g.add((ds, DCAT.keyword, _text_literal(cleaned, _lang(element))))
        for index, (_, _, text) in enumerate(values["creator"]):
            self.add_creator(rec, self._agent(rec, text, "creator", index))
        for index, (_, _, text) in enumerate(values["contributor"]):
            g.add((ds, DCTERMS.contributor, self._agent(rec, text, "contributor", index)))
        for index, (_, _, text) in enumerate(values["publisher"]):
            if index == 0:
                g.add((ds, DCTERMS.publisher, self.organization(rec, text)))
            else:
                self.keep_unmapped(rec, ds, "dc:publisher", text)  # DCAT allows one publisher
        self._dates(rec, values["date"])
        for text in types:
            self.keep_unmapped(rec, ds, "dc:type", text)
            term = _dcmi_type(text)
            if term is not None:
                g.add((ds, DCTERMS.type, term))
        holder = ds
        if is_dataset and landing is not None:
            holder = self.node(rec, "distribution", 0)
            g.add((ds, DCAT.distribution, holder))
            g.add((holder, RDF.type, DCAT.Distribution))
            g.add((holder, DCAT.accessURL, landing))
        for index, (_, _, text) in enumerate(values["format"]):
            fmt = URIRef(f"{holder}/format/{index}") if holder != ds else self.node(rec, "format", index)
            g.add((holder, DCTERMS.format, fmt))
            g.add((fmt, RDF.type, DCTERMS.MediaType))
            g.add((fmt, RDFS.label, Literal(text)))
            media = media_type_iri(text) if "/" in text and " " not in text.split(";")[0].strip() else None
            if media is not None and holder != ds:
                g.add((holder, DCAT.mediaType, media))
        for name, prop in (("source", DCTERMS.source), ("relation", DCTERMS.relation)):
            for _, _, text in values[name]:
                target = _link(text)
                if target is not None:
                    g.add((ds, prop, target))
                else:
                    self.keep_unmapped(rec, ds, f"dc:{name}", text)
        self._languages(rec, values["language"])
        self._coverage(rec, values["coverage"])
        self._rights(rec, values["rights"])

        for element, xpath in unknown_dc:
            self.warn(
                rec,
                xpath,
                f"<dc:{_local(element)}> is not one of the 15 Dublin Core 1.1 elements; kept unmapped",
                fix="use a DCMES 1.1 element (oai_dc allows no others)",
            )
            self.keep_unmapped(rec, ds, f"dc:{_local(element)}", _to_json(element))
        for element in others:
            self.keep_unmapped(rec, ds, _qualified(element), _to_json(element))
        for element in _children(parsed.dc, None, DC_NS):
            for name, value in sorted(element.attrib.items()):
                if name != XML_LANG:  # e.g. xsi:type="dcterms:W3CDTF", kept with the value it qualifies
                    field_name = f"dc:{_local(element)}/@{etree.QName(name).localname}"
                    self.keep_unmapped(rec, ds, field_name, {_text(element) or "": value})
        present = {prop for s, prop, _ in g if s == ds}
        for name, properties in _ORIGIN_PROPERTIES.items():
            found = values[name]
            where = found[0][1] if len(found) == 1 else f"{parsed.base}/dc:{name}"
            for prop in properties:
                if found and prop in present:
                    rec.origins.setdefault((str(ds), str(prop)), where)
        if parsed.header is not None:
            self.keep_unmapped(rec, ds, "oai:header/datestamp", parsed.header.datestamp)
            for spec in parsed.header.sets:
                self.keep_unmapped(rec, ds, "oai:header/setSpec", spec)
        for about in parsed.about:
            self.keep_unmapped(rec, ds, "oai:about", _to_json(about))
        return rec

    def _titles(self, rec: LiftedRecord, titles: list[tuple[Any, str, str]], base: str) -> None:
        g, ds = rec.graph, rec.dataset
        if not titles:
            self.warn(rec, f"{base}/dc:title", "the record has no title", fix="add <dc:title>")
        for index, (element, _, text) in enumerate(titles):
            g.add((ds, DCTERMS.title if index == 0 else DCTERMS.alternative, _text_literal(text, _lang(element))))

    def _agent(self, rec: LiftedRecord, text: str, kind: str, index: int) -> URIRef:
        """A creator or contributor: DC gives only a name (OSTI adds ``[affiliation]`` and ORCID)."""
        g = rec.graph
        orcid = None
        match = _ORCID_IN_TEXT_RE.search(text)
        if match:
            digits = match.group(1).replace("-", "").upper()
            orcid = _orcid_iri("-".join((digits[0:4], digits[4:8], digits[8:12], digits[12:16])))
            text = clean_text(text[: match.start()] + " " + text[match.end() :]) or text
        organisation = None
        affiliated = _AFFILIATION_RE.match(text)
        if affiliated:
            text, organisation = affiliated.group("name").strip(" ,;"), affiliated.group("org").strip()
        agent = orcid or self.node(rec, kind, index)
        g.add((agent, RDF.type, FOAF.Person if orcid else FOAF.Agent))
        g.add((agent, FOAF.name, Literal(text)))
        if organisation:
            g.add((agent, ORG.memberOf, self.organization(rec, organisation)))
        return agent

    def _dates(self, rec: LiftedRecord, dates: list[tuple[Any, str, str]]) -> None:
        g, ds = rec.graph, rec.dataset
        issued = False
        for _, xpath, text in dates:
            embargo = _EU_REPO_EMBARGO_RE.match(text)
            lit = date_literal(embargo.group(1) if embargo else text)
            if lit is None:
                self.warn(
                    rec,
                    xpath,
                    f"{text[:80]!r} is not an ISO 8601 / W3CDTF date",
                    fix="write dates as YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ",
                )
                self.keep_unmapped(rec, ds, "dc:date", text)
            elif embargo:
                g.add((ds, DCTERMS.available, lit))
            elif not issued:
                g.add((ds, DCTERMS.issued, lit))
                issued = True
            else:
                g.add((ds, DCTERMS.date, lit))

    def _languages(self, rec: LiftedRecord, languages: list[tuple[Any, str, str]]) -> None:
        g, ds = rec.graph, rec.dataset
        for _, xpath, text in languages:
            code = LANGUAGE_NAMES.get(text.lower(), text)
            target = language_iri(code) if len(code.split("-")[0]) in (2, 3) else None
            if target is not None:
                g.add((ds, DCTERMS.language, target))
            else:
                self.warn(rec, xpath, f"{text[:80]!r} is not an ISO 639 language code", fix="use e.g. 'en' or 'eng'")
                self.keep_unmapped(rec, ds, "dc:language", text)

    def _coverage(self, rec: LiftedRecord, coverages: list[tuple[Any, str, str]]) -> None:
        g, ds = rec.graph, rec.dataset
        for index, (_, xpath, text) in enumerate(coverages):
            pairs = _dcmi_pairs(text) if "=" in text else None
            if pairs and {"northlimit", "southlimit", "eastlimit", "westlimit"} <= pairs.keys():
                box = _box(pairs)
                if box is None:
                    self.warn(rec, xpath, "the DCMI Box has a limit that is not a number in range, or south > north")
                    self.keep_unmapped(rec, ds, "dc:coverage", text)
                else:
                    g.add((self._location(rec, index, pairs.get("name")), DCAT.bbox, bbox_wkt(*box)))
                continue
            if pairs and {"east", "north"} <= pairs.keys():
                east, north = _coordinate(pairs["east"], 180), _coordinate(pairs["north"], 90)
                if east is None or north is None:
                    self.warn(rec, xpath, "the DCMI Point has a coordinate that is not a number in range")
                    self.keep_unmapped(rec, ds, "dc:coverage", text)
                else:
                    point = Literal(f"POINT({east} {north})", datatype=WKT)
                    g.add((self._location(rec, index, pairs.get("name")), DCAT.centroid, point))
                continue
            label = None
            if pairs and ("start" in pairs or "end" in pairs):
                start, end, label = pairs.get("start"), pairs.get("end"), pairs.get("name")
            elif split_interval(text) is not None:
                start, end = split_interval(text)  # type: ignore[misc]
            elif date_literal(text) is not None:
                start = end = text
            else:
                self.keep_unmapped(rec, ds, "dc:coverage", text)  # a place or period name: ambiguous
                continue
            start, end = (None if v in (None, "", "..") else v for v in (start, end))
            begin = date_literal(start) if start else None
            finish = date_literal(end) if end else None
            if (start and begin is None) or (end and finish is None):
                self.warn(
                    rec,
                    xpath,
                    f"{text[:80]!r}: a period end is not an ISO 8601 / W3CDTF date",
                    fix="write the period as start=YYYY-MM-DD; end=YYYY-MM-DD or YYYY-MM-DD/YYYY-MM-DD",
                )
                self.keep_unmapped(rec, ds, "dc:coverage", text)
            if begin is None and finish is None:
                continue
            node = self.node(rec, "period", index)
            g.add((ds, DCTERMS.temporal, node))
            g.add((node, RDF.type, DCTERMS.PeriodOfTime))
            if begin is not None:
                g.add((node, DCAT.startDate, begin))
            if finish is not None:
                g.add((node, DCAT.endDate, finish))
            if label:
                g.add((node, RDFS.label, Literal(label)))

    def _location(self, rec: LiftedRecord, index: int, name: str | None) -> URIRef:
        node = self.node(rec, "location", index)
        rec.graph.add((rec.dataset, DCTERMS.spatial, node))
        rec.graph.add((node, RDF.type, DCTERMS.Location))
        if name:
            rec.graph.add((node, URIRef("http://www.w3.org/ns/locn#geographicName"), Literal(name)))
        return node

    def _rights(self, rec: LiftedRecord, rights: list[tuple[Any, str, str]]) -> None:
        g, ds = rec.graph, rec.dataset
        for (element, _, text) in rights:
            target = iri(text)
            if target is not None and str(target).startswith(_EU_REPO_TYPE):
                g.add((ds, DCTERMS.accessRights, target))
                g.add((target, RDF.type, DCTERMS.RightsStatement))
                continue
            if target is not None and _is_web(target):
                g.add((ds, DCTERMS.license, target))
                g.add((target, RDF.type, DCTERMS.LicenseDocument))
                continue
            named = _LICENCE_URL_RE.search(text)
            licence = iri(named.group(0).rstrip(".")) if named else None
            if licence is not None:
                g.add((ds, DCTERMS.license, licence))
                g.add((licence, RDF.type, DCTERMS.LicenseDocument))
                g.add((licence, RDFS.label, _text_literal(text, _lang(element))))
                continue
            self.add_rights(rec, _text_literal(text, _lang(element)))


# --- value helpers ----------------------------------------------------------------------------


def _box(pairs: dict[str, str]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a DCMI Box, or None when a limit is missing or out of range."""
    west, east = _coordinate(pairs["westlimit"], 180), _coordinate(pairs["eastlimit"], 180)
    south, north = _coordinate(pairs["southlimit"], 90), _coordinate(pairs["northlimit"], 90)
    if west is None or east is None or south is None or north is None or south > north:
        return None
    return west, south, east, north


def _paragraphs(element: Any) -> str | None:
    """Long text: blank-line-separated paragraphs kept, the line breaks of XML indentation not."""
    text = "".join(element.itertext())
    paragraphs = [p for p in (clean_text(part) for part in re.split(r"\n\s*\n", text)) if p]
    return "\n\n".join(paragraphs) or None


def _lang(element: Any) -> str | None:
    return element.get(XML_LANG)


def _qualified(element: Any) -> str:
    prefix = element.prefix
    return f"{prefix}:{_local(element)}" if prefix else _local(element)


def _is_web(target: URIRef) -> bool:
    return str(target).lower().startswith(("http://", "https://"))


def _link(text: str) -> URIRef | None:
    """The IRI a dc:relation / dc:source names: a DOI, an IRI, or Zenodo's ``url:`` form."""
    value = text[4:].strip() if text.lower().startswith("url:") else text
    doi = normalize_doi(value)
    if doi:
        return URIRef(doi_iri(doi))
    found = _related_iri(value, None)
    return found if found is not None else iri(value) if value.lower().startswith("info:") else None


def _type_name(text: str) -> str:
    value = text.strip()
    if value.lower().startswith(_EU_REPO_TYPE):
        value = value[len(_EU_REPO_TYPE) :]
    return value.rsplit("/", 1)[-1].strip().lower() if "dcmitype/" in value else value.lower()


def _dcmi_type(text: str) -> URIRef | None:
    name = _type_name(text)
    found = _DCMI_BY_NAME.get(name.replace(" ", ""))
    if found is None and _TEXT_TYPES_RE.match(name):
        found = _DCMI_BY_NAME["text"]
    return found


def _is_dataset(types: list[str]) -> bool:
    """A dcat:Dataset unless dc:type says it is something else (a publication, software …)."""
    names = [_type_name(t) for t in types]
    if not names or any(n in _DATASET_TYPES or n.startswith("dataset") for n in names):
        return True
    if any(_dcmi_type(t) is not None for t in types):  # a DCMI Type other than Dataset / Collection
        return False
    return not any(_OTHER_KINDS_RE.match(n) for n in names)


__all__ = ["DublinCoreLifter", "OaiHeader", "OaiPage", "read_oai_page"]
