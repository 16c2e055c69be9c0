"""NASA UMM-C (CMR) lifting on the real records in ../shared/corpus/nasa-cmr-ummc-gcmd."""

from __future__ import annotations

import copy
import dataclasses
import json
import time
from collections.abc import Iterator
from typing import Any

import pyoxigraph
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.lifting import get_lifter, guess_lifter, lifters
from kg.lifting.base import LiftedRecord, creators_of
from kg.namespaces import BASE, SRC, VCARD
from kg.ntriples import graph_hash, nt_lines
from kg.report import Severity
from tests.conftest import corpus_path
from tests.golden_util import assert_golden

DIR = "nasa-cmr-ummc-gcmd"
LARC = f"{DIR}/C28109-LARC.json"
USAP = f"{DIR}/USAP-1753101.json"
NSIDC = f"{DIR}/search_collection_C1599780765-NSIDC_ECS.json"
LPDAAC = f"{DIR}/search_collection_C190733714-LPDAAC_ECS.json"
UMM_FILES = [LARC, USAP, NSIDC, LPDAAC]
SOSA = "http://www.w3.org/ns/sosa/"
SSN = "http://www.w3.org/ns/ssn/"
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
GCMD = f"{BASE}concept/gcmd/sciencekeywords"


def lifter():  # type: ignore[no-untyped-def]
    return get_lifter("umm-c")


def lift_bytes(data: bytes, name: str = "test.json") -> list[LiftedRecord]:
    """Every record of an input; a record that cannot be cut out fails the test."""
    out = []
    for piece in lifter().split(data, source_file=name):
        assert not isinstance(piece, LiftError), piece
        out.append(lifter().lift(piece, source="nasa-cmr"))
    return out


def lift_file(relative: str) -> LiftedRecord:
    path = corpus_path(relative)
    [rec] = lift_bytes(path.read_bytes(), path.name)
    return rec


def real(relative: str) -> Any:
    return json.loads(corpus_path(relative).read_text(encoding="utf-8"))


def fields(rec: LiftedRecord) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for f in rec.findings:
        found.setdefault(f.field or "", []).append(f.message)
    return found


# --- goldens ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "golden"),
    [
        (LARC, "umm-larc-misr-browse"),
        (USAP, "umm-usap-krill"),
        (NSIDC, "umm-nsidc-ablvis0"),
        (LPDAAC, "umm-lpdaac-ast-l1b"),
    ],
)
def test_golden_records(relative: str, golden: str) -> None:
    assert_golden(lift_file(relative).graph, golden)


# --- facts a user would notice ------------------------------------------------------------------


def test_nsidc_search_response_doi_identity_title_and_links() -> None:
    rec = lift_file(NSIDC)
    g, ds = rec.graph, rec.dataset
    assert rec.raw.pointer == "/items/0/umm"
    assert rec.raw.local_id == "C1599780765-NSIDC_ECS"  # meta.concept-id
    assert ds == URIRef("https://doi.org/10.5067/tloirqywx00h")
    assert g.value(ds, DCTERMS.title) == Literal("ABoVE LVIS L0 Raw Ranges V001")
    assert g.value(ds, DCTERMS.identifier) == Literal("10.5067/tloirqywx00h")
    [ident] = g.objects(ds, URIRef("http://www.w3.org/ns/adms#identifier"))
    assert g.value(ident, SKOS.notation) == Literal("C1599780765-NSIDC_ECS")
    assert g.value(ds, DCAT.landingPage) == URIRef("https://doi.org/10.5067/TLOIRQYWX00H")
    # 12 RelatedUrls, 9 of them repeats: three distributions, one direct download.
    dists = g.objects(ds, DCAT.distribution)
    assert len(dists) == 3
    downloads = {g.value(d, DCAT.downloadURL) for d in dists} - {None}
    assert downloads == {URIRef("https://n5eil01u.ecs.nsidc.org/ICEBRIDGE/ABLVIS0.001")}
    access = {str(g.value(d, DCAT.accessURL)) for d in dists} - {"None"}
    assert "https://nsidc.org/icebridge/portal/map" in access
    repeats = [f for f in rec.findings if "repeats" in f.message]
    assert len(repeats) == 9 and all(f.severity is Severity.INFO for f in repeats)
    assert repeats[0].field.startswith("/items/0/umm/RelatedUrls/")
    # Several file formats: DCAT-US 3.0 allows one per distribution, so they describe the dataset.
    formats = {str(g.value(f, RDFS.label)) for f in g.objects(ds, DCTERMS.format)}
    assert formats == {"JPS", "JPEG", "Binary", "ASCII Text"}
    assert g.value(ds, DCTERMS.publisher) == URIRef(f"{BASE}agent/nasa-nsidc-daac")
    # No DataDates: modified is CMR's meta.revision-date (as CMR's data.json export does).
    assert g.value(ds, DCTERMS.modified) == Literal("2020-10-28T17:26:51.467Z", datatype=XSD.dateTime)


def test_nsidc_bbox_temporal_and_gcmd_hierarchy() -> None:
    rec = lift_file(NSIDC)
    g, ds = rec.graph, rec.dataset
    boxes = [g.value(loc, DCAT.bbox) for loc in g.objects(ds, DCTERMS.spatial) if g.value(loc, DCAT.bbox)]
    assert boxes == [
        Literal("POLYGON((-158.0 48.0, -104.0 48.0, -104.0 72.0, -158.0 72.0, -158.0 48.0))", datatype=WKT)
    ]
    [period] = g.objects(ds, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2017-06-29T00:00:00.000Z", datatype=XSD.dateTime)
    assert g.value(period, DCAT.endDate) == Literal("2017-07-17T23:59:59.999Z", datatype=XSD.dateTime)
    themes = [t for t in g.objects(ds, DCAT.theme) if str(t).startswith(GCMD)]
    [concept] = themes
    assert concept == URIRef(f"{GCMD}/earth-science/land-surface/topography/terrain-elevation")
    assert g.value(concept, SKOS.prefLabel) == Literal("EARTH SCIENCE > LAND SURFACE > TOPOGRAPHY > TERRAIN ELEVATION")
    assert g.value(concept, SKOS.altLabel) == Literal("TERRAIN ELEVATION")
    assert g.value(concept, SKOS.inScheme) == URIRef(GCMD)
    assert g.value(URIRef(GCMD), DCTERMS.title) == Literal("GCMD Science Keywords")
    chain, node = [], concept
    while node is not None:
        chain.append(str(g.value(node, SKOS.altLabel)))
        node = g.value(node, SKOS.broader)
    assert chain == ["TERRAIN ELEVATION", "TOPOGRAPHY", "LAND SURFACE", "EARTH SCIENCE"]
    keywords = {str(k) for k in g.objects(ds, DCAT.keyword)}
    assert {"TERRAIN ELEVATION", "LVIS", "LVIS Camera", "B-200", "DC-8", "ABoVE", "ALASKA", "CANADA"} <= keywords
    assert "EARTH SCIENCE" not in keywords  # only the most specific level is a keyword


def test_lpdaac_platform_instruments_and_open_end() -> None:
    rec = lift_file(LPDAAC)
    g, ds = rec.graph, rec.dataset
    assert ds == URIRef("https://doi.org/10.5067/aster/ast_l1b.003")
    assert g.value(ds, DCAT.landingPage) == URIRef("https://doi.org/10.5067/ASTER/AST_L1B.003")
    [activity] = g.objects(ds, PROV.wasGeneratedBy)
    platforms = [u for u in g.objects(activity, PROV.used) if (u, RDF.type, URIRef(SOSA + "Platform")) in g]
    [terra] = platforms
    assert g.value(terra, DCTERMS.identifier) == Literal("Terra")
    [aster] = g.objects(terra, URIRef(SOSA + "hosts"))
    assert (aster, RDF.type, URIRef(SOSA + "Sensor")) in g
    assert g.value(aster, RDFS.label) == Literal("Advanced Spaceborne Thermal Emission and Reflection Radiometer")
    parts = {str(g.value(p, DCTERMS.identifier)) for p in g.objects(aster, URIRef(SSN + "hasSubSystem"))}
    assert parts == {"SWIR", "TIR", "VNIR"}
    assert {Literal("ASTER"), Literal("Terra")} <= set(g.objects(ds, DCAT.keyword))
    # EndsAtPresentFlag with no EndingDateTime: a period with a start and no end.
    [period] = g.objects(ds, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2000-03-04T20:34:04.000Z", datatype=XSD.dateTime)
    assert g.value(period, DCAT.endDate) is None
    # The only data centre is a PROCESSOR: it is read as the publisher, and the user is told.
    assert g.value(ds, DCTERMS.publisher) == URIRef(f"{BASE}agent/lp-daac")
    assert "/items/0/umm/DataCenters" in fields(rec)
    refs = set(g.objects(ds, DCTERMS.references))
    assert URIRef("https://lpdaac.usgs.gov/documents/70/AST_L1_ATBD.pdf") in refs
    assert {URIRef("https://lpdaac.usgs.gov"), URIRef("http://asterweb.jpl.nasa.gov/")} <= set(
        g.objects(ds, DCTERMS.relation)
    )


def test_usap_bare_record_identity_agents_and_dates() -> None:
    rec = lift_file(USAP)
    g, ds = rec.graph, rec.dataset
    assert rec.raw.pointer == "" and rec.raw.local_id == "USAP-1753101___1"  # ShortName___Version
    assert str(ds).startswith(f"{BASE}dataset/")  # DOI.MissingReason: no DOI
    assert g.value(ds, DCTERMS.identifier) == Literal("USAP-1753101___1")
    assert json.loads(str(g.value(ds, SRC["umm-c/DOI"]))) == {"MissingReason": "Not Applicable"}
    [box] = [g.value(loc, DCAT.bbox) for loc in g.objects(ds, DCTERMS.spatial) if g.value(loc, DCAT.bbox)]
    assert box == Literal("POLYGON((-65.0 -65.0, -62.0 -65.0, -62.0 -64.0, -65.0 -64.0, -65.0 -65.0))", datatype=WKT)
    names = {str(g.value(loc, SKOS.prefLabel)) for loc in g.objects(ds, DCTERMS.spatial)} - {"None"}
    assert names == {"CONTINENT > ANTARCTICA > ANTARCTIC PENINSULA", "OCEAN > SOUTHERN OCEAN"}
    assert g.value(ds, DCTERMS.publisher) == URIRef(f"{BASE}agent/bco-dmo")  # the ARCHIVER
    [creator] = creators_of(g, ds)
    assert g.value(creator, FOAF.name) == Literal("Bernard, Kim")
    contacts = {str(g.value(c, VCARD.fn)): g.value(c, VCARD.hasEmail) for c in g.objects(ds, DCAT.contactPoint)}
    assert contacts["Kim Bernard"] == URIRef("mailto:kbernard@coas.oregonstate.edu")
    assert g.value(ds, DCAT.landingPage) == URIRef("https://www.usap-dc.org/view/project/p0010124")
    assert g.value(ds, DCTERMS.references) == URIRef("http://www.nsf.gov/awardsearch/showAward.do?AwardNumber=1753101")
    [dist] = g.objects(ds, DCAT.distribution)
    assert g.value(dist, DCAT.accessURL) == URIRef("https://www.bco-dmo.org/project/824760")
    assert g.value(g.value(dist, DCTERMS.format), RDFS.label) == Literal("ascii")  # the only file format
    assert g.value(ds, DCTERMS.issued) == Literal("2020-08-31T00:00:00.000Z", datatype=XSD.dateTime)
    themes = {str(g.value(t, SKOS.prefLabel)) for t in g.objects(ds, DCAT.theme)}
    assert "EARTH SCIENCE > BIOSPHERE > ECOSYSTEMS > MARINE ECOSYSTEMS > PELAGIC" in themes
    assert not rec.findings


def test_larc_placeholders_and_contradictions_are_reported() -> None:
    rec = lift_file(LARC)
    g, ds = rec.graph, rec.dataset
    found = fields(rec)
    assert "EndsAtPresentFlag is true" in found["/TemporalExtents/0/RangeDateTimes/0/EndingDateTime"][0]
    [period] = g.objects(ds, DCTERMS.temporal)
    assert g.value(period, DCAT.endDate) is None  # read as ongoing, the given end kept
    assert g.value(period, SRC["umm-c/EndingDateTime"]) == Literal("2014-12-18T00:00:00.000Z")
    assert '"Not provided"' in found["/ScienceKeywords/0/Topic"][0]
    assert "/DataCenters/2/ShortName" in found
    # A nameless centre's e-mail belongs to its one contact person.
    contacts = {str(g.value(c, VCARD.fn)): g.value(c, VCARD.hasEmail) for c in g.objects(ds, DCAT.contactPoint)}
    assert contacts["Dave J. Diner"] == URIRef("mailto:David.Diner@jpl.nasa.gov")
    assert (ds, DCTERMS.modified, Literal("2008-07-22T08:54:10.370Z", datatype=XSD.dateTime)) in g
    assert (ds, DCTERMS.issued, Literal("2003-03-24T12:46:14.763Z", datatype=XSD.dateTime)) in g
    # Unmapped fields are kept, never dropped.
    attrs = json.loads(str(g.value(ds, SRC["umm-c/AdditionalAttributes"])))
    assert attrs[0]["Name"] == "SP_AM_PATH_NO"


def test_licence_and_constraints_on_a_real_record() -> None:
    doc = real(USAP)
    doc["UseConstraints"] = {
        "Description": "Please cite the data set.",
        "LicenseURL": {"Linkage": "https://creativecommons.org/licenses/by/4.0/", "Name": "CC BY 4.0"},
    }
    doc["AccessConstraints"] = {"Description": "None", "Value": 0}
    [rec] = lift_bytes(json.dumps(doc).encode())
    g, ds = rec.graph, rec.dataset
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert g.value(ds, DCTERMS.license) == licence
    assert g.value(licence, RDFS.label) == Literal("CC BY 4.0")
    assert g.value(g.value(ds, DCTERMS.rights), RDFS.label) == Literal("Please cite the data set.")
    access = g.value(ds, DCTERMS.accessRights)
    assert g.value(access, RDFS.label) == Literal("None") and g.value(access, SRC["umm-c/Value"]) == Literal("0")
    doc["UseConstraints"] = {"Description": "Free", "LicenseURL": {"Linkage": "see the readme"}}
    [rec] = lift_bytes(json.dumps(doc).encode())
    assert rec.graph.value(rec.dataset, DCTERMS.license) is None
    assert "/UseConstraints/LicenseURL/Linkage" in fields(rec)


def test_same_input_same_graph_and_one_dataset_for_both_shapes() -> None:
    a, b = lift_file(LPDAAC), lift_file(LPDAAC)
    assert graph_hash(nt_lines(a.graph)) == graph_hash(nt_lines(b.graph))
    # Lifted again from the stored raw record alone (no parse kept), the graph is the same.
    for relative in (LPDAAC, USAP):
        rec = lift_file(relative)
        stored = dataclasses.replace(rec.raw, parsed=None)
        again = lifter().lift(stored, source="nasa-cmr")
        assert set(again.graph) == set(rec.graph) and again.key == rec.key
    bare = lift_bytes(json.dumps(real(LPDAAC)["items"][0]["umm"]).encode())[0]
    assert bare.dataset == a.dataset  # same DOI: one dataset, two keys
    assert bare.raw.local_id == "AST_L1B___003" and bare.key != a.key


def test_array_of_collections_and_items() -> None:
    items = [real(USAP), real(LARC), real(NSIDC)["items"][0]]
    recs = lift_bytes(json.dumps(items).encode(), "array.json")
    assert [r.raw.pointer for r in recs] == ["/0", "/1", "/2/umm"]
    assert [r.raw.local_id for r in recs] == ["USAP-1753101___1", "MISBR___5", "C1599780765-NSIDC_ECS"]
    data = json.dumps(items).encode()
    assert guess_lifter(data, "array.json") is lifter()


# --- detection ----------------------------------------------------------------------------------


def test_detection_over_the_whole_corpus(corpus) -> None:  # type: ignore[no-untyped-def]
    umm = lifter()
    claimed, doubles = [], []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix in (".json", ".jsonld")):
        data = path.read_bytes()
        sure = [lf.format.name for lf in lifters() if lf.detect(data, path.name) >= 0.5]
        if len(sure) > 1:
            doubles.append((str(path.relative_to(corpus)), sure))
        if umm.detect(data, path.name) > 0:
            claimed.append(str(path.relative_to(corpus)))
    assert doubles == []
    assert claimed == sorted(UMM_FILES)
    for relative in UMM_FILES:
        path = corpus_path(relative)
        assert guess_lifter(path.read_bytes(), path.name) is umm
    echo10 = corpus_path(f"{DIR}/C1996546695-GHRC_DAAC_echo10.xml")
    assert umm.detect(echo10.read_bytes(), echo10.name) == 0.0  # ECHO10 XML is out of scope


def test_other_umm_kinds_are_not_claimed() -> None:
    granule = {"GranuleUR": "g1", "CollectionReference": {"EntryTitle": "x"}, "TemporalExtent": {}, "Abstract": "a"}
    assert lifter().detect(json.dumps(granule).encode(), "g.json") == 0.0
    with pytest.raises(LiftError, match="not a UMM-C document"):
        list(lifter().split(b'{"dataset": []}', source_file="catalog.json"))


# --- bad inputs -------------------------------------------------------------------------------


def test_truncated_file_names_file_and_position() -> None:
    path = corpus_path(NSIDC)
    data = path.read_bytes()[:5000]
    assert guess_lifter(data, path.name) is lifter()  # still recognised, so the user hears why it fails
    with pytest.raises(LiftError) as info:
        list(lifter().split(data, source_file=path.name))
    assert path.name in str(info.value) and "not valid JSON" in str(info.value) and "line" in str(info.value)


def test_latin1_bytes() -> None:
    text = corpus_path(USAP).read_text(encoding="utf-8").replace("Omnivores Dilemma", "Omnivores Dilemma é")
    with pytest.raises(LiftError, match="not UTF-8") as info:
        list(lifter().split(text.encode("latin-1"), source_file="latin1.json"))
    assert info.value.source_file == "latin1.json"


def test_deep_nesting_and_huge_numbers_are_lift_errors() -> None:
    doc = real(LARC)
    text = json.dumps(doc)
    deep = text[:-1] + ', "AdditionalAttributes": ' + "[" * 5000 + "]" * 5000 + "}"
    with pytest.raises(LiftError, match="nested too deeply"):
        list(lifter().split(deep.encode(), source_file="deep.json"))
    huge = text[:-1] + ', "Version": ' + "9" * 5000 + "}"
    with pytest.raises(LiftError, match="not readable JSON"):
        list(lifter().split(huge.encode(), source_file="huge.json"))


def test_twenty_megabyte_string_lifts() -> None:
    doc = real(USAP)
    doc["Abstract"] = "krill " * 3_500_000  # 21 MB
    data = json.dumps(doc).encode()
    start = time.perf_counter()
    assert guess_lifter(data, "big.json") is lifter()
    [rec] = lift_bytes(data, "big.json")
    assert len(str(rec.graph.value(rec.dataset, DCTERMS.description))) > 20_000_000
    assert time.perf_counter() - start < 30


def test_lone_surrogates_and_nan_coordinates() -> None:
    text = json.dumps(real(USAP)).replace("Juvenile Antarctic Krill", "Juvenile \\ud800 Krill")
    text = text.replace('"NorthBoundingCoordinate": -64', '"NorthBoundingCoordinate": NaN')
    [rec] = lift_bytes(text.encode(), "odd.json")
    assert "\ufffd" in str(rec.graph.value(rec.dataset, DCTERMS.title))
    graph_hash(nt_lines(rec.graph))  # every literal encodes as UTF-8
    found = fields(rec)
    assert "lone surrogates" in found[""][0]
    assert "/SpatialExtent/HorizontalSpatialDomain/Geometry/BoundingRectangles/0/NorthBoundingCoordinate" in found
    assert not any(rec.graph.objects(None, DCAT.bbox))


def test_search_response_without_collections() -> None:
    with pytest.raises(LiftError, match="no items"):
        list(lifter().split(b'{"hits": 0, "took": 3, "items": []}', source_file="empty.json"))
    pieces = list(lifter().split(b'{"hits": 1, "items": [{"meta": {}, "umm": "oops"}]}', source_file="s.json"))
    assert isinstance(pieces[0], LiftError) and pieces[0].field == "/items/0/umm"
    pieces = list(lifter().split(b'{"hits": 1, "items": [{"meta": {}, "umm": {"EntryTitle": "t"}}]}', source_file="s"))
    assert isinstance(pieces[0], LiftError) and pieces[0].field == "/items/0/umm/ShortName"


def test_wrong_types_name_the_field() -> None:
    doc = real(NSIDC)
    umm = doc["items"][0]["umm"]
    umm["TemporalExtents"][0]["RangeDateTimes"][0]["BeginningDateTime"] = 20170629
    umm["SpatialExtent"]["HorizontalSpatialDomain"]["Geometry"]["BoundingRectangles"][0]["WestBoundingCoordinate"] = (
        "-158.0"
    )
    umm["ScienceKeywords"] = {"Category": "EARTH SCIENCE", "Topic": "LAND SURFACE", "Term": "TOPOGRAPHY"}
    umm["Platforms"][0]["Instruments"] = "LVIS"
    umm["DataCenters"][0]["Roles"] = "ARCHIVER"
    [rec] = lift_bytes(json.dumps(doc).encode())
    found = fields(rec)
    base = "/items/0/umm"
    assert f"{base}/TemporalExtents/0/RangeDateTimes/0/BeginningDateTime" in found
    west = f"{base}/SpatialExtent/HorizontalSpatialDomain/Geometry/BoundingRectangles/0/WestBoundingCoordinate"
    assert "given as the string" in found[west][0]
    assert rec.graph.objects(None, DCAT.bbox)  # a numeric string is still read
    assert "read as a list of one" in found[f"{base}/ScienceKeywords"][0]
    assert URIRef(f"{GCMD}/earth-science/land-surface/topography") in set(rec.graph.objects(rec.dataset, DCAT.theme))
    assert f"{base}/Platforms/0/Instruments" in found
    assert rec.graph.value(rec.dataset, DCTERMS.publisher) == URIRef(f"{BASE}agent/nasa-nsidc-daac")


# --- every field of every real record, broken every way --------------------------------------

# A junk string doubles as a bad date, e-mail, URL, number and list.
MUTATIONS: list[object] = [None, 12345, True, 'http://ex.org/a b<c>"{d}', ["x"], {"k": "v"}]
# Fields kept verbatim (never read) are mutated only as a whole: their insides cannot break anything.
VERBATIM = {"AdditionalAttributes", "TilingIdentificationSystems", "MetadataDates", "MetadataAssociations",
            "Characteristics", "Addresses", "associations"}  # fmt: skip


def _paths(value: object, prefix: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    yield prefix
    if prefix and prefix[-1] in VERBATIM:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list) and value:
        yield from _paths(value[0], (*prefix, 0))


def _resolves(doc: object, pointer: str) -> bool:
    node = doc
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


@pytest.mark.parametrize("relative", UMM_FILES)
def test_every_field_mutated_gives_lift_errors_or_warnings_only(relative: str) -> None:
    original = real(relative)
    umm_lifter = lifter()
    lifted = 0
    for path in list(_paths(original))[1:]:
        parent = original
        for step in path[:-1]:
            parent = parent[step]  # type: ignore[index]
        kept = parent[path[-1]]  # type: ignore[index]
        for bad in MUTATIONS:
            parent[path[-1]] = copy.deepcopy(bad)  # type: ignore[index]  # restored after the loop
            doc = original
            data = json.dumps(doc).encode()
            try:
                pieces = list(umm_lifter.split(data, source_file="m.json"))
            except LiftError as exc:
                assert exc.source_file == "m.json"
                continue
            for piece in pieces:
                if isinstance(piece, LiftError):
                    assert piece.source_file == "m.json" and piece.field
                    continue
                rec = umm_lifter.lift(piece, source="nasa-cmr")
                lifted += 1
                assert (rec.dataset, RDF.type, DCAT.Dataset) in rec.graph
                text = "\n".join(nt_lines(rec.graph))  # every IRI valid, every literal UTF-8
                list(pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES))
                for finding in rec.findings:
                    # Every finding names a place in the file: the field, or the object missing it.
                    where = finding.field or ""
                    assert _resolves(doc, where) or _resolves(doc, where.rsplit("/", 1)[0]), (path, bad, where)
        parent[path[-1]] = kept  # type: ignore[index]
    assert lifted > 100
