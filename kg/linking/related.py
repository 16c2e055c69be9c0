"""Why two datasets are related, and the ranking that says so (issue 5, point 3).

The embedding says that two descriptions read alike; the metadata says why two datasets belong
together. For every stored dataset a few whole-store SPARQL SELECTs (never one per dataset) read
the facts that can make a reason:

============== =================================================================================
kind           read from
============== =================================================================================
concept        ``dcat:theme`` IRIs of a shipped scheme, the record's own or its alignment graph's
               (``DatasetSummary.concepts``, resolved by ``ConceptIndex.resolve``), facility and
               instrument-type concepts excepted
facility       facility concepts (under ``fac:user-facilities``); ``schema:locationCreated``;
               UMM-C platforms (``prov:wasGeneratedBy/prov:used`` a ``sosa:Platform``); ISO
               19115-2 platform identifiers kept under ``src:iso19139/platform/identifier``
instrument     instrument-type concepts (under ``fac:instrument-types``);
               ``schema:measurementTechnique``; UMM-C sensors (``sosa:Sensor``); ISO 19115-2
               instrument identifiers
place          ``dcterms:spatial``: ``locn:geographicName`` / ``skos:prefLabel``, a place IRI,
               ``dcat:bbox`` / ``locn:geometry`` / ``dcat:centroid`` WKT (bounding boxes overlap)
time           ``dcterms:temporal``: ``dcat:startDate`` / ``dcat:endDate`` (periods overlap)
creator        ``dcterms:creator`` and its ``foaf:member`` s: the ORCID IRI, else the name
               normalised (case, punctuation, word order: "Smith, Jo" is "Jo Smith")
contact        ``dcat:contactPoint``: its ``vcard:fn`` normalised
funding        ``schema:funding``: the award number; the funder (its organisation node)
project        a ``foaf:Project`` the dataset is part of (UMM-C Projects)
programme      data.json ``programCode`` (kept under ``src:``)
collection     ``dcterms:isPartOf`` / ``dcterms:hasPart`` between datasets
keyword        ``dcat:keyword`` normalised
landing        ``dcat:landingPage`` (a collection's members often share their collection's page)
documentation  ``dcterms:references``, data.json ``describedBy`` (survey forms, API docs)
============== =================================================================================

Sharing is evidence in proportion to how rare the shared value is among the datasets it could
have been shared with (inverse document frequency, ``log((N+1)/df) / log(N+1)`` in [0, 1]); a
value held by more than ``MAX_SHARE`` of them says nothing and makes no reason (a programme code
of a whole agency, "United States", the DOE as funder). For two datasets of one source, ``N``
and ``df`` are counted within that source (what is rare inside energy.gov), otherwise over the
whole store. A collection link (part of, or in the same collection as) counts in full.

The ranking score is ``cosine + Σ weight(kind) × evidence(kind)``, evidence in [0, 1]: the
noisy-or of the shared values' rarities for kinds where one shared value is enough (a creator,
an award, a facility, a landing page), the rarity-weighted Jaccard overlap for kinds that are
long lists (keywords, documentation links), and for periods and bounding boxes how much they
overlap (``_overlap_evidence``). The weights (``KINDS``) were set by judgement for the kinds the
energy.gov evaluation (``kg eval links``) cannot see (it has no concepts, creators or funding)
and checked on it for the rest: landing page and documentation at 0.2 each raised the set
recall of collection members from 0.882 (cosine alone) to 0.939; keywords, places and time add
nothing there (the embedded text already holds the keywords; parents state no period) and stay
low. The run IRI hashes the weights (``ranking_settings``), so a change shows in provenance.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from kg.linking.corpus import DatasetSummary
from kg.namespaces import CW, SRC
from kg.store import GraphStore

RANK_VERSION = "cosine+shared-facts/1"  # with the weights below, it names the ranking in the run IRI
MAX_SHARE = 0.5  # a value held by more than this share of the datasets compared makes no reason
MIN_POPULATION = 10  # see Rarity.of
MIN_WEIGHT = 0.001  # a shared fact adding less than this to the ranking score is not shown
POSTING_CAP = 50  # a rare value adds its holders as candidates beyond the embedding neighbours


@dataclass(frozen=True)
class Kind:
    weight: float
    mode: str  # "any": noisy-or of rarities; "overlap": rarity-weighted Jaccard; "range": extents overlap
    label: str  # the reason's text before the shared values
    rarity: bool = True  # False: one shared value is full evidence whatever its frequency


KINDS: dict[str, Kind] = {
    "collection": Kind(0.3, "any", "Same collection", rarity=False),
    "concept": Kind(0.15, "any", "Shared concept"),
    "facility": Kind(0.2, "any", "Same facility"),
    "instrument": Kind(0.15, "any", "Same instrument"),
    "place": Kind(0.05, "range", "Same place"),
    "time": Kind(0.05, "range", "Overlapping time"),
    "creator": Kind(0.15, "any", "Shared creator"),
    "contact": Kind(0.05, "any", "Same contact"),
    "funding": Kind(0.1, "any", "Same funding"),
    "project": Kind(0.15, "any", "Same project"),
    "programme": Kind(0.03, "any", "Same programme"),
    "landing": Kind(0.2, "any", "Same landing page"),
    "documentation": Kind(0.2, "overlap", "Shared documentation"),
    "keyword": Kind(0.05, "overlap", "Shared keywords"),
}
SIMILARITY = "similarity"  # the reason every link has: its cosine
# kinds whose rare values bring candidates the embedding neighbours may miss
_CANDIDATE_KINDS = ("collection", "facility", "instrument", "creator", "funding", "project", "landing", "documentation")

_P = f"""PREFIX cw: <{CW}>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX locn: <http://www.w3.org/ns/locn#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sosa: <http://www.w3.org/ns/sosa/>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
"""
_HEAD = "SELECT ?key ?v ?label WHERE { GRAPH ?g { ?g cw:recordKey ?key ; foaf:primaryTopic ?ds . "
_SRC = str(SRC)

# kind → graph pattern binding ?v (the value compared) and optionally ?label (what is shown)
_VALUE_QUERIES: dict[str, str] = {
    "facility": f"""{{ ?ds schema:locationCreated ?x OPTIONAL {{ ?x rdfs:label|foaf:name ?xl }}
                      BIND(COALESCE(?xl, ?x) AS ?v) }}
        UNION {{ ?ds prov:wasGeneratedBy/prov:used ?x . ?x a sosa:Platform .
                 OPTIONAL {{ ?x dcterms:identifier ?xi }} OPTIONAL {{ ?x rdfs:label ?label }}
                 BIND(COALESCE(?xi, ?label) AS ?v) }}
        UNION {{ ?ds <{_SRC}iso19139/platform/identifier> ?v }}""",
    "instrument": f"""{{ ?ds schema:measurementTechnique ?x OPTIONAL {{ ?x rdfs:label|skos:prefLabel ?xl }}
                        BIND(COALESCE(?xl, ?x) AS ?v) }}
        UNION {{ ?ds prov:wasGeneratedBy/prov:used ?x . ?x a sosa:Sensor .
                 OPTIONAL {{ ?x dcterms:identifier ?xi }} OPTIONAL {{ ?x rdfs:label ?label }}
                 BIND(COALESCE(?xi, ?label) AS ?v) }}
        UNION {{ ?ds <{_SRC}iso19139/instrument/identifier> ?v }}""",
    "place": """?ds dcterms:spatial ?s .
        { ?s locn:geographicName|skos:prefLabel ?v } UNION { BIND(?s AS ?v) FILTER(isIRI(?s)
          && !STRSTARTS(STR(?s), CONCAT(STR(?ds), "/")) && !CONTAINS(STR(?s), "/dataset/")) }""",
    "creator": """?ds dcterms:creator ?c .
        { ?c foaf:member ?v } UNION { FILTER NOT EXISTS { ?c foaf:member ?m } BIND(?c AS ?v) }
        ?v foaf:name ?label""",
    "contact": "?ds dcat:contactPoint/vcard:fn ?v",
    "funding": """?ds schema:funding ?f .
        { ?f schema:identifier ?v OPTIONAL { ?f schema:funder/foaf:name ?label } }
        UNION { ?f schema:funder ?v . ?v foaf:name ?label }""",
    "project": """?ds ?rel ?v . ?v a foaf:Project . OPTIONAL { ?v rdfs:label|dcterms:title ?label }""",
    "programme": f"""VALUES ?p {{ <{_SRC}datajson/programCode> <{_SRC}ckan-package/extras/programCode> }}
        ?ds ?p ?v""",
    # a collection's own IRI is one of its values (its parts share it): see read_facts
    "collection": """{ ?ds dcterms:isPartOf ?v FILTER NOT EXISTS { ?v a foaf:Project } }
        UNION { ?ds dcterms:hasPart ?x BIND(?ds AS ?v) }""",
    "keyword": "?ds dcat:keyword ?v",
    "landing": "?ds dcat:landingPage ?v FILTER(?v != ?ds)",
    "documentation": f"""VALUES ?p {{ dcterms:references
                               <{_SRC}datajson/describedBy> <{_SRC}ckan-package/extras/describedBy> }}
        ?ds ?p ?v""",
}
_PERIODS = (
    "SELECT ?key ?start ?end WHERE { GRAPH ?g { ?g cw:recordKey ?key ; foaf:primaryTopic ?ds . "
    "?ds dcterms:temporal ?t OPTIONAL { ?t dcat:startDate ?start } OPTIONAL { ?t dcat:endDate ?end } } }"
)
_GEOMETRIES = (
    "SELECT ?key ?wkt ?name WHERE { GRAPH ?g { ?g cw:recordKey ?key ; foaf:primaryTopic ?ds . "
    "?ds dcterms:spatial ?s . ?s dcat:bbox|locn:geometry|dcat:centroid ?wkt "
    "OPTIONAL { ?s locn:geographicName|skos:prefLabel ?name } } }"
)

Box = tuple[float, float, float, float]  # west, south, east, north
Period = tuple[int, int]  # proleptic ordinals of the first and last day


@dataclass
class Facts:
    """What one dataset shares with others: per kind, comparable value → what is shown."""

    key: str
    iri: str
    source: str
    title: str = ""
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    periods: list[Period] = field(default_factory=list)
    boxes: list[tuple[Box, str]] = field(default_factory=list)  # (box, place name or "")

    def add(self, kind: str, value: str, label: str) -> None:
        if value:
            shown = self.values.setdefault(kind, {})
            if value not in shown or label < shown[value]:
                shown[value] = label

    def fingerprint(self) -> str:
        """A stable text of every fact: a change re-runs the ranking (the run IRI changes)."""
        parts = [f"{k}={sorted(v.items())}" for k, v in sorted(self.values.items())]
        return ";".join(parts + [str(sorted(self.periods)), str(sorted(self.boxes))])


@dataclass(frozen=True)
class Reason:
    kind: str  # a key of KINDS, or "similarity"
    label: str  # "Same facility: Spallation Neutron Source"
    values: tuple[str, ...]  # the shared values as shown
    terms: tuple[str, ...]  # the shared values as compared: IRIs where they are IRIs
    weight: float  # what it adds to the ranking score


@dataclass(frozen=True)
class RankedLink:
    source: str  # dataset IRI
    target: str
    source_key: str
    target_key: str
    score: float  # cosine of the embedded texts
    rank: float  # cosine + the reasons' weights
    same_source: bool
    reasons: tuple[Reason, ...]  # strongest first; the similarity reason last


def ranking_settings() -> str:
    """Everything the ranking depends on besides its inputs, as stable text (for the run IRI)."""
    kinds = ";".join(f"{k}:{v.weight}:{v.mode}:{v.rarity}" for k, v in KINDS.items())
    return f"{RANK_VERSION}|{kinds}|{MAX_SHARE}|{MIN_POPULATION}|{MIN_WEIGHT}|{POSTING_CAP}"


# --- reading ------------------------------------------------------------------------------


def read_facts(store: GraphStore, summaries: Sequence[DatasetSummary]) -> list[Facts]:
    """The facts of each summary's dataset, in the summaries' order (one SELECT per kind)."""
    from kg.alignment.concepts import concept_index

    by_key = {s.key: Facts(s.key, s.iri, s.source, s.title) for s in summaries}
    index = concept_index()
    for s in summaries:
        for c in s.concepts:
            by_key[s.key].add(_concept_kind(index, c), c, index.label(c))
    for kind, pattern in _VALUE_QUERIES.items():
        for r in store.select(_P + _HEAD + pattern + " } }"):
            facts = by_key.get(r["key"])
            if facts is None or "v" not in r:
                continue
            for value, label in _comparable(kind, r["v"], r.get("label", "")):
                if kind in ("facility", "instrument") and not value.startswith(("http://", "https://")):
                    value, label = _named_concept(index, kind, label) or (value, label)
                facts.add(kind, value, label)
    by_iri = {f.iri: f for f in by_key.values()}
    for facts in list(by_key.values()):
        for parent in list(facts.values.get("collection", ())):
            if parent in by_iri:  # the parent, as stored, is a collection: its parts share its IRI
                by_iri[parent].add("collection", parent, by_iri[parent].title or parent)
    for r in store.select(_P + _PERIODS):
        facts = by_key.get(r["key"])
        period = _period(r.get("start", ""), r.get("end", ""))
        if facts is not None and period is not None and period not in facts.periods:
            facts.periods.append(period)
    for r in store.select(_P + _GEOMETRIES):
        facts = by_key.get(r["key"])
        box = _wkt_box(r["wkt"])
        if facts is not None and box is not None and (box, r.get("name", "")) not in facts.boxes:
            facts.boxes.append((box, r.get("name", "")))
    for facts in by_key.values():
        facts.periods.sort()
        facts.boxes.sort()
    return [by_key[s.key] for s in summaries]


def _named_concept(index: object, kind: str, text: str) -> tuple[str, str] | None:
    """The one facility (or instrument type) concept a lab's own text names ("SSRL", "LCLS"),
    so that it meets a dataset aligned to that concept; None when it names none or several."""
    found = [c for c in index.match_query(text) if _concept_kind(index, c) == kind]  # type: ignore[attr-defined]
    if len(found) != 1:
        return None
    return found[0], index.label(found[0])  # type: ignore[attr-defined]


def _concept_kind(index: object, iri: str) -> str:
    from kg.alignment.logic import CONCEPT_BASE

    facilities = CONCEPT_BASE + "facilities/"
    up = index.ancestors(iri) | {iri}  # type: ignore[attr-defined]
    if facilities + "instrument-types" in up:
        return "instrument"
    if facilities + "user-facilities" in up:
        return "facility"
    return "concept"


def _comparable(kind: str, value: str, label: str) -> Iterable[tuple[str, str]]:
    """The value as compared, and as shown."""
    if kind == "programme":
        codes = _json_list(value)
        return [(c.strip(), c.strip()) for c in codes if c.strip()]
    if kind == "creator":
        if value.startswith("https://orcid.org/"):
            return [(value, label)]
        return [(_name_key(label), label)]
    if kind == "contact":
        return [(_name_key(value), value)]
    if kind == "funding":
        if value.startswith(("http://", "https://")):  # the funder
            return [(value, f"funder {label}" if label else value)]
        award = re.sub(r"\s+", "", value).upper()
        return [("award:" + award, f"{value} ({label})" if label else value)]
    if kind == "collection":
        return [(value, label or value)]  # dataset IRIs as the lifters minted them
    if kind in ("documentation", "landing", "place", "project") and value.startswith(("http://", "https://")):
        return [(_url_key(value), label or value)]
    text = " ".join(value.split())
    return [(_text_key(text), label or text)] if text else []


def _url_key(url: str) -> str:
    """A URL as compared: http and https, host case and a trailing slash do not matter; the
    query and the fragment do (``survey/#coal`` is not ``survey/#naturalgas``)."""
    m = re.match(r"^https?://([^/?#]+)([^?#]*)(.*)$", url.strip(), re.IGNORECASE)
    if not m:
        return url.strip()
    return f"https://{m.group(1).lower()}{m.group(2).rstrip('/')}{m.group(3)}"


def _json_list(value: str) -> list[str]:
    if value.startswith("["):
        try:
            items = json.loads(value)
        except ValueError:
            return [value]
        return [str(i) for i in items] if isinstance(items, list) else [value]
    return [value]


def _text_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _name_key(name: str) -> str:
    """A person's name as compared: case, punctuation and word order do not matter."""
    return " ".join(sorted(_text_key(name).split()))


_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def _day(text: str, *, last: bool) -> int | None:
    m = _DATE.match(text.strip()) if text else None
    if not m:
        return None
    year = int(m.group(1))
    if not 1 <= year <= 9999:
        return None
    month = int(m.group(2)) if m.group(2) else (12 if last else 1)
    if not 1 <= month <= 12:
        return None
    if m.group(3):
        day = int(m.group(3))
    else:
        day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day if last else 1
    try:
        return dt.date(year, month, day).toordinal()
    except ValueError:
        return None


def _period(start: str, end: str) -> Period | None:
    """First and last day; an open end is the other end (no wall clock: "ongoing" would change
    the links every day)."""
    a, b = _day(start, last=False), _day(end, last=True)
    if a is None and b is None:
        return None
    a, b = a if a is not None else b, b if b is not None else a
    return (min(a, b), max(a, b))  # type: ignore[type-var, return-value]


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _wkt_box(wkt: str) -> Box | None:
    """The bounding box of a WKT geometry (x = longitude, y = latitude pairs)."""
    body = wkt.split(">", 1)[-1]  # a CRS IRI may stand before the geometry
    numbers = [float(n) for n in _NUMBER.findall(body.split("(", 1)[-1])] if "(" in body else []
    if len(numbers) < 2 or len(numbers) % 2:
        return None
    xs, ys = numbers[0::2], numbers[1::2]
    box = (min(xs), min(ys), max(xs), max(ys))
    if not (-180 <= box[0] <= box[2] <= 180 and -90 <= box[1] <= box[3] <= 90):
        return None
    return box


# --- rarity --------------------------------------------------------------------------------


class Rarity:
    """How informative sharing a value is, among the datasets that state a fact of its kind
    (a programme code is compared with the other data.json records, not with DataCite ones
    that cannot have one): over the store, and within each source."""

    def __init__(self, facts: Sequence[Facts]) -> None:
        self.population: Counter[str] = Counter()
        self.population_source: Counter[tuple[str, str]] = Counter()
        self.df: dict[str, Counter[str]] = defaultdict(Counter)
        self.df_source: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for f in facts:
            for kind, values in f.values.items():
                self.population[kind] += 1
                self.population_source[(kind, f.source)] += 1
                self.df[kind].update(values.keys())
                self.df_source[(kind, f.source)].update(values.keys())

    def of(self, kind: str, value: str, source: str | None) -> float:
        """In [0, 1]; 0 when the value is held by more than MAX_SHARE of the datasets compared,
        or by one only. ``source``: the pair's source when both are of one, else None. Fewer
        than MIN_POPULATION datasets with a fact of the kind count as that many (two datasets
        of a small catalog sharing the one project it names is a reason, not noise)."""
        if source is None:
            n, df = self.population[kind], self.df[kind][value]
        else:
            n, df = self.population_source[(kind, source)], self.df_source[(kind, source)][value]
        n = max(n, MIN_POPULATION)
        if df < 2 or df > MAX_SHARE * n:
            return 0.0
        return math.log((n + 1) / df) / math.log(n + 1)


# --- explaining one pair -------------------------------------------------------------------


def explain(a: Facts, b: Facts, cosine: float, rarity: Rarity, *, titles: dict[str, str] | None = None
            ) -> tuple[float, list[Reason]]:  # fmt: skip
    """The ranking score of ``b`` as related to ``a`` and the reasons, strongest first."""
    scope = a.source if a.source == b.source else None
    reasons: list[Reason] = []
    for kind, spec in KINDS.items():
        if kind == "time":
            reason = _time_reason(a.periods, b.periods, spec)
        elif kind == "place":
            reason = _place_reason(a, b, spec, rarity, scope)
        else:
            reason = _shared_reason(kind, spec, a, b, rarity, scope, titles or {})
        if reason is not None and reason.weight >= MIN_WEIGHT:
            reasons.append(reason)
    reasons.sort(key=lambda r: (-r.weight, r.kind))
    rank = cosine + sum(r.weight for r in reasons)
    reasons.append(similarity_reason(cosine))
    return round(rank, 4), reasons


def similarity_reason(cosine: float) -> Reason:
    """The reason every link has, last: its cosine (stored as the link's ``cw:score``)."""
    return Reason(SIMILARITY, f"Similar description (cosine {cosine:.2f})", (f"{cosine:.4f}",), (), 0.0)


def _shared_reason(kind: str, spec: Kind, a: Facts, b: Facts, rarity: Rarity, scope: str | None,
                   titles: dict[str, str]) -> Reason | None:  # fmt: skip
    va, vb = a.values.get(kind), b.values.get(kind)
    if not va or not vb:
        return None
    shared = sorted(va.keys() & vb.keys())
    weights = {v: (1.0 if not spec.rarity else rarity.of(kind, v, scope)) for v in shared}
    shared = [v for v in shared if weights[v] > 0]
    if not shared:
        return None
    if spec.mode == "overlap":  # a value only one of them has (or everyone has) weighs nothing
        union = sum(rarity.of(kind, v, scope) for v in va.keys() | vb.keys())
        evidence = min(1.0, sum(weights.values()) / union)
    else:
        evidence = 1.0 - math.prod(1.0 - w for w in weights.values())
    shared.sort(key=lambda v: (-weights[v], va[v]))
    shown = tuple(va[v] for v in shared)  # two concepts of one label (GCMD levels) show once
    label = _label(kind, spec, shown, shared, a, b, titles)
    return Reason(kind, label, shown, tuple(shared), round(spec.weight * evidence, 4))


def _label(kind: str, spec: Kind, shown: tuple[str, ...], terms: list[str], a: Facts, b: Facts,
           titles: dict[str, str]) -> str:  # fmt: skip
    if kind == "collection":
        term = terms[0]
        if term == b.iri:
            return f"Part of the collection {titles.get(term) or b.title or term}"
        if term == a.iri:
            return "Part of this collection"
        return f"{spec.label}: {titles.get(term) or shown[0]}"
    unique = list(dict.fromkeys(shown))
    head = "; ".join(unique[:3]) + (f" and {len(unique) - 3} more" if len(unique) > 3 else "")
    return f"{spec.label}: {head}"


def _time_reason(pa: list[Period], pb: list[Period], spec: Kind) -> Reason | None:
    best: tuple[float, Period] | None = None
    for a in pa:
        for b in pb:
            lo, hi = max(a[0], b[0]), min(a[1], b[1])
            if lo > hi:
                continue
            evidence = _overlap_evidence(hi - lo + 1, a[1] - a[0] + 1, b[1] - b[0] + 1, _CENTURY)
            if best is None or evidence > best[0]:
                best = (evidence, (lo, hi))
    if best is None:
        return None
    lo, hi = (dt.date.fromordinal(d) for d in best[1])
    years = f"{lo.year}" if lo.year == hi.year else f"{lo.year}–{hi.year}"
    span = f"{lo.isoformat()}/{hi.isoformat()}"
    return Reason("time", f"{spec.label} {years}", (span,), (span,), round(spec.weight * best[0], 4))


def _place_reason(a: Facts, b: Facts, spec: Kind, rarity: Rarity, scope: str | None) -> Reason | None:
    named = _shared_reason("place", spec, a, b, rarity, scope, {})
    best: tuple[float, Box, str] | None = None
    for box_a, name_a in a.boxes:
        for box_b, name_b in b.boxes:
            iou, inter = _box_overlap(box_a, box_b)
            if inter is not None and (best is None or iou > best[0]):
                best = (iou, inter, name_b or name_a)  # the other dataset's place, as it names it
    if best is None:
        return named
    weight = round(spec.weight * best[0], 4)
    if named is not None and named.weight >= weight:
        return named
    w, s, e, n = best[1]
    box = f"{w:.2f},{s:.2f},{e:.2f},{n:.2f}"  # west,south,east,north as DCAT-US 1.1 writes a box
    where = best[2] or f"W {w:.2f} S {s:.2f} E {e:.2f} N {n:.2f}"
    return Reason("place", f"Overlapping area: {where}", (where,), (box,), weight)


_POINT = 0.05  # degrees: a point (a centroid, a site) is a box this wide for overlaps


def _box_overlap(a: Box, b: Box) -> tuple[float, Box | None]:
    a, b = _widen(a), _widen(b)
    w, s, e, n = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    if w > e or s > n:
        return 0.0, None
    inter = (e - w) * (n - s)
    area_a, area_b = (a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])
    return _overlap_evidence(inter, area_a, area_b, _GLOBE), (w, s, e, n)


_CENTURY = 36525.0  # days: a period this long (or a box as large as _GLOBE) is specific to nothing
_GLOBE = 360.0 * 180.0  # square degrees


def _overlap_evidence(inter: float, size_a: float, size_b: float, whole: float) -> float:
    """In [0, 1]: the intersection over the union, or, when one extent lies (mostly) inside the
    other, that share times how specific the larger one is (a site inside a watershed's box
    says more than a site inside a global grid; a day inside one year more than inside a
    century): ``1 - log(1 + larger) / log(1 + whole)``."""
    union = size_a + size_b - inter
    iou = inter / union if union > 0 else 1.0
    small, large = min(size_a, size_b), max(size_a, size_b)
    contained = inter / small if small > 0 else 1.0
    specific = max(0.0, 1.0 - math.log1p(large) / math.log1p(whole))
    return max(iou, contained * specific)


def _widen(box: Box) -> Box:
    w, s, e, n = box
    if e - w < _POINT:
        w, e = w - _POINT / 2, e + _POINT / 2
    if n - s < _POINT:
        s, n = s - _POINT / 2, n + _POINT / 2
    return (w, s, e, n)


# --- ranking -------------------------------------------------------------------------------


def rank_related(
    summaries: Sequence[DatasetSummary],
    facts: Sequence[Facts],
    index: object,
    vectors: np.ndarray,
    *,
    threshold: float,
    top_k: int,
    top_k_same: int,
    structured: bool = True,
) -> list[RankedLink]:
    """For each dataset, its ``top_k`` related datasets of OTHER sources and its ``top_k_same``
    of its own source, best ranking score first. Across sources the cosine must reach
    ``threshold``: a fact shared across labs is rarely enough alone (one funder, an overlapping
    year). Within a source the ranking score must: a dataset of the same facility, collection or
    creator is related even when its description is written differently.

    Candidates: the embedding neighbours, and the holders of a rare shared value of a strong
    kind (a creator, an award, a facility, a collection ...). ``structured=False`` ranks by the
    cosine alone (the evaluation's baseline; reasons then hold only the similarity)."""
    n = len(summaries)
    if not n:
        return []
    rarity = Rarity(facts)
    titles = {s.iri: s.title for s in summaries}
    search_k = min(n, max(50, 5 * (top_k + top_k_same)))
    scores, ids = index.search(vectors, search_k)  # type: ignore[attr-defined]
    extra = _shared_value_candidates(facts) if structured else {}
    out: list[RankedLink] = []
    for i, s in enumerate(summaries):
        candidates = {int(j): float(c) for c, j in zip(scores[i], ids[i]) if j >= 0 and j != i}
        for j in extra.get(i, ()):
            if j not in candidates:
                candidates[j] = float(np.dot(vectors[i], vectors[j]))
        ranked: list[tuple[float, str, int, float, list[Reason]]] = []
        for j, cosine in candidates.items():
            o = summaries[j]
            same = o.source == s.source
            if o.iri == s.iri or (cosine < threshold and not (structured and same)):
                continue  # the same dataset seen in another catalog, or below the threshold
            cosine = round(cosine, 4)
            if structured:
                rank, reasons = explain(facts[i], facts[j], cosine, rarity, titles=titles)
                if cosine < threshold and rank < threshold:
                    continue
            else:
                rank, reasons = cosine, [similarity_reason(cosine)]
            ranked.append((rank, o.key, j, cosine, reasons))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        kept = {True: 0, False: 0}
        targets: set[str] = set()
        for rank, _, j, cosine, reasons in ranked:
            o = summaries[j]
            same = o.source == s.source
            if o.iri in targets or kept[same] >= (top_k_same if same else top_k):
                continue
            targets.add(o.iri)
            kept[same] += 1
            out.append(RankedLink(s.iri, o.iri, s.key, o.key, cosine, rank, same, tuple(reasons)))
    return out


def _shared_value_candidates(facts: Sequence[Facts]) -> dict[int, set[int]]:
    """Per dataset, the others holding one of its values of a strong kind that at most
    POSTING_CAP datasets hold (a creator, a facility, a landing page ...)."""
    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        for kind in _CANDIDATE_KINDS:
            for v in f.values.get(kind, ()):
                holders[(kind, v)].append(i)
    out: dict[int, set[int]] = defaultdict(set)
    for idx in holders.values():
        if 2 <= len(idx) <= POSTING_CAP:
            for i in idx:
                out[i].update(j for j in idx if j != i)
    return out
