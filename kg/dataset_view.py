"""Everything a dataset's landing page shows, read from the store (no Flask here)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.governance.views import graph_clause
from kg.namespaces import BASE, CW, DUPLICATES_GRAPH, LINKS_GRAPH, normalize_doi, record_graph, validation_graph
from kg.store import GraphStore

DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
PROV = "http://www.w3.org/ns/prov#"
SH = "http://www.w3.org/ns/shacl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
LOCN = "http://www.w3.org/ns/locn#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def _concepts(store: GraphStore, key: str, graph: str, dataset: str) -> list[dict[str, object]]:
    """The dataset's shared concepts with their labels and hierarchy: those its lab's terms
    are aligned to (graph/alignment/{key}, with the terms), and its own themes that are (or
    resolve to) concepts of a shipped scheme."""
    from kg.alignment.align import alignment_graph
    from kg.alignment.concepts import concept_index

    index = concept_index()
    terms: dict[str, set[str]] = {}
    for r in _rows(
        store,
        f"""SELECT ?c ?term WHERE {{ GRAPH <{alignment_graph(key)}> {{ ?n <{CW}concept> ?c ; <{CW}sourceTerm> ?term }} }}""",
    ):
        terms.setdefault(r["c"], set()).add(r["term"])
    for r in _rows(
        store, f"SELECT ?c WHERE {{ GRAPH <{graph}> {{ <{dataset}> <{DCAT}theme> ?c FILTER(isIRI(?c)) }} }}"
    ):
        iri = index.resolve(r["c"])
        if iri:
            terms.setdefault(iri, set())
    out = []
    for iri in sorted(terms, key=lambda c: [lbl for _, lbl in index.path(c)]):
        info = index.infos[iri]
        out.append({"iri": iri, "label": info.label, "path": index.path(iri), "scheme": info.scheme_title,
                    "terms": sorted(terms[iri]), "deprecated": info.deprecated,
                    "replaced_by": index.label(info.replaced_by) if info.replaced_by else None})  # fmt: skip
    return out


def creator_names(store: GraphStore, graph: str, dataset: str) -> list[str]:
    """The names of a dataset's creators in source order: the members of its creators'
    ``foaf:Group`` ordered by their attribution's ``cw:position``, else the creator itself
    (see ``kg.lifting.base.Lifter.add_creator``)."""
    rows = _rows(
        store,
        f"""SELECT ?n (MIN(?pos) AS ?p) WHERE {{ GRAPH <{graph}> {{
              <{dataset}> <{DCT}creator> ?c .
              {{ ?c <{FOAF}member> ?a .
                 OPTIONAL {{ <{dataset}> <{PROV}qualifiedAttribution> ?q . ?q <{PROV}agent> ?a ; <{CW}position> ?pos }} }}
              UNION {{ FILTER NOT EXISTS {{ ?c <{FOAF}member> ?m }} BIND(?c AS ?a) }}
              ?a <{FOAF}name> ?n }} }}
            GROUP BY ?n ORDER BY ?p ?n""",
    )
    return [r["n"] for r in rows]


@dataclass
class RelatedReason:
    kind: str  # concept, facility, instrument, place, time, creator, ... similarity (kg.linking.related)
    label: str  # "Same facility: Spallation Neutron Source"
    values: list[str] = field(default_factory=list)  # the shared values (IRIs or text)
    weight: float = 0.0  # what it added to the ranking score


@dataclass
class Related:
    """One related dataset as the landing page lists it. ``link`` is the ``cw:DatasetLink`` node
    (a curation status can hang on it); ``score`` the cosine, ``rank`` what orders the list."""

    key: str
    iri: str
    title: str
    publisher: str
    source: str
    score: float
    method: str
    model: str
    link: str = ""
    rank: float = 0.0
    same_source: bool = False
    reasons: list[RelatedReason] = field(default_factory=list)  # strongest first, similarity last
    curation: str = ""  # "accepted" when a curator accepted the link (graph/link-decisions), else ""
    curator: str = ""


@dataclass
class DatasetView:
    key: str
    iri: str
    graph: str
    props: dict[str, list[str]] = field(default_factory=dict)  # dataset property IRI → values
    publisher: list[str] = field(default_factory=list)
    creators: list[str] = field(default_factory=list)
    contacts: list[dict[str, str]] = field(default_factory=list)
    distributions: list[dict[str, str]] = field(default_factory=list)
    temporal: list[dict[str, str]] = field(default_factory=list)
    spatial: list[dict[str, str]] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    # shared concepts: {"iri", "label", "path": [(iri, label) top → concept], "scheme", "terms": lab terms}
    concepts: list[dict[str, object]] = field(default_factory=list)
    unmapped: list[tuple[str, str]] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    validation_status: str = "Unknown"
    validation_results: list[dict[str, str]] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    # every record describing this dataset (one per catalog that lists it), this one included
    records: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)  # likely duplicates, for review

    def first(self, prop: str) -> str:
        values = self.props.get(prop) or [""]
        return values[0]

    @property
    def title(self) -> str:
        return self.first(DCT + "title") or "(untitled dataset)"

    @property
    def source_name(self) -> str:
        return self.provenance.get("source", "").rstrip("/").rsplit("/", 1)[-1]

    def schema_org(self, page_url: str) -> str:
        """schema.org Dataset JSON-LD for the page head (Google Dataset Search conventions)."""
        doc: dict[str, object] = {
            "@context": "https://schema.org/",
            "@type": "Dataset",
            "@id": self.iri,
            "name": self.title,
            "url": page_url,
            "identifier": self.props.get(DCT + "identifier", []) + ([self.iri] if normalize_doi(self.iri) else []),
        }
        if self.first(DCT + "description"):
            doc["description"] = self.first(DCT + "description")
        if self.props.get(DCAT + "keyword"):
            doc["keywords"] = self.props[DCAT + "keyword"]
        if self.first(DCT + "license"):
            doc["license"] = self.first(DCT + "license")
        for prop, name in (
            (DCT + "issued", "datePublished"),
            (DCT + "modified", "dateModified"),
            (DCT + "created", "dateCreated"),
        ):
            if self.first(prop):
                doc[name] = self.first(prop)
        if self.publisher:
            doc["publisher"] = {"@type": "Organization", "name": self.publisher[0]}
        if self.creators:
            doc["creator"] = [{"@type": "Person", "name": c} for c in self.creators]
        if self.temporal:
            t = self.temporal[0]
            doc["temporalCoverage"] = f"{t.get('start', '..')}/{t.get('end', '..')}"
        if self.spatial:
            s = self.spatial[0]
            doc["spatialCoverage"] = {"@type": "Place", "name": s.get("name") or s.get("bbox", "")}
        if self.distributions:
            doc["distribution"] = [
                {
                    k: v
                    for k, v in (
                        ("@type", "DataDownload"),
                        ("contentUrl", d.get("download") or d.get("access")),
                        ("encodingFormat", d.get("mediaType") or d.get("format")),
                        ("name", d.get("title")),
                    )
                    if v
                }
                for d in self.distributions
            ]
        if self.first(DCAT + "landingPage"):
            doc["sameAs"] = self.first(DCAT + "landingPage")
        text = json.dumps(doc, ensure_ascii=False, indent=1)
        # Safe inside <script> and still valid JSON: no "<", ">" or "&" appears as itself, so
        # no "</script>" or "<!--" can end or change the element.
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _rows(store: GraphStore, query: str) -> list[dict[str, str]]:
    return store.select(query)


def find_key(store: GraphStore, ident: str) -> str | None:
    """The record key for a key, a DOI (``10.x/y``, ``doi:``, ``https://doi.org/``) or a dataset IRI."""
    ident = ident.strip()
    if len(ident) == 20 and all(c in "0123456789abcdef" for c in ident):
        if store.contains_graph(record_graph(ident)):
            return ident
    doi = normalize_doi(ident)
    iri = f"https://doi.org/{doi}" if doi else ident
    if not iri.startswith(("http://", "https://", "urn:")):
        return None
    rows = store.select(
        f"SELECT ?key WHERE {{ {graph_clause(store, '?g')} {{ ?g <{CW.recordKey}> ?key ; <{FOAF}primaryTopic> <{_iri(iri)}> }} }} ORDER BY ?key LIMIT 1"
    )
    return rows[0]["key"] if rows else None


def _iri(value: str) -> str:
    return "".join(c for c in value if c not in '<>"{}|^`\\ \n\r\t')


def dataset_view(store: GraphStore, key: str) -> DatasetView | None:
    g = record_graph(key)
    if not store.contains_graph(g):
        return None
    top = _rows(store, f"SELECT ?ds WHERE {{ GRAPH <{g}> {{ <{g}> <{FOAF}primaryTopic> ?ds }} }}")
    if not top:
        return None
    ds = top[0]["ds"]
    view = DatasetView(key=key, iri=ds, graph=g)
    for r in _rows(store, f"SELECT ?p ?o WHERE {{ GRAPH <{g}> {{ <{ds}> ?p ?o }} }}"):
        view.props.setdefault(r["p"], []).append(r["o"])
    for values in view.props.values():
        values.sort()
    src_prefix = f"{BASE}source-field/"
    view.unmapped = sorted(
        (p[len(src_prefix) :], v) for p, vs in view.props.items() if p.startswith(src_prefix) for v in vs
    )

    def names(prop: str) -> list[str]:
        return sorted(
            {
                r["n"]
                for r in _rows(
                    store, f"SELECT ?n WHERE {{ GRAPH <{g}> {{ <{ds}> <{prop}> ?a . ?a <{FOAF}name> ?n }} }}"
                )
            }
        )

    view.publisher = names(DCT + "publisher")
    view.creators = creator_names(store, g, ds)
    view.contacts = _rows(
        store,
        f"SELECT ?name ?email WHERE {{ GRAPH <{g}> {{ <{ds}> <{DCAT}contactPoint> ?c . OPTIONAL {{ ?c <{VCARD}fn> ?name }} OPTIONAL {{ ?c <{VCARD}hasEmail> ?email }} }} }} ORDER BY ?name",
    )
    view.distributions = _rows(
        store,
        f"""SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?dl) AS ?download) (SAMPLE(?ac) AS ?access)
                   (GROUP_CONCAT(DISTINCT ?mt; separator=", ") AS ?mediaType)
                   (GROUP_CONCAT(DISTINCT ?f; separator=", ") AS ?format)
            WHERE {{ GRAPH <{g}> {{ <{ds}> <{DCAT}distribution> ?d .
            OPTIONAL {{ ?d <{DCT}title> ?t }} OPTIONAL {{ ?d <{DCAT}downloadURL> ?dl }}
            OPTIONAL {{ ?d <{DCAT}accessURL> ?ac }}
            OPTIONAL {{ ?d <{DCAT}mediaType> ?m BIND(REPLACE(STR(?m), "^.*/media-types/", "") AS ?mt) }}
            OPTIONAL {{ ?d <{DCT}format> ?fn OPTIONAL {{ ?fn <{RDFS}label> ?fl }} BIND(COALESCE(?fl, ?fn) AS ?f) }}
            }} }} GROUP BY ?d ORDER BY ?d""",
    )
    view.temporal = _rows(
        store,
        f"SELECT ?start ?end WHERE {{ GRAPH <{g}> {{ <{ds}> <{DCT}temporal> ?t . OPTIONAL {{ ?t <{DCAT}startDate> ?start }} OPTIONAL {{ ?t <{DCAT}endDate> ?end }} }} }}",
    )
    view.spatial = _rows(
        store,
        f"SELECT ?name ?bbox WHERE {{ GRAPH <{g}> {{ <{ds}> <{DCT}spatial> ?s . OPTIONAL {{ ?s <{LOCN}geographicName> ?name }} OPTIONAL {{ ?s <{DCAT}bbox> ?bbox }} }} }}",
    )
    view.themes = sorted(
        {
            r["label"]
            for r in _rows(
                store,
                f"SELECT ?label WHERE {{ GRAPH <{g}> {{ <{ds}> <{DCAT}theme> ?c . ?c <{SKOS}prefLabel> ?label }} }}",
            )
        }
    )
    view.concepts = _concepts(store, key, g, ds)
    prov = _rows(
        store,
        f"""SELECT ?p ?o WHERE {{ GRAPH <{g}> {{ <{g}> ?p ?o }} }}""",
    )
    names_map = {
        str(CW.source): "source",
        str(CW.sourceFile): "sourceFile",
        str(CW.sourcePointer): "sourcePointer",
        str(CW.lifter): "lifter",
        str(CW.lifterVersion): "lifterVersion",
        str(CW.softwareVersion): "softwareVersion",
        str(CW.contentHash): "contentHash",
        PROV + "wasGeneratedBy": "run",
        PROV + "wasDerivedFrom": "raw",
        str(CW.localIdentifier): "localIdentifier",
    }
    for r in prov:
        if r["p"] in names_map:
            view.provenance[names_map[r["p"]]] = r["o"]
    raw = view.provenance.get("raw", "")
    view.provenance["rawSha256"] = raw.rsplit("/", 1)[-1]
    vg = validation_graph(key)
    status = _rows(store, f"SELECT ?s WHERE {{ GRAPH <{vg}> {{ ?r <{CW.status}> ?s }} }}")
    view.validation_status = status[0]["s"] if status else "Unknown"
    view.validation_results = _rows(
        store,
        f"""SELECT ?severity ?message ?field ?fix ?shape WHERE {{ GRAPH <{vg}> {{ ?rep <{SH}result> ?r .
            ?r <{SH}resultSeverity> ?severity ; <{SH}resultMessage> ?message .
            OPTIONAL {{ ?r <{CW.sourceField}> ?field }} OPTIONAL {{ ?r <{CW.fixHint}> ?fix }}
            OPTIONAL {{ ?r <{SH}sourceShape> ?shape }} }} }} ORDER BY ?r""",
    )
    for r in view.validation_results:
        r["severity"] = r["severity"].rsplit("#", 1)[-1]
    view.related = related_datasets(store, ds)
    view.records = _rows(
        store,
        f"""SELECT ?key ?source ?file ?pointer ?lifter ?raw WHERE {{ {graph_clause(store, "?g")} {{
              ?g <{FOAF}primaryTopic> <{ds}> ; <{CW.recordKey}> ?key ; <{CW.source}> ?source ;
                 <{CW.sourceFile}> ?file ; <{CW.sourcePointer}> ?pointer ; <{CW.lifter}> ?lifter ;
                 <{PROV}wasDerivedFrom> ?raw }} }} ORDER BY ?source ?key""",
    )
    for r in view.records:
        r["source"] = r["source"].rstrip("/").rsplit("/", 1)[-1]
        r["rawSha256"] = r["raw"].rsplit("/", 1)[-1]
    view.duplicates = _rows(
        store,
        f"""SELECT ?other ?score ?status ?key ?title ?source WHERE {{
              {graph_clause(store, DUPLICATES_GRAPH)} {{ ?c <{CW.candidate}> <{ds}>, ?other ; <{CW.score}> ?score ;
                 <{CW.reviewStatus}> ?status FILTER(?other != <{ds}>) }}
              {graph_clause(store, "?g")} {{ ?g <{FOAF}primaryTopic> ?other ; <{CW.recordKey}> ?key ; <{CW.source}> ?source .
                 OPTIONAL {{ ?other <{DCT}title> ?title }} }} }} ORDER BY DESC(?score) ?key""",
    )
    for r in view.duplicates:
        r["source"] = r["source"].rstrip("/").rsplit("/", 1)[-1]
    return view


def related_datasets(store: GraphStore, ds: str) -> list[Related]:
    """Datasets linked to ``ds`` in either direction (other sources and its own), best ranking
    score first, each with the reasons its link holds. Two queries: the links, their reasons."""
    rows = _linked_rows(store, ds)
    best: dict[str, Related] = {}
    for r in sorted(rows, key=lambda r: (r["key"], r["l"], r.get("title", ""), r.get("pub", ""))):
        score = float(r.get("score", 0.0))  # a link a curator added between unembedded datasets has none
        rank = float(r.get("rank", score))
        current = best.get(r["key"])
        if current is None or (rank, score) > (current.rank, current.score):
            best[r["key"]] = Related(
                r["key"],
                r["other"],
                r.get("title", ""),
                r.get("pub", ""),
                r["source"].rstrip("/").rsplit("/", 1)[-1],
                score,
                r["method"],
                r.get("model", ""),
                link=r["l"],
                rank=rank,
                same_source=r.get("scope") == "same-source",
            )
    # curator decisions always win, also before the next `kg link` writes them into the links
    from kg.linking.curation import pair_key, stored_decisions

    decisions = stored_decisions(store, ds)
    for key, r in list(best.items()):
        decision = decisions.get(pair_key(ds, r.iri))
        if decision is not None and decision.status == "rejected":
            del best[key]
        elif decision is not None:
            r.curation, r.curator = decision.status, decision.curator
    if best:
        _add_reasons(store, list(best.values()))
    return sorted(best.values(), key=lambda x: (-x.rank, -x.score, x.key))


def _linked_rows(store: GraphStore, ds: str) -> list[dict[str, str]]:
    """The rows of the one-query form, from bound queries without OPTIONAL: pyoxigraph 0.5
    evaluates an OPTIONAL's whole pattern over the store (300-400 ms a page on 2,757 datasets)."""
    links_graph = graph_clause(store, LINKS_GRAPH)
    links = _rows(
        store,
        f"""SELECT ?l ?other WHERE {{
          {{ {links_graph} {{ ?l <{CW.linkSource}> <{ds}> ; <{CW.linkTarget}> ?other }} }}
          UNION
          {{ {links_graph} {{ ?l <{CW.linkTarget}> <{ds}> ; <{CW.linkSource}> ?other }} }} }}""",
    )
    if not links:
        return []
    names = {str(CW.method): "method", str(CW.score): "score", str(CW.model): "model",
             str(CW.rankScore): "rank", str(CW.linkScope): "scope"}  # fmt: skip
    attrs: dict[str, dict[str, str]] = {}
    values = " ".join(sorted({f"<{_iri(r['l'])}>" for r in links}))
    for r in _rows(store, f"SELECT ?l ?p ?v WHERE {{ VALUES ?l {{ {values} }} {links_graph} {{ ?l ?p ?v }} }}"):
        if r["p"] in names:
            attrs.setdefault(r["l"], {}).setdefault(names[r["p"]], r["v"])
    others = " ".join(sorted({f"<{_iri(r['other'])}>" for r in links}))
    recs = _rows(
        store,
        f"""SELECT ?other ?g ?key ?source WHERE {{ VALUES ?other {{ {others} }}
          {graph_clause(store, "?g")} {{ ?g <{FOAF}primaryTopic> ?other ; <{CW.recordKey}> ?key ; <{CW.source}> ?source }} }}""",
    )
    pairs = " ".join(f"(<{_iri(r['g'])}> <{_iri(r['other'])}>)" for r in recs)
    titles: dict[tuple[str, str], list[str]] = {}
    pubs: dict[tuple[str, str], list[str]] = {}
    if pairs:
        for r in _rows(
            store,
            f"SELECT ?g ?other ?title WHERE {{ VALUES (?g ?other) {{ {pairs} }} {graph_clause(store, '?g')} {{ ?other <{DCT}title> ?title }} }}",
        ):
            titles.setdefault((r["g"], r["other"]), []).append(r["title"])
        for r in _rows(
            store,
            f"SELECT ?g ?other ?pub WHERE {{ VALUES (?g ?other) {{ {pairs} }} {graph_clause(store, '?g')} {{ ?other <{DCT}publisher>/<{FOAF}name> ?pub }} }}",
        ):
            pubs.setdefault((r["g"], r["other"]), []).append(r["pub"])
    out = []
    for link in links:
        a = attrs.get(link["l"], {})
        if "method" not in a:
            continue
        for rec in (r for r in recs if r["other"] == link["other"]):
            gk = (rec["g"], rec["other"])
            for title in titles.get(gk) or [None]:
                for pub in pubs.get(gk) or [None]:
                    row = {"l": link["l"], "other": link["other"], **a, "key": rec["key"], "source": rec["source"]}
                    if title is not None:
                        row["title"] = title
                    if pub is not None:
                        row["pub"] = pub
                    out.append(row)
    return out


def _add_reasons(store: GraphStore, related: list[Related]) -> None:
    by_link = {r.link: r for r in related}
    values = " ".join(f"<{_iri(link)}>" for link in sorted(by_link))
    reasons: dict[tuple[str, str], RelatedReason] = {}
    for row in _rows(
        store,
        f"""SELECT ?l ?kind ?label ?weight ?value WHERE {{ VALUES ?l {{ {values} }}
              {graph_clause(store, LINKS_GRAPH)} {{ ?l <{CW.reason}> ?r . ?r <{CW.reasonKind}> ?kind ; <{RDFS}label> ?label .
                OPTIONAL {{ ?r <{CW.weight}> ?weight }} OPTIONAL {{ ?r <{CW.sharedValue}> ?value }} }} }}
            ORDER BY ?l ?kind ?value""",
    ):
        key = (row["l"], row["kind"])
        reason = reasons.get(key)
        if reason is None:
            reason = reasons[key] = RelatedReason(row["kind"], row["label"], [], float(row.get("weight", 0)))
            by_link[row["l"]].reasons.append(reason)
        if "value" in row:
            reason.values.append(row["value"])
    from kg.linking.related import similarity_reason

    for r in related:
        r.reasons.sort(key=lambda x: (-x.weight, x.kind))
        last = similarity_reason(r.score)  # not stored as a reason node: it is the link's cw:score
        r.reasons.append(RelatedReason(last.kind, last.label, list(last.values)))


RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def dataset_rdf(store: GraphStore, key: str, media_type: str) -> bytes:
    """The record's graph, its validation report and its links with their reasons, in an RDF syntax."""
    g, vg = record_graph(key), validation_graph(key)
    ds_rows = _rows(store, f"SELECT ?ds WHERE {{ GRAPH <{g}> {{ <{g}> <{FOAF}primaryTopic> ?ds }} }}")
    ds = ds_rows[0]["ds"] if ds_rows else ""
    triples = list(
        store.query(
            f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
              {{ GRAPH <{g}> {{ ?s ?p ?o }} }} UNION {{ GRAPH <{vg}> {{ ?s ?p ?o }} }}
              UNION {{ {graph_clause(store, LINKS_GRAPH)} {{ ?l <{CW.linkSource}>|<{CW.linkTarget}> <{ds}> . ?l ?p ?o . BIND(?l AS ?s) }} }}
              UNION {{ {graph_clause(store, LINKS_GRAPH)} {{ ?l <{CW.linkSource}>|<{CW.linkTarget}> <{ds}> ; <{CW.reason}> ?s . ?s ?p ?o }} }}
            }}"""
        )
    )
    return ox.serialize(triples, format=RDF_FORMATS[media_type])
