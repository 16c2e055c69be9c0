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
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.formats import SourceFormat
from kg.namespaces import BASE, CW, SRC, agent_iri, dataset_iri, normalize_doi, record_key
from kg.report import Finding, Severity

ORG_ORGANIZATION = URIRef("http://www.w3.org/ns/org#Organization")
CW_POSITION = CW.position
RESPONSIBLE_PARTY_ROLE = "http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/"


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
    # the dataset's creators in source order (Lifter.add_creator keeps it)
    creators: list[URIRef] = field(default_factory=list, compare=False, repr=False)
    creator_roles: dict[URIRef, str] = field(default_factory=dict, compare=False, repr=False)
    rights_texts: dict[str | None, list[str]] = field(default_factory=dict, compare=False, repr=False)

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
        Organization with foaf:name and skos:prefLabel (DCAT-US 3.0 Organization_Shape: one of
        each). Names that differ only in case or punctuation share the IRI: the first spelling
        in the record is the name, another is a ``skos:altLabel``."""
        agent = URIRef(agent_iri(name))
        g = record.graph
        g.add((agent, RDF.type, FOAF.Organization))
        g.add((agent, RDF.type, ORG_ORGANIZATION))
        first = g.value(agent, FOAF.name)
        if first is None:
            g.add((agent, FOAF.name, Literal(name)))
            g.add((agent, SKOS.prefLabel, Literal(name)))
        elif str(first) != name:
            g.add((agent, SKOS.altLabel, Literal(name)))
        return agent

    @staticmethod
    def add_creator(record: LiftedRecord, agent: URIRef, role: str = "originator") -> None:
        """Add ``agent`` (already named with foaf:name) as a creator of the record's dataset.

        DCAT-US 3.0 allows one ``dcterms:creator``, "an entity responsible for producing the
        dataset"; sources often name several people. One creator is the ``dcterms:creator``
        itself. Several are one ``foaf:Group`` (``{dataset}/creators``, named "A and B" or
        "A et al.") with every creator a ``foaf:member``, and each creator also a
        ``prov:qualifiedAttribution`` with ``dcat:hadRole`` (an INSPIRE ResponsiblePartyRole,
        ``originator`` unless the source says which) and ``cw:position`` (1-based, source
        order), so the order a citation needs is kept. Readers: ``kg.dataset_view.creator_names``.
        """
        if agent in record.creators:
            return
        record.creators.append(agent)
        roles = record.creator_roles
        roles[agent] = role
        g, ds = record.graph, record.dataset
        if len(record.creators) == 1:
            g.add((ds, DCTERMS.creator, agent))
            return
        group = Lifter.node(record, "creators", "group")
        if len(record.creators) == 2:
            first = record.creators[0]
            g.remove((ds, DCTERMS.creator, first))
            g.add((ds, DCTERMS.creator, group))
            g.add((group, RDF.type, FOAF.Group))
            g.add((group, RDF.type, FOAF.Agent))
            Lifter._creator_attribution(record, first, 1, roles.get(first, "originator"))
        Lifter._creator_attribution(record, agent, len(record.creators), role)
        g.remove((group, FOAF.name, None))

        def name(a: URIRef) -> str:
            value = g.value(a, FOAF.name) or g.value(a, SKOS.prefLabel)
            return str(value) if value is not None else "unnamed"

        first_name = name(record.creators[0])
        label = f"{first_name} and {name(record.creators[1])}" if len(record.creators) == 2 else f"{first_name} et al."
        g.add((group, FOAF.name, Literal(label)))

    @staticmethod
    def add_rights(record: LiftedRecord, text: str | Literal) -> None:
        """Add a rights statement text (a ``Literal`` keeps its language) to the dataset.

        DCAT-US 3.0 allows one ``dcterms:rights``: every statement a source gives is one
        ``dcterms:RightsStatement`` (``{dataset}/rights/0``) whose ``rdfs:label`` holds the
        texts in source order, paragraphs apart; one label per language."""
        lang = text.language if isinstance(text, Literal) else None
        value = str(text).strip()
        if not value:
            return
        texts = record.rights_texts.setdefault(lang, [])
        if value in texts:
            return
        g, ds = record.graph, record.dataset
        node = Lifter.node(record, "rights", 0)
        if texts:
            g.remove((node, RDFS.label, Literal("\n\n".join(texts), lang=lang)))
        texts.append(value)
        g.add((ds, DCTERMS.rights, node))
        g.add((node, RDF.type, DCTERMS.RightsStatement))
        g.add((node, RDFS.label, Literal("\n\n".join(texts), lang=lang)))

    @staticmethod
    def _creator_attribution(record: LiftedRecord, agent: URIRef, position: int, role: str) -> None:
        g = record.graph
        group = Lifter.node(record, "creators", "group")
        node = Lifter.node(record, "creators", position)
        concept = URIRef(RESPONSIBLE_PARTY_ROLE + role)
        g.add((group, FOAF.member, agent))
        g.add((record.dataset, PROV.qualifiedAttribution, node))
        g.add((node, RDF.type, PROV.Attribution))
        g.add((node, PROV.agent, agent))
        g.add((node, DCAT.hadRole, concept))
        g.add((node, CW_POSITION, Literal(position)))
        g.add((concept, RDF.type, DCAT.Role))
        g.add((concept, SKOS.prefLabel, Literal(role)))

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


def creators_of(graph: object, dataset: URIRef) -> list[URIRef]:
    """The creators of ``dataset`` in a record graph, in source order: the members of the
    creators' ``foaf:Group`` that ``Lifter.add_creator`` makes (by ``cw:position``), else the
    ``dcterms:creator`` values themselves."""
    found: list[URIRef] = []
    for creator in sorted(graph.objects(dataset, DCTERMS.creator)):  # type: ignore[attr-defined]
        members = list(graph.objects(creator, FOAF.member))  # type: ignore[attr-defined]
        if not members:
            found.append(creator)
            continue
        position = {}
        for attribution in graph.objects(dataset, PROV.qualifiedAttribution):  # type: ignore[attr-defined]
            pos = graph.value(attribution, CW_POSITION)  # type: ignore[attr-defined]
            if pos is not None:
                position[graph.value(attribution, PROV.agent)] = int(pos)  # type: ignore[attr-defined]
        found.extend(sorted(members, key=lambda m: (position.get(m, 1 << 30), str(m))))
    return found


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
