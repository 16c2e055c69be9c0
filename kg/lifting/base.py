"""The Lifter contract: one class per source format (STYLE.md, ckanext-dcat profiles).

A lifter turns one input (a file's bytes) into raw records (``split``) and each raw record into
an RDF graph in DCAT 3 / DCTERMS / PROV-O / vCard terms (``lift``). Fields it does not map are
kept under the ``SRC`` source namespace, never dropped. Sub-nodes (distributions, contacts,
agents) get deterministic IRIs under the record's dataset IRI, never blank nodes, so the same
input always gives the same graph.
"""

from __future__ import annotations

import abc
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, SKOS, XSD

from kg.errors import LiftError
from kg.formats import SourceFormat
from kg.namespaces import BASE, SRC, agent_iri, dataset_iri, normalize_doi, record_key
from kg.report import Finding, Severity

ORG_ORGANIZATION = URIRef("http://www.w3.org/ns/org#Organization")


class TripleSet:
    """The triples of one lifted record: a set with the read API of ``rdflib.Graph`` that
    lifters and tests use (``add``, ``in``, ``value``, ``objects``, ``subjects``, ``triples``).

    Lifting builds one per record on the hot path; an rdflib ``Graph`` costs ~20 µs per added
    triple, a set ~0.3 µs. ``to_graph()`` gives a real Graph when one is needed.
    """

    __slots__ = ("_triples",)

    def __init__(self, triples: object = ()) -> None:
        self._triples: set[tuple[object, object, object]] = set(triples)  # type: ignore[arg-type]

    def add(self, triple: tuple[object, object, object]) -> TripleSet:
        s, p, o = triple
        if s is None or p is None or o is None:
            raise ValueError(f"incomplete triple {triple!r}")
        self._triples.add((s, p, o))
        return self

    def remove(self, pattern: tuple[object, object, object]) -> TripleSet:
        for t in list(self.triples(pattern)):
            self._triples.discard(t)
        return self

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def __contains__(self, pattern: object) -> bool:
        return next(iter(self.triples(pattern)), None) is not None  # type: ignore[arg-type]

    def triples(self, pattern: tuple[object, object, object]):  # type: ignore[no-untyped-def]
        s, p, o = pattern
        if s is not None and p is not None and o is not None:
            return [pattern] if pattern in self._triples else []
        return [
            t
            for t in self._triples
            if (s is None or t[0] == s) and (p is None or t[1] == p) and (o is None or t[2] == o)
        ]

    def objects(self, subject: object = None, predicate: object = None):  # type: ignore[no-untyped-def]
        return [t[2] for t in self.triples((subject, predicate, None))]

    def subjects(self, predicate: object = None, obj: object = None, unique: bool = False):  # type: ignore[no-untyped-def]
        found = [t[0] for t in self.triples((None, predicate, obj))]
        return list(dict.fromkeys(found)) if unique else found

    def predicate_objects(self, subject: object = None):  # type: ignore[no-untyped-def]
        return [(t[1], t[2]) for t in self.triples((subject, None, None))]

    def value(self, subject: object = None, predicate: object = None, obj: object = None):  # type: ignore[no-untyped-def]
        for t in self.triples((subject, predicate, obj)):
            if subject is None:
                return t[0]
            if predicate is None:
                return t[1]
            return t[2]
        return None

    def to_graph(self) -> Graph:
        graph = Graph()
        graph.addN((s, p, o, graph) for s, p, o in self._triples)
        return graph

    def serialize(self, *args: object, **kwargs: object) -> str:
        return self.to_graph().serialize(*args, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RawRecord:
    """One record as it came from its input: its exact bytes and where it sits in the input."""

    data: bytes
    local_id: str  # the record's own identifier, or "#<position>" when it has none
    pointer: str  # JSON pointer or XPath of the record inside its input file
    source_file: str
    media_type: str = "application/json"
    parsed: object = field(default=None, compare=False, repr=False)  # parser output, if kept

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class LiftedRecord:
    """A lifted record: the dataset's graph plus what the pipeline needs to store and link it."""

    raw: RawRecord
    source: str
    key: str
    dataset: URIRef
    graph: TripleSet
    lifter: str
    lifter_version: str
    findings: list[Finding] = field(default_factory=list)
    fingerprint: str = ""  # set by the pipeline: what this graph is a function of
    # (subject IRI, property IRI) → the source field (JSON pointer, XPath, CSV column) it came
    # from, so validation results name the field a steward must fix at the source.
    origins: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def doi(self) -> str | None:
        return normalize_doi(str(self.dataset))


class Lifter(abc.ABC):
    """Base of every format's lifter. Subclasses set ``format`` and ``version``."""

    format: SourceFormat
    version: str = "1"

    @abc.abstractmethod
    def detect(self, data: bytes, filename: str) -> float:
        """Confidence (0..1) that ``data`` is this format; 0 when it is surely not."""

    @abc.abstractmethod
    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        """The raw records in one input. A record that cannot even be cut out is a LiftError.

        Raises LiftError when the whole input is unreadable (not JSON, not XML, wrong root).
        """

    @abc.abstractmethod
    def lift(self, raw: RawRecord, *, source: str) -> LiftedRecord:
        """The record's graph. Raises LiftError when the record cannot be lifted at all."""

    def fingerprint_extra(self, raw: RawRecord) -> str:
        """What else, besides the raw bytes and this lifter's version, the record's graph is a
        function of (a crosswalk's digest, say). Part of the record's input fingerprint."""
        return ""

    # --- helpers shared by lifters -------------------------------------------------------

    def new_record(self, raw: RawRecord, *, source: str, doi: str | None) -> LiftedRecord:
        key = record_key(source, raw.local_id)
        iri = URIRef(dataset_iri(source, raw.local_id, doi))
        return LiftedRecord(
            raw=raw,
            source=source,
            key=key,
            dataset=iri,
            graph=TripleSet(),
            lifter=self.format.name,
            lifter_version=self.version,
        )

    @staticmethod
    def node(record: LiftedRecord, kind: str, index: int | str) -> URIRef:
        """A deterministic IRI for a sub-node (distribution, contact, agent ...) of a record."""
        return URIRef(f"{BASE}dataset/{record.key}/{kind}/{index}")

    @staticmethod
    def organization(record: LiftedRecord, name: str) -> URIRef:
        """The organisation named ``name``: ``{BASE}agent/{slug(name)}``, typed foaf and org
        Organization with foaf:name and skos:prefLabel (DCAT-US 3.0 Organization_Shape)."""
        agent = URIRef(agent_iri(name))
        g = record.graph
        g.add((agent, RDF.type, FOAF.Organization))
        g.add((agent, RDF.type, ORG_ORGANIZATION))
        g.add((agent, FOAF.name, Literal(name)))
        g.add((agent, SKOS.prefLabel, Literal(name)))
        return agent

    @staticmethod
    def warn(
        record: LiftedRecord,
        field_name: str,
        message: str,
        *,
        fix: str | None = None,
        severity: Severity = Severity.WARNING,
    ) -> None:
        record.findings.append(
            Finding(
                severity=severity,
                message=message,
                record=record.raw.local_id,
                field=source_pointer(record.raw, field_name),
                rule=f"lift:{record.lifter}",
                source_file=record.raw.source_file,
                fix=fix,
                focus=str(record.dataset),
            )
        )

    @staticmethod
    def keep_unmapped(record: LiftedRecord, subject: URIRef, name: str, value: object) -> None:
        """Keep a source field we do not map yet, as JSON text under the source namespace."""
        if value is None:
            return
        if isinstance(value, str):
            text = value
        else:
            text = json.dumps(value, sort_keys=True, ensure_ascii=False)
        record.graph.add((subject, SRC[record.lifter + "/" + name], Literal(text)))


_DOTTED = re.compile(r"^[A-Za-z@_][\w@-]*(?:\[\d+\]|\.[A-Za-z@_][\w@-]*)*$")


def source_pointer(raw: RawRecord, field_name: str) -> str:
    """A JSON record's field as a JSON pointer into its input file: ``contactPoint.hasEmail`` of
    the record at ``/dataset/3`` is ``/dataset/3/contactPoint/hasEmail``; ``distribution[0].x`` is
    ``…/distribution/0/x``. XPaths, pointers and CSV columns are returned as given."""
    if "json" not in raw.media_type or not _DOTTED.match(field_name or ""):
        return field_name
    tokens = re.sub(r"\[(\d+)\]", r".\1", field_name).split(".")
    base = raw.pointer if raw.pointer.startswith("/") else ""
    return base + "".join("/" + json_pointer_escape(t) for t in tokens)


def json_pointer_escape(token: str) -> str:
    """RFC 6901 section 4 escaping of one reference token."""
    return token.replace("~", "~0").replace("/", "~1")


DATE_DATATYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}
