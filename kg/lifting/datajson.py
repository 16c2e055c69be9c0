"""DCAT-US 1.1 ``data.json`` (Project Open Data Metadata Schema v1.1) → DCAT 3.

Follows the field mapping of the POD v1.1 JSON-LD context
(https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld) and the DCAT-US 1.1 → DCAT-US 3.0
field table. Also reads the JSON form of DCAT-US 3.0 catalogs where it shares field names.
Fields without a DCAT mapping yet are kept under the source namespace.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS

from kg.errors import LiftError
from kg.formats import DATAJSON
from kg.lifting.base import LiftedRecord, Lifter, RawRecord
from kg.lifting.common import (
    bbox_wkt,
    clean_text,
    date_literal,
    frequency_iri,
    iri,
    language_iri,
    mailto,
    media_type_iri,
    parse_bbox,
    split_interval,
    without_lone_surrogates,
)
from kg.namespaces import BASE, LOCN, VCARD, dataset_iri, normalize_doi, slug
from kg.report import Severity

ORG = "http://www.w3.org/ns/org#"
# data.json themes are free text with no vocabulary; DCAT-US 3.0 (Concept_Shape) requires every
# skos:Concept to sit in a scheme, so they share one scheme that says what they are.
THEME_SCHEME = URIRef(f"{BASE}concept/datajson-theme")

# Fields this lifter maps; every other field is kept under the source namespace.
MAPPED = {
    "@type", "title", "description", "keyword", "modified", "issued", "publisher",
    "contactPoint", "identifier", "license", "rights", "spatial", "temporal",
    "accrualPeriodicity", "language", "distribution", "landingPage", "theme", "references",
    "isPartOf", "conformsTo",
}  # fmt: skip


# Fields the POD v1.1 schema requires of every dataset ("Required" in the field table,
# https://resources.data.gov/resources/dcat-us/#required-fields); the DCAT-US 3.0 JSON form
# requires fewer. Missing ones are Violations of the source format, reported and stored.
POD_REQUIRED = ("title", "description", "keyword", "modified", "publisher", "contactPoint", "identifier", "accessLevel")
DCAT_US3_REQUIRED = ("title", "description", "identifier", "publisher", "contactPoint")


class DataJsonLifter(Lifter):
    """Lifts each entry of a ``data.json`` catalog's ``dataset`` array as one record."""

    format = DATAJSON
    version = "1.0"

    def detect(self, data: bytes, filename: str) -> float:
        head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"{"):
            return 0.0
        if re.search(rb'"@context"\s*:\s*"[^"]*dcat-us-3', head):
            return 0.0  # DCAT-US 3.0 JSON-LD: RDF, for the dcat-rdf lifter
        score = 0.0
        if re.search(rb'"(dataset|datasetSeries)"\s*:\s*\[', data[:200_000]):
            score += 0.3
        if b"project-open-data" in head or b"dcat:Catalog" in head or b'"Catalog"' in head:
            score += 0.6
        if filename.endswith("data.json"):
            score += 0.2
        return min(score, 1.0)

    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        try:
            catalog = json.loads(without_lone_surrogates(data.decode("utf-8-sig")))
        except UnicodeDecodeError as exc:
            raise LiftError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source_file=source_file) from exc
        except json.JSONDecodeError as exc:
            raise LiftError(
                f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                source_file=source_file,
            ) from exc
        except ValueError as exc:  # a number Python refuses to read (over 4,300 digits)
            raise LiftError(f"not readable JSON: {str(exc).split(':')[0]}", source_file=source_file) from exc
        except RecursionError as exc:
            raise LiftError("JSON nested too deeply", source_file=source_file) from exc
        if not isinstance(catalog, dict):
            raise LiftError("top level is not a JSON object (expected a data.json catalog)", source_file=source_file)
        datasets = catalog.get("dataset")
        entries: list[tuple[str, object]] = []
        if isinstance(datasets, list):
            entries += [(f"/dataset/{i}", e) for i, e in enumerate(datasets)]
        # DCAT-US 3.0 catalogs may carry datasets only as members of a dataset series.
        series = catalog.get("datasetSeries")
        if isinstance(series, list):
            for i, item in enumerate(series):
                members = item.get("seriesMember") if isinstance(item, dict) else None
                if isinstance(members, list):
                    entries += [(f"/datasetSeries/{i}/seriesMember/{j}", m) for j, m in enumerate(members)]
        if not entries:
            present = ", ".join(sorted(k for k in catalog if k in ("service", "datasetSeries", "catalog")))
            detail = f" (it holds only {present}, which are not lifted yet)" if present else ""
            raise LiftError(
                f"catalog has no datasets in a 'dataset' array{detail}", source_file=source_file, field="/dataset"
            )
        conforms = catalog.get("conformsTo")
        is_pod = isinstance(conforms, str) and "project-open-data" in conforms or "project-open-data" in str(
            catalog.get("@context", "")
        )
        for index, (pointer, entry) in enumerate(entries):
            raw_entry = entry
            if not isinstance(entry, dict) or not entry:
                yield LiftError(
                    "dataset entry is empty or not a JSON object",
                    source_file=source_file,
                    record=f"#{index}",
                    field=pointer,
                )
                continue
            identifier = clean_text(entry.get("identifier"))
            title = clean_text(entry.get("title"))
            if identifier is None:
                what = f"'{title[:60]}'" if title else f"#{index}"
                yield LiftError(
                    "required field 'identifier' is missing or empty; the record cannot be given "
                    "a stable identity",
                    source_file=source_file,
                    record=what,
                    field=f"{pointer}/identifier",
                )
                continue
            entry = dict(entry)
            if is_pod:
                entry.setdefault("@conformsTo", "pod-1.1")
            yield RawRecord(
                data=json.dumps(raw_entry, sort_keys=True, ensure_ascii=False).encode("utf-8"),
                local_id=identifier,
                pointer=pointer,
                source_file=source_file,
                media_type="application/json",
                parsed=entry,
            )

    def lift(self, raw: RawRecord, *, source: str) -> LiftedRecord:
        entry = raw.parsed if raw.parsed is not None else json.loads(raw.data)
        if not isinstance(entry, dict):
            raise LiftError("record is not a JSON object", source_file=raw.source_file, record=raw.local_id)
        doi = normalize_doi(raw.local_id)
        rec = self.new_record(raw, source=source, doi=doi)
        g, ds = rec.graph, rec.dataset
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, DCTERMS.identifier, Literal(raw.local_id)))
        profile = "DCAT-US 1.1" if entry.get("@conformsTo") == "pod-1.1" else "DCAT-US 3.0"
        for name in POD_REQUIRED if profile == "DCAT-US 1.1" else DCAT_US3_REQUIRED:
            if entry.get(name) in (None, "", [], {}):
                self.warn(
                    rec,
                    name,
                    f"{profile} requires '{name}', which this record lacks",
                    fix=f"add '{name}' to the record in the source catalog",
                    severity=Severity.VIOLATION,
                )

        def text(name: str, prop: URIRef, *, required: bool = False) -> None:
            value = entry.get(name)
            cleaned = clean_text(value)
            if cleaned is not None:
                g.add((ds, prop, Literal(cleaned)))
            elif value not in (None, "", []):
                self.warn(rec, name, f"expected text, got {type(value).__name__}")
                self.keep_unmapped(rec, ds, name, value)

        text("title", DCTERMS.title)
        text("description", DCTERMS.description)

        keywords = entry.get("keyword")
        if isinstance(keywords, str):
            keywords = [k for k in keywords.split(",")]
        if isinstance(keywords, list):
            for kw in keywords:
                cleaned = clean_text(kw)
                if cleaned:
                    g.add((ds, DCAT.keyword, Literal(cleaned)))
        elif keywords is not None:
            self.warn(rec, "keyword", "expected a list of strings")
            self.keep_unmapped(rec, ds, "keyword", keywords)

        for name, prop in (("modified", DCTERMS.modified), ("issued", DCTERMS.issued)):
            value = entry.get(name)
            if value in (None, ""):
                continue
            lit = date_literal(value)
            if lit is not None:
                g.add((ds, prop, lit))
            else:
                # DCAT-US 1.1 allows an ISO 8601 repeating interval for 'modified'.
                self.warn(rec, name, f"{value!r} is not an ISO 8601 date", fix="use YYYY-MM-DD")
                self.keep_unmapped(rec, ds, name, value)

        self._publisher(rec, entry.get("publisher"))
        self._contact(rec, entry.get("contactPoint"))

        license_value = entry.get("license")
        if license_value not in (None, ""):
            lic = iri(license_value)
            if lic is not None:
                g.add((ds, DCTERMS.license, lic))
            else:
                self.warn(
                    rec,
                    "license",
                    f"{str(license_value)[:80]!r} is not an absolute IRI",
                    fix="give the licence as a URL, e.g. https://creativecommons.org/licenses/by/4.0/",
                    severity=Severity.VIOLATION,
                )
                self.keep_unmapped(rec, ds, "license", license_value)

        rights = clean_text(entry.get("rights"))
        if rights:
            self.add_rights(rec, rights)

        self._spatial(rec, entry.get("spatial"))
        self._temporal(rec, entry.get("temporal"))

        freq = entry.get("accrualPeriodicity")
        if freq not in (None, ""):
            f_iri = frequency_iri(freq)
            if f_iri is not None:
                g.add((ds, DCTERMS.accrualPeriodicity, f_iri))
            else:
                self.warn(rec, "accrualPeriodicity", f"{freq!r} is not a known ISO 8601 frequency")
                self.keep_unmapped(rec, ds, "accrualPeriodicity", freq)

        langs = entry.get("language")
        for lang in langs if isinstance(langs, list) else [langs] if langs else []:
            l_iri = language_iri(lang)
            if l_iri is not None:
                g.add((ds, DCTERMS.language, l_iri))
            else:
                self.keep_unmapped(rec, ds, "language", lang)

        landing = entry.get("landingPage")
        if landing not in (None, ""):
            page = iri(landing)
            if page is not None:
                g.add((ds, DCAT.landingPage, page))
            else:
                self.warn(rec, "landingPage", f"{str(landing)[:80]!r} is not an absolute URL")
                self.keep_unmapped(rec, ds, "landingPage", landing)

        themes = entry.get("theme")
        for theme in themes if isinstance(themes, list) else [themes] if themes else []:
            label = clean_text(theme)
            if label:
                concept = URIRef(f"{BASE}theme/{slug(label)}")
                g.add((ds, DCAT.theme, concept))
                g.add((concept, RDF.type, SKOS.Concept))
                g.add((concept, SKOS.prefLabel, Literal(label)))
                g.add((concept, SKOS.inScheme, THEME_SCHEME))
                g.add((THEME_SCHEME, RDF.type, SKOS.ConceptScheme))
                g.add((THEME_SCHEME, DCTERMS.title, Literal("data.json themes (free text, as published)")))

        refs = entry.get("references")
        for ref in refs if isinstance(refs, list) else [refs] if refs else []:
            r_iri = iri(ref)
            if r_iri is not None:
                g.add((ds, DCTERMS.references, r_iri))
            else:
                self.warn(rec, "references", f"{str(ref)[:80]!r} is not an absolute URL")
                self.keep_unmapped(rec, ds, "references", ref)

        parent = clean_text(entry.get("isPartOf"))
        if parent:
            g.add((ds, DCTERMS.isPartOf, URIRef(dataset_iri(source, parent, normalize_doi(parent)))))

        conforms = entry.get("conformsTo")
        if isinstance(conforms, str) and iri(conforms) is not None:
            g.add((ds, DCTERMS.conformsTo, iri(conforms)))
        elif conforms is not None:
            self.keep_unmapped(rec, ds, "conformsTo", conforms)

        self._distributions(rec, entry.get("distribution"))

        for name, value in sorted(entry.items()):
            if name not in MAPPED and name != "@conformsTo":
                self.keep_unmapped(rec, ds, name, value)
        return rec

    # --- parts ---------------------------------------------------------------------------

    def _publisher(self, rec: LiftedRecord, value: object, depth: int = 0) -> URIRef | None:
        if value in (None, ""):
            return None
        name = clean_text(value.get("name")) if isinstance(value, dict) else clean_text(value)
        if not name:
            self.warn(rec, "publisher", "publisher has no name", fix="give publisher.name")
            self.keep_unmapped(rec, rec.dataset, "publisher", value)
            return None
        # Agents are identified by name so the same lab is one node across its records.
        agent = self.organization(rec, name)
        g = rec.graph
        if depth == 0:
            g.add((rec.dataset, DCTERMS.publisher, agent))
        parent = value.get("subOrganizationOf") if isinstance(value, dict) else None
        if parent and depth < 5:
            parent_agent = self._publisher(rec, parent, depth + 1)
            if parent_agent is not None:
                g.add((agent, URIRef(ORG + "subOrganizationOf"), parent_agent))
        return agent

    def _contact(self, rec: LiftedRecord, value: object) -> None:
        if value in (None, ""):
            return
        if not isinstance(value, dict):
            self.warn(rec, "contactPoint", "expected an object with fn and hasEmail")
            self.keep_unmapped(rec, rec.dataset, "contactPoint", value)
            return
        node = self.node(rec, "contact", 0)
        g = rec.graph
        g.add((rec.dataset, DCAT.contactPoint, node))
        g.add((node, RDF.type, VCARD.Kind))
        name = clean_text(value.get("fn"))
        if name:
            g.add((node, VCARD.fn, Literal(name)))
        email = value.get("hasEmail")
        if email:
            addr = mailto(email)
            if addr is not None:
                g.add((node, VCARD.hasEmail, addr))
            else:
                self.warn(rec, "contactPoint.hasEmail", f"{str(email)[:80]!r} is not an e-mail address")
                self.keep_unmapped(rec, node, "hasEmail", email)

    def _spatial(self, rec: LiftedRecord, value: object) -> None:
        if value in (None, "", []):
            return
        g = rec.graph
        node = self.node(rec, "location", 0)
        if isinstance(value, str):
            g.add((rec.dataset, DCTERMS.spatial, node))
            g.add((node, RDF.type, DCTERMS.Location))
            box = parse_bbox(value)
            if box is not None:
                g.add((node, DCAT.bbox, bbox_wkt(*box)))
            elif iri(value) is not None:
                g.add((node, RDFS.seeAlso, iri(value)))
            else:
                g.add((node, LOCN.geographicName, Literal(clean_text(value) or value)))
                g.add((node, SKOS.prefLabel, Literal(clean_text(value) or value)))  # DCAT-US 3.0 "geographic name"
        else:
            # GeoJSON and other structures: kept verbatim until a spatial lifter maps them.
            self.keep_unmapped(rec, rec.dataset, "spatial", value)

    def _temporal(self, rec: LiftedRecord, value: object) -> None:
        if value in (None, ""):
            return
        ends = split_interval(value) if isinstance(value, str) else None
        start = date_literal(ends[0]) if ends else None
        end = date_literal(ends[1]) if ends else None
        if start is None and end is None:
            self.warn(rec, "temporal", f"{str(value)[:80]!r} is not an ISO 8601 interval start/end")
            self.keep_unmapped(rec, rec.dataset, "temporal", value)
            return
        node = self.node(rec, "period", 0)
        g = rec.graph
        g.add((rec.dataset, DCTERMS.temporal, node))
        g.add((node, RDF.type, DCTERMS.PeriodOfTime))
        if start is not None:
            g.add((node, DCAT.startDate, start))
        if end is not None:
            g.add((node, DCAT.endDate, end))
        if (start is None) != (end is None):
            self.keep_unmapped(rec, node, "temporal", value)  # the duration end, verbatim

    def _distributions(self, rec: LiftedRecord, value: object) -> None:
        if value in (None, "", []):
            return
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            self.warn(rec, "distribution", "expected a list of distribution objects")
            self.keep_unmapped(rec, rec.dataset, "distribution", value)
            return
        g = rec.graph
        for index, dist in enumerate(value):
            field = f"distribution[{index}]"
            if not isinstance(dist, dict):
                self.warn(rec, field, "distribution is not an object")
                self.keep_unmapped(rec, rec.dataset, "distribution", dist)
                continue
            node = self.node(rec, "distribution", index)
            g.add((rec.dataset, DCAT.distribution, node))
            g.add((node, RDF.type, DCAT.Distribution))
            for key, prop in (("downloadURL", DCAT.downloadURL), ("accessURL", DCAT.accessURL)):
                url = dist.get(key)
                if url in (None, ""):
                    continue
                u = iri(url)
                if u is not None:
                    g.add((node, prop, u))
                else:
                    self.warn(rec, f"{field}.{key}", f"{str(url)[:80]!r} is not an absolute URL")
                    self.keep_unmapped(rec, node, key, url)
            mt = dist.get("mediaType")
            if mt:
                m_iri = media_type_iri(mt)
                if m_iri is not None:
                    g.add((node, DCAT.mediaType, m_iri))
                else:
                    self.warn(rec, f"{field}.mediaType", f"{mt!r} is not a media type")
                    self.keep_unmapped(rec, node, "mediaType", mt)
            for key, prop in (("title", DCTERMS.title), ("description", DCTERMS.description)):
                t = clean_text(dist.get(key))
                if t:
                    g.add((node, prop, Literal(t)))
            fmt = clean_text(dist.get("format"))
            if fmt:
                # DCAT-US 3.0 dcterms:format is a dcterms:MediaType node, never a literal; a
                # human-readable format ("CSV", "Esri REST") is that node's label.
                fmt_node = URIRef(f"{node}/format")
                g.add((node, DCTERMS.format, fmt_node))
                g.add((fmt_node, RDF.type, DCTERMS.MediaType))
                g.add((fmt_node, RDFS.label, Literal(fmt)))
            for key, val in sorted(dist.items()):
                if key not in {"@type", "downloadURL", "accessURL", "mediaType", "title", "description", "format"}:
                    self.keep_unmapped(rec, node, key, val)
