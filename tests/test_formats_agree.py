"""Formats agree (issue 3, point 5): where one dataset is described in two formats, the core facts
agree after lifting.

The real pairs in the corpus (same DOI): the ARM datastreams and an IEDA dataset as ISO 19139 and
as schema.org JSON-LD; a DataCite record and its schema.org form (bolognese fixtures); the DataCite
kernel-4 examples as XML and as JSON. For each pair and each core fact (title, identifier,
creators, publisher, issued date, spatial and temporal coverage, keywords, licence,
distributions, landing page) the two lifted graphs must give the same values, after the
comparisons a user would make (a date and a date-time on the same day agree; ``dx.doi.org`` and
``doi.org`` are one resolver; a comma-joined keyword list is its keywords). Where one form lacks a
fact or the two sources say different things, the exception is listed below with the reason; a
new disagreement, or one that goes away, fails the test.
"""

from __future__ import annotations

import re

import pytest
from rdflib.namespace import DCAT, DCTERMS, FOAF

from kg.errors import LiftError
from kg.lifting import guess_lifter
from kg.lifting.base import LiftedRecord, creators_of
from tests.conftest import corpus_path

ISO, SOS = "slendernodes-sosorg/iso19139", "slendernodes-sosorg/jsonld"
BOL = "datacite-bolognese-fixtures"
DCX, DCJ = "datacite-schema/source/meta/kernel-4/example", "datacite-schema/source/json/kernel-4.3/example"

# ARM: the ISO 19139 records carry no keywords, temporal extent or modification date, and their
# only online resource is the DOI; the schema.org forms link the ARM archive as the distribution.
ARM = {
    "modified": "only schema.org (ISO dateStamp is the metadata date, not the data's)",
    "temporal": "only schema.org: the ISO records have no EX_TemporalExtent",
    "keywords": "only schema.org: the ISO records have no descriptiveKeywords",
    "distributions": "sources differ: ISO's online resource is the DOI, schema.org's the ARM archive search",
}
PAIRS: list[tuple[str, str, dict[str, str]]] = [
    (f"{ISO}/arm_doc1.xml", f"{SOS}/arm__doc1_0.jsonld", ARM),
    (f"{ISO}/arm_doc2.xml", f"{SOS}/arm__doc2_0.jsonld", ARM),
    (f"{ISO}/arm_doc3.xml", f"{SOS}/arm__doc3_0.jsonld", ARM),
    (f"{ISO}/arm_wsacrcrcal.xml", f"{SOS}/arm__wsacrcrcal_0.jsonld",
     {**ARM, "publisher": "only schema.org: the ISO record names no publisher organisation"}),
    (f"{ISO}/ieda_600048iso.xml", f"{SOS}/ieda__ieda600048_0.jsonld", {
        "publisher": "only ISO: the schema.org form names no publisher",
        "spatial": "sources differ: the schema.org box is written west,south,east,north, not schema.org's "
                   "south,west,north,east, so its centre is misplaced in the source",
        "temporal": "only ISO: the schema.org form has no temporalCoverage",
        "distributions": "sources differ: the ISO record also lists its own metadata document as a link",
    }),
    (f"{BOL}/schema_4.0.xml", f"{BOL}/schema_org_geolocation.json", {
        "distributions": "only DataCite: the schema.org form has no url or distribution",
        "landing": "only DataCite: the schema.org form has no url",
    }),
    (f"{DCX}/datacite-example-GeoLocation-v4.xml", f"{DCJ}/datacite-example-GeoLocation-v4.json", {
        "keywords": "sources differ: the JSON example prefixes the DDC subject with its code (551)",
    }),
    (f"{DCX}/datacite-example-affiliation-v4.xml", f"{DCJ}/datacite-example-affiliation-v4.json", {
        "modified": "sources differ: the XML example was updated in 2021 (Updated date), the JSON in 2019",
        "keywords": "sources differ: the JSON example prefixes the DDC subject with its code (000)",
    }),
    (f"{DCX}/datacite-example-complicated-v4.xml", f"{DCJ}/datacite-example-complicated-v4.json", {
        "keywords": "sources differ: the JSON example prefixes the DDC subject with its code (830) and escapes '&'",
    }),
    (f"{DCX}/datacite-example-relationTypeIsIdenticalTo-v4.xml",
     f"{DCJ}/datacite-example-relationTypeIsIdenticalTo-v4.json", {
        "keywords": "sources differ: the JSON example prefixes the subject with its code (10300)",
    }),
    *[
        (f"{DCX}/datacite-example-{name}-v4.xml", f"{DCJ}/datacite-example-{name}-v4.json", {})
        for name in ("Box_dateCollected_DataCollector", "HasMetadata", "ResearchGroup_Methods",
                     "ResourceTypeGeneral_Collection", "ancientdates", "fundingReference", "video", "workflow")
    ],
]  # fmt: skip
FACTS = ("title", "identifier", "creators", "publisher", "issued", "modified", "spatial", "temporal", "keywords",
         "license", "distributions", "landing")  # fmt: skip


def lift(relative: str) -> LiftedRecord:
    path = corpus_path(relative)
    data = path.read_bytes()
    lifter = guess_lifter(data, path.name)
    assert lifter is not None, relative
    [piece] = [p for p in lifter.split(data, source_file=path.name) if not isinstance(p, LiftError)]
    return lifter.lift(piece, source="pair")


def _norm(text: object) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text).casefold()).split())


def _url(value: object) -> str:
    text = re.sub(r"^https?://(dx\.)?", "", str(value).strip().lower()).rstrip("/")
    # one Creative Commons licence, whichever of its pages is cited
    return re.sub(
        r"^(creativecommons\.org/(licenses|publicdomain)/[^/]+/[\d.]+)/(deed(\.\w+)?|legalcode)$", r"\1", text
    )


def _centre(wkt: str) -> tuple[float, float] | None:
    nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?", wkt)]
    if len(nums) < 2:
        return None
    xs, ys = nums[0::2], nums[1::2]
    return round((min(xs) + max(xs)) / 2, 2), round((min(ys) + max(ys)) / 2, 2)


def facts(rec: LiftedRecord) -> dict[str, set[object]]:
    """The core facts of a lifted record, in the form a user compares them."""
    g, ds = rec.graph, rec.dataset

    centres: set[object] = set()
    for loc in g.objects(ds, DCTERMS.spatial):
        shapes = list(g.objects(loc, DCAT.centroid)) or list(g.objects(loc, DCAT.bbox))
        centres |= {c for c in (_centre(str(s)) for s in shapes) if c}
    temporal = {(str(g.value(t, DCAT.startDate) or "")[:10], str(g.value(t, DCAT.endDate) or "")[:10])
                for t in g.objects(ds, DCTERMS.temporal)}  # fmt: skip
    urls = {_url(u) for d in g.objects(ds, DCAT.distribution)
            for p in (DCAT.downloadURL, DCAT.accessURL) for u in g.objects(d, p)}  # fmt: skip
    return {
        "title": {_norm(t) for t in g.objects(ds, DCTERMS.title)},
        "identifier": {str(ds)},
        "creators": {frozenset(_norm(n).split()) for a in creators_of(g, ds) for n in g.objects(a, FOAF.name)},
        "publisher": {_norm(n) for a in g.objects(ds, DCTERMS.publisher) for n in g.objects(a, FOAF.name)},
        "issued": {str(x)[:10] for x in g.objects(ds, DCTERMS.issued)},  # a date-time agrees with its day
        "modified": {str(x)[:10] for x in g.objects(ds, DCTERMS.modified)},
        "spatial": centres,
        "temporal": temporal,
        "keywords": {_norm(part) for k in g.objects(ds, DCAT.keyword) for part in str(k).split(",") if _norm(part)},
        "license": {_url(x) for x in g.objects(ds, DCTERMS.license)},
        "distributions": urls,
        "landing": {_url(x) for x in g.objects(ds, DCAT.landingPage)},
    }


def compare(a: dict[str, set[object]], b: dict[str, set[object]]) -> dict[str, str]:
    """Fact → "differ" / "only first" / "only second", for the facts that do not agree."""
    out = {}
    for name in FACTS:
        if a[name] == b[name]:
            continue
        out[name] = "only first" if not b[name] else "only second" if not a[name] else "differ"
    return out


@pytest.mark.parametrize(("first", "second", "exceptions"), PAIRS, ids=[p[1].rsplit("/", 1)[-1] for p in PAIRS])
def test_core_facts_agree_across_formats(first: str, second: str, exceptions: dict[str, str]) -> None:
    a, b = lift(first), lift(second)
    assert a.lifter != b.lifter  # two formats
    assert a.dataset == b.dataset  # one dataset: the same DOI IRI
    fa, fb = facts(a), facts(b)
    assert fa["title"] and fa["creators"] and fa["issued"], "the pair shares its most basic facts"
    found = compare(fa, fb)
    unexpected = {name: (sorted(map(str, fa[name]))[:4], sorted(map(str, fb[name]))[:4])
                  for name in found if name not in exceptions}  # fmt: skip
    assert not unexpected, f"facts that disagree: {unexpected}"
    gone = sorted(set(exceptions) - set(found))
    assert not gone, f"listed exceptions that now agree (remove them): {gone}"
    for name, reason in exceptions.items():
        kind = found[name]
        if reason.startswith("only schema.org") or reason.startswith("only ISO") or reason.startswith("only DataCite"):
            assert kind.startswith("only"), (name, kind)


def test_the_pairs_cover_every_core_fact() -> None:
    """Across the pairs, every core fact is compared and agrees at least once (none is only excused)."""
    agreed: set[str] = set()
    for first, second, _ in PAIRS:
        fa, fb = facts(lift(first)), facts(lift(second))
        agreed |= {name for name in FACTS if fa[name] and fa[name] == fb[name]}
    assert agreed == set(FACTS), set(FACTS) - agreed
