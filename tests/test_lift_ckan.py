"""CKAN package lifter, run on the real CKAN API sample in ../shared/corpus/ckanext-geodatagov-samples
(three catalog.data.gov packages harvested from HUD's data.json) and on two team-written API
responses in tests/data/:

- ``ckan-package_search-datagov-doe.json``: a package_search envelope shaped like catalog.data.gov's
  (DCAT-US extras stored as JSON text, a GeoJSON spatial extra, publisher_hierarchy), holding a DOE
  dataset with a DOI and an LBNL one with problems planted in it;
- ``ckan-package_show-lab.json``: a package_show envelope from a lab's own CKAN (no DCAT-US extras;
  a private draft package with an uploaded file, a web page and a broken link).
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.lifting import get_lifter, guess_lifter, lifters
from kg.lifting.base import LiftedRecord, RawRecord
from kg.namespaces import BASE, LOCN, SRC, VCARD
from kg.ntriples import nt_lines
from tests.conftest import CORPUS, corpus_path
from tests.golden_util import assert_golden

CKAN = get_lifter("ckan-package")
DATA = Path(__file__).parent / "data"
SEARCH = DATA / "ckan-package_search-datagov-doe.json"
SHOW = DATA / "ckan-package_show-lab.json"
HUD = "ckanext-geodatagov-samples/ckanext/geodatagov/tests/data-samples/datasets_category_tags.json"
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
ORG_SUB = URIRef("http://www.w3.org/ns/org#subOrganizationOf")


def pieces(data: bytes, name: str) -> list[RawRecord | LiftError]:
    return list(CKAN.split(data, source_file=name))


def lift_all(path: Path) -> dict[str, LiftedRecord]:
    out = {}
    for piece in pieces(path.read_bytes(), path.name):
        if isinstance(piece, LiftError):
            raise piece
        out[piece.local_id] = CKAN.lift(piece, source="ckan-test")
    return out


def hud() -> dict[str, LiftedRecord]:
    return lift_all(corpus_path(HUD))


def values(rec: LiftedRecord, prop: URIRef, subject: URIRef | None = None) -> set[str]:
    return {str(o) for o in rec.graph.objects(subject or rec.dataset, prop)}


def assert_storable(rec: LiftedRecord) -> None:
    """The graph is what the store accepts: N-Triples Oxigraph parses, no blank nodes."""
    text = "\n".join(nt_lines(rec.graph)) + "\n"
    list(pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert not any(t.startswith("_:") or " _:" in t for t in nt_lines(rec.graph))


# --- 1. golden graphs -------------------------------------------------------------------------------


def test_golden_real_datagov_package() -> None:
    assert_golden(hud()["8e81ab5c-d959-4401-8ac1-d73f1820c55d"].graph, "ckan-datagov-hud-subprime")


@pytest.mark.parametrize(
    ("path", "local_id", "golden"),
    [
        (SEARCH, "2f0b5c6e-8d3a-4a51-9c77-1b8e2d4f6a90", "ckan-datagov-wind-toolkit"),
        (SHOW, "e5a7c1d2-3b4f-4a6e-8c9d-0e1f2a3b4c5d", "ckan-lab-beamline"),
    ],
)
def test_golden_team_written(path: Path, local_id: str, golden: str) -> None:
    assert_golden(lift_all(path)[local_id].graph, golden)


# --- 2. the real data.gov packages ----------------------------------------------------------------------


def test_real_datagov_packages_map_ckan_and_dcat_us_fields() -> None:
    records = hud()
    assert list(records) == [
        "8e81ab5c-d959-4401-8ac1-d73f1820c55d",
        "c7ef46a1-559f-4fb5-99c4-8797758e1537",
        "805c53bf-bdf6-4178-9868-1c5742f942dd",
    ]
    rec = records["8e81ab5c-d959-4401-8ac1-d73f1820c55d"]
    g, ds = rec.graph, rec.dataset
    assert rec.findings == []
    assert rec.raw.pointer == "/0"
    assert values(rec, DCTERMS.identifier) == {"HUD001"}  # the data.json identifier, not the UUID
    assert values(rec, SRC["ckan-package/id"]) == {"8e81ab5c-d959-4401-8ac1-d73f1820c55d"}
    assert str(g.value(ds, DCTERMS.title)) == "HUD Subprime and Manufactured Home Lender List"
    assert "subprime or manufactured home lending" in str(g.value(ds, DCTERMS.description))
    assert "manufactured-home-loan" in values(rec, DCAT.keyword) and len(values(rec, DCAT.keyword)) == 6
    # The data.json publisher (an extra) is the publisher; the CKAN organisation is kept.
    assert g.value(ds, DCTERMS.publisher) == URIRef(f"{BASE}agent/us-department-of-housing-and-urban-development")
    assert "Federal Government" in str(g.value(ds, SRC["ckan-package/organization"]))
    contact = g.value(ds, DCAT.contactPoint)
    assert g.value(contact, VCARD.fn) == Literal("Shula Markland")
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:Shula.Markland@HUD.gov")
    # modified from the DCAT-US extra; issued from metadata_created (no issued extra).
    assert g.value(ds, DCTERMS.modified) == Literal("2006-12-01", datatype=XSD.date)
    assert g.value(ds, DCTERMS.issued) == Literal("2014-03-07T15:33:26.093768", datatype=XSD.dateTime)
    assert values(rec, SRC["ckan-package/metadata_modified"]) == {"2015-02-25T23:14:03.663554"}
    period = g.value(ds, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("1993", datatype=XSD.gYear)
    licence = g.value(ds, DCTERMS.license)
    assert licence == URIRef(f"{BASE}license/ckan/notspecified")
    assert g.value(licence, RDFS.label) == Literal("License Not Specified")
    themes = {str(g.value(t, SKOS.prefLabel)) for t in g.objects(ds, DCAT.theme)}
    assert themes == {"BusinessUSA", "Consumer", "Energy", "Finance"}
    [distribution] = g.objects(ds, DCAT.distribution)
    assert g.value(distribution, DCAT.downloadURL) == URIRef(
        "http://www.HUDuser.org/portal/datasets/manu/subprime_2006_distributed.xls"
    )
    assert g.value(distribution, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/application/xls"
    )
    # DCAT-US fields data.json lifting keeps unmapped are kept here too, as were the CKAN extras.
    assert values(rec, SRC["ckan-package/extras/bureauCode"]) == {'["025:09"]'}
    assert values(rec, SRC["ckan-package/extras/harvest_source_title"]) == {"HUD JSON"}
    assert rec.origins[(str(ds), str(DCTERMS.identifier))] == "/0/extras/1/value"
    for record in records.values():
        assert_storable(record)
        assert (record.dataset, RDF.type, DCAT.Dataset) in record.graph


# --- 3. the team-written responses ------------------------------------------------------------------------


def test_a_doi_identifier_hierarchy_geojson_and_resources() -> None:
    rec = lift_all(SEARCH)["2f0b5c6e-8d3a-4a51-9c77-1b8e2d4f6a90"]
    g, ds = rec.graph, rec.dataset
    assert rec.raw.pointer == "/result/results/0"
    assert ds == URIRef("https://doi.org/10.25984/1878419")
    assert rec.findings == []
    nrel = g.value(ds, DCTERMS.publisher)
    assert nrel == URIRef(f"{BASE}agent/national-renewable-energy-laboratory")
    assert g.value(g.value(nrel, ORG_SUB), FOAF.name) == Literal("Department of Energy")
    # The DCAT-US licence and landing page win over CKAN's; CKAN's are kept.
    assert g.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert values(rec, SRC["ckan-package/license_url"]) == {"http://www.opendefinition.org/licenses/cc-by"}
    assert g.value(ds, DCAT.landingPage) == URIRef("https://data.openei.org/submissions/4054")
    assert g.value(ds, DCTERMS.issued) == Literal("2015-04-13", datatype=XSD.date)
    assert values(rec, DCTERMS.language) == {"http://id.loc.gov/vocabulary/iso639-1/en"}  # '["en-US"]'
    assert g.value(ds, DCTERMS.accrualPeriodicity) == URIRef("http://purl.org/cld/freq/irregular")
    # data.json themes are the same concepts the data.json lifter mints; the group is a CKAN concept.
    assert {f"{BASE}theme/energy", f"{BASE}theme/wind-energy", f"{BASE}concept/ckan-group/energy9485"} == values(
        rec, DCAT.theme
    )
    box = g.value(g.value(ds, DCTERMS.spatial), DCAT.bbox)
    assert box == Literal("POLYGON((-125.0 24.4, -66.9 24.4, -66.9 49.4, -125.0 49.4, -125.0 24.4))", datatype=WKT)
    distributions = {str(g.value(d, DCTERMS.title)): d for d in g.objects(ds, DCAT.distribution)}
    api, csv = distributions["WIND Toolkit on AWS (HSDS)"], distributions["Site metadata"]
    assert g.value(api, DCAT.accessURL) == URIRef("https://developer.nrel.gov/docs/wind/wind-toolkit/")
    assert g.value(api, DCAT.downloadURL) is None  # format API: a service, not a file
    assert g.value(csv, DCAT.downloadURL) == URIRef("https://data.openei.org/files/4054/wtk_site_metadata.csv")
    assert g.value(csv, DCAT.byteSize) == Literal(14680064, datatype=XSD.nonNegativeInteger)
    assert g.value(g.value(csv, DCTERMS.format), RDFS.label) == Literal("CSV")
    assert g.value(csv, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert_storable(rec)


def test_problems_are_reported_at_their_json_pointer() -> None:
    rec = lift_all(SEARCH)["7c3e9a51-2b4d-4f6e-9a8b-1c2d3e4f5a6b"]
    g, ds = rec.graph, rec.dataset
    assert {f.field: f.message for f in rec.findings} == {
        "/result/results/1/author_email": "'not-an-address' is not an e-mail address",
        "/result/results/1/extras/1/value": "'R/P1Y' is not an ISO 8601 date",
        "/result/results/1/extras/4/value": "'sometimes' is not a known frequency",
        "/result/results/1/resources/0/size": "'large' is not a size in bytes",
    }
    assert all(f.source_file == SEARCH.name and f.record == rec.raw.local_id for f in rec.findings)
    # An unreadable DCAT-US modified: the catalogue entry's date is used, the value kept.
    assert g.value(ds, DCTERMS.modified) == Literal("2022-02-03T11:30:00", datatype=XSD.dateTime)
    assert values(rec, SRC["ckan-package/extras/modified"]) == {"R/P1Y"}
    assert values(rec, DCTERMS.identifier) == {"LBNL-BT-0042"}
    assert g.value(ds, DCAT.landingPage) == URIRef("https://buildings.lbl.gov/benchmarks")
    assert g.value(ds, URIRef(str(DCAT) + "version")) == Literal("2.1")
    # No publisher extra: the organisation publishes. The author is the creator.
    assert g.value(ds, DCTERMS.publisher) == URIRef(f"{BASE}agent/lawrence-berkeley-national-laboratory")
    creator = g.value(ds, DCTERMS.creator)
    assert g.value(creator, FOAF.name) == Literal("Lawrence Berkeley National Laboratory")
    assert g.value(creator, FOAF.mbox) is None
    place = g.value(ds, DCTERMS.spatial)  # a triangle: its envelope, and the polygon itself
    assert g.value(place, DCAT.bbox) is not None
    assert str(g.value(place, LOCN.geometry)).startswith("POLYGON((-122.3 37.8, -122.2 37.9")
    [distribution] = g.objects(ds, DCAT.distribution)
    assert g.value(distribution, DCAT.downloadURL) is not None  # .xlsx: a file
    assert values(rec, SRC["ckan-package/size"], distribution) == {"large"}
    assert values(rec, SRC["ckan-package/extras/programCode"]) == {'["019:000"]'}


def test_a_private_draft_package_is_lifted_with_warnings() -> None:
    [rec] = lift_all(SHOW).values()
    g, ds = rec.graph, rec.dataset
    assert rec.raw.pointer == "/result"
    assert {f.field for f in rec.findings} == {"/result/state", "/result/private", "/result/resources/2/url"}
    assert values(rec, SRC["ckan-package/state"]) == {"draft"}
    assert values(rec, SRC["ckan-package/private"]) == {"true"}
    assert values(rec, DCTERMS.identifier) == {"e5a7c1d2-3b4f-4a6e-8c9d-0e1f2a3b4c5d"}
    licence = g.value(ds, DCTERMS.license)
    assert licence == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert g.value(licence, DCTERMS.identifier) == Literal("cc-by-4.0")
    assert g.value(ds, DCAT.landingPage) is None  # url ""
    assert g.value(ds, DCTERMS.issued).datatype == XSD.dateTime  # metadata_created: no DCAT-US extras
    author = g.value(ds, DCTERMS.creator)
    assert g.value(author, FOAF.mbox) == URIRef("mailto:ada@lab.example")
    assert "* dark frames\n* flat fields" in str(g.value(ds, DCTERMS.description))  # Markdown lines kept
    by_title = {str(g.value(d, DCTERMS.title)): d for d in g.objects(ds, DCAT.distribution)}
    assert g.value(by_title["dark_frames.h5"], DCAT.downloadURL) is not None  # an upload
    assert g.value(by_title["Data portal"], DCAT.accessURL) == URIRef("https://portal.lab.example/bl7/calibration/")
    assert values(rec, SRC["ckan-package/url"], by_title["Broken link"]) == {"flat fields.csv"}
    point = g.value(g.value(ds, DCTERMS.spatial), DCAT.centroid)
    assert point == Literal("POINT(-122.2536 37.8762)", datatype=WKT)
    assert values(rec, SRC["ckan-package/extras/Instrument"]) == {"Pilatus 2M"}
    assert_storable(rec)


# --- 4. the shapes an input can take ----------------------------------------------------------------------


def test_bare_packages_lists_envelopes_and_api_errors() -> None:
    package = json.loads(SHOW.read_text())["result"]
    [bare] = pieces(json.dumps(package).encode(), "p.json")
    assert isinstance(bare, RawRecord) and bare.pointer == ""
    listed = pieces(json.dumps([package, dict(package, id="other")]).encode(), "l.json")
    assert [(p.local_id, p.pointer) for p in listed if isinstance(p, RawRecord)] == [
        ("e5a7c1d2-3b4f-4a6e-8c9d-0e1f2a3b4c5d", "/0"),
        ("other", "/1"),
    ]
    # extras as an object instead of a list of {key, value}
    as_dict = dict(package, extras={"identifier": "LAB-7", "temporal": "2024-01-01/2024-02-01"})
    rec = CKAN.lift(pieces(json.dumps(as_dict).encode(), "d.json")[0], source="ckan-test")  # type: ignore[arg-type]
    assert values(rec, DCTERMS.identifier) == {"LAB-7"}
    assert rec.graph.value(rec.dataset, DCTERMS.temporal) is not None
    empty = {"help": "https://x.example/api/3/action/help_show?name=package_search", "success": True,
             "result": {"count": 0, "results": []}}  # fmt: skip
    assert CKAN.detect(json.dumps(empty).encode(), "e.json") >= 0.5
    assert pieces(json.dumps(empty).encode(), "e.json") == []
    failed = {"help": "https://x.example/api/3/action/help_show?name=package_show", "success": False,
              "error": {"__type": "Not Found Error", "message": "Not found"}}  # fmt: skip
    assert guess_lifter(json.dumps(failed).encode(), "f.json") is CKAN
    with pytest.raises(LiftError, match=r"f.json, field /error: the CKAN API call failed: Not found"):
        pieces(json.dumps(failed).encode(), "f.json")
    names = {"help": "https://x.example/api/3/action/help_show?name=package_list", "success": True,
             "result": ["a-package", "b-package"]}  # fmt: skip
    errors = pieces(json.dumps(names).encode(), "n.json")
    assert all(isinstance(e, LiftError) and "package_list gives only names" in e.message for e in errors)
    no_id = dict(package)
    del no_id["id"]
    [named] = pieces(json.dumps(no_id).encode(), "x.json")
    assert isinstance(named, RawRecord) and named.local_id == "beamline-7-detector-calibration"
    del no_id["name"]
    [error] = pieces(json.dumps(no_id).encode(), "x.json")
    assert isinstance(error, LiftError) and (error.field, error.record) == (
        "/id",
        "'Beamline 7 detector calibration, 2024 run 1'",
    )


def test_an_identifier_url_gives_the_iri_data_json_lifting_gives() -> None:
    identifier = "https://data.lab.example/id/beamline-7"
    package = json.loads(SHOW.read_text())["result"]
    package["extras"].append({"key": "identifier", "value": identifier})
    [piece] = pieces(json.dumps(package).encode(), "p.json")
    rec = CKAN.lift(piece, source="lab-ckan")  # type: ignore[arg-type]
    catalog = {"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": [{"identifier": identifier}]}
    datajson = get_lifter("datajson")
    [entry] = datajson.split(json.dumps(catalog).encode(), source_file="data.json")
    assert rec.dataset == datajson.lift(entry, source="lab-data-json").dataset  # type: ignore[arg-type]
    # Its sub-nodes stay keyed by the package, so two records never share a node.
    assert str(rec.graph.value(rec.dataset, DCAT.contactPoint)).startswith(f"{BASE}dataset/{rec.key}/")


# --- 5. detection -------------------------------------------------------------------------------------------


def corpus_files() -> list[Path]:
    return sorted(p for pattern in ("*.json", "*.jsonld", "*.xml") for p in CORPUS.rglob(pattern))


def test_detection_claims_only_ckan_packages_across_the_corpus() -> None:
    files = corpus_files()
    if not files:
        pytest.skip("shared corpus not available")
    claimed = sorted(p.name for p in files if CKAN.detect(p.read_bytes(), p.name) > 0.0)
    assert claimed == ["datasets_category_tags.json"]
    data = corpus_path(HUD).read_bytes()
    assert guess_lifter(data, "datasets_category_tags.json") is CKAN
    for path in (SEARCH, SHOW):
        data = path.read_bytes()
        assert guess_lifter(data, path.name) is CKAN
        mine = CKAN.detect(data, path.name)
        assert all(other.detect(data, path.name) < mine for other in lifters() if other is not CKAN)


@pytest.mark.xfail(strict=True, reason="DataJsonLifter.detect gives 0.6 to any JSON naming project-open-data early")
def test_no_other_lifter_claims_a_datagov_package_search_response() -> None:
    data = SEARCH.read_bytes()
    assert [o.format.name for o in lifters() if o is not CKAN and o.detect(data, SEARCH.name) >= 0.5] == []


# --- 6. bad input ---------------------------------------------------------------------------------------------


def nested(depth: int) -> bytes:
    return ('{"id": "x", "notes": "n", "license_id": "y", "extras": ' + "[" * depth + "]" * depth + "}").encode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("not-json.json", b"<html>not json</html>", r"not valid JSON"),
        ("empty.json", b"", r"not valid JSON"),
        ("truncated.json", SEARCH.read_bytes()[:2500], r"not valid JSON: .* at line \d+ column \d+"),
        ("latin1.json", '{"id": "x", "notes": "Caf\xe9", "license_id": "y"}'.encode("latin-1"), r"not UTF-8 text"),
        ("deep.json", nested(5000), r"JSON nested too deeply"),
        ("big-number.json", b'{"id": "x", "notes": "n", "license_id": "y", "num_tags": ' + b"9" * 5000 + b"}", r"not readable JSON"),
        ("scalar.json", b'"a string"', r"top level is not a JSON object or list"),
    ],
)  # fmt: skip
def test_broken_input_gives_a_lift_error_naming_the_file(name: str, data: bytes, message: str) -> None:
    for lifter in lifters():
        lifter.detect(data, name)  # no detect ever raises
    with pytest.raises(LiftError, match=message) as caught:
        pieces(data, name)
    assert caught.value.source_file == name


def test_broken_ckan_json_is_still_routed_here_to_be_reported() -> None:
    data = SEARCH.read_bytes()[:6000]
    assert guess_lifter(data, "cut.json") is CKAN
    with pytest.raises(LiftError, match=r"cut.json: not valid JSON"):
        pieces(data, "cut.json")


def test_a_lone_surrogate_and_urls_pointing_home_are_harmless(counting_server: tuple[str, list[str]]) -> None:
    base, requests = counting_server
    package = json.loads(SHOW.read_text())["result"]
    package["license_url"] = f"{base}/licence.json"
    package["url"] = f"{base}/landing"
    package["resources"][0]["url"] = f"{base}/file.csv"
    package["extras"].append({"key": "describedBy", "value": f"{base}/schema.json"})
    text = json.dumps(package).replace('"Grace Hopper"', '"Grace \\ud800 Hopper"')
    [piece] = pieces(text.encode(), "home.json")
    assert isinstance(piece, RawRecord)
    rec = CKAN.lift(piece, source="ckan-test")
    assert rec.graph.value(rec.dataset, DCAT.landingPage) == URIRef(f"{base}/landing")
    assert "\ufffd" in str(rec.graph.value(rec.graph.value(rec.dataset, DCAT.contactPoint), VCARD.fn))
    assert_storable(rec)
    assert requests == []  # addresses are data: nothing is fetched


WEIRD = [None, 0, 1.5, True, "", "x", [], {}, [None], {"a": None}, "[1, 2", '{"type": "Polygon", "coordinates": 5}']


def _variants() -> list[tuple[str, dict]]:
    """Each real package with one field (top level, first resource, tag, group, organisation,
    each extra's value) replaced by each odd value."""
    packages = list(json.loads(corpus_path(HUD).read_text())[:1])
    packages += json.loads(SEARCH.read_text())["result"]["results"] + [json.loads(SHOW.read_text())["result"]]
    out = []
    for package in packages:
        places: list[tuple[str, ...]] = [(k,) for k in package]
        for key in ("resources", "tags", "groups"):
            if package.get(key):
                places += [(key, "0", k) for k in package[key][0]]
        places += [("organization", k) for k in package.get("organization") or {}]
        places += [("extras", str(i), "value") for i in range(len(package.get("extras") or []))]
        for place in places:
            for odd in WEIRD:
                variant = copy.deepcopy(package)
                target = variant
                for step in place[:-1]:
                    target = target[int(step)] if isinstance(target, list) else target[step]
                target[place[-1]] = odd
                out.append(("/".join(place), variant))
    return out


def test_wrong_types_and_nulls_in_every_field_give_warnings_only() -> None:
    variants = _variants()
    assert len(variants) > 2000
    for place, variant in variants:
        for piece in pieces(json.dumps(variant).encode(), "odd.json"):
            if isinstance(piece, LiftError):
                assert piece.source_file == "odd.json", place
                continue
            rec = CKAN.lift(piece, source="ckan-test")
            assert (rec.dataset, RDF.type, None) in rec.graph, place
            assert all(f.field and f.field.startswith("/") for f in rec.findings), place


def test_every_graph_of_the_odd_variants_is_storable() -> None:
    for _, variant in _variants()[::7]:
        for piece in pieces(json.dumps(variant).encode(), "odd.json"):
            if isinstance(piece, RawRecord):
                assert_storable(CKAN.lift(piece, source="ckan-test"))


# --- 7. the pipeline ---------------------------------------------------------------------------------------


def test_pipeline_ingests_ckan_responses(tmp_path: Path) -> None:
    from kg.pipeline import Ingestor

    result = Ingestor(tmp_path / "store").ingest([corpus_path(HUD), SEARCH, SHOW])
    assert (result.records, result.stored) == (6, 6)
    assert [str(e) for e in result.errors] == []
    fields = {f.field for report in result.reports.values() for f in report.findings}
    assert {"/result/private", "/result/results/1/extras/1/value"} <= fields


# --- 8. speed (printed, never asserted) ------------------------------------------------------------------------


def test_a_large_search_result_lifts(capsys: pytest.CaptureFixture[str]) -> None:
    envelope = json.loads(SEARCH.read_text())
    results = envelope["result"]["results"]
    envelope["result"]["results"] = [dict(results[i % 2], id=f"pkg-{i}") for i in range(1000)]
    data = json.dumps(envelope).encode()
    began = time.perf_counter()
    lifted = [CKAN.lift(p, source="ckan-test") for p in pieces(data, "big.json") if isinstance(p, RawRecord)]
    elapsed = time.perf_counter() - began
    assert len(lifted) == 1000
    with capsys.disabled():
        print(f"\nckan-package: {len(lifted) / elapsed:.0f} records/s (split + lift)")
