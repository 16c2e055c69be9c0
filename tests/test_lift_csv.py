"""CSV/TSV inventories through declarative crosswalks, and ``kg crosswalk preview``.

The two inventories in ``examples/inl`` and ``examples/slac`` and their crosswalks in
``ontologies/crosswalks/`` are team-written (differently shaped on purpose: comma vs tab, US dates
vs year-months, sizes in a GB column vs sizes with their own unit, ``;`` vs ``|`` lists, a plain
identifier column vs an identifier template). The corpus's own CSV/TSV files are vocabularies and
link tables, not inventories: they must be refused with a clear error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDFS, XSD

from kg.cli import main
from kg.errors import LiftError
from kg.lifting import get_lifter, guess_lifter
from kg.lifting.base import LiftedRecord, creators_of
from kg.lifting.crosswalk import CrosswalkSpecError, load_crosswalk
from kg.lifting.tabular import TabularLifter
from kg.namespaces import SDO, SRC, VCARD
from kg.preview import preview_inventory
from tests.conftest import ROOT, corpus_path

INL = ROOT / "examples" / "inl" / "inventory.csv"
SLAC = ROOT / "examples" / "slac" / "inventory.tsv"
INL_CW = ROOT / "ontologies" / "crosswalks" / "inl-inventory.yaml"
SLAC_CW = ROOT / "ontologies" / "crosswalks" / "slac-experiments.yaml"
BAD = ROOT / "tests" / "data" / "inventory-bad-cells.csv"
CSV = get_lifter("csv")


def lift_all(path: Path, lifter: TabularLifter = CSV) -> tuple[dict[str, LiftedRecord], list[LiftError]]:
    records, errors = {}, []
    for piece in lifter.split(path.read_bytes(), source_file=path.name):
        if isinstance(piece, LiftError):
            errors.append(piece)
        else:
            records[piece.local_id] = lifter.lift(piece, source=path.parent.name)
    return records, errors


def one(rec: LiftedRecord, subject: URIRef, prop: URIRef) -> object:
    return rec.graph.value(subject, prop)


def test_inventories_are_detected_and_choose_their_crosswalk() -> None:
    assert guess_lifter(INL.read_bytes(), INL.name) is CSV
    assert guess_lifter(SLAC.read_bytes(), SLAC.name) is CSV
    inl, errors = lift_all(INL)
    assert not errors and len(inl) == 8
    slac, errors = lift_all(SLAC)
    assert not errors and len(slac) == 7
    rec = inl["INL-NSUF-0001"]
    assert rec.graph.value(URIRef(f"https://w3id.org/crosswalk/graph/record/{rec.key}"), URIRef(
        "https://w3id.org/crosswalk/ns#crosswalk")) == URIRef("https://w3id.org/crosswalk/crosswalk/inl-inventory/1.0")  # fmt: skip


def test_inl_csv_values_are_transformed() -> None:
    inl, _ = lift_all(INL)
    rec = inl["INL-NSUF-0001"]
    g, ds = rec.graph, rec.dataset
    assert ds == URIRef("https://doi.org/10.5072/inl.nsuf.0001")  # DOI column → dataset IRI
    assert str(one(rec, ds, DCTERMS.title)).startswith("ATR irradiation of U-10Zr")
    # "; "-separated keywords, each trimmed
    assert {"metallic fuel", "U-10Zr", "fission gas release"} <= {str(k) for k in g.objects(ds, DCAT.keyword)}
    # US dates → xsd:date
    period = one(rec, ds, DCTERMS.temporal)
    assert one(rec, period, DCAT.startDate) == Literal("2019-03-14", datatype=XSD.date)
    assert one(rec, period, DCAT.endDate) == Literal("2021-11-02", datatype=XSD.date)
    assert one(rec, ds, DCTERMS.issued) == Literal("2022-06-30", datatype=XSD.date)
    # licence names → licence IRIs (controlled values)
    assert one(rec, ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    # bbox from four columns
    wkt = str(one(rec, one(rec, ds, DCTERMS.spatial), DCAT.bbox))
    assert wkt.startswith("POLYGON((-112.87 43.55, -112.6 43.55")
    # 12.5 GB → bytes
    dist = one(rec, ds, DCAT.distribution)
    assert one(rec, dist, DCAT.byteSize) == Literal(12_500_000_000, datatype=XSD.nonNegativeInteger)
    assert one(rec, dist, DCAT.downloadURL) == URIRef("https://example.org/inl/nsuf/0001/pie.zip")
    contact = one(rec, ds, DCAT.contactPoint)
    assert one(rec, contact, VCARD.hasEmail) == URIRef("mailto:dana.whitfield@example.org")
    # defaults fill what no column gives
    assert str(one(rec, one(rec, ds, DCTERMS.publisher), FOAF.name)) == "Idaho National Laboratory"
    assert one(rec, ds, DCTERMS.language) == URIRef("http://id.loc.gov/vocabulary/iso639-1/en")
    # controlled access values: Internal → DCAT-US "non-public"
    grid = inl["INL-GRID-0104"]
    assert str(grid.graph.value(grid.graph.value(grid.dataset, DCTERMS.accessRights), RDFS.label)) == "non-public"
    assert grid.dataset == URIRef(f"https://w3id.org/crosswalk/dataset/{grid.key}")  # no DOI: minted IRI


def test_slac_tsv_values_are_transformed() -> None:
    slac, _ = lift_all(SLAC)
    rec = slac["LCLS/LY5678"]  # identifier template "{Facility}/{Proposal}"
    g, ds = rec.graph, rec.dataset
    assert {str(i) for i in g.objects(ds, DCTERMS.identifier)} == {"LCLS/LY5678", "LY5678"}
    # "18.5 TB" in a column whose unit is TB: the value's own unit wins, decimal terabytes
    dist = one(rec, ds, DCAT.distribution)
    assert one(rec, dist, DCAT.byteSize) == Literal(18_500_000_000_000, datatype=XSD.nonNegativeInteger)
    assert one(rec, dist, DCAT.accessURL) == URIRef("https://example.org/slac/lcls/LY5678/data")
    # year-month and year dates keep their precision
    assert one(rec, one(rec, ds, DCTERMS.temporal), DCAT.startDate) == Literal("2022-07", datatype=XSD.gYearMonth)
    assert one(rec, ds, DCTERMS.issued) == Literal("2024", datatype=XSD.gYear)
    # investigators with ORCID iDs become ORCID agents
    creators = {str(c) for c in creators_of(g, ds)}
    assert {"https://orcid.org/0000-0000-0001-2002", "https://orcid.org/0000-0000-0001-2003"} <= creators
    assert str(one(rec, URIRef("https://orcid.org/0000-0000-0001-2002"), FOAF.name)) == "Lena Fischer"
    # a format mapped to null has no media type; HDF5 maps to its IANA-style type
    assert one(rec, dist, DCAT.mediaType) is None
    hdf = slac["LCLS/LX1234"]
    assert one(hdf, one(hdf, hdf.dataset, DCAT.distribution), DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/application/x-hdf5"
    )
    # a column given as a plain property
    assert str(one(rec, ds, SDO.measurementTechnique)) == "XCS"
    assert "|" not in "".join(str(k) for k in g.objects(ds, DCAT.keyword))


def test_bad_cells_are_reported_by_column_and_the_batch_goes_on() -> None:
    records, errors = lift_all(BAD)
    # The row without an identifier and the row with extra cells are errors naming row and column.
    assert {e.record for e in errors} == {"#row=4", "#row=5"}
    no_id = next(e for e in errors if e.record == "#row=4")
    assert no_id.field == "Dataset ID" and no_id.source_file == BAD.name
    assert set(records) == {"BAD-0001", "BAD-0002", "BAD-0005"}
    first = records["BAD-0001"]
    by_field = {f.field: f.message for f in first.findings}
    assert "'31/12/2019' is not a date" in by_field["Start Date"]
    assert "'Secret' is not one of the controlled values" in by_field["Access"]
    # the cells that could not be used are kept, never dropped
    assert (first.dataset, SRC["csv/Start%20Date"], Literal("31/12/2019")) in first.graph
    assert (first.dataset, SRC["csv/Access"], Literal("Secret")) in first.graph
    second = records["BAD-0002"]
    fields = {f.field for f in second.findings}
    assert {"PI Email", "Size (GB)"} <= fields
    assert records["BAD-0005"].findings == []


def test_validation_results_name_the_column() -> None:
    preview = preview_inventory(BAD, INL_CW)
    report = next(r for rec, r in preview.records if rec.raw.local_id == "BAD-0002")
    title = [f for f in report.findings if f.path == str(DCTERMS.title)]
    assert title and title[0].severity.value == "Violation"
    assert title[0].field == "Dataset Name"  # the column a steward must fill, not dcterms:title
    assert title[0].fix


def test_corpus_tables_that_are_not_inventories_are_refused_clearly() -> None:
    for relative in ("nasa-cmr-ummc-gcmd/sciencekeywords.csv", "datajson-agencies/derived_isPartOf_links.tsv"):
        path = corpus_path(relative)
        data = path.read_bytes()
        assert guess_lifter(data, path.name) is CSV
        with pytest.raises(LiftError, match="no crosswalk matches the header columns") as info:
            list(CSV.split(data, source_file=path.name))
        assert info.value.field == "#row=1"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("crosswalk: x\nidentifier: ID\ncolumns: {Name: titel}\n", 'columns."Name".target'),
        ("crosswalk: x\nidentifier: ID\ncolumns: {Size: {target: byte_size, unit: parsecs}}\n", 'columns."Size".unit'),
        ("crosswalk: x\nidentifier: ID\ncolumns: {D: {target: issued, date: 'YYYY'}}\n", 'columns."D".date'),
        ("crosswalk: x\ncolumns: {Name: title}\n", "identifier"),
        ("crosswalk: X Y\nidentifier: ID\ncolumns: {Name: title}\n", "crosswalk"),
        ("crosswalk: x\nidentifier: ID\ncolumns: {Name: {property: 'nope:thing'}}\n", 'columns."Name".property'),
        ("crosswalk: x\nidentifier: ID\ncolums: {Name: title}\n", "colums"),
    ],
)
def test_malformed_crosswalks_name_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CrosswalkSpecError) as info:
        load_crosswalk(path)
    assert info.value.key == key and info.value.path == str(path)


def test_invalid_yaml_is_a_spec_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("crosswalk: x\ncolumns: [unclosed\n")
    with pytest.raises(CrosswalkSpecError, match="not valid YAML at line"):
        load_crosswalk(path)


def test_preview_shows_records_and_validation_and_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KG_DATA_DIR", raising=False)
    result = CliRunner().invoke(main, ["crosswalk", "preview", str(BAD), str(INL_CW), "--limit", "5"])
    assert result.exit_code == 1, result.output  # two rows could not be lifted
    out = result.output
    assert "BAD-0002  [Violation]" in out
    assert "Violation: Dataset Name:" in out
    assert "Start Date: '31/12/2019' is not a date" in out
    assert "error: inventory-bad-cells.csv, record #row=4, field Dataset ID" in out
    assert "3 records: 2 conform, 1 with violations; 2 rows could not be lifted. Nothing was stored." in out
    assert not (tmp_path / "data").exists()
    ok = CliRunner().invoke(main, ["crosswalk", "preview", str(SLAC), str(SLAC_CW), "--turtle", "--limit", "1"])
    assert ok.exit_code == 0, ok.output
    assert 'schema:measurementTechnique "MEC"' in ok.output


def test_crosswalk_fitting_another_inventory_is_refused() -> None:
    with pytest.raises(LiftError, match="needs the columns Facility, Proposal"):
        preview_inventory(INL, SLAC_CW)


def test_crosswalk_check_and_list() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["crosswalk", "check", str(INL_CW), str(SLAC_CW)])
    assert result.exit_code == 0 and result.output.count("ok:") == 2
    listed = runner.invoke(main, ["crosswalk", "list"])
    assert "inl-inventory 1.0" in listed.output and "slac-experiments 1.0" in listed.output


def test_ingest_stores_rows_and_an_edited_crosswalk_relifts_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.pipeline import Ingestor

    crosswalks = tmp_path / "crosswalks"
    crosswalks.mkdir()
    edited = crosswalks / "inl-inventory.yaml"
    edited.write_text(INL_CW.read_text())
    monkeypatch.setattr("kg.lifting.crosswalk.REPO_CROSSWALKS", crosswalks)

    def ingest() -> tuple[int, int]:
        ingestor = Ingestor(tmp_path / "data")
        try:
            result = ingestor.ingest([INL], source="inl")
        finally:
            ingestor.close()
        assert not result.errors, [str(e) for e in result.errors]
        return result.stored, result.unchanged

    assert ingest() == (8, 0)
    assert ingest() == (0, 8)  # same rows, same crosswalk: not even re-lifted
    edited.write_text(INL_CW.read_text().replace("title: INL dataset inventory (CSV)", "title: INL inventory v2"))
    assert ingest() == (8, 0)  # the crosswalk changed: every row re-lifted and stored
