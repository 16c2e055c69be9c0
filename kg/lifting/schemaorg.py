"""schema.org ``Dataset`` JSON-LD (science-on-schema.org conventions) → DCAT 3 / DCTERMS / FOAF.

Follows the ESIP science-on-schema.org guide for Dataset
(https://github.com/ESIPFed/science-on-schema.org/blob/main/guides/Dataset.md, "SOSO") and maps
each term in the same shape as the DataCite lifter, so one dataset published both ways gives the
same facts:

=========================  =====================================================================
schema.org                 RDF
=========================  =====================================================================
@id / identifier / url /   the dataset IRI ``https://doi.org/<doi>`` when any of them holds a DOI
sameAs (DOI)               (SOSO "Identifier"); ``dcterms:identifier`` the DOI, else the record's
                           own identifier; other identifiers → ``adms:identifier``
name, alternateName        ``dcterms:title``, ``dcterms:alternative``
description                ``dcterms:description``
url                        ``dcat:landingPage``
keywords                   ``dcat:keyword`` (comma-separated text, lists, DefinedTerm); a
                           DefinedTerm with ``inDefinedTermSet`` is also a ``dcat:theme``
                           skos:Concept in a skos:ConceptScheme (SOSO "Keywords")
creator / author           ``dcterms:creator``; contributor → ``dcterms:contributor``;
                           publisher → ``dcterms:publisher``; provider / sourceOrganization →
                           ``schema:provider`` / ``schema:sourceOrganization``. People are their
                           ORCID IRI or a node of the record (foaf:Person); organisations are
                           ``{BASE}agent/{slug(name)}`` (foaf:Organization, org:Organization,
                           foaf:name, skos:prefLabel) as in the data.json and DataCite lifters;
                           affiliation → ``org:memberOf``; ``@list`` and SOSO ``Role`` wrappers
                           are unwrapped (SOSO "Creator", "Roles of People")
funder / funding           ``schema:funding`` schema:MonetaryGrant with schema:funder,
                           schema:identifier, schema:name, schema:url (as the DataCite lifter)
license                    URL or CreativeWork url → ``dcterms:license`` dcterms:LicenseDocument;
                           SPDX id → its spdx.org IRI; other text → ``dcterms:rights``
                           dcterms:RightsStatement; conditionsOfAccess → ``dcterms:accessRights``
datePublished / Modified   ``dcterms:issued`` / ``dcterms:modified`` / ``dcterms:created``
/ Created
temporalCoverage           ``dcterms:temporal`` dcterms:PeriodOfTime (ISO 8601 ``start/end``,
                           ``..`` for an open end; SOSO "Temporal Coverage")
spatialCoverage            ``dcterms:spatial`` dcterms:Location: GeoShape box ("S W N E", SOSO
                           "Spatial Coverage") → ``dcat:bbox``; GeoShape polygon →
                           ``locn:geometry``; GeoCoordinates → ``dcat:centroid`` WKT POINT;
                           name → ``locn:geographicName`` and skos:prefLabel
distribution               ``dcat:distribution`` dcat:Distribution: contentUrl → downloadURL, url
                           → accessURL, encodingFormat → dcat:mediaType (IANA) and
                           dcterms:format dcterms:MediaType, name → dcterms:title
variableMeasured           ``schema:variableMeasured`` schema:PropertyValue nodes (name,
                           description, unitText, unitCode, propertyID, min/maxValue)
includedInDataCatalog      ``schema:includedInDataCatalog`` a dcat:Catalog (title, publisher)
version, inLanguage,       ``dcat:version``, ``dcterms:language``, ``schema:sameAs``,
sameAs, citation,          ``dcterms:references`` (citations that resolve) or schema:citation
hasPart / isPartOf         (text), ``dcterms:hasPart`` / ``dcterms:isPartOf``
measurementTechnique,      ``schema:measurementTechnique``, ``schema:isAccessibleForFree``
isAccessibleForFree
=========================  =====================================================================

Everything else (potentialAction, subjectOf, encoding, about, additionalType, other vocabularies'
terms ...) is kept under the source namespace.

The JSON is read with the standard library; no JSON-LD processor runs and nothing is fetched.
``@context`` must declare the schema.org vocabulary (a schema.org URL, ``@vocab`` or a prefix
mapped to schema.org); any other remote context is refused with a LiftError. Keys are read
un-prefixed, ``schema:``-prefixed or as full schema.org IRIs, over http or https.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.formats import SCHEMAORG_JSONLD
from kg.lifting.base import LiftedRecord, Lifter, RawRecord, json_pointer_escape
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
from kg.namespaces import ADMS, BASE, LOCN, SDO, VCARD, doi_iri, normalize_doi, slug
from kg.report import Severity

ORG = Namespace("http://www.w3.org/ns/org#")
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3 term missing from rdflib's DCAT namespace
DCAT_CENTROID = URIRef(str(DCAT) + "centroid")

_SCHEMA_RE = re.compile(r"^https?://(www\.)?schema\.org(/.*)?$", re.IGNORECASE)
_ORCID_RE = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/?$", re.IGNORECASE)
_ROR_RE = re.compile(r"ror\.org/(0[a-z0-9]{6}\d{2})/?$")
_SPDX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*-\d(\.\d)*[A-Za-z0-9.+-]*$|^CC0-1\.0$|^MIT$")
_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")

# schema.org properties of Dataset (Thing, CreativeWork and Dataset, schema.org 3.x-15.0). A key
# outside this set is reported: it is a property of another type (e.g. ``address``) or a typo.
DATASET_PROPERTIES = frozenset(
    """about abstract accessMode accessModeSufficient accessibilityAPI accessibilityControl
    accessibilityFeature accessibilityHazard accessibilitySummary accountablePerson
    acquireLicensePage additionalType aggregateRating alternateName alternativeHeadline
    archivedAt assesses associatedMedia audience audio author award awards catalog character
    citation comment commentCount conditionsOfAccess contentLocation contentRating
    contentReferenceTime contributor copyrightHolder copyrightNotice copyrightYear correction
    countryOfOrigin creativeWorkStatus creator creditText dateCreated dateModified datePublished
    datasetTimeInterval description disambiguatingDescription discussionUrl distribution
    documentation editEIDR editor educationalAlignment educationalLevel educationalUse encoding
    encodingFormat encodings exampleOfWork expires fileFormat funder funding genre hasPart
    headline identifier image inLanguage includedDataCatalog includedInDataCatalog
    interactionStatistic interactivityType interpretedAsClaim isAccessibleForFree isBasedOn
    isBasedOnUrl isFamilyFriendly isPartOf issn keywords learningResourceType license
    locationCreated mainEntity mainEntityOfPage maintainer material materialExtent
    measurementMethod measurementTechnique mentions name offers owner pattern position
    potentialAction producer provider publication publisher publisherImprint publishingPrinciples
    recordedAt releasedEvent review reviews sameAs schemaVersion sdDatePublished sdLicense
    sdPublisher size sourceOrganization spatial spatialCoverage sponsor subjectOf teaches temporal
    temporalCoverage text thumbnail thumbnailUrl timeRequired translationOfWork translator
    typicalAgeRange url usageInfo variableMeasured version video workExample workTranslation""".split()
)
LANGUAGE_NAMES = {
    "english": "en",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "chinese": "zh",
    "japanese": "ja",
    "russian": "ru",
}
# Keys the steps below map; every other key is kept under the source namespace.
MAPPED = {
    "@id", "@type", "@context", "identifier", "name", "alternateName", "description", "url", "keywords",
    "creator", "author", "contributor", "publisher", "provider", "sourceOrganization", "funder", "funding",
    "license", "conditionsOfAccess", "datePublished", "dateModified", "dateCreated", "temporalCoverage",
    "spatialCoverage", "distribution", "variableMeasured", "includedInDataCatalog", "version", "inLanguage",
    "sameAs", "citation", "hasPart", "isPartOf", "measurementTechnique", "isAccessibleForFree",
    "contactPoint", "contentUrl",
}  # fmt: skip
AGENT_KEYS = {"@id", "@type", "name", "givenName", "familyName", "identifier", "affiliation", "email", "url", "sameAs"}
DIST_KEYS = {
    "@type",
    "contentUrl",
    "url",
    "encodingFormat",
    "fileFormat",
    "name",
    "description",
    "contentSize",
    "dateModified",
    "license",
}
VARIABLE_PROPS = {
    "name": SDO.name,
    "description": SDO.description,
    "unitText": SDO.unitText,
    "unitCode": SDO.unitCode,
    "propertyID": SDO.propertyID,
    "minValue": SDO.minValue,
    "maxValue": SDO.maxValue,
    "measurementTechnique": SDO.measurementTechnique,
    "alternateName": SDO.alternateName,
    "url": SDO.url,
}


def _iri(value: object) -> URIRef | None:
    """``common.iri``, with ``[`` and ``]`` outside the host percent-encoded: N-Triples and SPARQL
    refuse them there (RFC 3987 allows them only around an IPv6 host)."""
    found = iri(value)
    if found is None or ("[" not in found and "]" not in found):
        return found
    text = str(found)
    host_end = text.find("/", text.find("//") + 2) if "//" in text else 0
    host_end = len(text) if host_end < 0 else host_end
    return URIRef(text[:host_end] + text[host_end:].replace("[", "%5B").replace("]", "%5D"))


def _doi_ref(doi: str) -> URIRef:
    """The doi.org IRI of a DOI, with characters IRIs do not allow percent-encoded (SICI DOIs hold ``[ ]``)."""
    return URIRef(doi_iri(quote(doi, safe="/:;()._-~!$&'*+,=@%")))


# --- JSON-LD reading, without a JSON-LD processor ---------------------------------------------


class _Context:
    """What a document's ``@context`` says about the schema.org vocabulary."""

    def __init__(self) -> None:
        self.vocab = False  # un-prefixed keys are schema.org terms
        self.prefixes: set[str] = {"schema"}  # prefixes bound to schema.org; "schema:" unless rebound
        self.problems: list[str] = []  # warnings, reported on every record of the document
        self.declared = False  # a prefix is explicitly bound to schema.org


def _read_context(value: object, ctx: _Context, source_file: str) -> None:
    """Check ``@context``: schema.org declarations are noted; any other remote context is refused."""
    for item in value if isinstance(value, list) else [value]:
        if item is None:
            continue
        if isinstance(item, str):
            if _SCHEMA_RE.match(item.strip()):
                ctx.vocab = True
                continue
            raise LiftError(
                f"remote JSON-LD context {item} is not fetched; declare the schema.org vocabulary with "
                '"@context": "https://schema.org/"',
                source_file=source_file,
                field="@context",
            )
        if not isinstance(item, dict):
            raise LiftError(
                f"@context entry {item!r} is neither a URL nor an object", source_file=source_file, field="@context"
            )
        for key, term in item.items():
            target = term.get("@id") if isinstance(term, dict) else term
            if key == "@import" and isinstance(term, str) and not _SCHEMA_RE.match(term):
                raise LiftError(
                    f"remote JSON-LD context {term} is not fetched (@import)", source_file=source_file, field="@context"
                )
            if not isinstance(target, str) or not _SCHEMA_RE.match(target.strip()):
                ctx.prefixes.discard(key)  # "schema" bound to something else
                continue
            if key == "@vocab":
                ctx.vocab = True
                if not target.strip().endswith("/"):
                    ctx.problems.append(
                        f'"@vocab": "{target}" has no trailing slash: a JSON-LD processor would expand '
                        f'"name" to <{target}name>, not schema:name. Read as schema.org here.'
                    )
            elif not key.startswith("@"):
                ctx.prefixes.add(key)
                ctx.declared = True


def _local_key(key: str, ctx: _Context) -> str:
    """A key as its bare schema.org term when it is one (``schema:name``, full IRI), else as given."""
    if key.startswith("@"):
        return key
    if ":" in key:
        prefix, _, rest = key.partition(":")
        if prefix in ctx.prefixes:
            return rest
        if prefix in ("http", "https") and _SCHEMA_RE.match(key):
            return key.rstrip("/").rsplit("/", 1)[-1]
        return key
    return key


def _normalize(value: object, ctx: _Context) -> object:
    """The document with schema.org keys and @type values un-prefixed; other terms unchanged."""
    if isinstance(value, list):
        return [_normalize(v, ctx) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = _local_key(key, ctx)
        if name == "@type":
            types = [_local_key(t, ctx) if isinstance(t, str) else t for t in _as_list(item)]
            item = types if isinstance(item, list) else (types[0] if types else item)
        elif name != "@context":
            item = _normalize(item, ctx)
        if name in out and name != key:
            continue  # "name" and "schema:name" both given: the un-prefixed one wins
        out[name] = item
    return out


def _as_list(value: object) -> list[Any]:
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, dict) and "@list" in value and len(value) <= 2:
        return _as_list(value["@list"])
    return value if isinstance(value, list) else [value]


def _types(node: object) -> list[str]:
    return [t for t in _as_list(node.get("@type")) if isinstance(t, str)] if isinstance(node, dict) else []


def _is_dataset(node: object) -> bool:
    return any(t.lower() == "dataset" for t in _types(node))


# At most this many references are replaced by their node in one document: nodes that refer to
# each other many times over would otherwise grow the document exponentially ("billion laughs").
MAX_EXPANSIONS = 10_000


def _resolve(
    value: object, index: dict[str, dict[str, Any]], budget: list[int], seen: frozenset[str] = frozenset()
) -> object:
    """``{"@id": x}`` references replaced by the node ``x`` (cycles and references over budget kept)."""
    if isinstance(value, list):
        return [_resolve(v, index, budget, seen) for v in value]
    if not isinstance(value, dict):
        return value
    ref = value.get("@id")
    if isinstance(ref, str) and len(value) == 1 and ref in index and ref not in seen and budget[0] > 0:
        budget[0] -= 1
        return _resolve(index[ref], index, budget, seen | {ref})
    here = seen | ({ref} if isinstance(ref, str) else set())
    return {k: (_resolve(v, index, budget, here) if k != "@context" else v) for k, v in value.items()}


def _index_nodes(value: object, index: dict[str, dict[str, Any]]) -> None:
    """Every node of the document that has an @id and says something about it (first one wins)."""
    if isinstance(value, list):
        for item in value:
            _index_nodes(item, index)
    elif isinstance(value, dict):
        ref = value.get("@id")
        if isinstance(ref, str) and len(value) > 1 and ref not in index:
            index[ref] = value
        for key, item in value.items():
            if key != "@context":
                _index_nodes(item, index)


def _find_datasets(node: object, pointer: str, out: list[tuple[str, dict[str, Any]]], depth: int = 0) -> None:
    """Dataset nodes: the node itself, or one nested in a DataCatalog / WebPage / @graph."""
    if depth > 6:
        return
    if isinstance(node, list):
        for i, item in enumerate(node):
            _find_datasets(item, f"{pointer}/{i}", out, depth + 1)
        return
    if not isinstance(node, dict):
        return
    if _is_dataset(node):
        out.append((pointer, node))
        return
    for key in ("@graph", "mainEntity", "about", "dataset"):
        if key in node:
            _find_datasets(node[key], f"{pointer}/{json_pointer_escape(key)}", out, depth + 1)


# --- identity -----------------------------------------------------------------------------------


def _identifier_values(value: object) -> list[tuple[str, str | None]]:
    """(identifier text, scheme) for each entry of ``identifier``: text, URL or PropertyValue."""
    out: list[tuple[str, str | None]] = []
    for entry in _as_list(value):
        if isinstance(entry, str) and clean_text(entry):
            out.append((entry.strip(), None))
        elif isinstance(entry, dict):
            scheme = clean_text(entry.get("propertyID") or entry.get("propertyId"))
            for key in ("value", "url", "@id"):
                text = clean_text(entry.get(key))
                if text and not text.startswith("_:"):
                    out.append((text, scheme))
                    break
    return out


def _doi_of(text: str, scheme: str | None) -> str | None:
    """The DOI in an identifier value; a bare ``10.x/y`` counts only under a DOI propertyID."""
    if text.startswith("10.") and scheme is not None and "doi" not in scheme.lower():
        return None
    return normalize_doi(text)


def _record_doi(node: dict[str, Any]) -> str | None:
    """The DOI in identifier, @id, url or sameAs (in that order), normalised; else None."""
    for text, scheme in _identifier_values(node.get("identifier")):
        doi = _doi_of(text, scheme)
        if doi:
            return doi
    for key in ("@id", "url", "sameAs"):
        for value in _as_list(node.get(key)):
            if isinstance(value, str):
                doi = normalize_doi(value.strip())
                if doi:
                    return doi
    return None


def _local_id(node: dict[str, Any]) -> str | None:
    """The record's own identifier: its DOI, else @id, else its first identifier, else url."""
    doi = _record_doi(node)
    if doi:
        return doi
    node_id = clean_text(node.get("@id"))
    if node_id and not node_id.startswith("_:"):
        return node_id
    identifiers = _identifier_values(node.get("identifier"))
    if identifiers:
        return identifiers[0][0]
    url = next((clean_text(u) for u in _as_list(node.get("url")) if isinstance(u, str) and clean_text(u)), None)
    return url


def _orcid(value: object) -> URIRef | None:
    text = clean_text(value)
    if not text:
        return None
    if "orcid" not in text.lower() and not re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", text, re.IGNORECASE):
        return None
    match = _ORCID_RE.search(text)
    return URIRef("https://orcid.org/" + match.group(1).upper()) if match else None


def _decode(data: bytes, source_file: str) -> str:
    try:
        return without_lone_surrogates(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise LiftError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source_file=source_file) from exc


def _float(value: object, limit: float) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    if number != number or not -limit <= number <= limit:
        return None
    return number


def _num(value: float) -> str:
    return repr(value).rstrip("0").rstrip(".") if "." in repr(value) else repr(value)


class _Document:
    """One input file read: its dataset nodes (normalised) and its context's warnings."""

    def __init__(self, data: bytes, source_file: str) -> None:
        text = _decode(data, source_file)
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LiftError(
                f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", source_file=source_file
            ) from exc
        except ValueError as exc:  # a number Python refuses to read (over 4,300 digits)
            raise LiftError(f"not readable JSON: {str(exc).split(':')[0]}", source_file=source_file) from exc
        except RecursionError as exc:
            raise LiftError("JSON nested too deeply", source_file=source_file) from exc
        self.records: list[tuple[str, dict[str, Any], _Context]] = []
        documents = [(f"/{i}", item) for i, item in enumerate(obj)] if isinstance(obj, list) else [("", obj)]
        for prefix, doc in documents:
            if not isinstance(doc, dict):
                continue
            ctx = _Context()
            if "@context" not in doc:
                ctx.problems.append("no @context: keys are read as schema.org terms")
                ctx.vocab = True
            else:
                _read_context(doc["@context"], ctx, source_file)
                if not ctx.vocab and not ctx.declared:
                    raise LiftError(
                        "the @context declares neither the schema.org vocabulary nor a prefix for it",
                        source_file=source_file,
                        field="@context",
                    )
            try:
                norm = self._read(doc, ctx)
            except RecursionError as exc:
                raise LiftError("JSON nested too deeply", source_file=source_file) from exc
            found: list[tuple[str, dict[str, Any]]] = []
            _find_datasets(norm, prefix, found)
            for pointer, node in found:
                self.records.append((pointer, node, ctx))
        self.whole = len(self.records) == 1 and self.records[0][0] == ""

    @staticmethod
    def _read(doc: dict[str, Any], ctx: _Context) -> dict[str, Any]:
        """The document normalised, with references by @id replaced by their nodes."""
        norm = _normalize(doc, ctx)
        assert isinstance(norm, dict)
        index: dict[str, dict[str, Any]] = {}
        _index_nodes(norm, index)
        if index:
            budget = [MAX_EXPANSIONS]
            resolved = _resolve(norm, index, budget)
            if budget[0] == 0:
                ctx.problems.append(f"more than {MAX_EXPANSIONS} references by @id; the rest were left as references")
            assert isinstance(resolved, dict)
            norm = resolved
        return norm


# --- the lifter -------------------------------------------------------------------------------


class SchemaOrgLifter(Lifter):
    """Each schema.org Dataset node of a JSON-LD document (root, list, @graph or nested) is a record."""

    format = SCHEMAORG_JSONLD
    version = "1.1"

    def detect(self, data: bytes, filename: str) -> float:
        head = data[:200_000].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith((b"{", b"[")) or b'"@context"' not in head:
            return 0.0
        if not re.search(
            rb'"@type"\s*:\s*(\[[^\]]*)?"(schema:|sdo:|https?://schema\.org/)?(Dataset|DataSet|DataCatalog)"', head
        ):
            return 0.0
        if b"dcat-us" in head.lower() or b"project-open-data" in head:
            return 0.0  # DCAT-US JSON-LD (the dcat-rdf and data.json lifters')
        if len(data) > 20_000_000:
            return 0.8  # too large to parse just to detect; split() says what is wrong, if anything
        try:
            document = _Document(data, filename)
        except LiftError as exc:
            # A remote context on a Dataset: claimed, so that split() refuses it with the reason.
            # DCAT JSON-LD (DCAT-AP's SEMIC context, DCAT-US) is the dcat-rdf lifter's, not ours.
            remote = exc.field == "@context" and "remote JSON-LD context" in exc.message
            return 0.6 if remote and "dcat" not in exc.message.lower() else 0.0
        return 0.9 if document.records else 0.0

    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        document = _Document(data, source_file)
        if not document.records:
            raise LiftError(
                'no schema.org Dataset in the document: expected "@type": "Dataset" at the top, in a list, '
                "in @graph, or under mainEntity / about / dataset",
                source_file=source_file,
                field="@type",
            )
        for pointer, node, ctx in document.records:
            local_id = _local_id(node)
            position = pointer or file_record(source_file)
            if local_id is None:
                yield LiftError(
                    "the Dataset has no @id, identifier or url; it cannot be given a stable identity",
                    source_file=source_file,
                    record=position,
                    field=f"{pointer}/identifier",
                )
                continue
            if document.whole:
                raw_bytes = data
            else:
                raw_bytes = json.dumps(
                    {"@context": {"@vocab": "https://schema.org/"}, **node}, ensure_ascii=False, sort_keys=True
                ).encode("utf-8")
            yield RawRecord(
                data=raw_bytes,
                local_id=local_id,
                pointer=pointer,
                source_file=source_file,
                media_type="application/ld+json",
                parsed=(node, ctx.problems),
            )

    def lift(self, raw: RawRecord, *, source: str) -> LiftedRecord:
        try:
            return self._lift(raw, source)
        except RecursionError as exc:
            raise LiftError("JSON nested too deeply", source_file=raw.source_file, record=raw.local_id) from exc

    def _lift(self, raw: RawRecord, source: str) -> LiftedRecord:
        if isinstance(raw.parsed, tuple):
            node, problems = raw.parsed
        else:
            document = _Document(raw.data, raw.source_file)
            if not document.records:
                raise LiftError(
                    "no schema.org Dataset in the record",
                    source_file=raw.source_file,
                    record=raw.local_id,
                    field="@type",
                )
            _, node, ctx = document.records[0]
            problems = ctx.problems
        doi = _record_doi(node)
        rec = self.new_record(raw, source=source, doi=doi)
        for message in problems:
            self.warn(rec, "@context", message, fix='use "@context": {"@vocab": "https://schema.org/"}')
        g, ds = rec.graph, rec.dataset
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, DCTERMS.identifier, Literal(doi or raw.local_id)))
        types = _types(node)
        if any(t == "DataSet" for t in types):
            self.warn(rec, "@type", '"DataSet" is not a schema.org type; read as "Dataset"', fix='use "Dataset"')
        others = [t for t in types if t.lower() != "dataset"]
        self.keep_unmapped(rec, ds, "@type", others or None)

        self._identifiers(rec, node, doi)
        self._titles(rec, node)
        self._landing_page(rec, node)
        self._keywords(rec, node.get("keywords"))
        for key, prop in (
            ("creator", DCTERMS.creator),
            ("author", DCTERMS.creator),
            ("contributor", DCTERMS.contributor),
            ("publisher", DCTERMS.publisher),
            ("provider", SDO.provider),
            ("sourceOrganization", SDO.sourceOrganization),
        ):
            for index, entry in enumerate(_as_list(node.get(key))):
                agent = self._agent(rec, entry, key, index)
                if agent is not None and prop == DCTERMS.creator:
                    self.add_creator(rec, agent)
                elif agent is not None:
                    g.add((ds, prop, agent))
        if not node.get("creator") and not node.get("author"):
            self.warn(
                rec,
                "creator",
                "no creator is given",
                fix="name who made the dataset in creator (SOSO)",
                severity=Severity.INFO,
            )
        self._funding(rec, node)
        self._license(rec, node)
        self._dates(rec, node)
        self._temporal(rec, node.get("temporalCoverage"))
        self._spatial(rec, node.get("spatialCoverage"))
        self._distributions(rec, node)
        self._variables(rec, node.get("variableMeasured"))
        self._catalogs(rec, node.get("includedInDataCatalog"))
        self._contact(rec, node.get("contactPoint"))
        self._simple(rec, node)
        for key, value in sorted(node.items()):
            if key in MAPPED or (key in ("encodingFormat", "contentSize") and node.get("contentUrl")):
                continue
            if not key.startswith("@") and ":" not in key and key not in DATASET_PROPERTIES:
                self.warn(
                    rec,
                    key,
                    f"{key!r} is not a schema.org property of Dataset; kept as given",
                    fix="remove it or move it to the node it belongs to",
                )
            self.keep_unmapped(rec, ds, key, value)
        return rec

    # --- steps ------------------------------------------------------------------------------

    def _identifiers(self, rec: LiftedRecord, node: dict[str, Any], doi: str | None) -> None:
        """Identifiers other than the DOI → adms:identifier; an @id IRI → schema:sameAs."""
        g, ds = rec.graph, rec.dataset
        position = 0
        for text, scheme in _identifier_values(node.get("identifier")):
            if doi and _doi_of(text, scheme) == doi:
                continue
            if text == rec.raw.local_id and not doi:
                continue
            ident = self.node(rec, "identifier", position)
            position += 1
            g.add((ds, ADMS.identifier, ident))
            g.add((ident, RDF.type, ADMS.Identifier))
            g.add((ident, SKOS.notation, Literal(text)))
            if scheme:
                g.add((ident, ADMS.schemaAgency, Literal(scheme)))
        for entry in _as_list(node.get("identifier")):
            if isinstance(entry, dict):
                rest = {
                    k: v
                    for k, v in entry.items()
                    if k not in ("@type", "propertyID", "propertyId", "value", "url", "@id")
                }
                self.keep_unmapped(rec, ds, "identifier", rest or None)
            elif not isinstance(entry, str):
                self.keep_unmapped(rec, ds, "identifier", entry)
        node_id = node.get("@id")
        target = _iri(node_id) if isinstance(node_id, str) else None
        if target is not None and target != ds and normalize_doi(str(target)) != doi:
            g.add((ds, SDO.sameAs, target))
        elif (
            isinstance(node_id, str) and target is None and node_id != rec.raw.local_id and not node_id.startswith("_:")
        ):
            self.keep_unmapped(rec, ds, "@id", node_id)

    def _titles(self, rec: LiftedRecord, node: dict[str, Any]) -> None:
        g, ds = rec.graph, rec.dataset
        names = [clean_text(n) for n in _as_list(node.get("name"))]
        names = [n for n in names if n]
        if names:
            g.add((ds, DCTERMS.title, Literal(names[0])))
            for other in names[1:]:
                g.add((ds, DCTERMS.alternative, Literal(other)))
        else:
            self.warn(rec, "name", "the Dataset has no name", fix="give the dataset's title in name")
        for alt in _as_list(node.get("alternateName")):
            text = clean_text(alt)
            if text:
                g.add((ds, DCTERMS.alternative, Literal(text)))
        for description in _as_list(node.get("description")):
            if isinstance(description, dict) and isinstance(description.get("@value"), str):
                description = description["@value"]  # a JSON-LD value object, e.g. {"@type": "HTML"}
            if isinstance(description, str) and description.strip():
                g.add((ds, DCTERMS.description, Literal(description.strip())))
            elif not isinstance(description, str):
                self.keep_unmapped(rec, ds, "description", description)

    def _landing_page(self, rec: LiftedRecord, node: dict[str, Any]) -> None:
        for value in _as_list(node.get("url")):
            page = _iri(value) if isinstance(value, str) else None
            doi = normalize_doi(str(page)) if page is not None else None
            if doi:
                page = _doi_ref(doi)  # http://dx.doi.org/... and https://doi.org/... are one page
            if page is not None:
                rec.graph.add((rec.dataset, DCAT.landingPage, page))
            else:
                self.warn(rec, "url", f"{str(value)[:80]!r} is not an absolute URL")
                self.keep_unmapped(rec, rec.dataset, "url", value)

    def _keywords(self, rec: LiftedRecord, keywords: object) -> None:
        """dcat:keyword; DefinedTerms in a DefinedTermSet also dcat:theme (SOSO "Keywords")."""
        g, ds = rec.graph, rec.dataset
        for entry in _as_list(keywords):
            if isinstance(entry, str):
                # SOSO: one text with comma-separated keywords; in a list each string is one keyword
                for word in entry.split(",") if isinstance(keywords, str) else [entry]:
                    text = clean_text(word)
                    if text:
                        g.add((ds, DCAT.keyword, Literal(text)))
                continue
            if not isinstance(entry, dict):
                self.keep_unmapped(rec, ds, "keywords", entry)
                continue
            text = clean_text(entry.get("name"))
            if text:
                g.add((ds, DCAT.keyword, Literal(text)))
            term_set = entry.get("inDefinedTermSet")
            scheme_name = None
            scheme_iri = None
            if isinstance(term_set, str):
                scheme_iri = _iri(term_set)
                scheme_name = None if scheme_iri else clean_text(term_set)
            elif isinstance(term_set, dict):
                scheme_iri = _iri(term_set.get("@id")) or _iri(term_set.get("url"))
                scheme_name = clean_text(term_set.get("name"))
            term_iri = _iri(entry.get("@id")) or _iri(entry.get("url"))
            if (scheme_iri or scheme_name) and (text or term_iri):
                scheme_key = scheme_name or str(scheme_iri)
                concept = term_iri or URIRef(f"{BASE}concept/{slug(scheme_key)}/{slug(text or '')}")
                g.add((ds, DCAT.theme, concept))
                g.add((concept, RDF.type, SKOS.Concept))
                if text:
                    g.add((concept, SKOS.prefLabel, Literal(text)))
                code = clean_text(entry.get("termCode"))
                if code:
                    g.add((concept, SKOS.notation, Literal(code)))
                scheme = scheme_iri or URIRef(f"{BASE}concept/{slug(scheme_key)}")
                g.add((concept, SKOS.inScheme, scheme))
                g.add((scheme, RDF.type, SKOS.ConceptScheme))
                if scheme_name:
                    g.add((scheme, DCTERMS.title, Literal(scheme_name)))
                rest = {
                    k: v
                    for k, v in entry.items()
                    if k not in ("@type", "@id", "url", "name", "inDefinedTermSet", "termCode")
                }
            else:
                rest = {k: v for k, v in entry.items() if k not in ("@type", "name")}
            if rest:
                self.keep_unmapped(rec, ds, "keywords", entry)

    def _agent(self, rec: LiftedRecord, entry: object, kind: str, index: int | str) -> URIRef | None:
        """A Person (ORCID IRI or record node) or Organization ({BASE}agent/{slug(name)})."""
        g = rec.graph
        field_name = f"{kind}[{index}]"
        if isinstance(entry, str):
            text = clean_text(entry)
            if not text:
                return None
            if _iri(text) is not None:
                orcid = _orcid(text)
                if orcid is not None:
                    g.add((orcid, RDF.type, FOAF.Person))
                return orcid or _iri(text)
            entry = {
                "name": text,
                "@type": "Organization" if kind in ("publisher", "provider", "funder", "sourceOrganization") else None,
            }
        if entry == {}:
            return None
        if not isinstance(entry, dict):
            self.keep_unmapped(rec, rec.dataset, kind, entry)
            return None
        types = _types(entry)
        if "Role" in types:  # SOSO "Roles of People": {"@type": "Role", "roleName": ..., "creator": {...}}
            inner = next((entry[k] for k in (kind, "creator", "contributor", "author", "funder") if k in entry), None)
            inner = next((i for i in _as_list(inner) if i), None)
            agent = self._agent(rec, inner, kind, index) if inner is not None else None
            if agent is not None:
                rest = {k: v for k, v in entry.items() if k not in (kind, "creator", "contributor", "author", "funder")}
                self.keep_unmapped(rec, agent, "role", rest)
            return agent
        given, family = clean_text(entry.get("givenName")), clean_text(entry.get("familyName"))
        name = clean_text(entry.get("name")) or (", ".join(x for x in (family, given) if x) or None)
        candidates = [entry.get("@id")] + [t for t, _ in _identifier_values(entry.get("identifier"))]
        candidates += [v for v in _as_list(entry.get("sameAs")) + _as_list(entry.get("url")) if isinstance(v, str)]
        orcid = next((o for o in (_orcid(c) for c in candidates) if o is not None), None)
        if "Person" in types or given or family or (orcid is not None and "Organization" not in types):
            cls = FOAF.Person
        elif any(
            t in types
            for t in (
                "Organization",
                "ResearchOrganization",
                "GovernmentOrganization",
                "NGO",
                "Corporation",
                "EducationalOrganization",
                "FundingAgency",
                "CollegeOrUniversity",
                "Project",
                "ResearchProject",
            )
        ):
            cls = FOAF.Organization
        elif kind in ("publisher", "provider", "sourceOrganization", "funder"):
            cls = FOAF.Organization
        else:
            cls = FOAF.Agent
        ident_iris = [
            _doi_ref(d) if (d := normalize_doi(c)) else _iri(c)
            for c in candidates
            if isinstance(c, str) and not c.startswith("_:")
        ]
        ident_iris = [i for i in dict.fromkeys(ident_iris) if i is not None]
        if not name and not ident_iris:
            self.warn(rec, field_name, f"the {kind} has no name", fix=f"give the {kind}'s name")
            self.keep_unmapped(rec, rec.dataset, kind, entry)
            return None
        if cls == FOAF.Person and orcid is not None:
            agent = orcid
        elif cls == FOAF.Organization and name:
            agent = self.organization(rec, name)
        elif not name:
            agent = ident_iris[0]
        else:
            agent = self.node(rec, kind, index)
        g.add((agent, RDF.type, cls))
        if name:
            g.add((agent, FOAF.name, Literal(name)))
        if given:
            g.add((agent, FOAF.givenName, Literal(given)))
        if family:
            g.add((agent, FOAF.familyName, Literal(family)))
        urls = {_iri(u) for u in _as_list(entry.get("url")) if isinstance(u, str)}
        for identifier in ident_iris:
            if identifier != agent and identifier not in urls and _orcid(str(identifier)) != agent:
                g.add((agent, SDO.sameAs, identifier))
        for url in urls:
            if url is not None and url != agent:
                g.add((agent, FOAF.homepage if cls == FOAF.Organization else FOAF.page, url))
        for email in _as_list(entry.get("email")):
            address = mailto(email)
            if address is not None:
                g.add((agent, FOAF.mbox, address))
            else:
                self.keep_unmapped(rec, agent, "email", email)
        for position, affiliation in enumerate(_as_list(entry.get("affiliation"))):
            org = self._agent(
                rec,
                affiliation if not isinstance(affiliation, str) else {"@type": "Organization", "name": affiliation},
                "affiliation",
                f"{index}-{position}",
            )
            if org is not None:
                g.add((agent, ORG.memberOf, org))
        for identifier in _as_list(entry.get("identifier")):
            if isinstance(identifier, dict):
                extra = {k: v for k, v in identifier.items() if k not in ("@type", "@id", "propertyID", "value", "url")}
                self.keep_unmapped(rec, agent, "identifier", extra or None)
        for key, value in sorted(entry.items()):
            if key not in AGENT_KEYS:
                self.keep_unmapped(rec, agent, key, value)
        return agent

    def _funding(self, rec: LiftedRecord, node: dict[str, Any]) -> None:
        """schema:funding schema:MonetaryGrant, as the DataCite lifter's fundingReferences."""
        g, ds = rec.graph, rec.dataset
        grants: list[tuple[str, object]] = [("funding", e) for e in _as_list(node.get("funding"))]
        for position, entry in enumerate(_as_list(node.get("funder"))):
            if isinstance(entry, dict) and "MonetaryGrant" in _types(entry):
                self.warn(
                    rec,
                    f"funder[{position}]",
                    "funder holds a MonetaryGrant; a funder is a Person or Organization. Read as funding.",
                    fix="put grants in funding, with the funder inside",
                )
                grants.append(("funder", entry))
            else:
                grants.append(("funder", {"@type": "MonetaryGrant", "funder": entry}))
        for index, (key, entry) in enumerate(grants):
            if not isinstance(entry, dict):
                self.keep_unmapped(rec, ds, key, entry)
                continue
            grant = self.node(rec, "funding", index)
            g.add((ds, SDO.funding, grant))
            g.add((grant, RDF.type, SDO.MonetaryGrant))
            for position, funder in enumerate(_as_list(entry.get("funder"))):
                agent = self._agent(rec, funder, "funder", f"{index}-{position}")
                if agent is not None:
                    g.add((grant, SDO.funder, agent))
            for text, _ in _identifier_values(entry.get("identifier")):
                g.add((grant, SDO.identifier, Literal(text)))
            name = clean_text(entry.get("name"))
            if name:
                g.add((grant, SDO.name, Literal(name)))
            for url in _as_list(entry.get("url")):
                target = _iri(url)
                if target is not None:
                    g.add((grant, SDO.url, target))
                else:
                    self.keep_unmapped(rec, grant, "url", url)
            for k, v in sorted(entry.items()):
                if k == "@id" and v in _as_list(entry.get("url")):
                    continue
                if k not in ("@type", "funder", "identifier", "name", "url"):
                    self.keep_unmapped(rec, grant, k, v)

    def _license(self, rec: LiftedRecord, node: dict[str, Any]) -> None:
        """dcterms:license (URL, CreativeWork url, SPDX id) or dcterms:rights (text)."""
        g, ds = rec.graph, rec.dataset
        for entry in _as_list(node.get("license")):
            label = None
            if isinstance(entry, dict):
                label = clean_text(entry.get("name"))
                value = entry.get("url") or entry.get("@id")
                rest = {k: v for k, v in entry.items() if k not in ("@type", "url", "@id", "name")}
                self.keep_unmapped(rec, ds, "license", rest or None)
            else:
                value = entry
            text = clean_text(value)
            target = _iri(text) if text else None
            if target is None and text and _SPDX_RE.match(text):
                target = URIRef("https://spdx.org/licenses/" + text)
                g.add((target, DCTERMS.identifier, Literal(text)))
            if target is not None:
                g.add((ds, DCTERMS.license, target))
                g.add((target, RDF.type, DCTERMS.LicenseDocument))
                if label:
                    g.add((target, RDFS.label, Literal(label)))
            elif text or label:
                self.add_rights(rec, text or label)
            elif entry not in (None, "", {}):
                self.keep_unmapped(rec, ds, "license", entry)
        for index, entry in enumerate(_as_list(node.get("conditionsOfAccess"))):
            text = clean_text(entry)
            if not text:
                self.keep_unmapped(rec, ds, "conditionsOfAccess", entry)
                continue
            statement = self.node(rec, "access-rights", index)
            g.add((ds, DCTERMS.accessRights, statement))
            g.add((statement, RDF.type, DCTERMS.RightsStatement))
            g.add((statement, RDFS.label, Literal(text)))

    def _dates(self, rec: LiftedRecord, node: dict[str, Any]) -> None:
        g, ds = rec.graph, rec.dataset
        for key, prop in (
            ("datePublished", DCTERMS.issued),
            ("dateModified", DCTERMS.modified),
            ("dateCreated", DCTERMS.created),
        ):
            values = _as_list(node.get(key))
            for position, value in enumerate(values):
                lit = date_literal(value.strip()) if isinstance(value, str) else date_literal(value)
                if lit is not None and position == 0:
                    g.add((ds, prop, lit))
                    continue
                if lit is None:
                    self.warn(rec, key, f"{str(value)[:80]!r} is not an ISO 8601 date", fix="use YYYY-MM-DD")
                self.keep_unmapped(rec, ds, key, value)

    def _temporal(self, rec: LiftedRecord, coverage: object) -> None:
        """dcterms:temporal from ISO 8601 intervals ``start/end`` (``..`` open) or single dates."""
        g = rec.graph
        for index, value in enumerate(_as_list(coverage)):
            if isinstance(value, dict) and isinstance(value.get("startDate") or value.get("endDate"), str):
                # ESS-DIVE: {"startDate": ..., "endDate": ...}
                value = f"{value.get('startDate') or '..'}/{value.get('endDate') or '..'}"
            if not isinstance(value, str):
                self.keep_unmapped(rec, rec.dataset, "temporalCoverage", value)
                continue
            text = value.strip()
            parts = text.split("/") if "/" in text else [text, text]
            if len(parts) != 2:
                parts = ["", ""]
            ends = [p.strip() for p in parts]
            start = date_literal(ends[0]) if ends[0] not in ("", "..") else None
            end = date_literal(ends[1]) if ends[1] not in ("", "..") else None
            unreadable = [e for e, lit in zip(ends, (start, end), strict=True) if e not in ("", "..") and lit is None]
            if start is None and end is None:
                self.warn(
                    rec,
                    "temporalCoverage",
                    f"{text[:80]!r} is not an ISO 8601 date or interval start/end",
                    fix='use "2001-01-01/2002-12-31" (".." for an open end)',
                )
                self.keep_unmapped(rec, rec.dataset, "temporalCoverage", value)
                continue
            period = self.node(rec, "period", index)
            g.add((rec.dataset, DCTERMS.temporal, period))
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            if start is not None:
                g.add((period, DCAT.startDate, start))
            if end is not None:
                g.add((period, DCAT.endDate, end))
            if unreadable:
                self.keep_unmapped(rec, period, "temporalCoverage", value)  # e.g. a duration end

    def _spatial(self, rec: LiftedRecord, coverage: object) -> None:
        """dcterms:spatial dcterms:Location (SOSO "Spatial Coverage")."""
        g = rec.graph
        for index, place in enumerate(_as_list(coverage)):
            field_name = f"spatialCoverage[{index}]"
            if isinstance(place, str):
                place = {"name": place}
            if not isinstance(place, dict):
                self.keep_unmapped(rec, rec.dataset, "spatialCoverage", place)
                continue
            location = self.node(rec, "location", index)
            g.add((rec.dataset, DCTERMS.spatial, location))
            g.add((location, RDF.type, DCTERMS.Location))
            name = clean_text(place.get("name"))
            if name:
                g.add((location, LOCN.geographicName, Literal(name)))
                g.add((location, SKOS.prefLabel, Literal(name)))
            geos = place.get("geo")
            if geos is None and ("latitude" in place or "longitude" in place):
                geos = {k: place[k] for k in ("latitude", "longitude") if k in place}  # lat/lon put on the Place
                place = {k: v for k, v in place.items() if k not in ("latitude", "longitude")}
            if "geo" in place and not _as_list(geos) or geos == {}:
                self.warn(rec, f"{field_name}.geo", "geo is empty", fix="give a GeoShape box or GeoCoordinates")
            mapped_any = bool(name)
            corners = {clean_text(c.get("name")): c for c in _as_list(geos) if isinstance(c, dict)}
            if len(_as_list(geos)) == 2 and set(corners) == {"Northwest", "Southeast"}:
                # ESS-DIVE: the box's corners as two named GeoCoordinates
                north, west = (
                    _float(corners["Northwest"].get("latitude"), 90),
                    _float(corners["Northwest"].get("longitude"), 180),
                )
                south, east = (
                    _float(corners["Southeast"].get("latitude"), 90),
                    _float(corners["Southeast"].get("longitude"), 180),
                )
                if None not in (north, west, south, east) and south <= north:  # type: ignore[operator]
                    if (north, west) == (south, east):
                        point = f"POINT({_num(west)} {_num(north)})"  # type: ignore[arg-type]
                        g.add((location, DCAT_CENTROID, Literal(point, datatype=WKT)))
                    else:
                        g.add((location, DCAT.bbox, bbox_wkt(west, south, east, north)))  # type: ignore[arg-type]
                    geos, mapped_any = [], True
            for position, geo in enumerate(_as_list(geos)):
                if isinstance(geo, dict) and self._geometry(rec, location, geo, f"{field_name}.geo[{position}]"):
                    mapped_any = True
                elif geo not in ({}, None):
                    self.keep_unmapped(rec, location, "geo", geo)
            points = sorted(g.objects(location, DCAT_CENTROID))
            if len(points) > 1 and g.value(location, LOCN.geometry) is None:
                # several GeoCoordinates of one Place (a network's sites): one MULTIPOINT, since a
                # location has one centroid (DCAT-US 3.0 Location: centroid and geometry max 1)
                g.remove((location, DCAT_CENTROID, None))
                inner = ", ".join(f"({str(p)[len('POINT(') : -1]})" for p in points)
                g.add((location, LOCN.geometry, Literal(f"MULTIPOINT({inner})", datatype=WKT)))
            if not mapped_any:
                self.warn(rec, field_name, "the place has no name and no readable geometry")
            for key, value in sorted(place.items()):
                if key not in ("@type", "name", "geo"):
                    self.keep_unmapped(rec, location, key, value)

    def _geometry(self, rec: LiftedRecord, location: URIRef, geo: dict[str, Any], field_name: str) -> bool:
        g = rec.graph
        done = False
        if "latitude" in geo or "longitude" in geo:
            lat, lon = _float(geo.get("latitude"), 90), _float(geo.get("longitude"), 180)
            if lat is None or lon is None:
                self.warn(
                    rec,
                    field_name,
                    f"latitude {geo.get('latitude')!r} / longitude {geo.get('longitude')!r} are not valid coordinates",
                )
            else:
                g.add((location, DCAT_CENTROID, Literal(f"POINT({_num(lon)} {_num(lat)})", datatype=WKT)))
                done = True
        for box in _as_list(geo.get("box")):
            parts = re.split(r"[\s,]+", box.strip()) if isinstance(box, str) else []
            numbers = [_float(p, 180) for p in parts]
            if len(numbers) != 4 or any(n is None for n in numbers):
                self.warn(rec, f"{field_name}.box", f'{str(box)[:80]!r} is not a box "south west north east"')
                self.keep_unmapped(rec, location, "box", box)
                continue
            south, west, north, east = numbers  # schema.org GeoShape box: "lat lon lat lon"
            assert south is not None and west is not None and north is not None and east is not None
            if abs(south) > 90 or abs(north) > 90 or south > north:
                self.warn(
                    rec,
                    f"{field_name}.box",
                    f"{box!r}: south and north must be latitudes with south <= north "
                    '(the order is "south west north east")',
                )
                self.keep_unmapped(rec, location, "box", box)
                continue
            g.add((location, DCAT.bbox, bbox_wkt(west, south, east, north)))
            done = True
        for polygon in _as_list(geo.get("polygon")):
            numbers = [_float(p, 180) for p in re.split(r"[\s,]+", polygon.strip())] if isinstance(polygon, str) else []
            if len(numbers) < 6 or len(numbers) % 2 or any(n is None for n in numbers):
                self.warn(rec, f"{field_name}.polygon", 'polygon is not a list of "lat lon" points')
                self.keep_unmapped(rec, location, "polygon", polygon)
                continue
            points = [(numbers[i + 1], numbers[i]) for i in range(0, len(numbers), 2)]
            if points[0] != points[-1]:
                points.append(points[0])
            wkt = "POLYGON((" + ", ".join(f"{_num(lon)} {_num(lat)}" for lon, lat in points) + "))"  # type: ignore[arg-type]
            g.add((location, LOCN.geometry, Literal(wkt, datatype=WKT)))
            done = True
        for line in _as_list(geo.get("line")):
            numbers = [_float(p, 180) for p in re.split(r"[\s,]+", line.strip())] if isinstance(line, str) else []
            if len(numbers) < 4 or len(numbers) % 2 or any(n is None for n in numbers):
                self.keep_unmapped(rec, location, "line", line)
                continue
            wkt = (
                "LINESTRING("
                + ", ".join(
                    f"{_num(numbers[i + 1])} {_num(numbers[i])}"  # type: ignore[arg-type]
                    for i in range(0, len(numbers), 2)
                )
                + ")"
            )
            g.add((location, LOCN.geometry, Literal(wkt, datatype=WKT)))
            done = True
        for key, value in sorted(geo.items()):
            if key not in ("@type", "latitude", "longitude", "box", "polygon", "line"):
                self.keep_unmapped(rec, location, key, value)
        return done

    def _distributions(self, rec: LiftedRecord, node: dict[str, Any]) -> None:
        """dcat:distribution from DataDownload (SOSO "Distributions")."""
        g, ds = rec.graph, rec.dataset
        entries = _as_list(node.get("distribution"))
        if node.get("contentUrl"):  # bolognese writes the DataDownload's terms on the Dataset itself
            entries.append({k: node[k] for k in ("contentUrl", "encodingFormat", "contentSize") if k in node})
        reachable = any(_iri(u) is not None for u in _as_list(node.get("url")) if isinstance(u, str))
        for index, entry in enumerate(entries):
            field_name = f"distribution[{index}]"
            if isinstance(entry, str) and _iri(entry) is not None:
                entry = {"contentUrl": entry}
            if not isinstance(entry, dict):
                self.keep_unmapped(rec, ds, "distribution", entry)
                continue
            dist = self.node(rec, "distribution", index)
            g.add((ds, DCAT.distribution, dist))
            g.add((dist, RDF.type, DCAT.Distribution))
            has_url = False
            for key, prop in (("contentUrl", DCAT.downloadURL), ("url", DCAT.accessURL)):
                for value in _as_list(entry.get(key)):
                    target = _iri(value) if isinstance(value, str) else None
                    if target is not None:
                        g.add((dist, prop, target))
                        has_url = True
                    else:
                        if not (isinstance(value, str) and re.match(r"^[a-z][a-z0-9+.-]*://", value)):
                            self.warn(rec, f"{field_name}.{key}", f"{str(value)[:80]!r} is not an absolute URL")
                        self.keep_unmapped(rec, dist, key, value)  # s3://, gs://, dos:// kept as given
            if not has_url and not entry.get("contentUrl"):
                self.warn(
                    rec,
                    f"{field_name}.contentUrl",
                    "the distribution has no contentUrl or url: the data cannot be reached from it",
                    fix="give contentUrl (SOSO Distributions)",
                )
            reachable = reachable or has_url
            has_format = False
            for position, fmt in enumerate(_as_list(entry.get("encodingFormat")) + _as_list(entry.get("fileFormat"))):
                text = clean_text(fmt)
                if not text or has_format:
                    # DCAT-US 3.0: one format and one media type per distribution; the first
                    # listed is mapped, any other is kept as the source gave it
                    self.keep_unmapped(rec, dist, "encodingFormat", fmt)
                    continue
                has_format = True
                media = media_type_iri(text)
                if media is not None:
                    g.add((dist, DCAT.mediaType, media))
                fmt_node = self.node(rec, "format", f"{index}-{position}")
                g.add((dist, DCTERMS.format, fmt_node))
                g.add((fmt_node, RDF.type, DCTERMS.MediaType))
                g.add((fmt_node, RDFS.label, Literal(text)))
            for key, prop in (("name", DCTERMS.title), ("description", DCTERMS.description)):
                text = clean_text(entry.get(key))
                if text:
                    g.add((dist, prop, Literal(text)))
            size = clean_text(entry.get("contentSize"))
            if size and re.fullmatch(r"\d+( ?(bytes|B))?", size):
                g.add((dist, DCAT.byteSize, Literal(re.match(r"\d+", size).group(0), datatype=XSD.nonNegativeInteger)))  # type: ignore[union-attr]
            elif size:
                self.keep_unmapped(rec, dist, "contentSize", entry.get("contentSize"))
            modified = date_literal(entry.get("dateModified"))
            if modified is not None:
                g.add((dist, DCTERMS.modified, modified))
            elif entry.get("dateModified") is not None:
                self.keep_unmapped(rec, dist, "dateModified", entry.get("dateModified"))
            for lic in _as_list(entry.get("license")):
                target = _iri(lic.get("url") if isinstance(lic, dict) else lic)
                if target is not None:
                    g.add((dist, DCTERMS.license, target))
                else:
                    self.keep_unmapped(rec, dist, "license", lic)
            for key, value in sorted(entry.items()):
                if key not in DIST_KEYS:
                    self.keep_unmapped(rec, dist, key, value)
        if not reachable:
            self.warn(
                rec,
                "distribution",
                "neither url nor a distribution with contentUrl is given: the data cannot be reached",
                fix="give url (landing page) or distribution/contentUrl",
            )

    def _variables(self, rec: LiftedRecord, variables: object) -> None:
        """schema:variableMeasured schema:PropertyValue nodes (SOSO "Variables")."""
        g, ds = rec.graph, rec.dataset
        for index, entry in enumerate(_as_list(variables)):
            if isinstance(entry, str):
                entry = {"name": entry}
            if not isinstance(entry, dict):
                self.keep_unmapped(rec, ds, "variableMeasured", entry)
                continue
            var = self.node(rec, "variable", index)
            g.add((ds, SDO.variableMeasured, var))
            g.add((var, RDF.type, SDO.PropertyValue))
            if not clean_text(entry.get("name")):
                self.warn(
                    rec,
                    f"variableMeasured[{index}].name",
                    "the variable has no name (SOSO requires one)",
                    fix="give each variableMeasured a name",
                )
            for key, prop in VARIABLE_PROPS.items():
                for value in _as_list(entry.get(key)):
                    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                        self.keep_unmapped(rec, var, key, value)
                        continue
                    target = _iri(value) if key in ("propertyID", "unitCode", "url") else None
                    if target is not None:
                        g.add((var, prop, target))
                    elif isinstance(value, (int, float)):
                        g.add((var, prop, Literal(value)))
                    elif clean_text(value):
                        g.add((var, prop, Literal(clean_text(value))))
            for key, value in sorted(entry.items()):
                if key not in VARIABLE_PROPS and key != "@type":
                    self.keep_unmapped(rec, var, key, value)

    def _catalogs(self, rec: LiftedRecord, catalogs: object) -> None:
        g, ds = rec.graph, rec.dataset
        for index, entry in enumerate(_as_list(catalogs)):
            if isinstance(entry, str):
                entry = {"url": entry} if _iri(entry) else {"name": entry}
            if not isinstance(entry, dict):
                self.keep_unmapped(rec, ds, "includedInDataCatalog", entry)
                continue
            catalog = _iri(entry.get("@id")) or _iri(entry.get("url")) or self.node(rec, "catalog", index)
            g.add((ds, SDO.includedInDataCatalog, catalog))
            g.add((catalog, RDF.type, DCAT.Catalog))
            g.add((catalog, DCAT.dataset, ds))
            name = clean_text(entry.get("name"))
            if name:
                g.add((catalog, DCTERMS.title, Literal(name)))
            home = _iri(entry.get("url"))
            if home is not None and home != catalog:
                g.add((catalog, FOAF.homepage, home))
            for position, publisher in enumerate(_as_list(entry.get("publisher"))):
                agent = self._agent(rec, publisher, "publisher", f"catalog{index}-{position}")
                if agent is not None:
                    g.add((catalog, DCTERMS.publisher, agent))
            for key, value in sorted(entry.items()):
                if key not in ("@type", "@id", "name", "url", "publisher"):
                    self.keep_unmapped(rec, catalog, key, value)

    def _contact(self, rec: LiftedRecord, contacts: object) -> None:
        g = rec.graph
        for index, entry in enumerate(_as_list(contacts)):
            if not isinstance(entry, dict):
                self.keep_unmapped(rec, rec.dataset, "contactPoint", entry)
                continue
            node = self.node(rec, "contact", index)
            g.add((rec.dataset, DCAT.contactPoint, node))
            g.add((node, RDF.type, VCARD.Kind))
            name = clean_text(entry.get("name"))
            if name:
                g.add((node, VCARD.fn, Literal(name)))
            address = mailto(entry.get("email"))
            if address is not None:
                g.add((node, VCARD.hasEmail, address))
            for key, value in sorted(entry.items()):
                if key not in ("@type", "name") and not (key == "email" and address is not None):
                    self.keep_unmapped(rec, node, key, value)

    def _simple(self, rec: LiftedRecord, node: dict[str, Any]) -> None:
        """version, inLanguage, sameAs, citation, hasPart / isPartOf, measurementTechnique ..."""
        g, ds = rec.graph, rec.dataset
        for value in _as_list(node.get("version")):
            text = clean_text(value)
            if text:
                g.add((ds, DCAT_VERSION, Literal(text)))
        for value in _as_list(node.get("inLanguage")):
            code = value.get("alternateName") or value.get("name") if isinstance(value, dict) else value
            code = LANGUAGE_NAMES.get(code.strip().lower(), code) if isinstance(code, str) else code
            lang = language_iri(code)
            if lang is not None:
                g.add((ds, DCTERMS.language, lang))
            else:
                self.warn(rec, "inLanguage", f"{str(value)[:40]!r} is not a BCP 47 language tag", fix="use e.g. en")
                self.keep_unmapped(rec, ds, "inLanguage", value)
        for value in _as_list(node.get("sameAs")):
            target = _iri(value) if isinstance(value, str) else None
            if target is not None and target != ds:
                g.add((ds, SDO.sameAs, target))
            elif target is None:
                self.keep_unmapped(rec, ds, "sameAs", value)
        for key, prop in (
            ("citation", DCTERMS.references),
            ("hasPart", DCTERMS.hasPart),
            ("isPartOf", DCTERMS.isPartOf),
        ):
            for value in _as_list(node.get(key)):
                target = self._work_iri(value)
                if target is not None:
                    g.add((ds, prop, target))
                    if isinstance(value, dict):
                        rest = {k: v for k, v in value.items() if k not in ("@id", "url", "identifier", "@type")}
                        self.keep_unmapped(rec, ds, key, rest or None)
                elif key == "citation" and clean_text(value):
                    g.add((ds, SDO.citation, Literal(clean_text(value))))
                else:
                    self.keep_unmapped(rec, ds, key, value)
        for value in _as_list(node.get("measurementTechnique")):
            target = _iri(value) if isinstance(value, str) else None
            if target is not None:
                g.add((ds, SDO.measurementTechnique, target))
            elif clean_text(value):
                g.add((ds, SDO.measurementTechnique, Literal(clean_text(value))))
            else:
                self.keep_unmapped(rec, ds, "measurementTechnique", value)
        free = node.get("isAccessibleForFree")
        if isinstance(free, bool):
            g.add((ds, SDO.isAccessibleForFree, Literal(free)))
        elif isinstance(free, str) and free.strip().lower() in ("true", "false"):
            g.add((ds, SDO.isAccessibleForFree, Literal(free.strip().lower() == "true")))
        else:
            self.keep_unmapped(rec, ds, "isAccessibleForFree", free)

    @staticmethod
    def _work_iri(value: object) -> URIRef | None:
        """The IRI of a cited / related work: a DOI, a URL, or a CreativeWork's @id / url / identifier."""
        candidates: list[object] = []
        if isinstance(value, str):
            candidates = [value] if not re.search(r"\s", value.strip()) else []
        elif isinstance(value, dict):
            candidates = [t for t, _ in _identifier_values(value.get("identifier"))]
            candidates += [value.get("@id"), *_as_list(value.get("url"))]
        for candidate in candidates:
            if not isinstance(candidate, str) or candidate.startswith("_:"):
                continue
            doi = normalize_doi(candidate.strip())
            if doi:
                return _doi_ref(doi)
            target = _iri(candidate)
            if target is not None:
                return target
        return None


__all__ = ["SchemaOrgLifter"]
