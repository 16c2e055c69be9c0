"""Ecological Metadata Language (EML 2.0.0 – 2.2.0) → DCAT 3 / DCTERMS / PROV-O / FOAF / vCard.

One record per ``eml:eml/dataset`` (EML 2.2 spec, https://eml.ecoinformatics.org/, "eml-dataset",
"eml-resource", "eml-party", "eml-coverage", "eml-entity", "eml-attribute"), following the
DataONE practice for EML → schema.org / DCAT where the spec leaves a choice:

=================================  ===========================================================
EML (XPath under eml:eml/dataset)  RDF
=================================  ===========================================================
/eml/@packageId                    the record's identifier (``dcterms:identifier``); a DOI in it
                                   (``doi:10.5063/F1W957H4``) gives the dataset IRI
                                   ``https://doi.org/10.5063/f1w957h4``. An empty packageId falls
                                   back to ``dataset/@id``, then the first alternateIdentifier.
alternateIdentifier                ``adms:identifier`` adms:Identifier with skos:notation (and
                                   adms:schemaAgency from @system); a DOI here is the dataset IRI
                                   when packageId holds none
title / shortName                  ``dcterms:title`` / ``dcterms:alternative``
abstract                           ``dcterms:description``: the text of each para / section /
                                   markdown, whitespace collapsed, paragraphs joined by a blank line
keywordSet/keyword                 ``dcat:keyword``; with a keywordThesaurus (other than "none")
                                   also ``dcat:theme`` a skos:Concept in a skos:ConceptScheme
                                   titled with the thesaurus (``{BASE}concept/eml/<thesaurus>``)
creator                            ``dcterms:creator``
associatedParty                    ``dcterms:contributor`` and a ``prov:qualifiedAttribution``
                                   whose ``dcat:hadRole`` is the party's role
metadataProvider                   ``prov:qualifiedAttribution`` with role "metadataProvider"
contact                            ``dcat:contactPoint`` vcard:Kind (vcard:fn, vcard:hasEmail,
                                   vcard:organization-name, vcard:hasURL, vcard:hasUID ORCID)
publisher                          ``dcterms:publisher``: the organisation ``{BASE}agent/<slug>``
ResponsibleParty                   people: ``https://orcid.org/<iD>`` when userId names ORCID,
                                   else a record node (``party/<@id>`` when the party has an id,
                                   so a ``<references>`` to it is the same node); foaf:Person with foaf:name, givenName,
                                   familyName, foaf:mbox, foaf:homepage, org:memberOf their
                                   organisation. Organisations: ``{BASE}agent/<slug(name)>``
                                   foaf:Organization + org:Organization, foaf:name, skos:prefLabel.
                                   address, phone, positionName (with a name) are kept unmapped
pubDate                            ``dcterms:issued`` (typed; an invalid date is reported)
language                           ``dcterms:language`` (ISO 639 codes and common English names)
intellectualRights                 ``dcterms:rights`` dcterms:RightsStatement with rdfs:label
licensed (EML 2.2)                 ``dcterms:license`` the licence url, rdfs:label licenseName
coverage/geographicCoverage        ``dcterms:spatial`` dcterms:Location: geographicDescription →
                                   locn:geographicName + skos:prefLabel; boundingCoordinates →
                                   dcat:bbox WKT polygon; boundingAltitudes kept unmapped
coverage/temporalCoverage          ``dcterms:temporal`` dcterms:PeriodOfTime: rangeOfDates →
                                   dcat:startDate / dcat:endDate; singleDateTime → both the same
coverage/taxonomicCoverage         kept unmapped (whole), plus ``dcat:keyword`` for the values of
                                   rank genus, species and below (a species under a genus is
                                   written as the binomial, "Sarracenia purpurea")
methods                            ``dcterms:provenance`` dcterms:ProvenanceStatement (text);
                                   the structure is also kept unmapped
project/funding, project/award     ``schema:funding`` schema:MonetaryGrant: funding text →
                                   schema:description; award funderName → schema:funder
                                   (organisation node), awardNumber → schema:identifier, title →
                                   schema:name, awardUrl → schema:url (like the DataCite lifter).
                                   The rest of project (title, personnel ...) is kept unmapped
distribution/online/url            a ``dcat:distribution``: function "download" → dcat:downloadURL,
                                   otherwise dcat:accessURL (an "information" URL is also the
                                   ``dcat:landingPage``); offline / inline kept unmapped
dataTable, spatialRaster,          one dcat:Distribution per entity: entityName → dcterms:title
spatialVector, storedProcedure,    (objectName when no entityName), entityDescription →
view, otherEntity                  dcterms:description, physical/distribution/online/url →
                                   downloadURL / accessURL, physical/dataFormat → dcterms:format a
                                   dcterms:MediaType with rdfs:label (and dcat:mediaType for IANA
                                   types), physical/size (bytes) → dcat:byteSize
attributeList/attribute            ``schema:variableMeasured`` schema:PropertyValue on the dataset
                                   (and ``schema:variableMeasured`` on the entity's distribution):
                                   attributeName → schema:name, attributeDefinition →
                                   schema:description, standardUnit / customUnit →
                                   schema:unitText, attributeLabel → schema:alternateName;
                                   measurementScale and missingValueCode kept unmapped
maintenance/                       ``dcterms:accrualPeriodicity`` a Dublin Core frequency when one
maintenanceUpdateFrequency         fits (annually, biannually, continually, daily, irregular,
                                   monthly, weekly); asNeeded, notPlanned, unknown ... kept
=================================  ===========================================================

Everything else (access, purpose, additionalMetadata, ...) is kept under the source namespace as
JSON, named by its XPath. ``<references>`` to a party elsewhere in the document is resolved.

XML is parsed like the DataCite lifter does: no entity expansion, no DTD, no network; documents
declaring entities or an external DTD are refused. Nothing is ever fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.formats import EML
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
)

# The safe parser and the cheap root sniffing are shared with the DataCite XML lifter.
from kg.lifting.xmlsafe import parse_xml, root_name_and_namespace
from kg.namespaces import ADMS, BASE, LOCN, SDO, VCARD, normalize_doi, slug

ORG = Namespace("http://www.w3.org/ns/org#")
CONCEPTS = f"{BASE}concept/eml/"
EML_NAMESPACES = ("eml://ecoinformatics.org/eml-2", "https://eml.ecoinformatics.org/eml-2")
ENTITY_TAGS = ("dataTable", "spatialRaster", "spatialVector", "storedProcedure", "view", "otherEntity")
PARTY_TAGS = ("creator", "metadataProvider", "associatedParty", "contact", "publisher")

# dataset children mapped by the steps below; every other child is kept under the source namespace.
MAPPED = {
    "alternateIdentifier", "title", "shortName", "abstract", "keywordSet", "pubDate", "language",
    "intellectualRights", "licensed", "coverage", "methods", "project", "distribution", "maintenance",
    *PARTY_TAGS, *ENTITY_TAGS,
}  # fmt: skip

# EML maintenanceUpdateFrequency (= ISO 19115 MD_MaintenanceFrequencyCode) → Dublin Core frequency.
FREQUENCIES = {
    "annually": "annual",
    "biannually": "semiannual",  # twice a year, as in ISO 19115
    "continually": "continuous",
    "daily": "daily",
    "irregular": "irregular",
    "monthly": "monthly",
    "weekly": "weekly",
}
LANGUAGE_NAMES = {"english": "en", "french": "fr", "spanish": "es", "german": "de", "portuguese": "pt"}
TAXON_RANKS = {"genus", "species", "subspecies", "variety", "forma"}
_ORCID_RE = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$", re.IGNORECASE)


# --- XML helpers ------------------------------------------------------------------------------


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: Any, name: str | None = None) -> list[Any]:
    return [c for c in element if isinstance(c.tag, str) and (name is None or _local(c) == name)]


def _child(element: Any, name: str) -> Any | None:
    for c in element:
        if isinstance(c.tag, str) and _local(c) == name:
            return c
    return None


def _text(element: Any | None) -> str | None:
    return None if element is None else clean_text("".join(element.itertext()))


def _path_text(element: Any, *names: str) -> str | None:
    for name in names:
        element = _child(element, name) if element is not None else None
    return _text(element)


def _block_text(element: Any) -> str | None:
    """Text of an EML TextType: each para / section title / markdown a paragraph, whitespace
    collapsed inside each (EML 2.2 "eml-text")."""
    blocks: list[str] = []

    def walk(node: Any) -> None:
        for c in _children(node):
            if _local(c) in ("section",):
                walk(c)
            elif _local(c) in ("para", "title", "markdown", "literalLayout"):
                text = _text(c)
                if text:
                    blocks.append(text)
            else:
                walk(c)

    walk(element)
    if not blocks:
        text = _text(element)
        return text
    return "\n\n".join(blocks)


def _to_json(element: Any) -> Any:
    """An element as JSON-able data: text for leaves, else a dict of children (lists when
    repeated) with attributes as ``@name``."""
    kids = _children(element)
    attrs: dict[str, Any] = {f"@{etree.QName(k).localname}": v for k, v in element.attrib.items()}
    if not kids:
        text = clean_text("".join(element.itertext()))
        if not attrs:
            return text
        if text:
            attrs["#text"] = text
        return attrs
    counts: dict[str, int] = {}
    for c in kids:
        counts[_local(c)] = counts.get(_local(c), 0) + 1
    for c in kids:
        name = _local(c)
        if counts[name] > 1:
            attrs.setdefault(name, []).append(_to_json(c))
        else:
            attrs[name] = _to_json(c)
    return attrs


def _is_eml_root(root: tuple[str, str | None] | None) -> bool:
    return root is not None and root[0] == "eml" and (root[1] or "").startswith(EML_NAMESPACES)


def _record_ids(root: Any) -> tuple[str | None, str | None]:
    """(local id, DOI) of the document's dataset."""
    package = clean_text(root.get("packageId"))
    dataset = _child(root, "dataset")
    alternates = (
        [t for t in (_text(a) for a in _children(dataset, "alternateIdentifier")) if t] if dataset is not None else []
    )
    doi = normalize_doi(package) if package else None
    if doi is None:
        doi = next((normalize_doi(a) for a in alternates if normalize_doi(a)), None)
    dataset_id = clean_text(dataset.get("id")) if dataset is not None else None
    local = doi or package or dataset_id or (alternates[0] if alternates else None)
    return local, doi


# --- the lifter -------------------------------------------------------------------------------


class EmlLifter(Lifter):
    """EML 2.0.0 – 2.2.0: one record per document (its ``dataset``)."""

    format = EML
    version = "1.1"

    def detect(self, data: bytes, filename: str) -> float:
        root = root_name_and_namespace(data)
        if _is_eml_root(root):
            return 0.95
        if root is not None and root[0] == "eml" and not root[1] and b"<dataset" in data[:200_000]:
            return 0.3  # an <eml> without its namespace: probably EML, but not claimed
        return 0.0

    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        root = parse_xml(data, source_file)
        namespace = etree.QName(root).namespace or ""
        if _local(root) != "eml" or not namespace.startswith(EML_NAMESPACES):
            raise LiftError(
                f"root element is <{_local(root)}>{' in ' + namespace if namespace else ''}; an EML document "
                f"is an <eml:eml> in eml://ecoinformatics.org/eml-2.x or https://eml.ecoinformatics.org/eml-2.2.0",
                source_file=source_file,
                field=_local(root),
            )
        dataset = _child(root, "dataset")
        if dataset is None:
            present = ", ".join(sorted({_local(c) for c in _children(root) if _local(c) != "access"})) or "nothing"
            yield LiftError(
                f"the document describes no <dataset> (it holds {present}); only datasets are lifted",
                source_file=source_file,
                record=file_record(source_file),
                field="/eml/dataset",
            )
            return
        local_id, _ = _record_ids(root)
        if local_id is None:
            yield LiftError(
                "no packageId, dataset/@id or alternateIdentifier; the record cannot be given a stable identity",
                source_file=source_file,
                record=file_record(source_file),
                field="/eml/@packageId",
            )
            return
        yield RawRecord(
            data=data,
            local_id=local_id,
            pointer="/eml/dataset",
            source_file=source_file,
            media_type="application/xml",
            parsed=root,
        )

    def lift(self, raw: RawRecord, *, source: str) -> LiftedRecord:
        root = raw.parsed if raw.parsed is not None else parse_xml(raw.data, raw.source_file)
        dataset = _child(root, "dataset")
        if dataset is None:
            raise LiftError("no <dataset>", source_file=raw.source_file, record=raw.local_id, field="/eml/dataset")
        _, doi = _record_ids(root)
        rec = self.new_record(raw, source=source, doi=doi)
        g, ds = rec.graph, rec.dataset
        g.add((ds, RDF.type, DCAT.Dataset))
        package = clean_text(root.get("packageId"))
        g.add((ds, DCTERMS.identifier, Literal(package or raw.local_id)))
        if not package:
            self.warn(
                rec,
                "/eml/@packageId",
                f"packageId is empty; the record is identified by {raw.local_id!r}",
                fix="give the package identifier in /eml/@packageId",
            )
        for name in ("system", "scope"):
            self.keep_unmapped(rec, ds, f"eml/@{name}", root.get(name))
        for index, element in enumerate(_children(dataset, "alternateIdentifier")):
            text = _text(element)
            if not text:
                continue
            node = self.node(rec, "identifier", index)
            g.add((ds, ADMS.identifier, node))
            g.add((node, RDF.type, ADMS.Identifier))
            g.add((node, SKOS.notation, Literal(text)))
            if element.get("system"):
                g.add((node, ADMS.schemaAgency, Literal(element.get("system"))))

        self._titles(rec, dataset)
        abstract = _child(dataset, "abstract")
        if abstract is not None:
            text = _block_text(abstract)
            if text:
                g.add((ds, DCTERMS.description, Literal(text)))
        self._keywords(rec, dataset)
        self._parties(rec, dataset)
        self._dates_and_language(rec, dataset)
        self._rights(rec, dataset)
        for coverage in _children(dataset, "coverage"):
            self._coverage(rec, coverage)
        self._methods(rec, dataset)
        self._project(rec, dataset)
        self._distributions(rec, dataset)
        self._entities(rec, dataset)
        self._maintenance(rec, dataset)
        for element in _children(dataset):
            if _local(element) not in MAPPED:
                self.keep_unmapped(rec, ds, f"dataset/{_local(element)}", _to_json(element))
        for name, value in sorted(dataset.attrib.items()):
            self.keep_unmapped(rec, ds, f"dataset/@{etree.QName(name).localname}", value)
        for element in _children(root):
            if _local(element) != "dataset":
                self.keep_unmapped(rec, ds, _local(element), _to_json(element))
        return rec

    # --- parts --------------------------------------------------------------------------------

    def _titles(self, rec: LiftedRecord, dataset: Any) -> None:
        g, ds = rec.graph, rec.dataset
        titles = [(t, _text(t)) for t in _children(dataset, "title")]
        if not any(text for _, text in titles):
            self.warn(rec, "/eml/dataset/title", "the dataset has no title; EML requires one", fix="add <title>")
        for element, text in titles:
            if text:
                lang = language_tag(element.get("{http://www.w3.org/XML/1998/namespace}lang"))
                g.add((ds, DCTERMS.title, Literal(text, lang=lang) if lang else Literal(text)))
        for element in _children(dataset, "shortName"):
            text = _text(element)
            if text:
                g.add((ds, DCTERMS.alternative, Literal(text)))

    def _keywords(self, rec: LiftedRecord, dataset: Any) -> None:
        g, ds = rec.graph, rec.dataset
        for keyword_set in _children(dataset, "keywordSet"):
            thesaurus = _path_text(keyword_set, "keywordThesaurus")
            scheme = None
            if thesaurus and thesaurus.lower() not in ("none", "n/a"):
                scheme = URIRef(f"{CONCEPTS}{slug(thesaurus)}")
                g.add((scheme, RDF.type, SKOS.ConceptScheme))
                g.add((scheme, DCTERMS.title, Literal(thesaurus)))
            elif thesaurus:
                self.keep_unmapped(rec, ds, "dataset/keywordSet/keywordThesaurus", thesaurus)
            for keyword in _children(keyword_set, "keyword"):
                text = _text(keyword)
                if not text:
                    continue
                g.add((ds, DCAT.keyword, Literal(text)))
                if scheme is not None:
                    concept = URIRef(f"{scheme}/{slug(text)}")
                    g.add((ds, DCAT.theme, concept))
                    g.add((concept, RDF.type, SKOS.Concept))
                    g.add((concept, SKOS.prefLabel, Literal(text)))
                    g.add((concept, SKOS.inScheme, scheme))
                if keyword.get("keywordType"):
                    self.keep_unmapped(
                        rec, ds, "dataset/keywordSet/keyword/@keywordType", {text: keyword.get("keywordType")}
                    )

    # --- parties ------------------------------------------------------------------------------

    def _resolve(self, element: Any) -> Any:
        """A party given as ``<references>id</references>`` is the element with that id."""
        ref = _child(element, "references")
        if ref is not None:  # may stand beside <role> in an associatedParty
            found = element.getroottree().getroot().xpath("//*[@id=$id]", id=_text(ref) or "")
            if found:
                return found[0]
        return element

    def _organization(self, rec: LiftedRecord, name: str) -> URIRef:
        """The organisation named ``name``: one node across records and formats."""
        return self.organization(rec, name)

    def _orcid(self, rec: LiftedRecord, party: Any, field_name: str) -> URIRef | None:
        for user in _children(party, "userId"):
            text = _text(user) or ""
            directory = (user.get("directory") or "").lower()
            match = _ORCID_RE.search(text)
            if match and ("orcid" in directory or "orcid.org" in text.lower()):
                return URIRef(f"https://orcid.org/{match.group(1).upper()}")
            if "orcid" in directory:
                self.warn(rec, f"{field_name}/userId", f"{text!r} is not an ORCID iD")
            self.keep_unmapped(rec, rec.dataset, f"{field_name.removeprefix('/eml/')}/userId", _to_json(user))
        return None

    def _party(self, rec: LiftedRecord, element: Any, kind: str, index: int) -> URIRef | None:
        """The agent of an EML ResponsibleParty (EML 2.2 "eml-party")."""
        g = rec.graph
        field_name = f"/eml/dataset/{kind}[{index + 1}]"
        party = self._resolve(element)
        person = _child(party, "individualName")
        given = (
            " ".join(t for t in (_text(e) for e in _children(person, "givenName")) if t) if person is not None else ""
        )
        family = _path_text(person, "surName") if person is not None else None
        org_name = _path_text(party, "organizationName")
        position = _path_text(party, "positionName")
        orcid = self._orcid(rec, party, field_name)
        if person is not None and (given or family):
            # A party with an id is one node however often it is <references>d.
            agent = orcid or (self.node(rec, "party", slug(party.get("id"))) if party.get("id") else None)
            agent = agent or self.node(rec, kind, index)
            g.add((agent, RDF.type, FOAF.Person))
            g.add((agent, FOAF.name, Literal(" ".join(t for t in (given, family) if t))))
            if given:
                g.add((agent, FOAF.givenName, Literal(given)))
            if family:
                g.add((agent, FOAF.familyName, Literal(family)))
            if org_name:
                g.add((agent, ORG.memberOf, self._organization(rec, org_name)))
            if position:
                self.keep_unmapped(rec, agent, "positionName", position)
            for e in _children(person, "salutation"):
                self.keep_unmapped(rec, agent, "individualName/salutation", _text(e))
        elif org_name:
            agent = self._organization(rec, org_name)
            if position:
                self.keep_unmapped(rec, agent, "positionName", position)
        elif position:
            agent = self.node(rec, kind, index)
            g.add((agent, RDF.type, FOAF.Agent))
            g.add((agent, FOAF.name, Literal(position)))
        else:
            self.warn(rec, field_name, f"the {kind} has no individualName, organizationName or positionName")
            self.keep_unmapped(rec, rec.dataset, kind, _to_json(party))
            return None
        for e in _children(party, "electronicMailAddress"):
            address = mailto(_text(e))
            if address is not None:
                g.add((agent, FOAF.mbox, address))
            elif _text(e):
                self.warn(rec, f"{field_name}/electronicMailAddress", f"{_text(e)!r} is not an e-mail address")
                self.keep_unmapped(rec, agent, "electronicMailAddress", _text(e))
        for e in _children(party, "onlineUrl"):
            url = iri(_text(e))
            if url is not None:
                g.add((agent, FOAF.homepage, url))
            else:
                self.keep_unmapped(rec, agent, "onlineUrl", _text(e))
        for e in _children(party):
            if _local(e) in ("address", "phone"):
                self.keep_unmapped(rec, agent, _local(e), _to_json(e))
        return agent

    def _parties(self, rec: LiftedRecord, dataset: Any) -> None:
        g, ds = rec.graph, rec.dataset
        attribution_index = 0

        def attribute(agent: URIRef, role: str) -> None:
            nonlocal attribution_index
            node = self.node(rec, "attribution", attribution_index)
            attribution_index += 1
            concept = URIRef(f"{CONCEPTS}role/{slug(role)}")
            g.add((ds, PROV.qualifiedAttribution, node))
            g.add((node, RDF.type, PROV.Attribution))
            g.add((node, PROV.agent, agent))
            g.add((node, DCAT.hadRole, concept))
            g.add((concept, RDF.type, DCAT.Role))
            g.add((concept, SKOS.prefLabel, Literal(role)))

        creators = _children(dataset, "creator")
        if not creators:
            self.warn(rec, "/eml/dataset/creator", "the dataset has no creator; EML requires one")
        for index, element in enumerate(creators):
            agent = self._party(rec, element, "creator", index)
            if agent is not None:
                self.add_creator(rec, agent)
        for index, element in enumerate(_children(dataset, "associatedParty")):
            agent = self._party(rec, element, "associatedParty", index)
            if agent is not None:
                g.add((ds, DCTERMS.contributor, agent))
                attribute(agent, _path_text(element, "role") or "associatedParty")
        for index, element in enumerate(_children(dataset, "metadataProvider")):
            agent = self._party(rec, element, "metadataProvider", index)
            if agent is not None:
                attribute(agent, "metadataProvider")
        for index, element in enumerate(_children(dataset, "contact")):
            self._contact(rec, element, index)
        for index, element in enumerate(_children(dataset, "publisher")):
            party = self._resolve(element)
            org_name = _path_text(party, "organizationName")
            agent = self._party(rec, element, "publisher", index)
            if org_name and agent is not None and (agent, RDF.type, FOAF.Person) in g:
                agent = self._organization(rec, org_name)  # a person writing for the publisher
            if agent is not None:
                g.add((ds, DCTERMS.publisher, agent))

    def _contact(self, rec: LiftedRecord, element: Any, index: int) -> None:
        g = rec.graph
        party = self._resolve(element)
        field_name = f"/eml/dataset/contact[{index + 1}]"
        node = self.node(rec, "contact", index)
        person = _child(party, "individualName")
        name = None
        if person is not None:
            given = " ".join(t for t in (_text(e) for e in _children(person, "givenName")) if t)
            name = " ".join(t for t in (given, _path_text(person, "surName")) if t) or None
        org_name = _path_text(party, "organizationName")
        position = _path_text(party, "positionName")
        fn = name or org_name or position
        if fn is None:
            self.warn(rec, field_name, "the contact has no individualName, organizationName or positionName")
        g.add((rec.dataset, DCAT.contactPoint, node))
        g.add((node, RDF.type, VCARD.Kind))
        if fn:
            g.add((node, VCARD.fn, Literal(fn)))
        if org_name and name:
            g.add((node, VCARD["organization-name"], Literal(org_name)))
        if position and (name or org_name):
            g.add((node, VCARD.title, Literal(position)))
        for e in _children(party, "electronicMailAddress"):
            address = mailto(_text(e))
            if address is not None:
                g.add((node, VCARD.hasEmail, address))
            elif _text(e):
                self.warn(rec, f"{field_name}/electronicMailAddress", f"{_text(e)!r} is not an e-mail address")
                self.keep_unmapped(rec, node, "electronicMailAddress", _text(e))
        for e in _children(party, "onlineUrl"):
            url = iri(_text(e))
            if url is not None:
                g.add((node, VCARD.hasURL, url))
        orcid = self._orcid(rec, party, field_name)
        if orcid is not None:
            g.add((node, VCARD.hasUID, orcid))
        for e in _children(party):
            if _local(e) in ("address", "phone"):
                self.keep_unmapped(rec, node, _local(e), _to_json(e))

    # --- dates, language, rights --------------------------------------------------------------

    def _date(self, rec: LiftedRecord, element: Any, xpath: str) -> Literal | None:
        text = _text(element)
        if not text:
            return None
        lit = date_literal(text)
        if lit is None:
            self.warn(rec, xpath, f"{text!r} is not an ISO 8601 date", fix="use YYYY, YYYY-MM-DD or a dateTime")
            self.keep_unmapped(rec, rec.dataset, xpath.removeprefix("/eml/"), text)
        return lit

    def _dates_and_language(self, rec: LiftedRecord, dataset: Any) -> None:
        g, ds = rec.graph, rec.dataset
        for element in _children(dataset, "pubDate"):
            lit = self._date(rec, element, "/eml/dataset/pubDate")
            if lit is not None:
                g.add((ds, DCTERMS.issued, lit))
        for element in _children(dataset, "language"):
            text = _text(element)
            if not text:
                continue
            code = language_iri(LANGUAGE_NAMES.get(text.lower(), text))
            if code is not None:
                g.add((ds, DCTERMS.language, code))
            else:
                self.keep_unmapped(rec, ds, "dataset/language", text)

    def _rights(self, rec: LiftedRecord, dataset: Any) -> None:
        g, ds = rec.graph, rec.dataset
        for element in _children(dataset, "intellectualRights"):
            text = _block_text(element)
            if text:
                self.add_rights(rec, text)
        for index, element in enumerate(_children(dataset, "licensed")):
            name = _path_text(element, "licenseName")
            url = iri(_path_text(element, "url"))
            if url is None:
                self.warn(
                    rec,
                    f"/eml/dataset/licensed[{index + 1}]/url",
                    "the licence has no URL; kept as given",
                    fix="give the licence's URL, e.g. https://creativecommons.org/licenses/by/4.0/",
                )
                self.keep_unmapped(rec, ds, "dataset/licensed", _to_json(element))
                continue
            g.add((ds, DCTERMS.license, url))
            g.add((url, RDF.type, DCTERMS.LicenseDocument))
            if name:
                g.add((url, RDFS.label, Literal(name)))
            identifier = _path_text(element, "identifier")
            if identifier:
                g.add((url, DCTERMS.identifier, Literal(identifier)))

    # --- coverage -----------------------------------------------------------------------------

    def _coverage(self, rec: LiftedRecord, coverage: Any) -> None:
        g, ds = rec.graph, rec.dataset
        for index, geo in enumerate(_children(coverage, "geographicCoverage")):
            xpath = f"/eml/dataset/coverage/geographicCoverage[{index + 1}]"
            node = self.node(rec, "spatial", index)
            g.add((ds, DCTERMS.spatial, node))
            g.add((node, RDF.type, DCTERMS.Location))
            description = _path_text(geo, "geographicDescription")
            if description:
                g.add((node, LOCN.geographicName, Literal(description)))
                g.add((node, SKOS.prefLabel, Literal(description)))
            box = _child(geo, "boundingCoordinates")
            if box is not None:
                sides = {}
                for side in ("west", "east", "north", "south"):
                    text = _path_text(box, f"{side}BoundingCoordinate")
                    try:
                        sides[side] = float(text) if text is not None else None
                    except ValueError:
                        sides[side] = None
                w, e, n, s = (sides[k] for k in ("west", "east", "north", "south"))
                if (
                    w is None or e is None or n is None or s is None
                    or not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= 90 and -90 <= n <= 90)
                    or s > n
                ):  # fmt: skip
                    self.warn(rec, f"{xpath}/boundingCoordinates", "bounding coordinates are missing or out of range")
                    self.keep_unmapped(rec, node, "boundingCoordinates", _to_json(box))
                else:
                    if w > e:
                        self.warn(
                            rec,
                            f"{xpath}/boundingCoordinates",
                            "the box crosses the antimeridian (west > east); the WKT polygon is given as published",
                        )
                    g.add((node, DCAT.bbox, bbox_wkt(w, s, e, n)))
                    altitudes = _child(box, "boundingAltitudes")
                    if altitudes is not None:
                        self.keep_unmapped(rec, node, "boundingAltitudes", _to_json(altitudes))
            for element in _children(geo):
                if _local(element) not in ("geographicDescription", "boundingCoordinates"):
                    self.keep_unmapped(rec, node, _local(element), _to_json(element))
        for index, temporal in enumerate(_children(coverage, "temporalCoverage")):
            xpath = f"/eml/dataset/coverage/temporalCoverage[{index + 1}]"
            node = self.node(rec, "temporal", index)
            start = end = None
            span = _child(temporal, "rangeOfDates")
            if span is not None:
                start = self._calendar(rec, _child(span, "beginDate"), f"{xpath}/rangeOfDates/beginDate")
                end = self._calendar(rec, _child(span, "endDate"), f"{xpath}/rangeOfDates/endDate")
            singles = _children(temporal, "singleDateTime")
            for position, single in enumerate(singles):
                day = self._calendar(rec, single, f"{xpath}/singleDateTime[{position + 1}]")
                if day is not None and start is None:
                    start = end = day
                elif day is not None:
                    self.keep_unmapped(rec, node, "singleDateTime", str(day))
            if start is None and end is None:
                self.keep_unmapped(rec, ds, "dataset/coverage/temporalCoverage", _to_json(temporal))
                continue
            g.add((ds, DCTERMS.temporal, node))
            g.add((node, RDF.type, DCTERMS.PeriodOfTime))
            if start is not None:
                g.add((node, DCAT.startDate, start))
            if end is not None:
                g.add((node, DCAT.endDate, end))
        for taxonomic in _children(coverage, "taxonomicCoverage"):
            self.keep_unmapped(rec, ds, "dataset/coverage/taxonomicCoverage", _to_json(taxonomic))
            for name in _taxon_names(taxonomic, None):
                g.add((ds, DCAT.keyword, Literal(name)))

    def _calendar(self, rec: LiftedRecord, element: Any | None, xpath: str) -> Literal | None:
        """calendarDate (+ time) of an EML SingleDateTimeType; alternativeTimeScale kept."""
        if element is None:
            return None
        day = _child(element, "calendarDate")
        if day is None:
            if _children(element):
                self.keep_unmapped(rec, rec.dataset, xpath.removeprefix("/eml/"), _to_json(element))
            return None
        time = _path_text(element, "time")
        text = _text(day)
        if time and text:
            lit = date_literal(f"{text}T{time}")
            if lit is not None:
                return lit
        return self._date(rec, day, f"{xpath}/calendarDate")

    # --- methods, project ---------------------------------------------------------------------

    def _methods(self, rec: LiftedRecord, dataset: Any) -> None:
        g, ds = rec.graph, rec.dataset
        for index, methods in enumerate(_children(dataset, "methods")):
            text = _block_text(methods)
            if text:
                node = self.node(rec, "provenance", index)
                g.add((ds, DCTERMS.provenance, node))
                g.add((node, RDF.type, DCTERMS.ProvenanceStatement))
                g.add((node, RDFS.label, Literal(text)))
            self.keep_unmapped(rec, ds, "dataset/methods", _to_json(methods))

    def _project(self, rec: LiftedRecord, dataset: Any) -> None:
        g, ds = rec.graph, rec.dataset
        grant = 0
        for project in _children(dataset, "project"):
            for funding in _children(project, "funding"):
                text = _block_text(funding)
                if text:
                    node = self.node(rec, "funding", grant)
                    grant += 1
                    g.add((ds, SDO.funding, node))
                    g.add((node, RDF.type, SDO.MonetaryGrant))
                    g.add((node, SDO.description, Literal(text)))
            for award in _children(project, "award"):
                node = self.node(rec, "funding", grant)
                grant += 1
                g.add((ds, SDO.funding, node))
                g.add((node, RDF.type, SDO.MonetaryGrant))
                funder = _path_text(award, "funderName")
                if funder:
                    org = self._organization(rec, funder)
                    g.add((node, SDO.funder, org))
                    for ident in _children(award, "funderIdentifier"):
                        found = iri(_text(ident))
                        if found is not None:
                            g.add((org, SDO.sameAs, found))
                        else:
                            self.keep_unmapped(rec, node, "funderIdentifier", _text(ident))
                number = _path_text(award, "awardNumber")
                if number:
                    g.add((node, SDO.identifier, Literal(number)))
                title = _path_text(award, "title")
                if title:
                    g.add((node, SDO.name, Literal(title)))
                url = iri(_path_text(award, "awardUrl"))
                if url is not None:
                    g.add((node, SDO.url, url))
                for element in _children(award):
                    if _local(element) not in ("funderName", "funderIdentifier", "awardNumber", "title", "awardUrl"):
                        self.keep_unmapped(rec, node, _local(element), _to_json(element))
            rest = {k: v for k, v in (_to_json(project) or {}).items() if k not in ("funding", "award")}
            if rest:
                self.keep_unmapped(rec, ds, "dataset/project", rest)

    # --- distributions ------------------------------------------------------------------------

    def _online(self, rec: LiftedRecord, node: URIRef, distribution: Any, xpath: str, landing: bool) -> None:
        """dcat:downloadURL / dcat:accessURL from distribution/online/url (EML "eml-physical")."""
        g = rec.graph
        for online in _children(distribution, "online"):
            for url_element in _children(online, "url"):
                text = _text(url_element)
                url = iri(text)
                if url is None:
                    if text:
                        self.warn(rec, f"{xpath}/online/url", f"{text[:80]!r} is not an absolute URL")
                        self.keep_unmapped(rec, node, "online/url", text)
                    continue
                if url_element.get("function") == "download":
                    g.add((node, DCAT.downloadURL, url))
                else:
                    g.add((node, DCAT.accessURL, url))
                    if landing and url_element.get("function") == "information":
                        g.add((rec.dataset, DCAT.landingPage, url))
            for element in _children(online):
                if _local(element) != "url":
                    self.keep_unmapped(rec, node, f"online/{_local(element)}", _to_json(element))
        for element in _children(distribution):
            if _local(element) != "online":
                self.keep_unmapped(rec, node, _local(element), _to_json(element))

    def _distributions(self, rec: LiftedRecord, dataset: Any) -> None:
        g, ds = rec.graph, rec.dataset
        for index, distribution in enumerate(_children(dataset, "distribution")):
            if _child(distribution, "online") is None:
                self.keep_unmapped(rec, ds, "dataset/distribution", _to_json(distribution))
                continue
            node = self.node(rec, "distribution", index)
            g.add((ds, DCAT.distribution, node))
            g.add((node, RDF.type, DCAT.Distribution))
            self._online(rec, node, distribution, f"/eml/dataset/distribution[{index + 1}]", landing=True)

    def _entities(self, rec: LiftedRecord, dataset: Any) -> None:
        g, ds = rec.graph, rec.dataset
        index = 0
        per_kind: dict[str, int] = {}
        for element in _children(dataset):
            kind = _local(element)
            if kind not in ENTITY_TAGS:
                continue
            per_kind[kind] = per_kind.get(kind, 0) + 1
            xpath = f"/eml/dataset/{kind}[{per_kind[kind]}]"
            node = self.node(rec, "entity", index)
            index += 1
            g.add((ds, DCAT.distribution, node))
            g.add((node, RDF.type, DCAT.Distribution))
            physical = _child(element, "physical")
            title = _path_text(element, "entityName") or (
                _path_text(physical, "objectName") if physical is not None else None
            )
            if title:
                g.add((node, DCTERMS.title, Literal(title)))
            description = _path_text(element, "entityDescription")
            if description:
                g.add((node, DCTERMS.description, Literal(description)))
            self.keep_unmapped(rec, node, "entityType", kind if kind != "otherEntity" else None)
            for position, phys in enumerate(_children(element, "physical")):
                self._physical(rec, node, phys, f"{xpath}/physical[{position + 1}]")
            for attributes in _children(element, "attributeList"):
                self._attributes(rec, node, attributes, index - 1)
            for child in _children(element):
                if _local(child) not in ("entityName", "entityDescription", "physical", "attributeList"):
                    self.keep_unmapped(rec, node, _local(child), _to_json(child))

    def _physical(self, rec: LiftedRecord, node: URIRef, physical: Any, xpath: str) -> None:
        g = rec.graph
        for distribution in _children(physical, "distribution"):
            self._online(rec, node, distribution, f"{xpath}/distribution", landing=False)
        data_format = _child(physical, "dataFormat")
        if data_format is not None:
            name = _path_text(data_format, "externallyDefinedFormat", "formatName")
            if name:
                fmt = URIRef(f"{node}/format")
                g.add((node, DCTERMS.format, fmt))
                g.add((fmt, RDF.type, DCTERMS.MediaType))
                g.add((fmt, RDFS.label, Literal(name)))
                media = media_type_iri(name)
                if media is not None:
                    g.add((node, DCAT.mediaType, media))
            self.keep_unmapped(rec, node, "physical/dataFormat", _to_json(data_format))
        size = _child(physical, "size")
        if size is not None:
            text = _text(size)
            unit = (size.get("unit") or "byte").lower()
            if text and text.isdigit() and unit in ("byte", "bytes"):
                g.add((node, DCAT.byteSize, Literal(int(text), datatype=XSD.nonNegativeInteger)))
            else:
                self.keep_unmapped(rec, node, "physical/size", _to_json(size))
        for element in _children(physical):
            if _local(element) not in ("distribution", "dataFormat", "size"):
                self.keep_unmapped(rec, node, f"physical/{_local(element)}", _to_json(element))

    def _attributes(self, rec: LiftedRecord, distribution: URIRef, attributes: Any, entity: int) -> None:
        """schema:variableMeasured (EML "eml-attribute"), as DataONE's schema.org export does."""
        g, ds = rec.graph, rec.dataset
        for position, attribute in enumerate(_children(attributes, "attribute")):
            name = _path_text(attribute, "attributeName")
            if not name:
                self.keep_unmapped(rec, distribution, "attributeList/attribute", _to_json(attribute))
                continue
            node = self.node(rec, "variable", f"{entity}-{position}")
            g.add((ds, SDO.variableMeasured, node))
            g.add((distribution, SDO.variableMeasured, node))
            g.add((node, RDF.type, SDO.PropertyValue))
            g.add((node, SDO.name, Literal(name)))
            definition = _path_text(attribute, "attributeDefinition")
            if definition:
                g.add((node, SDO.description, Literal(definition)))
            for label in _children(attribute, "attributeLabel"):
                text = _text(label)
                if text:
                    g.add((node, SDO.alternateName, Literal(text)))
            scale = _child(attribute, "measurementScale")
            if scale is not None:
                for unit in scale.iter():
                    if isinstance(unit.tag, str) and _local(unit) in ("standardUnit", "customUnit"):
                        text = _text(unit)
                        if text:
                            g.add((node, SDO.unitText, Literal(text)))
                        break
            for element in _children(attribute):
                if _local(element) not in ("attributeName", "attributeDefinition", "attributeLabel"):
                    self.keep_unmapped(rec, node, _local(element), _to_json(element))

    def _maintenance(self, rec: LiftedRecord, dataset: Any) -> None:
        g, ds = rec.graph, rec.dataset
        for maintenance in _children(dataset, "maintenance"):
            for element in _children(maintenance):
                if _local(element) == "maintenanceUpdateFrequency":
                    text = _text(element) or ""
                    name = FREQUENCIES.get(text)
                    if name:
                        g.add((ds, DCTERMS.accrualPeriodicity, URIRef(f"http://purl.org/cld/freq/{name}")))
                        continue
                self.keep_unmapped(rec, ds, f"dataset/maintenance/{_local(element)}", _to_json(element))


def _taxon_names(element: Any, genus: str | None) -> Iterator[str]:
    """taxonRankValue of rank genus and below, species as the binomial under its genus."""
    for classification in _children(element, "taxonomicClassification"):
        rank = (_path_text(classification, "taxonRankName") or "").lower()
        value = _path_text(classification, "taxonRankValue")
        inner_genus = genus
        if value and rank in TAXON_RANKS:
            if rank == "genus":
                inner_genus = value
                yield value
            elif rank == "species" and genus and " " not in value:
                yield f"{genus} {value}"
            else:
                yield value
        yield from _taxon_names(classification, inner_genus)


__all__ = ["EmlLifter"]
