"""Where each format keeps what each checked property is lifted from: one table per lifter.

A SHACL result says which node and which RDF property broke a rule; a steward needs the field of
the *source* record to fix (issue 3, point 6). Facts lifted by a lifter that records them
(``LiftedRecord.origins``, the CSV lifter does for every fact) name their field exactly. For the
rest, and for values that are missing altogether (``sh:minCount``), this table gives the field
the property comes from in each format: a JSON pointer relative to the record (``/title``,
joined to the record's pointer, e.g. ``/dataset/3/title``), or an absolute XPath for XML
formats. A ``*`` stands for the position of the sub-node the result is about (the ``3`` of
``…/distribution/3``). The properties are those ``shapes/`` checks.
"""

from __future__ import annotations

import re

from rdflib.namespace import DCAT, DCTERMS, FOAF

from kg.namespaces import VCARD

_D, _T, _F, _V = str(DCAT), str(DCTERMS), str(FOAF), str(VCARD)

SOURCE_FIELDS: dict[str, dict[str, str]] = {
    "datajson": {
        _T + "title": "/title", _T + "description": "/description", _T + "identifier": "/identifier",
        _T + "issued": "/issued", _T + "modified": "/modified", _D + "keyword": "/keyword",
        _D + "landingPage": "/landingPage", _T + "license": "/license", _T + "publisher": "/publisher",
        _T + "spatial": "/spatial", _T + "temporal": "/temporal", _D + "contactPoint": "/contactPoint",
        _D + "distribution": "/distribution", _D + "accessURL": "/distribution/*/accessURL",
        _D + "downloadURL": "/distribution/*/downloadURL", _V + "fn": "/contactPoint/fn",
        _V + "hasEmail": "/contactPoint/hasEmail", _F + "name": "/publisher/name",
    },
    "datacite-xml": {
        _T + "title": "/resource/titles/title", _T + "description": "/resource/descriptions/description",
        _T + "identifier": "/resource/identifier", _T + "issued": "/resource/publicationYear",
        _T + "modified": '/resource/dates/date[@dateType="Updated"]', _D + "keyword": "/resource/subjects/subject",
        _D + "landingPage": "/resource/identifier", _T + "license": "/resource/rightsList/rights/@rightsURI",
        _T + "publisher": "/resource/publisher", _T + "spatial": "/resource/geoLocations",
        _T + "temporal": '/resource/dates/date[@dateType="Collected"]',
        _D + "contactPoint": '/resource/contributors/contributor[@contributorType="ContactPerson"]',
        _D + "distribution": "/resource/formats", _F + "name": "/resource/creators/creator/creatorName",
        _V + "fn": '/resource/contributors/contributor[@contributorType="ContactPerson"]/contributorName',
    },
    "datacite-json": {
        _T + "title": "/titles", _T + "description": "/descriptions", _T + "identifier": "/doi",
        _T + "issued": "/publicationYear", _T + "modified": "/dates", _D + "keyword": "/subjects",
        _D + "landingPage": "/url", _T + "license": "/rightsList", _T + "publisher": "/publisher",
        _T + "spatial": "/geoLocations", _T + "temporal": "/dates", _D + "contactPoint": "/contributors",
        _D + "distribution": "/formats", _F + "name": "/creators/*/name",
    },
    "schemaorg-jsonld": {
        _T + "title": "/name", _T + "description": "/description", _T + "identifier": "/identifier",
        _T + "issued": "/datePublished", _T + "modified": "/dateModified", _D + "keyword": "/keywords",
        _D + "landingPage": "/url", _T + "license": "/license", _T + "publisher": "/publisher",
        _T + "spatial": "/spatialCoverage", _T + "temporal": "/temporalCoverage",
        _D + "contactPoint": "/contactPoint", _D + "distribution": "/distribution",
        _D + "accessURL": "/distribution/*/url", _D + "downloadURL": "/distribution/*/contentUrl",
        _V + "fn": "/contactPoint/name", _V + "hasEmail": "/contactPoint/email", _F + "name": "/creator/*/name",
    },
    "iso19139": {
        _T + "title": "//gmd:identificationInfo//gmd:citation//gmd:title",
        _T + "description": "//gmd:identificationInfo//gmd:abstract",
        _T + "identifier": "/*/gmd:fileIdentifier", _T + "issued": "//gmd:citation//gmd:CI_Date",
        _T + "modified": "/*/gmd:dateStamp", _D + "keyword": "//gmd:descriptiveKeywords//gmd:keyword",
        _D + "landingPage": "//gmd:distributionInfo//gmd:CI_OnlineResource/gmd:linkage",
        _T + "license": "//gmd:resourceConstraints", _T + "publisher": "//gmd:pointOfContact//gmd:organisationName",
        _T + "spatial": "//gmd:extent//gmd:EX_GeographicBoundingBox",
        _T + "temporal": "//gmd:extent//gmd:EX_TemporalExtent", _D + "contactPoint": "/*/gmd:contact",
        _D + "distribution": "//gmd:distributionInfo", _D + "accessURL": "//gmd:transferOptions//gmd:linkage",
        _D + "downloadURL": "//gmd:transferOptions//gmd:linkage", _V + "fn": "/*/gmd:contact//gmd:individualName",
        _V + "hasEmail": "/*/gmd:contact//gmd:electronicMailAddress", _F + "name": "//gmd:CI_ResponsibleParty",
    },
    "eml": {
        _T + "title": "/eml/dataset/title", _T + "description": "/eml/dataset/abstract",
        _T + "identifier": "/eml/@packageId", _T + "issued": "/eml/dataset/pubDate",
        _D + "keyword": "/eml/dataset/keywordSet/keyword", _D + "landingPage": "/eml/dataset/distribution/online/url",
        _T + "license": "/eml/dataset/licensed", _T + "publisher": "/eml/dataset/publisher",
        _T + "spatial": "/eml/dataset/coverage/geographicCoverage",
        _T + "temporal": "/eml/dataset/coverage/temporalCoverage", _D + "contactPoint": "/eml/dataset/contact",
        _D + "distribution": "/eml/dataset/distribution", _D + "accessURL": "/eml/dataset/distribution/online/url",
        _D + "downloadURL": "/eml/dataset/distribution/online/url",
        _V + "fn": "/eml/dataset/contact/individualName", _V + "hasEmail": "/eml/dataset/contact/electronicMailAddress",
        _F + "name": "/eml/dataset/creator",
    },
    "fgdc-csdgm": {
        _T + "title": "/metadata/idinfo/citation/citeinfo/title", _T + "description": "/metadata/idinfo/descript/abstract",
        _T + "identifier": "/metadata/idinfo/citation/citeinfo/onlink",
        _T + "issued": "/metadata/idinfo/citation/citeinfo/pubdate", _T + "modified": "/metadata/metainfo/metd",
        _D + "keyword": "/metadata/idinfo/keywords/theme/themekey",
        _D + "landingPage": "/metadata/idinfo/citation/citeinfo/onlink", _T + "license": "/metadata/idinfo/useconst",
        _T + "publisher": "/metadata/idinfo/citation/citeinfo/pubinfo/publish",
        _T + "spatial": "/metadata/idinfo/spdom/bounding", _T + "temporal": "/metadata/idinfo/timeperd",
        _D + "contactPoint": "/metadata/idinfo/ptcontac", _D + "distribution": "/metadata/distinfo",
        _D + "accessURL": "/metadata/distinfo/stdorder/digform/digtopt/onlinopt/computer/networka/networkr",
        _D + "downloadURL": "/metadata/distinfo/stdorder/digform/digtopt/onlinopt/computer/networka/networkr",
        _V + "fn": "/metadata/idinfo/ptcontac/cntinfo/cntperp/cntper",
        _V + "hasEmail": "/metadata/idinfo/ptcontac/cntinfo/cntemail", _F + "name": "/metadata/idinfo/citation/citeinfo/origin",
    },
    "umm-c": {
        _T + "title": "/EntryTitle", _T + "description": "/Abstract", _T + "identifier": "/DOI/DOI",
        _T + "issued": "/DataDates", _T + "modified": "/DataDates", _D + "keyword": "/ScienceKeywords",
        _D + "landingPage": "/RelatedUrls", _T + "license": "/UseConstraints/LicenseURL/Linkage",
        _T + "publisher": "/DataCenters", _T + "spatial": "/SpatialExtent/HorizontalSpatialDomain/Geometry",
        _T + "temporal": "/TemporalExtents", _D + "contactPoint": "/ContactPersons", _D + "distribution": "/RelatedUrls",
        _D + "accessURL": "/RelatedUrls", _D + "downloadURL": "/RelatedUrls", _F + "name": "/DataCenters",
    },
}  # fmt: skip

_XML_FORMATS = {"datacite-xml", "iso19139", "eml", "fgdc-csdgm", "oai-dc"}
_INDEX = re.compile(r"/(\d+)$")


def source_field(lifter: str, pointer: str, focus: str, prop: str, origins: dict[tuple[str, str], str]) -> str | None:
    """The source field a result about ``prop`` of node ``focus`` traces to, or None when unknown.

    ``pointer`` is the record's place in its input file (JSON pointer for JSON formats)."""
    exact = origins.get((focus, prop))
    if exact:
        return exact
    table = SOURCE_FIELDS.get(lifter)
    if lifter == "dcat-rdf":
        return _curie(prop)  # the source's own field is the RDF property of the source node
    if lifter == "csv":
        from kg.lifting.tabular import DATASET_PROPERTIES

        targets = sorted(t for t, p in DATASET_PROPERTIES.items() if str(p) == prop)
        return f"(no column: the crosswalk maps no column to {' or '.join(targets)})" if targets else None
    if not table or prop not in table:
        return None
    field = table[prop]
    if "*" in field:
        match = _INDEX.search(focus)
        field = field.replace("*", match.group(1) if match else "*")
    if lifter in _XML_FORMATS or field.startswith("/*") or field.startswith("//"):
        return field
    base = pointer if pointer.startswith("/") else ""
    return base + field


def _curie(prop: str) -> str:
    for prefix, ns in (("dcterms:", _T), ("dcat:", _D), ("foaf:", _F), ("vcard:", _V)):
        if prop.startswith(ns):
            return prefix + prop[len(ns) :]
    return prop


__all__ = ["SOURCE_FIELDS", "source_field"]
