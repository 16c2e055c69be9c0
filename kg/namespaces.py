"""Namespaces and IRI minting shared by every stage.

IRIs are deterministic: the same input always gives the same IRIs (ARCHITECTURE.md, "Identity").
"""

from __future__ import annotations

import hashlib
import os
import re

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

BASE = os.environ.get("KG_BASE_IRI", "https://w3id.org/crosswalk/")

CW = Namespace(BASE + "ns#")  # Crosswalk's own small vocabulary (ontologies/crosswalk.ttl)
SRC = Namespace(BASE + "source-field/")  # unmapped source fields, kept never dropped
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SDO = Namespace("https://schema.org/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT_US = Namespace("http://data.resources.gov/ontology/dcat-us#")  # as the official shapes spell it
DATACITE = Namespace("http://purl.org/spar/datacite/")

LINKS_GRAPH = BASE + "graph/links"
LINK_DECISIONS_GRAPH = BASE + "graph/link-decisions"  # curators' accept/reject of links (kg.linking.curation)
DUPLICATES_GRAPH = BASE + "graph/duplicates"  # likely duplicates proposed for review, never merged
RUNS_GRAPH = BASE + "graph/runs"  # wall-clock run log: excluded from the canonical hash
ONTOLOGY_GRAPH = BASE + "graph/ontology"
SOFTWARE_GRAPH = BASE + "graph/software"  # the software agents record graphs point to (every ingest)
CHANGES_GRAPH = BASE + "graph/vocabulary-changes"  # uses of deprecated concepts (kg.alignment.vocab_change)
ALIGNMENT_PREFIX = BASE + "graph/alignment/"  # graph/alignment/{key}: a record's aligned terms

__all__ = [
    "ADMS",
    "BASE",
    "CW",
    "DATACITE",
    "DCAT",
    "DCAT_US",
    "DCTERMS",
    "FOAF",
    "LOCN",
    "PROV",
    "RDF",
    "RDFS",
    "SDO",
    "SH",
    "SKOS",
    "SRC",
    "VCARD",
    "XSD",
]

_DOI_RE = re.compile(r"(10\.\d{4,9}/\S+)", re.IGNORECASE)


def normalize_doi(value: str | None) -> str | None:
    """Return the bare lower-case DOI in ``value`` (``10.x/y``), or None if it holds none.

    Accepts ``10.x/y``, ``doi:10.x/y`` and ``https://doi.org/10.x/y`` (DOIs are case-insensitive,
    DOI Handbook 2.4).
    """
    if not value:
        return None
    text = value.strip()
    low = text.lower()
    if not (low.startswith("10.") or low.startswith("doi:") or "doi.org/" in low or "dx.doi.org/" in low):
        return None
    match = _DOI_RE.search(text)
    if not match:
        return None
    return match.group(1).rstrip(".,;").lower()


def doi_iri(doi: str) -> str:
    from kg.ntriples import safe_iri

    return safe_iri("https://doi.org/" + doi)


def short_hash(*parts: str, length: int = 20) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def record_key(source: str, local_id: str) -> str:
    """Key of one record of one source: names its graph and its landing page."""
    return short_hash(source, local_id)


def record_graph(key: str) -> str:
    return f"{BASE}graph/record/{key}"


def alignment_graph(key: str) -> str:
    return f"{ALIGNMENT_PREFIX}{key}"


def validation_graph(key: str) -> str:
    return f"{BASE}graph/validation/{key}"


def source_graph(source: str) -> str:
    return f"{BASE}graph/source/{slug(source)}"


def source_iri(source: str) -> str:
    return f"{BASE}source/{slug(source)}"


def dataset_iri(source: str, local_id: str, doi: str | None) -> str:
    """The dataset's IRI: one per dataset, whichever catalog lists it (ARCHITECTURE.md, Identity).

    A DOI gives ``https://doi.org/{doi}``; an identifier that is an http(s) URL gives an IRI minted
    from the normalised URL alone, so two catalogs listing the same identifier URL describe one
    dataset (each record keeps its own graph and provenance). Any other identifier is only
    unique within its source: the IRI is minted from (source, identifier).
    """
    if doi:
        return doi_iri(doi)
    url = normalize_identifier_url(local_id)
    if url:
        return f"{BASE}dataset/{short_hash('url', url)}"
    return f"{BASE}dataset/{record_key(source, local_id)}"


def normalize_identifier_url(value: str | None) -> str | None:
    """An http(s) identifier URL in a comparable form (scheme and host case, http vs https, a
    trailing slash and a fragment do not make another dataset), else None."""
    if not value:
        return None
    text = value.strip()
    match = re.match(r"^(https?)://([^/?#\s]+)([^#\s]*)(#.*)?$", text, re.IGNORECASE)
    if not match:
        return None
    host, rest = match.group(2).lower(), match.group(3).rstrip("/")
    return f"https://{host}{rest}"


def agent_iri(name: str) -> str:
    """An organisation is identified by its name, so the same lab is one node across records
    and formats."""
    return f"{BASE}agent/{slug(name)}"


def raw_iri(sha256: str) -> str:
    return f"{BASE}raw/{sha256}"


def slug(text: str) -> str:
    value = re.sub(r"[^A-Za-z0-9._-]+", "-", text.strip()).strip("-").lower()
    return value or "unnamed"
