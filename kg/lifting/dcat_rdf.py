"""DCAT RDF as catalogs publish it (DCAT-US 3.0, DCAT-AP 3) in Turtle/TriG, JSON-LD or RDF/XML.

The input already is RDF in the target vocabularies, so lifting is mostly *cutting* and
*renaming*, never re-mapping:

* **Records.** One record per ``dcat:Dataset``; a ``dcat:DatasetSeries`` or ``dcat:DataService``
  is a record too when it has a ``dcterms:identifier`` or a ``dcterms:title`` (DCAT 3 section
  6.3, 6.8, 6.9: all three are ``dcat:Resource`` and described the same way). Catalogs and
  catalog records are not records; their own triples stay out.
* **The record's graph** is the node's Concise Bounded Description, extended to IRI sub-nodes:
  its triples plus, recursively, the triples of every blank node it reaches and of every IRI node
  reachable from this record alone (distributions, contact points, periods, locations, checksums,
  agents ...). The walk never enters another record or a ``dcat:Catalog``. A node shared by two
  records is not copied into either, except the record's own publisher / creator / contributor /
  rights holder (a catalog-wide ``<https://census.gov> foaf:name ...``), whose description every
  record of it gets: the landing page shows ``dcterms:publisher/foaf:name``. The raw record
  (``RawRecord.data``) is exactly these triples, as sorted N-Triples with content-labelled blank
  nodes, so it lifts alone to the same graph.
* **Identity.** The dataset IRI follows the project convention (``https://doi.org/<doi>`` when the
  identifier or the IRI is a DOI, else minted from (source, local id)); local id =
  the first ``dcterms:identifier`` (sorted), else the source IRI. The source's own IRI is kept
  with ``schema:sameAs`` (not owl:sameAs: the minted node is ours, and an owl:sameAs would merge
  everything any other graph says about the source IRI). A blank-node dataset without an
  identifier cannot be given a stable identity → LiftError naming ``dcterms:identifier``.
* **No blank nodes.** Each blank node becomes ``self.node(rec, kind, n)``: kind = the local name
  of the property that reaches it (``contactPoint``, ``temporal`` ...), n = its rank among the
  blank nodes of that kind sorted by (where it hangs, a content signature of its triples), so the
  same description gives the same IRIs whatever the parser's blank-node labels.
* **Agents.** The publisher (and every creator / contributor / rights holder typed as an
  organisation) becomes the shared ``{BASE}agent/{slug(foaf:name)}`` node typed foaf:Organization
  and org:Organization with foaf:name and skos:prefLabel, exactly like the data.json lifter, so one
  agency is one node across formats; its source IRI (when it has one) is kept with schema:sameAs
  and its other triples move onto the agent node. People (foaf:Person, vcard:Individual) are kept
  as published. An agent without foaf:name (or skos:prefLabel / vcard:organization-name /
  vcard:fn) keeps its source IRI, with a warning naming ``dcterms:publisher``: the landing page
  shows ``dcterms:publisher/foaf:name``.
* **Light repairs.** IRI-valued properties given as text (landing page, download/access/endpoint
  URL, licence, e-mail, language) become IRIs; ``dcat:mediaType`` as text or as a relative IRI
  (``"mediaType": "text/csv"`` in the JSON-LD examples) becomes the IANA IRI; plain date
  literals get their xsd datatype; relative ``accrualPeriodicity``/``language`` values that name
  a Dublin Core frequency / ISO 639 code become those IRIs. Values that cannot be repaired are
  kept as text with a warning. Relative IRIs and IRIs no store accepts (``<https://x/a.gpkg>>``)
  never reach the graph: a described node becomes a record sub-node (its IRI text kept under the
  source namespace), a value becomes text. Everything else (dcat-us:*, adms, spdx, dqv, odrs ...)
  is kept exactly as published: it already is RDF, nothing is dropped.

Safety: nothing is ever fetched. JSON-LD ``@context`` references are replaced, before rdflib
sees the document, by a context shipped here (``KNOWN_CONTEXTS``: the DCAT-US 3.0 context URLs);
any other remote context, and any ``@import``, is refused with a LiftError naming ``@context``
(so the DCAT-AP 3 example JSON-LD, whose context is an example-specific remote file, is refused;
their Turtle twins lift). RDF/XML that declares entities or an external DTD is refused before
parsing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD
from rdflib.plugins.serializers.nt import _quoteLiteral

from kg import netpolicy
from kg.errors import LiftError
from kg.formats import DCAT_RDF
from kg.lifting.base import LiftedRecord, Lifter, RawRecord
from kg.lifting.common import (
    FREQUENCIES,
    date_literal,
    iri,
    language_iri,
    language_tag,
    mailto,
    media_type_iri,
    valid_iri,
    without_lone_surrogates,
)
from kg.lifting.xmlsafe import parse_xml
from kg.namespaces import SDO, VCARD, agent_iri, normalize_doi
from kg.report import Severity

ORG = "http://www.w3.org/ns/org#"
ORG_ORGANIZATION = URIRef(ORG + "Organization")
DCAT_NS = str(DCAT)
DATASET_SERIES = URIRef(DCAT_NS + "DatasetSeries")
RECORD_TYPES = (DCAT.Dataset, DATASET_SERIES, DCAT.DataService)
# Relative IRIs in the source are resolved against this base, then found and repaired or warned.
RELATIVE_BASE = "https://relative.invalid/"

# --- JSON-LD context shipped with the lifter ------------------------------------------------
# A flat, minimal context for the terms the DCAT-US 3.0 examples use, written for this lifter
# from the DCAT-US 3.0 term table (https://github.com/DOI-DO/dcat-us, context/dcat-us-3.0.jsonld).
# Differences from the official file, on purpose: terms are not type-scoped (the official
# context's scoped definitions agree on every term used here except ``title``, which is
# vcard:title inside vcard:Kind only, and ``version``); ``org:`` is the W3C ORG namespace
# (the official context spells it ``http://www.w3c.org/ns/org#``, which no vocabulary uses), so
# a JSON-LD record and its Turtle twin give the same ``org:Organization`` type; ``hasAddress``
# (used by the examples, absent from the official context) is vcard:hasAddress; bare class names
# (``"@type": "Dataset"``, also absent) are the DCAT classes (``_CLASS_TERMS``). Terms defined
# nowhere are dropped by JSON-LD processing, as they would be with the official context.
_PREFIXES = {
    "adms": "http://www.w3.org/ns/adms#",
    "cnt": "http://www.w3.org/2011/content#",
    "dcat": DCAT_NS,
    "dcatap": "http://data.europa.eu/r5r/",
    "dcat-us": "http://data.resources.gov/ontology/dcat-us#",
    "dcat-us-shp": "http://data.resources.gov/shapes/dcat-us#",
    "dcterms": "http://purl.org/dc/terms/",
    "dqv": "http://www.w3.org/ns/dqv#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "gsp": "http://www.opengis.net/ont/geosparql#",
    "locn": "http://www.w3.org/ns/locn#",
    "odrs": "http://schema.theodi.org/odrs#",
    "org": ORG,
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# term -> IRI (a plain-text or typed-by-the-document value)
_TEXT_TERMS = {
    "abstract": "dcterms:abstract", "altLabel": "skos:altLabel", "attributionText": "odrs:attributionText",
    "bbox": "dcat:bbox", "bibliographicCitation": "dcterms:bibliographicCitation", "centroid": "dcat:centroid",
    "characterEncoding": "cnt:characterEncoding", "country-name": "vcard:country-name",
    "created": "dcterms:created", "cuiBannerMarking": "dcat-us:cuiBannerMarking", "definition": "skos:definition",
    "description": "dcterms:description", "designationIndicator": "dcat-us:designationIndicator",
    "endDate": "dcat:endDate", "family-name": "vcard:family-name", "fn": "vcard:fn", "geometry": "locn:geometry",
    "given-name": "vcard:given-name", "givenName": "foaf:givenName", "identifier": "dcterms:identifier",
    "issued": "dcterms:issued", "keyword": "dcat:keyword", "label": "rdfs:label", "licenseText": "spdx:licenseText",
    "locality": "vcard:locality", "modified": "dcterms:modified", "name": "foaf:name",
    "notation": "skos:notation", "postal-code": "vcard:postal-code", "prefLabel": "skos:prefLabel",
    "region": "vcard:region", "restrictionNote": "dcat-us:restrictionNote", "schemaAgency": "adms:schemaAgency",
    "scopeNote": "skos:scopeNote", "startDate": "dcat:startDate", "street-address": "vcard:street-address",
    "title": "dcterms:title", "value": "dqv:value", "version": "dcat:version",
}  # fmt: skip
# term -> IRI whose string values are IRIs ("@type": "@id")
_IRI_TERMS = {
    "accessRestriction": "dcat-us:accessRestriction", "accessRights": "dcterms:accessRights",
    "accessService": "dcat:accessService", "accessURL": "dcat:accessURL",
    "accrualPeriodicity": "dcterms:accrualPeriodicity", "agent": "prov:agent", "algorithm": "spdx:algorithm",
    "category": "dcterms:type", "checksum": "spdx:checksum", "conformsTo": "dcterms:conformsTo",
    "contactPoint": "dcat:contactPoint", "contributor": "dcterms:contributor", "creator": "dcterms:creator",
    "cuiRestriction": "dcat-us:cuiRestriction", "dataset": "dcat:dataset", "distribution": "dcat:distribution",
    "downloadURL": "dcat:downloadURL", "endpointDescription": "dcat:endpointDescription",
    "endpointURL": "dcat:endpointURL", "expectedDataType": "dqv:expectedDataType", "format": "dcterms:format",
    "geographicBoundingBox": "dcat-us:geographicBoundingBox", "hadRole": "dcat:hadRole",
    "hasAddress": "vcard:hasAddress", "hasEmail": "vcard:hasEmail", "homepage": "foaf:homepage",
    "image": "schema:image", "inDimension": "dqv:inDimension", "inScheme": "skos:inScheme",
    "inSeries": "dcat:inSeries", "isMeasurementOf": "dqv:isMeasurementOf",
    "isReferencedBy": "dcterms:isReferencedBy", "landingPage": "dcat:landingPage", "language": "dcterms:language",
    "liabilityStatement": "dcat-us:liabilityStatement", "license": "dcterms:license",
    "mediaType": "dcat:mediaType", "metadataDistribution": "dcat-us:metadataDistribution",
    "otherIdentifier": "adms:identifier", "packageFormat": "dcat:packageFormat", "page": "foaf:page",
    "primaryTopic": "foaf:primaryTopic", "provenance": "dcterms:provenance", "publisher": "dcterms:publisher",
    "qualifiedAttribution": "prov:qualifiedAttribution", "qualifiedRelation": "dcat:qualifiedRelation",
    "relation": "dcterms:relation", "restrictionStatus": "dcat-us:restrictionStatus", "rights": "dcterms:rights",
    "rightsHolder": "dcterms:rightsHolder", "sample": "adms:sample", "seriesMember": "dcat:seriesMember",
    "servesDataset": "dcat:servesDataset", "service": "dcat:service", "spatial": "dcterms:spatial",
    "specificRestriction": "dcat-us:specificRestriction", "supportedSchema": "adms:supportedSchema",
    "tel": "vcard:tel", "temporal": "dcterms:temporal", "theme": "dcat:theme", "themeTaxonomy": "dcat:themeTaxonomy",
    "unitMeasure": "sdmx-attribute:unitMeasure", "useRestriction": "dcat-us:useRestriction",
    "wasGeneratedBy": "prov:wasGeneratedBy",
}  # fmt: skip
# term -> (IRI, datatype)
_TYPED_TERMS = {
    "byteSize": ("dcat:byteSize", "xsd:nonNegativeInteger"),
    "spatialResolutionInMeters": ("dcat:spatialResolutionInMeters", "xsd:decimal"),
    "temporalResolution": ("dcat:temporalResolution", "xsd:duration"),
    **{
        f"{side}Bounding{axis}": (f"dcat-us:{side}Bounding{axis}", "xsd:decimal")
        for side, axis in (("east", "Longitude"), ("west", "Longitude"), ("north", "Latitude"), ("south", "Latitude"))
    },
}
# term -> IRI of language maps ("titleMap": {"es": "..."})
_LANGUAGE_MAPS = {
    "titleMap": "dcterms:title", "descriptionMap": "dcterms:description", "keywordMap": "dcat:keyword",
    "labelMap": "rdfs:label", "prefLabelMap": "skos:prefLabel", "restrictionNoteMap": "dcat-us:restrictionNote",
}  # fmt: skip

# Class names some examples use bare ("@type": "Dataset"); the official context leaves them
# undefined, so they would become relative IRIs. Their Turtle twins say dcat:Dataset etc.
_CLASS_TERMS = {
    "Catalog": "dcat:Catalog", "CatalogRecord": "dcat:CatalogRecord", "Dataset": "dcat:Dataset",
    "DatasetSeries": "dcat:DatasetSeries", "DataService": "dcat:DataService", "Distribution": "dcat:Distribution",
    "Location": "dcterms:Location", "PeriodOfTime": "dcterms:PeriodOfTime", "Relationship": "dcat:Relationship",
}  # fmt: skip

DCAT_US_3_CONTEXT: dict[str, object] = {
    "@version": 1.1,
    **_PREFIXES,
    **_CLASS_TERMS,
    **_TEXT_TERMS,
    **{term: {"@id": curie, "@type": "@id"} for term, curie in _IRI_TERMS.items()},
    **{term: {"@id": curie, "@type": datatype} for term, (curie, datatype) in _TYPED_TERMS.items()},
    **{term: {"@id": curie, "@container": "@language"} for term, curie in _LANGUAGE_MAPS.items()},
}

# Remote contexts we ship a local equivalent for; every other remote context is refused.
KNOWN_CONTEXTS: dict[str, dict[str, object]] = {
    url: DCAT_US_3_CONTEXT
    for url in (
        "https://raw.githubusercontent.com/DOI-DO/dcat-us/main/context/dcat-us-3.0.jsonld",
        "https://raw.githubusercontent.com/DOI-DO/dcat-us/refs/heads/main/context/dcat-us-3.0.jsonld",
        "https://doi-do.github.io/dcat-us/context/dcat-us-3.0.jsonld",
    )
}

# --- normalisation tables -------------------------------------------------------------------
DATE_PROPERTIES = {DCTERMS.issued, DCTERMS.modified, DCTERMS.created, DCAT.startDate, DCAT.endDate}
_DCATUS = "http://data.resources.gov/ontology/dcat-us#"
ADMS_IDENTIFIER = URIRef("http://www.w3.org/ns/adms#identifier")
# DCAT-US 3.0 GeographicBoundingBox sides are xsd:decimal; JSON-LD reads 176 as xsd:integer and
# 176.5 as xsd:double, so a bare JSON number is given the decimal datatype the profile states.
DECIMAL_PROPERTIES = {
    URIRef(_DCATUS + side)
    for side in ("westBoundingLongitude", "eastBoundingLongitude", "northBoundingLatitude", "southBoundingLatitude")
}
IRI_PROPERTIES = {DCAT.landingPage, DCAT.downloadURL, DCAT.accessURL, DCTERMS.license, DCAT.endpointURL}
AGENT_PROPERTIES = (DCTERMS.publisher, DCTERMS.creator, DCTERMS.contributor, DCTERMS.rightsHolder)
ORGANIZATION_TYPES = {FOAF.Organization, ORG_ORGANIZATION, URIRef("http://www.w3c.org/ns/org#Organization")}
PERSON_TYPES = {FOAF.Person, VCARD.Individual}
NAME_PROPERTIES = (FOAF.name, SKOS.prefLabel, VCARD["organization-name"], VCARD.fn)

_BAD_IRI = re.compile(r'[<>"{}|\\^`\s]')


def _bad_iri(text: str) -> bool:
    """An IRI no store can hold: characters RFC 3987 forbids, or not an absolute IRI at all (a
    scheme such as ``https&``, a broken host or port), which rdflib's parsers let through."""
    return bool(_BAD_IRI.search(text)) or not valid_iri(text)


def _n3(term: object) -> str:
    """``term.n3()``, or its escaped N-Triples form for an IRI rdflib refuses to write."""
    try:
        return term.n3()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - rdflib raises a bare Exception for such IRIs
        return _nt(term, {})


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


_FETCHED_CONTEXTS: dict[str, object] = {}  # allowlisted remote contexts, fetched once per process


def _allowed_context(url: str, source_file: str) -> object:
    """The ``@context`` of the context document at ``url``, which ``KG_FETCH_ALLOWLIST`` names:
    fetched once per process (kg.netpolicy.fetch: size cap, time limit, redirects re-checked)."""
    if url not in _FETCHED_CONTEXTS:
        try:
            document = netpolicy.fetch_json(url, "remote JSON-LD context")
        except (netpolicy.FetchRefused, netpolicy.FetchFailed) as exc:
            raise LiftError(str(exc), source_file=source_file, field="@context") from exc
        if not isinstance(document, dict) or "@context" not in document:
            raise LiftError(
                f"remote JSON-LD context {url} holds no @context", source_file=source_file, field="@context"
            )
        _FETCHED_CONTEXTS[url] = document["@context"]
    return _FETCHED_CONTEXTS[url]


class DcatRdfLifter(Lifter):
    """One record per dcat:Dataset (and titled/identified DatasetSeries and DataService)."""

    format = DCAT_RDF
    version = "1.1"

    # --- detection ----------------------------------------------------------------------

    def detect(self, data: bytes, filename: str) -> float:
        head = data[:200_000].lstrip(b"\xef\xbb\xbf \t\r\n")
        if head.startswith((b"{", b"[")):
            # JSON-LD only: the DCAT-US 3.0 context or dcat:-typed nodes; never schema.org JSON-LD
            # (which may declare a dcat: prefix), a POD data.json catalog or the context-free
            # DCAT-US 3.0 JSON form (both the data.json lifter's).
            if b'"@context"' not in head or b"project-open-data" in head:
                return 0.0
            if re.search(rb'"@(context|vocab)"\s*:\s*"https?://schema\.org', head):
                return 0.0
            dcat_us = re.search(rb"DOI-DO/dcat-us|dcat-us-3\.0\.jsonld", head) is not None
            typed = re.search(rb'"@type"\s*:\s*(\[[^\]]*)?"dcat:(Dataset|DatasetSeries|DataService|Catalog)"', head)
            bare = re.search(rb'"@type"\s*:\s*(\[[^\]]*)?"(Dataset|DatasetSeries|DataService|Catalog)"', head)
            if typed or (dcat_us and bare):
                return 1.0  # above the data.json lifter's score for JSON mentioning "dcat:Catalog"
            return 0.9 if dcat_us else 0.0
        if head.startswith(b"<") and (b"<rdf:RDF" in head or b"22-rdf-syntax-ns#" in head):
            if re.search(rb"dcat#(Dataset|DatasetSeries|DataService|Catalog)\b|<dcat:(Dataset|Catalog)\b", head):
                return 0.95
            return 0.0
        if head.startswith(b"<") and not re.search(rb"@prefix|PREFIX", head):
            return 0.0  # other XML (DataCite, ISO 19139, EML)
        # Turtle / TriG / N-Triples: a node typed with a DCAT class (not a SHACL or OWL file
        # that merely names dcat:Dataset as a target or an equivalent class).
        typed_as = rb"(\ba|rdf:type|22-rdf-syntax-ns#type>)\s+[^.;]*?(dcat:|/ns/dcat#)"
        if re.search(typed_as + rb"(Dataset|DatasetSeries|DataService|Catalog)\b", head):
            return 0.95
        if re.search(typed_as + rb"(Distribution|CatalogRecord)\b", head):
            return 0.6  # a DCAT fragment: claimed, and refused by split with the reason
        return 0.0

    # --- parsing ------------------------------------------------------------------------

    def parse(self, data: bytes, *, source_file: str) -> Graph:
        """The whole input as an rdflib Graph, parsed without any network or file access."""
        try:
            text = _decode(data)
        except UnicodeDecodeError as exc:
            raise LiftError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source_file=source_file) from exc
        graph = Graph()
        stripped = text.lstrip()
        # rdflib would fetch a remote context or entity it meets; guard() stops any fetch the
        # allowlist does not name, should one ever slip past the refusals below.
        with netpolicy.guard("address named in the document"):
            try:
                if stripped.startswith(("{", "[")):
                    document = self._local_contexts(without_lone_surrogates(text), source_file)
                    graph.parse(data=json.dumps(document), format="json-ld", base=RELATIVE_BASE)
                elif stripped.startswith("<") and ("<rdf:RDF" in text[:20000] or "22-rdf-syntax-ns#" in text[:20000]):
                    self._refuse_entities(text, source_file)
                    # The guard the XML lifters share (no text node over 10 MB, no tree over 256
                    # levels): rdflib's RDF/XML parser takes time quadratic in a text node's size.
                    parse_xml(text.encode("utf-8"), source_file)
                    graph.parse(data=text.encode("utf-8"), format="xml", publicID=RELATIVE_BASE)
                else:
                    text = without_lone_surrogates(text)
                    try:
                        graph.parse(data=text, format="turtle", publicID=RELATIVE_BASE)
                    except Exception:
                        if not re.search(r"\{|\bGRAPH\b", text):
                            raise
                        from rdflib import Dataset

                        quads = Dataset()
                        quads.parse(data=text, format="trig", publicID=RELATIVE_BASE)
                        for s, p, o, _ in quads.quads((None, None, None, None)):
                            graph.add((s, p, o))
            except LiftError:
                raise
            except netpolicy.FetchRefused as exc:  # guard(): rdflib tried to fetch; nothing was sent
                raise LiftError(str(exc), source_file=source_file, field="@context") from exc
            except Exception as exc:  # rdflib raises many types (BadSyntax, SAXParseException, ValueError)
                message = re.sub(r"\s+", " ", str(exc)).strip()[:300]
                raise LiftError(f"not valid RDF: {type(exc).__name__}: {message}", source_file=source_file) from exc
        return graph

    def _local_contexts(self, text: str, source_file: str) -> object:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LiftError(
                f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", source_file=source_file
            ) from exc
        except RecursionError as exc:
            raise LiftError("JSON nested too deeply", source_file=source_file) from exc

        def context(value: object, seen: frozenset[str] = frozenset()) -> object:
            # seen: the allowed remote contexts being inlined here (a context may not include itself)
            if isinstance(value, str) and value.strip() in seen:
                raise LiftError(
                    f"remote JSON-LD context {value} includes itself", source_file=source_file, field="@context"
                )
            if isinstance(value, str):
                known = KNOWN_CONTEXTS.get(value.strip())
                if known is not None:
                    return known
                if not netpolicy.is_allowed(value.strip()):
                    raise LiftError(
                        f"remote JSON-LD context {value} is not fetched (only contexts shipped with the "
                        f"lifter, or named by {netpolicy.SETTING}, are used: "
                        f"{netpolicy.refusal_reason(value.strip())}); inline the context or use the "
                        "DCAT-US 3.0 context URL",
                        source_file=source_file,
                        field="@context",
                    )
                return context(_allowed_context(value.strip(), source_file), seen | {value.strip()})
            if isinstance(value, list):
                return [context(v, seen) for v in value]
            if isinstance(value, dict):
                if "@import" in value:
                    target = value["@import"]
                    if not (isinstance(target, str) and netpolicy.is_allowed(target.strip())):
                        raise LiftError(
                            f"remote JSON-LD context {target} (@import) is not fetched "
                            f"({netpolicy.refusal_reason(target if isinstance(target, str) else None)})",
                            source_file=source_file,
                            field="@context",
                        )
                    if target.strip() in seen:
                        raise LiftError(
                            f"remote JSON-LD context {target} includes itself",
                            source_file=source_file,
                            field="@context",
                        )
                    imported = context(_allowed_context(target.strip(), source_file), seen | {target.strip()})
                    if not isinstance(imported, dict):
                        raise LiftError(
                            f"remote JSON-LD context {target} (@import) is not a context object",
                            source_file=source_file,
                            field="@context",
                        )
                    # JSON-LD 1.1 §4.1.10: the importing context's own terms win.
                    value = {**imported, **{k: v for k, v in value.items() if k != "@import"}}
                # Read like a node: rdflib fetches an "@context" nested in a context object too.
                return walk(value, seen)
            return value

        def walk(node: object, seen: frozenset[str] = frozenset()) -> object:
            if isinstance(node, dict):
                return {k: context(v, seen) if k == "@context" else walk(v, seen) for k, v in node.items()}
            if isinstance(node, list):
                return [walk(v, seen) for v in node]
            return node

        return walk(document)

    @staticmethod
    def _refuse_entities(text: str, source_file: str) -> None:
        doctype = re.search(r"<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", text, re.DOTALL)
        if "<!ENTITY" in text or (doctype and re.search(r"\b(SYSTEM|PUBLIC)\b", doctype.group(0))):
            raise LiftError(
                "the document declares XML entities or an external DTD; refused for safety "
                "(nothing is expanded or fetched)",
                source_file=source_file,
                field="DOCTYPE",
            )

    # --- splitting ----------------------------------------------------------------------

    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        graph = self.parse(data, source_file=source_file)
        roots: list[URIRef | BNode] = []
        for rtype in RECORD_TYPES:
            for node in graph.subjects(RDF.type, rtype, unique=True):
                if node in roots:
                    continue
                described = (node, DCTERMS.identifier, None) in graph or (node, DCTERMS.title, None) in graph
                if rtype != DCAT.Dataset and not described:
                    continue
                roots.append(node)
        if not roots:
            raise LiftError(
                "the input describes no dcat:Dataset (nor a titled dcat:DatasetSeries or dcat:DataService)",
                source_file=source_file,
                field="rdf:type",
            )
        roots.sort(key=lambda n: (isinstance(n, BNode), _signature(graph, n)))
        stop = set(roots) | set(graph.subjects(RDF.type, DCAT.Catalog))
        reach = {root: _reachable(graph, root, stop) for root in roots}
        owners: dict[object, int] = {}
        for nodes in reach.values():
            for n in nodes:
                owners[n] = owners.get(n, 0) + 1
        for index, root in enumerate(roots):
            identifiers = sorted(
                str(o) for o in graph.objects(root, DCTERMS.identifier) if isinstance(o, Literal) and str(o).strip()
            )
            doi = next((d for d in map(normalize_doi, identifiers) if d), None)
            if doi is None and isinstance(root, URIRef):
                doi = normalize_doi(str(root))
            if doi:
                local_id = doi
            elif identifiers:
                local_id = identifiers[0].strip()
            elif isinstance(root, URIRef):
                local_id = str(root).removeprefix(RELATIVE_BASE)  # a relative IRI: as written
            else:
                title = graph.value(root, DCTERMS.title)
                yield LiftError(
                    "a blank-node dataset needs a dcterms:identifier to be given a stable identity",
                    source_file=source_file,
                    record=f"'{str(title)[:60]}'" if title else f"#{index}",
                    field="dcterms:identifier",
                )
                continue
            # The root, its blank nodes, and IRI nodes reachable from this record only. A blank
            # node that hangs off an IRI node shared with other records is that node's, not ours.
            candidates = [root] + [n for n in reach[root] if isinstance(n, BNode) or owners[n] == 1]
            within = _reachable(graph, root, set(), among=set(candidates))
            members = [root] + [n for n in candidates[1:] if n in within]
            # Agents shared with other records come too: the landing page shows their name.
            for prop in AGENT_PROPERTIES:
                for agent in graph.objects(root, prop):
                    if isinstance(agent, URIRef) and agent not in members and (agent, None, None) in graph:
                        members.append(agent)
                        # Its blank nodes: those reached through blank nodes, not through other IRI nodes.
                        blank = {n for n in _reachable(graph, agent, stop) if isinstance(n, BNode)}
                        members += [n for n in _reachable(graph, agent, stop, among=blank) if n not in members]
            # The record's bytes: its triples as sorted N-Triples, blank nodes labelled by their
            # content, so the same description always has the same bytes (and fingerprint).
            labels = {
                b: "_:b" + hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:20]
                for b, key in _bnode_keys(graph, members).items()
            }
            labels.setdefault(root, "_:record")  # type: ignore[arg-type]
            lines = {
                f"{_nt(n, labels)} {_nt(p, labels)} {_nt(o, labels)} .\n"
                for n in members
                for p, o in graph.predicate_objects(n)
            }
            nt = "".join(sorted(lines))
            yield RawRecord(
                data=nt.encode("utf-8"),
                local_id=local_id,
                pointer=f"<{root}>" if isinstance(root, URIRef) else f"#{index}",
                source_file=source_file,
                media_type="application/n-triples",
                parsed=(graph, root, members),
            )

    # --- lifting ------------------------------------------------------------------------

    def lift(self, raw: RawRecord, *, source: str) -> LiftedRecord:
        if raw.parsed is not None:
            graph, root, members = raw.parsed  # type: ignore[misc]
        else:
            graph = Graph().parse(data=raw.data.decode("utf-8"), format="nt")
            if raw.pointer.startswith("<"):
                root = URIRef(raw.pointer[1:-1])
            else:  # a blank-node record: the typed node nothing points to
                objects = set(graph.objects())
                root = next((n for t in RECORD_TYPES for n in graph.subjects(RDF.type, t) if n not in objects), None)
            if root is None:
                raise LiftError("record has no dataset node to lift", source_file=raw.source_file, record=raw.local_id)
            members = [root, *_reachable(graph, root, {root})]
        doi = normalize_doi(raw.local_id) or (normalize_doi(str(root)) if isinstance(root, URIRef) else None)
        rec = self.new_record(raw, source=source, doi=doi)
        ds = rec.dataset
        renamed: dict[object, URIRef] = {root: ds}
        if isinstance(root, URIRef) and root != ds and not root.startswith(RELATIVE_BASE):
            if _bad_iri(root):
                self.keep_unmapped(rec, ds, "iri", str(root))
                self.warn(rec, "@id", f"{str(root)[:80]!r} is not an absolute, valid IRI", fix="fix the IRI")
            else:
                rec.graph.add((ds, SDO.sameAs, root))

        # Blank nodes → record sub-node IRIs, ranked by content within their kind.
        keys = _bnode_keys(graph, members)
        kinds = {b: key[0] for b, key in keys.items()}
        counters: dict[str, int] = {}
        for b in sorted(kinds, key=lambda b: keys[b]):
            kind = kinds[b]
            renamed[b] = self.node(rec, kind, counters.get(kind, 0))
            counters[kind] = counters.get(kind, 0) + 1

        # IRIs no store can hold (the examples have "<https://example.com/x.gpkg>" typos) and
        # relative IRIs (meaningless outside the file): a described node becomes a record
        # sub-node with its text kept; a value becomes text (``_value``).
        odd = sorted(
            m for m in members if isinstance(m, URIRef) and m != root and (_bad_iri(m) or m.startswith(RELATIVE_BASE))
        )
        for index, n in enumerate(odd):
            text = str(n).removeprefix(RELATIVE_BASE)
            renamed[n] = self.node(rec, "node", index)
            self.keep_unmapped(rec, renamed[n], "iri", text)
            self.warn(
                rec, "@id", f"{text[:80]!r} is not an absolute, valid IRI; the node is renamed", fix="fix the IRI"
            )

        agents = self._agents(rec, graph, root, members, renamed)

        def name(term: object) -> object:
            return renamed.get(term, term)

        for n in members:
            if n in agents:
                continue  # written by _agents
            for p, o in graph.predicate_objects(n):
                if _bad_iri(p):
                    self.warn(rec, "@id", f"property {str(p)[:80]!r} is not a valid IRI; kept as text")
                    self.keep_unmapped(rec, name(n), "property", f"{p} {name(o)}")  # type: ignore[arg-type]
                    continue
                s2, o2 = name(n), self._value(rec, p, name(o), str(name(n)))
                if p == DCTERMS.identifier and o2 is not None and not isinstance(o2, Literal):
                    # an adms:Identifier node given as dcterms:identifier (DCAT-US 3.0 wants a
                    # literal there; "other identifiers" are adms:identifier)
                    self.warn(
                        rec,
                        "dcterms:identifier",
                        "dcterms:identifier holds a node, not a literal; it is read as adms:identifier",
                        fix="give other identifiers with adms:identifier (DCAT-US 3.0 otherIdentifier)",
                    )
                    p = ADMS_IDENTIFIER
                if o2 is not None:
                    rec.graph.add((s2, p, o2))

        if (ds, DCTERMS.title, None) not in rec.graph:
            self.warn(
                rec,
                "dcterms:title",
                "the dataset has no dcterms:title",
                fix="add dcterms:title",
                severity=Severity.VIOLATION,
            )
        return rec

    def _agents(
        self,
        rec: LiftedRecord,
        graph: Graph,
        root: object,
        members: list[object],
        renamed: dict[object, URIRef],
    ) -> set[object]:
        """Organisations → the shared name-based agent node; returns the source nodes it replaced."""
        replaced: set[object] = set()
        for prop in AGENT_PROPERTIES:
            for agent in sorted(graph.objects(root, prop), key=str):
                if isinstance(agent, Literal):
                    continue
                types = set(graph.objects(agent, RDF.type))
                if types & PERSON_TYPES or (prop != DCTERMS.publisher and not types & ORGANIZATION_TYPES):
                    continue
                names = [
                    sorted(str(o).strip() for o in graph.objects(agent, p) if str(o).strip()) for p in NAME_PROPERTIES
                ]
                label = next((found[0] for found in names if found), None)
                if label is None:
                    self.warn(
                        rec,
                        f"dcterms:{_local_name(prop)}",
                        f"{_n3(agent) if isinstance(agent, URIRef) else 'agent'} has no foaf:name; "
                        "it is kept as published and shows without a name",
                        fix="give the agent a foaf:name",
                    )
                    continue
                node = URIRef(agent_iri(str(label)))
                renamed[agent] = node
                replaced.add(agent)
                g = rec.graph
                g.add((node, RDF.type, FOAF.Organization))
                g.add((node, RDF.type, ORG_ORGANIZATION))
                if (agent, FOAF.name, None) not in graph:
                    g.add((node, FOAF.name, Literal(str(label))))
                if (agent, SKOS.prefLabel, None) not in graph:
                    g.add((node, SKOS.prefLabel, Literal(str(label))))
                if isinstance(agent, URIRef) and not (_bad_iri(agent) or agent.startswith(RELATIVE_BASE)):
                    g.add((node, SDO.sameAs, agent))
                # The agent's own description moves onto the shared node (even when the agent is
                # shared by several records: its name is what the landing page shows).
                for p, o in graph.predicate_objects(agent):
                    if isinstance(o, BNode) and o not in renamed:
                        continue  # a blank node of an agent described outside this record
                    value = self._value(rec, p, renamed.get(o, o), str(node))
                    if value is not None and not _bad_iri(p):
                        g.add((node, p, value))
        return replaced

    def _value(self, rec: LiftedRecord, prop: URIRef, value: object, subject: str) -> object | None:
        """Repair values published with the wrong kind of term (text for an IRI, an untyped date)."""
        field = _n3(prop)
        if isinstance(value, URIRef) and str(value).startswith(RELATIVE_BASE):
            text = str(value)[len(RELATIVE_BASE) :]
            if not text:  # rdflib's JSON-LD parser resolves an IRI it cannot parse to the base
                self.warn(rec, field, "an IRI the JSON-LD parser could not read was left out", fix="fix the IRI")
                return None
            if prop == DCAT.mediaType and media_type_iri(text) is not None:
                return media_type_iri(text)
            if prop == DCTERMS.language and language_iri(text) is not None:
                return language_iri(text)
            if prop == DCTERMS.accrualPeriodicity and text in FREQUENCIES.values():
                return URIRef(f"http://purl.org/cld/freq/{text}")
            self.warn(rec, field, f"relative IRI {text!r} kept as text", fix="use an absolute IRI")
            return Literal(text)
        if isinstance(value, URIRef) and _bad_iri(value):
            self.warn(rec, field, f"{str(value)[:80]!r} is not a valid IRI; kept as text", fix="fix the IRI")
            return Literal(str(value))
        if not isinstance(value, Literal):
            return value
        if value.datatype is not None and not valid_iri(str(value.datatype)):
            # rdflib's JSON-LD parser turns '"@type": [...]' on a value into such a "datatype"
            self.warn(rec, field, f"datatype {str(value.datatype)[:80]!r} is not an IRI; the value is kept as text")
            value = Literal(str(value))
        elif value.language and not language_tag(value.language):
            self.warn(rec, field, f"{value.language[:40]!r} is not a BCP 47 language tag; the value is kept as text")
            value = Literal(str(value))
        text = str(value).strip()
        if prop in DECIMAL_PROPERTIES and value.datatype in (XSD.integer, XSD.double, XSD.float):
            try:
                number = Decimal(text)
            except InvalidOperation:
                return value
            return Literal(format(number, "f"), datatype=XSD.decimal) if number.is_finite() else value
        if prop == DCAT.mediaType:
            fixed = media_type_iri(text)
        elif prop == VCARD.hasEmail:
            fixed = mailto(text)
        elif prop == DCTERMS.language:
            fixed = language_iri(text)
        elif prop in IRI_PROPERTIES:
            fixed = iri(text)
        elif prop in DATE_PROPERTIES and value.datatype is None and value.language is None:
            dated = date_literal(text)
            if dated is None:
                self.warn(rec, field, f"{text[:40]!r} is not an ISO 8601 date", fix="use YYYY-MM-DD")
            return dated or value
        else:
            return value
        if fixed is None:
            self.warn(rec, field, f"{text[:80]!r} should be an IRI; kept as text")
            return value
        return fixed


def _local_name(prop: object) -> str:
    text = str(prop)
    return re.split(r"[#/]", text)[-1] or "node"


def _reachable(graph: Graph, root: object, stop: set[object], among: set[object] | None = None) -> list[object]:
    """Nodes reachable from ``root`` by following objects that have triples, not entering ``stop``
    (and only through nodes ``among``, when given)."""
    seen: dict[object, None] = {}
    todo = [root]
    while todo:
        node = todo.pop()
        for o in graph.objects(node, None):
            if isinstance(o, Literal) or o in seen or o in stop or o == root or (among is not None and o not in among):
                continue
            if (o, None, None) in graph:
                seen[o] = None
                todo.append(o)
    return list(seen)


def _nt(term: object, labels: dict[BNode, str]) -> str:
    """N-Triples text of a term; a blank node gets its content-based label."""
    if isinstance(term, BNode):
        return labels[term]
    if isinstance(term, Literal):
        return _quoteLiteral(term)  # N-Triples escaping (no multi-line literals)
    text = str(term)
    if _BAD_IRI.search(text):  # kept for the lifter to rename; escaped so the line stays valid
        text = "".join(f"\\u{ord(c):04X}" if _BAD_IRI.match(c) or c == "\\" else c for c in text)
    return f"<{text}>"


def _bnode_keys(graph: Graph, members: list[object]) -> dict[BNode, tuple[str, str, str, int]]:
    """A stable, unique sort key for every blank node a record reaches.

    (kind, where it hangs, its content, n): kind = the local name of the property reaching it;
    two blank nodes with the same content (one access restriction per distribution) are told
    apart by the smallest (subject, property) that reaches them, and truly interchangeable ones
    (same content, same place) by a counter.
    """
    kinds: dict[BNode, str] = {}
    best: dict[BNode, tuple[str, str, str]] = {}
    for n in members:
        for p, o in graph.predicate_objects(n):
            if isinstance(o, BNode):
                kinds.setdefault(o, _local_name(p))
                key = (kinds[o], f"{_signature(graph, n)} {p}", _signature(graph, o))
                best[o] = min(best.get(o, key), key)
    keys: dict[BNode, tuple[str, str, str, int]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for b in sorted(best, key=lambda b: best[b]):
        count = seen.get(best[b], 0)
        seen[best[b]] = count + 1
        keys[b] = (*best[b], count)
    return keys


def _signature(graph: Graph, node: object, path: frozenset[object] = frozenset()) -> str:
    """A content hash of a node's description that does not depend on blank-node labels."""
    if not isinstance(node, BNode):
        return _n3(node) if hasattr(node, "n3") else str(node)
    if node in path:
        return "_:cycle"
    inner = path | {node}
    parts = sorted(
        f"{_n3(p)} {_signature(graph, o, inner) if isinstance(o, BNode) else _n3(o)}"
        for p, o in graph.predicate_objects(node)
    )
    return "_:" + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


__all__ = ["DCAT_US_3_CONTEXT", "KNOWN_CONTEXTS", "DcatRdfLifter"]
