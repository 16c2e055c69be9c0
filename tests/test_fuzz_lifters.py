"""Property tests: every lifter, fed mutated real records, lifts them or raises LiftError.

Real records come from ../shared/corpus and ../shared/shapes (tests skip when absent). Hypothesis
mutates them structurally (JSON: values replaced by null, a wrong type, a huge value or unicode
junk, keys deleted, duplicated or renamed, subtrees spliced; XML: elements deleted, duplicated,
moved or renamed, text and attributes replaced, namespaces dropped or swapped; Turtle: triples
deleted, objects replaced, subjects merged) and at the byte level (flips, truncation, junk
inserted). The property: ``split`` and ``lift`` either succeed, and the graph serialises to
N-Triples that pyoxigraph parses (so every IRI and language tag in it is valid), or they raise
``LiftError`` naming the input file. Nothing else escapes, no ``detect`` ever raises, and no
socket is opened.

Runs are deterministic (``derandomize=True``, no example database). ``KG_FUZZ_EXAMPLES=2000``
runs that many examples per test instead of the CI defaults.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from kg.errors import LiftError
from kg.lifting import get_lifter, lifters
from kg.lifting.base import LiftedRecord
from kg.lifting.common import iri, mailto
from kg.ntriples import lit_nt, nt_lines, safe_iri, term_nt
from kg.pipeline import provenance_lines
from tests.conftest import CORPUS, SHARED

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "0"))
DCAT_US = SHARED / "shapes/dcat-us-3/docs/examples"

# Where each lifter's real records are read from: (folder, glob patterns).
SOURCES: dict[str, list[tuple[Path, tuple[str, ...]]]] = {
    "datajson": [(CORPUS / "datajson-agencies", ("*.data.json",))],
    "datacite-xml": [(CORPUS / "datacite-schema/source/meta/kernel-4/example", ("*.xml",))],
    "datacite-json": [(CORPUS / "datacite-schema/source/json/kernel-4.3/example", ("*.json",))],
    "schemaorg-jsonld": [
        (CORPUS / "geocodes-sosorg/curated", ("**/*.json",)),
        (CORPUS / "slendernodes-sosorg/jsonld", ("*",)),
    ],
    "iso19139": [(CORPUS / "slendernodes-sosorg/iso19139", ("*.xml",))],
    "eml": [(CORPUS / "slendernodes-sosorg/eml", ("*.xml",))],
    "dcat-rdf": [(DCAT_US, ("**/*.ttl", "**/*.jsonld"))],
}
JSON_LIFTERS = ["datajson", "datacite-json", "schemaorg-jsonld", "dcat-rdf"]
XML_LIFTERS = ["datacite-xml", "iso19139", "eml"]


def fuzz_settings(default: int) -> settings:
    return settings(
        max_examples=EXAMPLES or default,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


# --- no network -----------------------------------------------------------------------------------

CONNECTIONS: list[tuple[object, ...]] = []


@pytest.fixture(scope="module", autouse=True)
def no_network() -> Iterator[None]:
    """Every attempt to open a connection is recorded (and refused); the property checks none happened."""

    def refuse(*args: object, **kwargs: object) -> None:
        CONNECTIONS.append(args)
        raise OSError("network access attempted while lifting")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        yield


# --- the property ---------------------------------------------------------------------------------


def check_lifts_or_raises_lift_error(name: str, data: bytes, filename: str) -> None:
    """``split`` + ``lift`` of ``data`` by lifter ``name`` end in a valid graph or a LiftError."""
    CONNECTIONS.clear()
    for other in lifters():
        score = other.detect(data, filename)  # the pipeline calls every detect on every input
        assert isinstance(score, (int, float)) and 0.0 <= score <= 1.0, (other.format.name, score)
    lifter = get_lifter(name)
    try:
        pieces = list(lifter.split(data, source_file=filename))
    except LiftError as exc:
        assert exc.source_file == filename and str(exc)
        pieces = []
    for piece in pieces:
        if isinstance(piece, LiftError):
            assert piece.source_file == filename and str(piece)
            continue
        try:
            rec = lifter.lift(piece, source="fuzz")
        except LiftError as exc:
            assert exc.source_file == filename and str(exc)
            continue
        # What the pipeline writes: the lifted triples and the record's provenance.
        text = "\n".join(nt_lines(rec.graph) + provenance_lines(rec)) + "\n"
        list(pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert CONNECTIONS == [], f"{name} tried to connect to {CONNECTIONS[0][0]!r} for {data[:2000]!r}"


# --- real records -----------------------------------------------------------------------------------


def corpus_files(name: str) -> list[Path]:
    found: set[Path] = set()
    for folder, patterns in SOURCES[name]:
        if folder.is_dir():
            for pattern in patterns:
                found.update(p for p in folder.glob(pattern) if p.is_file() and p.suffix not in (".md", ".bad"))
    return sorted(found)


@functools.cache
def datajson_records() -> list[tuple[str, dict[str, Any]]]:
    """Each data.json dataset entry, alone in a catalog with its file's catalog-level fields."""
    out = []
    for path in corpus_files("datajson"):
        catalog = json.loads(path.read_bytes())
        head = {k: v for k, v in catalog.items() if k != "dataset"}
        out += [(path.name, {**head, "dataset": [entry]}) for entry in catalog["dataset"]]
    return out


@functools.cache
def json_documents(name: str) -> list[tuple[str, object]]:
    if name == "datajson":
        return datajson_records()
    out = []
    for path in corpus_files(name):
        if path.suffix in (".xml", ".ttl"):
            continue
        try:
            out.append((path.name, json.loads(path.read_bytes())))
        except ValueError:
            continue  # a known-bad file; the byte-level test feeds it as it is
    return out


@functools.cache
def xml_documents(name: str) -> list[tuple[str, etree._Element]]:
    out = []
    for path in corpus_files(name):
        try:
            out.append((path.name, etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False))))
        except etree.XMLSyntaxError:
            continue  # a known-bad file; the byte-level test feeds it as it is
    return out


@functools.cache
def turtle_graphs() -> list[tuple[str, tuple[tuple[Any, Any, Any], ...]]]:
    out = []
    for path in corpus_files("dcat-rdf"):
        if path.suffix != ".ttl":
            continue
        try:
            graph = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
        except Exception:  # noqa: BLE001 - examples with syntax errors are fed as bytes only
            continue
        out.append((path.name, tuple(sorted(graph, key=lambda t: tuple(map(str, t))))))
    return out


@functools.cache
def raw_inputs(name: str) -> list[tuple[str, bytes]]:
    if name == "datajson":
        return [(f, dump_json(doc)) for f, doc in datajson_records()[::7]]
    return [(path.name, path.read_bytes()) for path in corpus_files(name)]


# --- junk ---------------------------------------------------------------------------------------------

JUNK_TEXT = [
    "", " ", "\t\n ", "\x00", "\ud800", "\udfff", "a\ud83d", "\u202eevil", "\ufeff", "\uffff", "\u0085", "\u2028",
    "😀" * 5, "e\u0301" * 3, "<>\"{}|^`\\", "http://", "https://", "https://[::1", "http://exa mple.org/a b",
    "http://example.org/<x>", "https://doi.org/10.1234/ü?a=1#f", "//no-scheme.example.org/x", "javascript:alert(1)",
    "file:///etc/passwd", "mailto:", "mailto:a@b", "urn:", "doi:", "10.", "10.1234/", "doi:10.1234/x y",
    "info:x", "_:b0", "@id", "::", "%", "%zz", "%00", "-1", "0", "NaN", "1e400", "9999-99-99", "0000-00-00",
    "2020-02-30", "2020-13-01", "2020-1-1", "-0001-01-01", "20200101", "2020-01-01T25:61:61Z", "R/P1D", "R/",
    "1/2/3", "/", "-200,-100,200,100", "1,2,3", "en-", "x-", "q", "abcdefghi", "123", "EN_us", "zh-Hant-TW", "en--us",
    "not a language tag", "http://example.org:port/", "http://ex%ample.org/", "https://doi.org/10.1234/%",
    "a" * 300, "\n".join(["line"] * 20),
]  # fmt: skip
RAW_NUMBERS = [
    "1" * 5000,
    "-" + "9" * 4400,
    "1e999",
    "-1e999",
    "1E-999",
    "-0",
    "0.0000000000000000001",
    "123456789" * 3,
]
JSONLD_KEYS = ["@context", "@id", "@type", "@graph", "@list", "@set", "@value", "@language", "@reverse", "@included"]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
HUGE = "h" * 1_000_000


class Raw(str):
    """JSON text written as is (numbers Python cannot read or write, e.g. 5,000 digits)."""


class Pairs(list):  # type: ignore[type-arg]
    """A JSON object written with its (key, value) pairs as given: duplicate keys allowed."""


def dump_json(value: object) -> bytes:
    def write(v: object) -> str:
        if isinstance(v, Raw):
            return str(v)
        if isinstance(v, Pairs):
            return "{" + ",".join(f"{json.dumps(k)}:{write(x)}" for k, x in v) + "}"
        if isinstance(v, dict):
            return "{" + ",".join(f"{json.dumps(k)}:{write(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ",".join(write(x) for x in v) + "]"
        return json.dumps(v)  # ASCII escapes: lone surrogates stay valid JSON text

    return write(value).encode("utf-8")


def junk_text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(JUNK_TEXT), st.text(max_size=20), st.just(HUGE))


def json_scalars() -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        junk_text(),
        st.sampled_from(RAW_NUMBERS).map(Raw),
        st.sampled_from([[], {}, [None], [[]], {"@id": None}, {"@value": None}, {"@list": "x"}]),
    )


def json_values(keys: list[str]) -> st.SearchStrategy[object]:
    names = st.sampled_from(keys + JSONLD_KEYS) if keys else st.sampled_from(JSONLD_KEYS)
    return st.recursive(
        json_scalars(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names | st.text(max_size=6), inner, max_size=3),
        max_leaves=6,
    )


def json_paths(value: object, path: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    yield path
    if isinstance(value, dict) and not isinstance(value, Pairs):
        for key, item in value.items():
            yield from json_paths(item, (*path, key))
    elif isinstance(value, list) and not isinstance(value, Pairs):
        for index, item in enumerate(value):
            yield from json_paths(item, (*path, index))


def json_keys(value: object) -> list[str]:
    keys = {k for p in json_paths(value) for k in p if isinstance(k, str)}
    return sorted(keys)


def get_at(doc: object, path: tuple[object, ...]) -> object:
    for step in path:
        doc = doc[step]  # type: ignore[index]
    return doc


def set_at(doc: object, path: tuple[object, ...], value: object) -> object:
    if not path:
        return value
    get_at(doc, path[:-1])[path[-1]] = value  # type: ignore[index]
    return doc


def mutate_json(draw: Callable[..., Any], doc: object) -> object:
    """One structural change to a JSON document (in place where it can be)."""
    paths = list(json_paths(doc))
    path = draw(st.sampled_from(paths), label="path")
    target = get_at(doc, path)
    keys = json_keys(doc)
    kind = draw(
        st.sampled_from(["replace", "replace", "wrong-type", "delete", "duplicate-key", "insert", "rename", "splice"]),
        label="mutation",
    )
    if isinstance(target, Pairs):
        kind = "replace"  # an object with duplicate keys is only ever replaced as a whole
    if kind == "replace":
        return set_at(doc, path, draw(json_values(keys), label="value"))
    if kind == "wrong-type":
        wrapped = draw(
            st.sampled_from(
                [[target], {"@value": target}, {"value": target}, str(target)[:200], len(str(target)), True, None]
            )
        )
        return set_at(doc, path, wrapped)
    if kind == "delete" and path:
        parent = get_at(doc, path[:-1])
        del parent[path[-1]]  # type: ignore[attr-defined]
        return doc
    if kind == "duplicate-key" and isinstance(target, dict) and target:
        key = draw(st.sampled_from(sorted(target)), label="key")
        pairs = Pairs(list(target.items()))
        pairs.insert(draw(st.integers(0, len(pairs))), (key, draw(json_values(keys), label="value")))
        return set_at(doc, path, pairs)
    if kind == "insert" and isinstance(target, dict):
        key = draw(st.sampled_from(keys + JSONLD_KEYS), label="key")
        target[key] = draw(json_values(keys), label="value")
        return doc
    if kind == "insert" and isinstance(target, list):
        target.insert(draw(st.integers(0, len(target))), draw(json_values(keys), label="value"))
        return doc
    if kind == "rename" and isinstance(target, dict) and target:
        old = draw(st.sampled_from(sorted(target)), label="key")
        new = draw(st.sampled_from(keys + JSONLD_KEYS) | junk_text(), label="new key")
        target[new] = target.pop(old)
        return doc
    if kind == "splice":
        other = draw(st.sampled_from(paths), label="from")
        return set_at(doc, path, copy.deepcopy(get_at(doc, other)))
    return set_at(doc, path, draw(json_values(keys), label="value"))


def xml_text(text: str) -> str:
    return XML_INVALID.sub("", text)


def mutate_xml(draw: Callable[..., Any], root: etree._Element) -> None:
    """One structural change to an XML tree, in place."""
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    tags = sorted({e.tag for e in elements})
    namespaces = sorted({etree.QName(e).namespace or "" for e in elements}) + [
        "http://datacite.org/schema/kernel-3",
        "http://www.isotc211.org/2005/gmi",
        "eml://ecoinformatics.org/eml-2.2.0",
        "urn:x-junk",
    ]
    element = draw(st.sampled_from(elements), label="element")
    parent = element.getparent()
    kind = draw(
        st.sampled_from(
            [
                "delete",
                "duplicate",
                "text",
                "attribute",
                "lang",
                "drop-namespace",
                "namespace",
                "rename",
                "move",
                "clear",
            ]
        ),
        label="mutation",
    )
    if kind == "delete" and parent is not None:
        parent.remove(element)
    elif kind == "duplicate" and parent is not None:
        parent.insert(parent.index(element) + 1, copy.deepcopy(element))
    elif kind == "attribute":
        names = sorted(element.attrib) or sorted({a for e in elements for a in e.attrib}) or ["id"]
        name = draw(st.sampled_from(names), label="attribute")
        if draw(st.booleans(), label="delete attribute") and name in element.attrib:
            del element.attrib[name]
        else:
            element.set(name, xml_text(draw(junk_text(), label="value")))
    elif kind == "lang":
        element.set(XML_LANG, xml_text(draw(junk_text(), label="lang")))
    elif kind == "drop-namespace":
        scope = elements if draw(st.booleans(), label="whole document") else [element]
        for e in scope:
            e.tag = etree.QName(e).localname
    elif kind == "namespace":
        namespace = draw(st.sampled_from(namespaces), label="namespace")
        local = etree.QName(element).localname
        element.tag = f"{{{namespace}}}{local}" if namespace else local
    elif kind == "rename":
        element.tag = draw(st.sampled_from(tags), label="tag")
    elif kind == "move" and parent is not None:
        target = draw(st.sampled_from(elements), label="new parent")
        if target is not element and element not in target.iterancestors():
            target.append(element)
    elif kind == "clear":
        element.clear()
    else:
        element.text = xml_text(draw(junk_text(), label="text"))


JUNK_IRIS = [
    "urn:x", "http://[::1]/", "mailto:", "doi:10.1/x", "http://example.org/%zz", "tag:x,2020:y", "https://doi.org/",
    "https://doi.org/10.1234/ü", "http://example.org/a%20b", "https://orcid.org/0000", "http://example.org/#", "x:",
]  # fmt: skip
DATATYPES = [None, XSD.date, XSD.dateTime, XSD.gYear, XSD.integer, XSD.boolean, XSD.anyURI, XSD.decimal,
             URIRef("http://www.opengis.net/ont/geosparql#wktLiteral"), URIRef("http://example.org/dt")]  # fmt: skip
LANGS = [None, "en", "EN-us", "x-private", "zh-Hant-TW", "i-klingon", "de-1996", "abcdefghi", "q"]


def mutate_triples(draw: Callable[..., Any], triples: list[tuple[Any, Any, Any]]) -> None:
    """One change to a list of triples, in place."""
    index = draw(st.integers(0, len(triples) - 1), label="triple")
    s, p, o = triples[index]
    subjects = sorted({t[0] for t in triples}, key=str)
    predicates = sorted({t[1] for t in triples} | {DCTERMS.identifier, DCTERMS.title, RDF.type}, key=str)
    kind = draw(
        st.sampled_from(["delete", "literal", "iri", "bnode", "subject", "predicate", "type", "copy"]),
        label="mutation",
    )
    if kind == "delete":
        del triples[index]
    elif kind == "literal":
        text = xml_text(draw(junk_text(), label="lexical"))
        lang = draw(st.sampled_from(LANGS), label="lang")
        datatype = None if lang else draw(st.sampled_from(DATATYPES), label="datatype")
        triples[index] = (s, p, Literal(text, lang=lang, datatype=datatype))
    elif kind == "iri":
        iris = sorted({str(t[2]) for t in triples if isinstance(t[2], URIRef)}) + JUNK_IRIS
        triples[index] = (s, p, URIRef(draw(st.sampled_from(iris), label="iri")))
    elif kind == "bnode":
        triples[index] = (s, p, draw(st.sampled_from([BNode("x"), *subjects]), label="node"))
    elif kind == "subject":
        triples[index] = (draw(st.sampled_from([BNode("x"), *subjects]), label="subject"), p, o)
    elif kind == "predicate":
        triples[index] = (s, draw(st.sampled_from(predicates), label="predicate"), o)
    elif kind == "type":
        kinds = [DCAT.Dataset, DCAT.Catalog, URIRef(f"{DCAT}DatasetSeries"), DCAT.DataService, DCAT.Distribution]
        triples.append((draw(st.sampled_from([BNode("y"), *subjects])), RDF.type, draw(st.sampled_from(kinds))))
    else:
        other = draw(st.sampled_from([BNode("z"), *subjects]), label="copy to")
        triples += [(other, tp, to) for ts, tp, to in list(triples) if ts == s]


def mutate_bytes(draw: Callable[..., Any], data: bytes) -> bytes:
    size = len(data)
    at = draw(st.integers(0, max(size - 1, 0)), label="position")
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "repeat"]), label="mutation")
    if kind == "flip" and size:
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255), label="mask")]) + data[at + 1 :]
    if kind == "truncate":
        return data[:at]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 64), label="length") :]
    if kind == "repeat":
        return data[:at] + data[at : at + draw(st.integers(1, 256), label="length")] * 2 + data[at:]
    junk = draw(
        st.sampled_from(
            [
                b"\x00",
                b"\xff",
                b"\xc3",
                b"\xed\xa0\x80",
                b"\xef\xbb\xbf",
                b"\xff\xfe",
                b"<",
                b"&",
                b"]]>",
                b"&#0;",
                b"<!ENTITY x 'y'>",
                b"<!DOCTYPE x>",
                b'"',
                b"{",
                b"[",
                b"\\",
                b"\\ud800",
                b"@prefix : <x> .",
                b"\r\n",
                b"<![CDATA[",
                b"-->",
                b"1e999",
                b'"@context":"http://127.0.0.1:9/ctx.jsonld",',
            ]  # fmt: skip
        )
        | st.binary(max_size=8),
        label="junk",
    )
    return data[:at] + junk + data[at:]


# --- the tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", JSON_LIFTERS)
@fuzz_settings(80)
@given(data=st.data())
def test_mutated_json_records_lift_or_raise_lift_error(name: str, data: st.DataObject) -> None:
    documents = json_documents(name)
    if not documents:
        pytest.skip(f"no {name} JSON records in the shared corpus")
    filename, doc = data.draw(st.sampled_from(documents), label="record")
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        doc = mutate_json(data.draw, doc)
    check_lifts_or_raises_lift_error(name, dump_json(doc), filename)


@pytest.mark.parametrize("name", XML_LIFTERS)
@fuzz_settings(80)
@given(data=st.data())
def test_mutated_xml_records_lift_or_raise_lift_error(name: str, data: st.DataObject) -> None:
    documents = xml_documents(name)
    if not documents:
        pytest.skip(f"no {name} XML records in the shared corpus")
    filename, root = data.draw(st.sampled_from(documents), label="record")
    root = copy.deepcopy(root)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        mutate_xml(data.draw, root)
    check_lifts_or_raises_lift_error(name, etree.tostring(root, xml_declaration=True, encoding="UTF-8"), filename)


@pytest.mark.filterwarnings("ignore:(Parsing|Serializing) weird:UserWarning")  # the junk literals written here
@fuzz_settings(150)
@given(data=st.data())
def test_mutated_turtle_records_lift_or_raise_lift_error(data: st.DataObject) -> None:
    documents = turtle_graphs()
    if not documents:
        pytest.skip("no DCAT-US 3.0 Turtle examples in ../shared/shapes")
    filename, triples = data.draw(st.sampled_from(documents), label="record")
    mutated = list(triples)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        if mutated:
            mutate_triples(data.draw, mutated)
    graph = Graph()
    for triple in mutated:
        graph.add(triple)
    syntax = data.draw(st.sampled_from(["turtle", "nt"]), label="syntax")
    check_lifts_or_raises_lift_error("dcat-rdf", graph.serialize(format=syntax).encode("utf-8"), filename)


@pytest.mark.parametrize("name", sorted(SOURCES))
@fuzz_settings(150)
@given(data=st.data())
def test_mutated_bytes_lift_or_raise_lift_error(name: str, data: st.DataObject) -> None:
    inputs = raw_inputs(name)
    if not inputs:
        pytest.skip(f"no {name} records in the shared corpus")
    filename, raw = data.draw(st.sampled_from(inputs), label="input")
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        raw = mutate_bytes(data.draw, raw)
    check_lifts_or_raises_lift_error(name, raw, filename)


# --- regressions: each bug the fuzzing found, with the smallest input that showed it ---------------


def lift_all(name: str, data: bytes, filename: str) -> list[LiftedRecord]:
    lifter = get_lifter(name)
    records = []
    for piece in lifter.split(data, source_file=filename):
        if isinstance(piece, LiftError):
            raise piece
        records.append(lifter.lift(piece, source="regression"))
    return records


def assert_storable(records: list[LiftedRecord]) -> None:
    """What the pipeline writes for each record is UTF-8 N-Triples that Oxigraph accepts."""
    assert records
    for rec in records:
        text = "\n".join(nt_lines(rec.graph) + provenance_lines(rec)) + "\n"
        list(pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES))
        rec.raw.data.decode("utf-8")
        rec.key.encode("utf-8")


SCHEMA_DATASET = '{"@context": "https://schema.org/", "@type": "Dataset", "@id": "https://example.org/d", '
DCAT_DATASET = (
    '{"@context": "https://raw.githubusercontent.com/DOI-DO/dcat-us/main/context/dcat-us-3.0.jsonld", '
    '"@id": "https://example.org/d", "@type": "dcat:Dataset", "title": "T", '
)
DATACITE_RECORD = '{"doi": "10.1234/x", "types": {"resourceTypeGeneral": "Dataset"}, "titles": [{"title": "T"}], '


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("datajson", '{"dataset": [{"identifier": "x", "title": "T", "n": %s}]}'),
        ("datacite-json", DATACITE_RECORD + '"n": %s}'),
        ("schemaorg-jsonld", SCHEMA_DATASET + '"name": "T", "n": %s}'),
        ("dcat-rdf", DCAT_DATASET + '"n": %s}'),
    ],
    ids=["datajson", "datacite-json", "schemaorg-jsonld", "dcat-rdf-jsonld"],
)
def test_regression_json_number_of_over_4300_digits(name: str, document: str) -> None:
    """json.loads raises a plain ValueError (not JSONDecodeError) for such a number (Python 3.11+)."""
    data = (document % ("1" * 5000)).encode()
    for lifter in lifters():
        lifter.detect(data, "big-number.json")  # datacite-json's detect raised
    with pytest.raises(LiftError) as caught:
        lift_all(name, data, "big-number.json")
    assert caught.value.source_file == "big-number.json"


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("datajson", r'{"dataset": [{"identifier": "id\udfff", "title": "a\ud800b", "keyword": ["\udc00"]}]}'),
        ("datacite-json", DATACITE_RECORD.replace('"T"', r'"a\ud800b"') + r'"publisher": "P\udfff"}'),
        ("schemaorg-jsonld", SCHEMA_DATASET + r'"name": "a\ud800b", "identifier": "id\udfff"}'),
        ("dcat-rdf", DCAT_DATASET + r'"description": "a\ud800b", "identifier": "id\udfff"}'),
        ("dcat-rdf", '<https://example.org/d> a <http://www.w3.org/ns/dcat#Dataset> ; '
                     r'<http://purl.org/dc/terms/title> "a\ud800b" ; <http://purl.org/dc/terms/identifier> "id\U0000DFFF" .'),
    ],
    ids=["datajson", "datacite-json", "schemaorg-jsonld", "dcat-rdf-jsonld", "dcat-rdf-turtle"],
)  # fmt: skip
def test_regression_lone_surrogate_escape(name: str, document: str) -> None:
    """JSON and Turtle allow ``\\ud800`` with no partner; decoded it is no Unicode text, and the raw
    record, its hash or its N-Triples could not be written as UTF-8 (UnicodeEncodeError)."""
    records = lift_all(name, document.encode(), "surrogate.json")
    assert_storable(records)
    assert "\ufffd" in "".join(str(o) for rec in records for _, _, o in rec.graph)
    # Terms built elsewhere (a harvester, a new lifter) are written as UTF-8 all the same.
    assert term_nt(Literal("a\ud800")).encode("utf-8") == '"a\ufffd"'.encode()
    assert lit_nt("\udfff").encode("utf-8") == '"\ufffd"'.encode()


def test_regression_iri_characters_rfc3987_forbids() -> None:
    """Control characters, surrogates, non-characters, private use and a stray ``%`` were written
    into IRIs as they were (``safe_iri`` only knew the ASCII delimiters)."""
    for text in ("http://e.org/a\x7fb", "http://e.org/\x85", "http://e.org/\ud800", "http://e.org/\ufffe",
                 "http://e.org/\ue000", "http://e.org/%zz", "http://e.org/100%", "http://e.org/ü%41"):  # fmt: skip
        pyoxigraph.NamedNode(safe_iri(text))
    assert safe_iri("https://doi.org/10.1234/ü%41") == "https://doi.org/10.1234/ü%41"  # nothing else changes
    # A data.json key holding DEL became part of a source-namespace property IRI.
    assert_storable(
        lift_all("datajson", b'{"dataset": [{"identifier": "x", "title": "T", "odd\\u007fkey": 1}]}', "k.json")
    )
    # A Turtle IRI with a percent sign that starts no percent-encoding.
    turtle = b'<https://example.org/d> a <http://www.w3.org/ns/dcat#Dataset> ; <http://purl.org/dc/terms/title> "T" ;'
    assert_storable(
        lift_all("dcat-rdf", turtle + b" <http://www.w3.org/ns/dcat#landingPage> <http://e.org/%zz> .", "p.ttl")
    )


def test_regression_language_tag_the_store_refuses() -> None:
    """rdflib raised ValueError for ``xml:lang=" "`` (EML); DataCite's own check let ``q`` through,
    which Oxigraph refuses (a primary language subtag has 2-8 letters)."""
    eml = (
        b'<eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1" packageId="lang.1">'
        b'<dataset><title xml:lang=" ">T</title></dataset></eml:eml>'
    )
    [rec] = lift_all("eml", eml, "lang.xml")
    assert_storable([rec])
    datacite = (
        b'<resource xmlns="http://datacite.org/schema/kernel-4"><identifier identifierType="DOI">10.1234/x</identifier>'
        b'<titles><title xml:lang="q">T</title><title xml:lang="en-GB">U</title></titles></resource>'
    )
    [rec] = lift_all("datacite-xml", datacite, "lang.xml")
    assert_storable([rec])
    assert {o.language for o in rec.graph.objects(rec.dataset, DCTERMS.title)} == {None, "en-GB"}
    # ... and the Turtle grammar allows a 9-letter tag, which no store accepts.
    turtle = b'<https://example.org/d> a <http://www.w3.org/ns/dcat#Dataset> ; <http://purl.org/dc/terms/title> "T"@abcdefghi .'
    assert_storable(lift_all("dcat-rdf", turtle, "lang.ttl"))


def test_regression_turtle_iri_rdflib_cannot_write() -> None:
    """rdflib's Turtle parser accepts ``<https://example<.com/x>``, then its ``n3()`` raises a bare
    Exception; the DCAT RDF lifter called it to order records and blank nodes."""
    turtle = (
        b"<https://example<.com/dataservice/1> a <http://www.w3.org/ns/dcat#DataService> ;"
        b' <http://purl.org/dc/terms/title> "T" ; <http://www.w3.org/ns/dcat#contactPoint> [ <http://e.org/p> "c" ] ;'
        b" <http://purl.org/dc/terms/publisher> <https:///example.com> ."
    )
    assert_storable(lift_all("dcat-rdf", turtle, "bad-iri.ttl"))


def test_regression_iri_that_is_not_absolute() -> None:
    """``https&://example.com/p`` (JSON-LD) and ``http://example.org:abc/`` (a port that is no
    number) passed the lifters' checks and reached the store, which refuses them."""
    assert iri("http://example.org:abc/") is None
    assert iri("http://example.org:8080/a") == URIRef("http://example.org:8080/a")
    assert_storable(
        lift_all("dcat-rdf", (DCAT_DATASET + '"publisher": "https&://example.com/p"}').encode(), "s.jsonld")
    )
    data = b'{"dataset": [{"identifier": "x", "title": "T", "landingPage": "http://example.org:abc/"}]}'
    [rec] = lift_all("datajson", data, "port.json")
    assert_storable([rec])
    assert any(f.message.endswith("is not an absolute URL") for f in rec.findings)


def test_regression_jsonld_value_typed_with_a_list() -> None:
    """rdflib's JSON-LD parser makes ``"@type": [...]`` on a value into a datatype IRI that is the
    list's Python repr (``['http://...#gYear']``)."""
    data = (
        DCAT_DATASET + '"issued": {"@type": ["http://www.w3.org/2001/XMLSchema#gYear"], "@value": "1950"}}'
    ).encode()
    [rec] = lift_all("dcat-rdf", data, "list-type.jsonld")
    assert_storable([rec])
    assert any("is not an IRI" in f.message for f in rec.findings)


def test_regression_lone_surrogate_in_a_url_or_address() -> None:
    """``urllib.parse.quote`` raised UnicodeEncodeError for a lone surrogate in ``iri``/``mailto``."""
    assert iri("http://example.org/\ud800") is None
    assert mailto("a\ud800@example.org") is None


def test_regression_rdf_xml_text_node_over_10_mb() -> None:
    """rdflib's RDF/XML parser takes time quadratic in the size of a text node (50 MB: 24 s); RDF/XML
    now passes the guard the XML lifters share first, which refuses text nodes over 10 MB."""
    data = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"'
        ' xmlns:dcterms="http://purl.org/dc/terms/"><dcat:Dataset rdf:about="https://example.org/d">'
        f"<dcterms:title>{'x' * 11_000_000}</dcterms:title></dcat:Dataset></rdf:RDF>"
    ).encode()
    with pytest.raises(LiftError, match="not well-formed XML") as caught:
        lift_all("dcat-rdf", data, "huge.rdf")
    assert caught.value.source_file == "huge.rdf"


def test_regression_blank_node_of_a_node_two_records_share() -> None:
    """Two datasets in one series the input does not type: the series is shared, so it is no
    record's member, but its blank node was, with no label to write it by (KeyError)."""
    turtle = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
    <https://example.org/a> a dcat:Dataset ; dcterms:title "A" ; dcat:inSeries <https://example.org/s> .
    <https://example.org/b> a dcat:Dataset ; dcterms:title "B" ; dcat:inSeries <https://example.org/s> .
    <https://example.org/s> dcterms:temporal [ dcat:startDate "1950-01-01" ] ."""
    records = lift_all("dcat-rdf", turtle, "series.ttl")
    assert_storable(records)
    assert sorted(rec.raw.local_id for rec in records) == ["https://example.org/a", "https://example.org/b"]


def test_regression_blank_node_behind_a_shared_publisher() -> None:
    """The publisher two datasets share is copied into each record with its blank nodes, but a
    blank node reached through another shared IRI node came too, with no label (KeyError)."""
    turtle = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
    @prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
    <https://example.org/a> a dcat:Dataset ; dcterms:title "A" ; dcterms:publisher <https://example.org/agency> .
    <https://example.org/b> a dcat:Dataset ; dcterms:title "B" ; dcterms:publisher <https://example.org/agency> .
    <https://example.org/agency> foaf:name "Agency" ; foaf:page <https://example.org/site> .
    <https://example.org/site> dcat:contactPoint [ vcard:fn "Desk" ] ."""
    records = lift_all("dcat-rdf", turtle, "publisher.ttl")
    assert_storable(records)
    assert len(records) == 2


def test_regression_context_nested_in_a_context_object_is_not_fetched() -> None:
    """``{"@context": {"@context": "http://..."}}``: the lifter looked for remote contexts in the
    values of a context object but not under its own ``@context`` key, and rdflib fetched that one."""
    nested = {"@context": "http://127.0.0.1:9/nested.jsonld", "dcat": "http://www.w3.org/ns/dcat#"}
    data = json.dumps({"@context": nested, "@id": "https://example.org/d", "@type": "dcat:Dataset"}).encode()
    with pytest.raises(LiftError, match="remote JSON-LD context http://127.0.0.1:9/nested.jsonld is not fetched"):
        lift_all("dcat-rdf", data, "nested-context.jsonld")
    assert CONNECTIONS == []
    # The DCAT-US 3.0 context URL there is read from the lifter's own copy, as anywhere else.
    nested["@context"] = "https://raw.githubusercontent.com/DOI-DO/dcat-us/main/context/dcat-us-3.0.jsonld"
    data = json.dumps({"@context": nested, "@id": "https://example.org/d", "@type": "dcat:Dataset", "title": "T"})
    assert_storable(lift_all("dcat-rdf", data.encode(), "nested-context.jsonld"))
    assert CONNECTIONS == []
