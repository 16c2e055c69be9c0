"""Bad input never hurts (issue 3, point 8).

1. Every known-bad file the corpus README lists ("Known-bad inputs", globs expanded) goes through
   the real pipeline next to a good catalog: it gives an error or finding naming the file (and
   the record and field when the file has records), the good records are stored, and the bad
   file's exact bytes are in the raw store.
2. For every registered format (``lifters()``, so lifters added later are covered too), a real
   record of that format is made hostile: truncated, latin-1 or UTF-16 bytes where UTF-8 is
   declared, a 50 MB value, nesting 10,000 deep, a lone surrogate escape, a 5,000-digit number;
   for XML billion laughs, external entities (file and http), parameter entities, external DTDs
   and XInclude; for JSON and RDF remote ``@context``s and ``owl:imports``. The lifter raises only
   ``LiftError`` (or lifts cleanly, with nothing expanded or leaked), and the ``counting_server``
   is never asked for anything. A directory holding all of them and good records is ingested:
   the batch goes on, every file is accounted for, every file's bytes are kept.

The per-format hostile tests in ``tests/test_lift_<fmt>.py`` check each lifter's own messages;
these check the same guarantees across every format at once.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from kg.errors import LiftError
from kg.lifting import get_lifter, guess_lifter, lifters
from kg.namespaces import CW
from kg.ntriples import nt_lines
from kg.pipeline import Ingestor, IngestResult
from kg.rawstore import RawStore
from kg.store import GraphStore
from tests.conftest import CORPUS, ROOT, SHARED, corpus_path

DCAT_US = SHARED / "shapes/dcat-us-3/docs/examples"
GOOD_CATALOG = "datajson-agencies/consumerfinance.data.json"  # 11 records, source "consumerfinance"

# --- 1. the known-bad files ---------------------------------------------------------------------------

# (file under ../shared/corpus, format forced or None, record named (None: a whole-file error),
#  field named (a substring; None: none), message (a substring), records of the file stored)
KNOWN_BAD = [
    ("../shapes/dcat-us-3/docs/examples/catalog/rights.ttl.bad", "dcat-rdf", None, None,
     'Prefix ":" not bound', 0),
    ("datagov-harvester-fixtures/example_data/iso_2_waf/decode_error.xml", None, None, None,
     "no lifter recognises this file", 0),
    ("datagov-harvester-fixtures/example_data/iso_2_waf/decode_error.xml", "iso19139", None, "/",
     "not well-formed XML at line 4", 0),
    ("datagov-harvester-fixtures/example_data/iso_2_waf/invalid_iso2.xml", None, "gov.noaa.nmfs.inport:47662",
     "gmd:role", "gmd:role is empty", 1),
    ("datagov-harvester-fixtures/example_data/dcatus/dcatus3_0_invalid.json", None,
     "https://example.gov/datasets/invalid", "contactPoint", "requires 'contactPoint'", 2),
    ("datagov-harvester-fixtures/example_data/dcatus/dcatus_multiple_invalid.json", None,
     "https://www.arcgis.com/home/item.html?id=99731bb0369848169d98f31ce83fb0e2", "license", "not an absolute IRI", 1),
    ("datagov-harvester-fixtures/example_data/dcatus/dcatus_bad_license_uri.json", None,
     "https://www.arcgis.com/home/item.html?id=99731bb0369848169d98f31ce83fb0e2", "license", "not an absolute IRI", 1),
    ("datagov-harvester-fixtures/example_data/dcatus/missing_title.json", None, "null-spatial", "title",
     "requires 'title'", 1),
    ("ckanext-geodatagov-samples/ckanext/geodatagov/tests/data-samples/sample6_bad_data.json", None, None, None,
     "not valid JSON: Expecting ',' delimiter at line 82", 0),
    ("ckanext-datajson-samples/ckanext/datajson/tests/datajson-samples/missing-catalog.data.json", None, "#0",
     "/dataset/0", "empty or not a JSON object", 1),
    ("ckanext-datajson-samples/ckanext/datajson/tests/datajson-samples/missing-dataset-fields.data.json", None, "#0",
     "/dataset/0", "empty or not a JSON object", 1),
    ("ckanext-datajson-samples/ckanext/datajson/tests/datajson-samples/missing-identifier-title.data.json", None,
     "'simple test title'", "/dataset/0/identifier", "required field 'identifier' is missing", 2),
    ("datacite-bolognese-fixtures/datacite_software_missing_comma.json", None, None, None,
     "not valid JSON: Expecting ',' delimiter at line 4", 0),
    ("datacite-bolognese-fixtures/datacite_malformed_creator.xml", None, "10.25670/oi2018-001on", "creators",
     "holds 3 <creatorName> elements", 1),
    ("datacite-bolognese-fixtures/datacite_missing_creator.xml", None, "10.5438/4k3m-nyvg", "creators",
     "no creator is given", 1),
    ("datacite-bolognese-fixtures/datacite_blank_publisher.xml", None, "10.81360/4dvp-kr57", "publisher",
     "publisher is blank", 1),
    ("slendernodes-sosorg/iso19139/arm_nsanimfraod1michC2.c1.RAW_MALFORMED_dup_of_doc1.xml", None, None, "/",
     "not well-formed XML at line 41", 0),
    ("geocodes-sosorg/curated/metadata/Dataset/json/BadContext.json", None, "10.7288/v4/magic/14104", "@context",
     "has no trailing slash", 1),
    ("geocodes-sosorg/curated/metadata/Dataset/json/NoDistributionOrAccess.json", None, "10.7288/v4/magic/14104",
     "distribution", "the data cannot be reached", 1),
    ("geocodes-sosorg/curated/metadata/Dataset/json/earthchem1-errFunderGeo.json", None, "10.1594/ieda/100621",
     "funder", "funder holds a MonetaryGrant", 1),
    ("science-on-schema-esip/validation/testingDataGraphs/dataset-full-BAD.json-ld", None,
     "10.1575/1912/bco-dmo.665253", "address", "'address' is not a schema.org property", 1),
    ("science-on-schema-esip/validation/testingDataGraphs/dataset-minimal-BAD.json-ld", None,
     "10.1575/1912/bco-dmo.665253", "variableMeasured", "the variable has no name", 1),
]  # fmt: skip

# The good file ingested with each bad one, by the format forced (a forced format applies to both).
GOOD = {
    None: (GOOD_CATALOG, "consumerfinance", 11),
    "dcat-rdf": ("../shapes/dcat-us-3/docs/examples/catalog/catalog.ttl", "catalog", 4),
    "iso19139": ("slendernodes-sosorg/iso19139/arm_nsasondewnpnS01.b1.xml", "iso19139", 1),
}


def readme_known_bad_files() -> list[str]:
    """The files the corpus README lists as known-bad, its globs and ``{a,b}`` lists expanded."""
    readme = CORPUS / "README.md"
    if not readme.is_file():
        pytest.skip(f"shared corpus not available at {CORPUS}")
    section = readme.read_text(encoding="utf-8").split("## Known-bad inputs", 1)[1].split("\n## ", 1)[0]
    found: set[str] = set()
    for pattern in re.findall(r"`([^`]+)`", section):
        for expanded in _braces(pattern):
            matches = glob.glob(str(CORPUS / expanded.replace("/.../", "/**/")), recursive=True)
            assert matches, f"the README lists {expanded}, which matches no file"
            found.update(os.path.relpath(Path(m).resolve(), CORPUS) for m in matches)
    return sorted(found)


def _braces(pattern: str) -> list[str]:
    match = re.search(r"\{([^{}]*)\}", pattern)
    if not match:
        return [pattern]
    return [
        expanded
        for choice in match.group(1).split(",")
        for expanded in _braces(pattern[: match.start()] + choice + pattern[match.end() :])
    ]


def test_the_table_lists_every_known_bad_file_of_the_readme() -> None:
    assert readme_known_bad_files() == sorted({row[0] for row in KNOWN_BAD})


def ingest(data_dir: Path, paths: list[Path], format: str | None = None) -> IngestResult:
    ingestor = Ingestor(data_dir)
    try:
        return ingestor.ingest(paths, format=format)
    finally:
        ingestor.close()


def problems_named(result: IngestResult, display: str) -> list[tuple[str | None, str | None, str]]:
    """(record, field, message) of every error and finding that names the file ``display``."""
    errors = [(e.record, e.field, e.message) for e in result.errors if e.source_file == display]
    findings = [
        (f.record, f.field, f.message)
        for report in result.reports.values()
        for f in report.findings
        if f.source_file == display
    ]
    return errors + findings


def assert_no_internal_errors(result: IngestResult) -> None:
    """A lifter bug is reported as an "internal lifting error" and the batch goes on: there must be none."""
    internal = [str(e) for e in result.errors if "internal lifting error" in e.message]
    assert internal == []


@pytest.mark.parametrize(
    ("relative", "format", "record", "field", "message", "stored"),
    KNOWN_BAD,
    ids=[f"{Path(row[0]).name}{'-' + row[1] if row[1] else ''}" for row in KNOWN_BAD],
)
def test_known_bad_file_gives_a_clear_error_and_the_batch_goes_on(
    tmp_path: Path, relative: str, format: str | None, record: str | None, field: str | None, message: str, stored: int
) -> None:
    bad = corpus_path(relative)
    good_file, good_source, good_records = GOOD[format]
    good = corpus_path(good_file)
    result = ingest(tmp_path, [bad, good], format)
    assert_no_internal_errors(result)
    named = problems_named(result, bad.name)
    hits = [
        p
        for p in named
        if message in p[2] and (record is None or p[0] == record) and (field is None or field in (p[1] or ""))
    ]
    assert hits, f"no error or finding of {bad.name} names record {record}, field {field}: {named}"
    # The rest of the batch is stored: the good file's records and the bad file's good ones.
    assert result.per_source[good_source]["stored"] == good_records
    assert result.stored == good_records + stored
    raw = RawStore(tmp_path / "raw")
    assert raw.get(hashlib.sha256(bad.read_bytes()).hexdigest()) == bad.read_bytes()


def test_a_known_bad_file_is_reported_even_without_a_forced_format(tmp_path: Path) -> None:
    """``rights.ttl.bad`` is detected from its content (Turtle) and its parse error reported, with
    its bytes kept; it is not skipped for its suffix."""
    bad = corpus_path("../shapes/dcat-us-3/docs/examples/catalog/rights.ttl.bad")
    result = ingest(tmp_path, [bad, corpus_path(GOOD_CATALOG)])
    assert bad.name not in result.skipped_files
    assert [e.source_file for e in result.errors] == [bad.name]
    assert result.per_source["consumerfinance"]["stored"] == 11
    raw = RawStore(tmp_path / "raw")
    assert raw.get(hashlib.sha256(bad.read_bytes()).hexdigest()) == bad.read_bytes()


# --- 2. hostile variants of a real record of every format -------------------------------------------

# A real record of each registered format (several for a format read in several syntaxes).
SAMPLES: dict[str, list[Path]] = {
    "ckan-package": [CORPUS / "ckanext-geodatagov-samples/ckanext/geodatagov/tests/data-samples/datasets_category_tags.json"],
    "csv": [ROOT / "examples/inl/inventory.csv"],
    "datacite-json": [CORPUS / "datacite-schema/source/json/kernel-4.3/example/datacite-example-full-v4.json"],
    "datacite-xml": [CORPUS / "datacite-schema/source/meta/kernel-4/example/datacite-example-full-v4.xml"],
    "datajson": [CORPUS / GOOD_CATALOG],
    "dcat-rdf": [DCAT_US / "dataset/dataset.ttl", DCAT_US / "dataset/dataset.jsonld"],
    "eml": [CORPUS / "slendernodes-sosorg/eml/eml_v211_example.xml"],
    "fgdc-csdgm": [CORPUS / "ckanext-geodatagov-samples/ckanext/geodatagov/tests/data-samples/waf-fgdc/fgdc-csdgm_sample.xml"],
    "iso19139": [CORPUS / "slendernodes-sosorg/iso19139/arm_nsasondewnpnS01.b1.xml"],
    "oai-dc": [ROOT / "tests/data/oai_dc-standalone-dspace.xml"],
    "schemaorg-jsonld": [CORPUS / "slendernodes-sosorg/jsonld/arm__doc1_0.jsonld"],
    "umm-c": [CORPUS / "nasa-cmr-ummc-gcmd/C28109-LARC.json"],
}  # fmt: skip
FORMATS = [lifter.format.name for lifter in lifters()]

BIG = 50 * 1024 * 1024
DEPTH = 10_000
SECRET = "TOP-SECRET-FILE-CONTENT"
LEAKS = (SECRET, "LEAKED-OVER-HTTP", "lol" * 100)  # what a fetch or an expansion would bring in
LAUGHS = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))


def samples(name: str) -> list[tuple[str, str, bytes]]:
    """(file name, kind, bytes) of the real records of format ``name``; kind: json, xml, turtle, text."""
    if name not in SAMPLES:
        pytest.fail(f"no real record of format {name!r} for the hostile-input tests: add one to SAMPLES")
    out = []
    for path in SAMPLES[name]:
        if not path.is_file():
            pytest.skip(f"sample record not available: {path}")
        data = path.read_bytes()
        out.append((path.name, kind_of(data), data))
    if name == "dcat-rdf":  # RDF/XML too: the XML attacks apply to it
        graph = Graph().parse(data=out[0][2].decode("utf-8"), format="turtle")
        out.append(("dataset.rdf", "xml", graph.serialize(format="xml").encode("utf-8")))
    return out


def kind_of(data: bytes) -> str:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        return "json"
    if head == b"<":
        return "xml"
    return "turtle" if b"@prefix" in data[:4096] or b"PREFIX" in data[:4096] else "text"


# Where a payload goes: the first match of the first pattern that matches.
_FIRST_VALUE = {
    "json": [r'("(?:description|notes|Abstract|title|name|EntryTitle)"\s*:\s*")', r'(:\s*")'],  # a record's text
    "xml": [r"(<[A-Za-z_][^<>]*[^/<>]>)(?=[^<\s])"],  # the first start tag followed by text
    "turtle": [r'(")'],  # the first string literal
    "text": [r"(\n)"],  # the first cell of the first data row
}


def inject(text: str, kind: str, payload: str) -> str:
    """``payload`` put at the start of a text value of the document (a description or title)."""
    for pattern in _FIRST_VALUE[kind]:
        new, count = re.subn(pattern, lambda m: m.group(1) + payload, text, count=1)
        if count:
            return new
    raise AssertionError(f"no text value to put {payload[:20]!r} in")


def with_declaration(text: str, encoding: str) -> str:
    """XML text whose declaration names ``encoding`` (one is added when there is none)."""
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>'
    new, count = re.subn(r"^\s*<\?xml[^>]*\?>", declaration, text, count=1)
    return new if count else declaration + "\n" + text


def with_doctype(text: str, doctype: str) -> str:
    """XML text with ``doctype`` in place of its own DOCTYPE, after the declaration."""
    text = re.sub(r"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", "", text, count=1, flags=re.DOTALL)
    declaration = re.match(r"\s*<\?xml[^>]*\?>", text)
    at = declaration.end() if declaration else 0
    return text[:at] + "\n" + doctype + text[at:]


def after_root_tag(text: str, insert: str) -> str:
    text = re.sub(r"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", "", text, count=1, flags=re.DOTALL)
    new, count = re.subn(r"(<[A-Za-z_][^<>]*[^/<>]>)", lambda m: m.group(1) + insert, text, count=1)
    assert count
    return new


def json_edit(data: bytes, edit: Callable[[dict[str, object]], None]) -> bytes:
    """The JSON document with ``edit(top object)`` applied (to the first entry of a list)."""
    doc = json.loads(data)
    target = doc[0] if isinstance(doc, list) and doc and isinstance(doc[0], dict) else doc
    edit(target)
    return json.dumps(doc).encode("utf-8")


def hostile_inputs(kind: str, data: bytes, base: str, secret: Path) -> Iterator[tuple[str, bytes]]:
    """(variant name, bytes) of every hostile variant of one real record."""
    text = data.decode("utf-8-sig")
    size = len(data)
    for k in (1, 2, 3, 4, 5, 6, 7):
        yield f"truncated-{k}of8", data[: size * k // 8]
    yield "truncated-1-byte", data[:1]
    yield "truncated-last-byte", data[:-1]
    accented = inject(with_declaration(text, "UTF-8") if kind == "xml" else text, kind, "Müller café naïve ")
    yield "latin-1-declared-utf-8", accented.encode("latin-1", "replace")
    yield "utf-16-declared-utf-8", accented.encode("utf-16")
    yield "utf-16le-no-bom", accented.encode("utf-16-le")
    yield "oversized-50mb", inject(text, kind, "x" * BIG).encode("utf-8")
    if kind == "json":
        yield "nested-arrays", text.replace("{", '{"nested": ' + "[" * DEPTH + "]" * DEPTH + ", ", 1).encode()
        yield (
            "nested-objects",
            text.replace("{", '{"nested": ' + '{"a": ' * DEPTH + "1" + "}" * DEPTH + ", ", 1).encode(),
        )
        yield "lone-surrogate", inject(text, kind, "\\ud800 ").encode()
        yield "huge-number", text.replace("{", '{"n": ' + "1" * 5000 + ", ", 1).encode()
        remote = f"{base}/context.jsonld"
        contexts = {
            "remote-context": remote,
            "remote-context-list": ["https://schema.org/", remote],
            "remote-context-import": {"@import": remote, "@vocab": "https://schema.org/"},
            "remote-context-scoped": {"@vocab": "https://schema.org/", "about": {"@context": remote}},
            "remote-context-in-context": {"@vocab": "https://schema.org/", "@context": remote},
        }
        for variant, context in contexts.items():
            yield variant, json_edit(data, lambda top, c=context: top.__setitem__("@context", c))
        yield (
            "remote-context-nested",
            json_edit(
                data, lambda top: top.__setitem__("about", {"@context": f"{base}/inner.jsonld", "@id": f"{base}/x"})
            ),
        )
        yield (
            "owl-imports",
            json_edit(
                data,
                lambda top: top.__setitem__("http://www.w3.org/2002/07/owl#imports", {"@id": f"{base}/onto.jsonld"}),
            ),
        )
    elif kind == "xml":
        yield "nested", after_root_tag(text, "<nested>" * DEPTH + "</nested>" * DEPTH).encode("utf-8")
        doctypes = {
            "billion-laughs": (f"<!DOCTYPE root [{LAUGHS}]>", "&lol9;"),
            "file-entity": (f'<!DOCTYPE root [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>', "&xxe;"),
            "http-entity": (f'<!DOCTYPE root [<!ENTITY xxe SYSTEM "{base}/entity">]>', "&xxe;"),
            "parameter-entity": (f'<!DOCTYPE root [<!ENTITY % ext SYSTEM "{base}/param.dtd"> %ext;]>', "&leak;"),
            "external-dtd": (f'<!DOCTYPE root SYSTEM "{base}/external.dtd">', ""),
            "external-dtd-public": (f'<!DOCTYPE root PUBLIC "-//Crosswalk//DTD Test//EN" "{base}/public.dtd">', ""),
        }
        for variant, (doctype, reference) in doctypes.items():
            document = with_doctype(inject(text, kind, reference), doctype)
            yield variant, with_declaration(document, "UTF-8").encode("utf-8")
            # UTF-16: the byte scan for <!ENTITY cannot read it; the parsed document is checked too.
            yield f"{variant}-utf-16", with_declaration(document, "UTF-16").encode("utf-16")
        for parse in ("xml", "text"):
            include = (
                f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{base}/xinclude.xml" parse="{parse}"/>'
            )
            yield f"xinclude-{parse}", after_root_tag(text, include).encode("utf-8")
    elif kind == "turtle":
        deep = "<http://purl.org/dc/terms/relation> "
        statement = "\n<https://example.org/deep> a <http://www.w3.org/ns/dcat#Dataset> ; "
        yield "nested-blank-nodes", (text + statement + deep + f"[ {deep}" * DEPTH + "]" * DEPTH + " .\n").encode()
        yield "nested-lists", (text + statement + deep + "(" * DEPTH + ")" * DEPTH + " .\n").encode()
        yield "lone-surrogate", inject(text, kind, "\\ud800 ").encode()
        owl = "<http://www.w3.org/2002/07/owl#imports>"
        yield "owl-imports", (text + f"\n<{base}/onto> {owl} <{base}/imported.ttl> .\n").encode()


def lift_or_lift_error(name: str, data: bytes, filename: str) -> str:
    """Lift ``data`` with lifter ``name``: the N-Triples of what it lifted, or "" when refused.

    Anything but a LiftError from split or lift fails the test; so does a detect() that raises.
    """
    for lifter in lifters():
        lifter.detect(data, filename)
    lifter = get_lifter(name)
    lines: list[str] = []
    try:
        pieces = list(lifter.split(data, source_file=filename))
    except LiftError as exc:
        assert exc.source_file == filename, str(exc)
        assert not any(leak in str(exc) for leak in LEAKS)
        return ""
    for piece in pieces:
        if isinstance(piece, LiftError):
            assert piece.source_file == filename, str(piece)
            continue
        try:
            lines += nt_lines(lifter.lift(piece, source="hostile").graph)
        except LiftError as exc:
            assert exc.source_file == filename, str(exc)
    return "\n".join(lines)


@pytest.mark.parametrize("name", FORMATS)
def test_hostile_variants_raise_only_lift_errors_and_fetch_nothing(
    tmp_path: Path, counting_server: tuple[str, list[str]], name: str
) -> None:
    base, requests = counting_server
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    tried = 0
    for filename, kind, data in samples(name):
        stem, dot, suffix = filename.partition(".")
        for variant, hostile in hostile_inputs(kind, data, base, secret):
            lifted = lift_or_lift_error(name, hostile, f"{stem}.{variant}{dot}{suffix}")
            assert not any(leak in lifted for leak in LEAKS), (variant, "expanded or fetched content was lifted")
            tried += 1
    assert tried >= 12
    assert requests == []


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A directory removed after the test: the hostile inputs and their raw copies take ~2 GB."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_directory_of_hostile_inputs_and_good_records_is_ingested(
    scratch: Path, counting_server: tuple[str, list[str]]
) -> None:
    base, requests = counting_server
    secret = scratch / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    folder = scratch / "inbox"
    expected_good: dict[str, set[str]] = {}  # source (folder) → identifiers of its good records
    for name in FORMATS:
        (folder / name).mkdir(parents=True)
        (folder / f"good-{name}").mkdir()
        for filename, kind, data in samples(name):
            (folder / f"good-{name}" / filename).write_bytes(data)
            expected_good.setdefault(f"good-{name}", set()).update(lifted_identifiers(data, filename))
            stem, dot, suffix = filename.partition(".")
            for variant, hostile in hostile_inputs(kind, data, base, secret):
                (folder / name / f"{stem}.{variant}{dot}{suffix}").write_bytes(hostile)
    result = ingest(scratch / "data", [folder])
    assert_no_internal_errors(result)
    assert requests == []
    # The good records are stored; every hostile file is stored or named by an error or finding.
    stored_good = {source: result.per_source[source]["stored"] for source in expected_good}
    assert stored_good == {source: len(ids) for source, ids in expected_good.items()}
    store = GraphStore(scratch / "data" / "store")
    stored_from = {
        r["f"] for r in store.select(f"SELECT DISTINCT ?f WHERE {{ GRAPH ?g {{ ?g <{CW.sourceFile}> ?f }} }}")
    }
    raw = RawStore(scratch / "data" / "raw")
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        display = f"inbox/{path.relative_to(folder).as_posix()}"
        assert display in stored_from or problems_named(result, display), f"{display}: neither stored nor reported"
        assert hashlib.sha256(path.read_bytes()).hexdigest() in raw, f"{display}: raw bytes not kept"
    texts = [str(e) for e in result.errors]
    assert not any(leak in text for text in texts for leak in LEAKS)


def lifted_identifiers(data: bytes, filename: str) -> set[str]:
    """The identifiers of the records of a good file the pipeline should store (it detects the format)."""
    lifter = guess_lifter(data, filename)
    if lifter is None:
        return set()
    try:
        pieces = [p for p in lifter.split(data, source_file=filename) if not isinstance(p, LiftError)]
    except LiftError:
        return set()
    found = set()
    for piece in pieces:
        try:
            lifter.lift(piece, source="good")
        except LiftError:
            continue
        found.add(piece.local_id)
    return found
