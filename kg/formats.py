"""Source formats as values, and guessing a format from content.

One table: the CLI's ``--format`` choices and HTTP content negotiation both read ``FORMATS``
(STYLE.md, "registries").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceFormat:
    """A metadata format Crosswalk can lift: a short name, its media types and file extensions."""

    name: str
    label: str
    media_types: tuple[str, ...]
    extensions: tuple[str, ...]


DATAJSON = SourceFormat(
    "datajson",
    "DCAT-US 1.1 data.json (Project Open Data)",
    ("application/vnd.dcat-us+json", "application/json"),
    (".data.json", ".json"),
)
DATACITE_XML = SourceFormat(
    "datacite-xml",
    "DataCite Metadata Schema 4.x XML",
    ("application/vnd.datacite.datacite+xml", "application/xml", "text/xml"),
    (".xml",),
)
DATACITE_JSON = SourceFormat(
    "datacite-json",
    "DataCite Metadata Schema 4.x JSON",
    ("application/vnd.datacite.datacite+json", "application/json"),
    (".json",),
)

SCHEMAORG_JSONLD = SourceFormat(
    "schemaorg-jsonld",
    "schema.org Dataset JSON-LD (science-on-schema.org conventions)",
    ("application/ld+json",),
    (".jsonld", ".json"),
)
ISO19139 = SourceFormat(
    "iso19139",
    "ISO 19115/19115-2 metadata in ISO 19139 XML (gmd/gmi)",
    ("application/vnd.iso.19139+xml", "application/xml", "text/xml"),
    (".xml",),
)
DCAT_RDF = SourceFormat(
    "dcat-rdf",
    "DCAT RDF (DCAT-US 3.0, DCAT-AP 3) in Turtle, JSON-LD or RDF/XML",
    ("text/turtle", "application/ld+json", "application/rdf+xml"),
    (".ttl", ".jsonld", ".rdf", ".owl"),
)
EML = SourceFormat(
    "eml",
    "Ecological Metadata Language (EML) 2.x XML",
    ("application/vnd.eml+xml", "application/xml", "text/xml"),
    (".xml",),
)

FORMATS: dict[str, SourceFormat] = {
    f.name: f for f in (DATAJSON, DATACITE_XML, DATACITE_JSON, SCHEMAORG_JSONLD, ISO19139, DCAT_RDF, EML)
}


def by_media_type(media_type: str) -> list[SourceFormat]:
    """Formats declaring ``media_type``, most specific first."""
    mt = media_type.split(";")[0].strip().lower()
    return [f for f in FORMATS.values() if mt in f.media_types]
