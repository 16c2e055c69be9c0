"""Logical checks of class-level mappings with a reasoner (owlready2 + HermiT), before publishing.

A mapping set maps a lab's terms to concepts of the shipped schemes. Some of those concepts are
typed with an OWL class of the core ontology (``ontologies/core.ttl``): a facility concept is a
``cw:LightSource`` (or another kind of facility, each a ``cw:Facility``), an instrument type a
``cw:InstrumentType``, a research area a ``cw:ScienceDomain``; and the core says which of these
classes are disjoint. A lab term that is *the* concept or a narrower one takes that class:

* **class-level mappings** are the *accepted* rows whose predicate is ``skos:exactMatch`` (the
  term is the concept) or ``skos:broadMatch`` (the concept is broader than the term). Each gives
  the axiom ``term ⊑ C`` for every OWL class ``C`` of its object concept, the lab term standing
  for an OWL class whose IRI is the row's ``subject_id``;
* ``skos:closeMatch``, ``skos:relatedMatch`` and ``skos:narrowMatch`` are **not** class-level
  (close or related concepts need not share a class; a narrower concept's class says nothing of
  the broader term), so they give no axiom; nor do proposed or rejected rows;
* the OWL classes of a concept are its ``rdf:type`` values that the core ontology declares as
  classes (the generic ``skos:Concept`` left out: every concept has it, and it is disjoint from
  nothing a concept mapping could also reach). A concept with no such type (a grouping concept
  such as ``fac:light-sources``) takes the ``cw:conceptClass`` it names, else the one of its
  nearest broader concept that names one. GCMD concepts are typed ``skos:Concept`` only and have
  no ``cw:conceptClass``, so mappings to them give no axiom.

:func:`check` puts the core ontology (as :func:`kg.vocab.ontology.owl_graph` gives it to HermiT:
the core in full, the class-level TBox of everything it imports) and these axioms into a fresh
owlready2 World and runs HermiT. Every unsatisfiable term class is a :class:`Problem`: the
minimal set of its mapping axioms that is still unsatisfiable (found by deletion, probing every
term at once, so a few reasoner calls in all) names the mapping rows, and a walk over the
asserted ``rdfs:subClassOf`` / ``owl:equivalentClass`` / ``owl:disjointWith`` /
``owl:AllDisjointClasses`` axioms of the loaded ontology names the ontology axioms that make
those rows clash, with the file that states each one. An ontology HermiT finds inconsistent is a
Problem too. A check with no class-level mapping does not start the reasoner at all.

The sets checked are those in effect after publishing: the published sets, with the draft in
place of the set of the same name (or added to them). So a clash between rows of two sets, or
one already published, is found as well; each Problem names the set of every row.
"""

from __future__ import annotations

import functools
import io
import subprocess
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.alignment.sssom import Mapping, MappingSet
from kg.vocab import CONCEPT_BASE, CROSSWALK_BASE, ONTOLOGIES, SCHEMES_DIR, VOCAB_DIR
from kg.vocab import ontology as core_ontology
from kg.vocab import schemes as scheme_files

CLASS_LEVEL = ("skos:exactMatch", "skos:broadMatch")
NOT_CLASS_LEVEL = ("skos:closeMatch", "skos:relatedMatch", "skos:narrowMatch")
CONCEPT_CLASS = URIRef(CROSSWALK_BASE + "ns#conceptClass")
GENERIC = frozenset({SKOS.Concept, SKOS.ConceptScheme, OWL.Thing, OWL.NamedIndividual})
PROBE = CROSSWALK_BASE + "check/probe/"
CHECK_ONTOLOGY = CROSSWALK_BASE + "check/mappings"

PREFIXES = (
    ("cw:", CROSSWALK_BASE + "ns#"),
    ("fac:", CONCEPT_BASE + "facilities/"),
    ("sd:", CONCEPT_BASE + "science-domains/"),
    ("cwconcept:", CONCEPT_BASE),
    ("cwterm:", CROSSWALK_BASE + "term/"),
    ("cwmap:", CROSSWALK_BASE + "mapping/"),
    ("gcmd:", "https://gcmd.earthdata.nasa.gov/kms/concept/"),
    ("skos:", str(SKOS)),
    ("owl:", str(OWL)),
    ("rdfs:", str(RDFS)),
    ("dcat:", "http://www.w3.org/ns/dcat#"),
    ("dcterms:", "http://purl.org/dc/terms/"),
    ("prov:", "http://www.w3.org/ns/prov#"),
    ("foaf:", "http://xmlns.com/foaf/0.1/"),
    ("schema:", "https://schema.org/"),
)


def curie(iri: str) -> str:
    """A short name for messages (``cw:Facility``, ``fac:aps``); the IRI if no prefix fits."""
    best = max((p for p in PREFIXES if iri.startswith(p[1])), key=lambda p: len(p[1]), default=None)
    return best[0] + iri[len(best[1]) :] if best and len(iri) > len(best[1]) else iri


class ReasonerUnavailable(RuntimeError):
    """HermiT could not be run (no Java, or it failed for a reason other than inconsistency)."""


# --- what is checked ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MappingAxiom:
    """``term ⊑ owl_class``, given by one accepted class-level mapping row."""

    mapping: Mapping
    set_name: str
    owl_class: str
    via: str  # why the concept has this class: "rdf:type in facilities-instruments.ttl", ...
    concept_label: str = ""

    @property
    def term(self) -> str:
        return self.mapping.subject_id

    @property
    def axiom(self) -> str:
        return f"{curie(self.term)} rdfs:subClassOf {curie(self.owl_class)}"

    def row(self) -> str:
        """The mapping row as a curator sees it: id, set, term, predicate, concept."""
        m = self.mapping
        label = m.object_label or self.concept_label
        target = f'{curie(m.object_id)} "{label}"' if label else curie(m.object_id)
        return f'row {curie(m.record_id)} of set "{self.set_name}": "{m.subject_label}" {m.predicate_id} {target}'


@dataclass(frozen=True)
class Problem:
    """A reason to refuse publishing. ``kind`` is ``unsatisfiable`` (a lab term's class-level
    mappings contradict the ontology), ``inconsistent`` (HermiT finds the whole inconsistent) or
    ``core`` (a class of the ontology itself is unsatisfiable, whatever the mappings)."""

    kind: str
    term: str = ""
    term_label: str = ""
    mappings: tuple[MappingAxiom, ...] = ()
    ontology_axioms: tuple[str, ...] = ()
    detail: str = ""

    @property
    def record_ids(self) -> list[str]:
        return sorted({a.mapping.record_id for a in self.mappings})

    @property
    def set_names(self) -> list[str]:
        return sorted({a.set_name for a in self.mappings})

    def explain(self) -> str:
        """One readable paragraph: which rows, which axioms, what to do."""
        because = "; ".join(self.ontology_axioms)
        if self.kind == "unsatisfiable":
            rows: dict[str, list[MappingAxiom]] = defaultdict(list)
            for a in self.mappings:
                rows[a.row()].append(a)
            parts = [
                row
                + " gives "
                + " and ".join(f"{a.axiom} ({curie(a.mapping.object_id)} has that class by {a.via})" for a in axioms)
                for row, axioms in rows.items()
            ]
            which = "Together these make" if len(rows) > 1 else "This makes"
            text = (
                f'The lab term "{self.term_label}" ({curie(self.term)}) cannot be published with its '
                f"class-level mappings: {'; '.join(parts)}. {which} the term's class unsatisfiable "
                "(HermiT: nothing can be an instance of it)"
            )
            text += f", because {because}." if because else f". {self.detail}."
            if len(rows) > 1:
                return text + (
                    " Reject one of these rows, or change it to skos:closeMatch or skos:relatedMatch,"
                    " which are not class-level."
                )
            return text + " Reject this row, or change its predicate to skos:closeMatch or skos:relatedMatch."
        if self.kind == "core":
            return f"The core ontology itself has an unsatisfiable class: {self.detail}" + (
                f" ({because})." if because else "."
            )
        text = f"HermiT finds the ontology inconsistent: {self.detail}"
        return text + (f" Involved: {because}." if because else "")


@dataclass
class LogicReport:
    problems: list[Problem] = field(default_factory=list)
    class_axioms: int = 0  # term ⊑ class axioms checked
    terms: int = 0  # lab terms with at least one
    reasoner_calls: int = 0
    seconds: float = 0.0  # wall clock of the whole check
    reasoner_seconds: float = 0.0  # of which in HermiT (Java start-up included)

    @property
    def ok(self) -> bool:
        return not self.problems


def effective_sets(published_sets: Iterable[MappingSet], draft: MappingSet) -> list[MappingSet]:
    """The sets in effect after publishing ``draft``: the published ones, with the draft in place
    of the set of the same name (appended when there is none)."""
    sets = [draft if s.name == draft.name else s for s in published_sets]
    if all(s is not draft for s in sets):
        sets.append(draft)
    return sets


def check_mappings(published_sets: list[MappingSet], draft: MappingSet) -> list[Problem]:
    """Problems that publishing ``draft`` would cause (an empty list: it may be published)."""
    return check(published_sets, draft).problems


def check(published_sets: Iterable[MappingSet], draft: MappingSet, *, schemes_dir: Path = SCHEMES_DIR) -> LogicReport:
    """:func:`check_mappings` with the figures: axioms checked, reasoner calls and time."""
    started = time.perf_counter()
    report = LogicReport()
    sets = effective_sets(published_sets, draft)
    if not any(m.predicate_id in CLASS_LEVEL for s in sets for m in s.accepted()):
        report.seconds = time.perf_counter() - started
        return report  # nothing class-level: neither the ontology nor the schemes are needed
    base = _base()
    axioms = class_level_axioms(sets, _concepts(_scheme_signature(schemes_dir)), base.classes)
    report.class_axioms = len(axioms)
    by_term: dict[str, list[MappingAxiom]] = defaultdict(list)
    for a in axioms:
        by_term[a.term].append(a)
    report.terms = len(by_term)
    if not by_term:
        report.seconds = time.perf_counter() - started
        return report
    reasoner = _Reasoner(base, report)
    probes = _leave_one_out(by_term)  # asked in the same call: a clash of two rows needs no other
    first = reasoner.run(
        {term: [a.owl_class for a in axs] for term, axs in by_term.items()}
        | {iri: [a.owl_class for j, a in enumerate(by_term[t]) if j != i] for iri, (t, i) in probes.items()}
    )
    if first.inconsistent:
        report.problems = _inconsistency(reasoner, base, first.message)
    else:
        report.problems = _core_problems(base, first.unsatisfiable - set(by_term))
        unsat = sorted(t for t in by_term if t in first.unsatisfiable)
        necessary = {t: set(range(len(by_term[t]))) for t in unsat}
        for iri, (term, i) in probes.items():
            if term in necessary and iri in first.unsatisfiable:
                necessary[term].discard(i)
        minimal = _minimise(reasoner, {t: by_term[t] for t in unsat}, necessary)
        for term in unsat:
            report.problems.append(_term_problem(base, term, minimal[term]))
    report.seconds = time.perf_counter() - started
    return report


def class_level_axioms(
    sets: Iterable[MappingSet], concepts: _ConceptIndex | None = None, owl_classes: frozenset[str] | None = None
) -> list[MappingAxiom]:
    """Every ``term ⊑ class`` axiom the accepted exactMatch/broadMatch rows of ``sets`` give."""
    concepts = concepts or _concepts(_scheme_signature(SCHEMES_DIR))
    owl_classes = _base().classes if owl_classes is None else owl_classes
    out: list[MappingAxiom] = []
    for mapping_set in sets:
        for m in mapping_set.accepted():
            if m.predicate_id not in CLASS_LEVEL:
                continue
            for cls, via in concepts.classes_of(m.object_id, owl_classes):
                out.append(MappingAxiom(m.with_id(), mapping_set.name, cls, via, concepts.label.get(m.object_id, "")))
    return out


# --- the concept schemes -----------------------------------------------------------------------


@dataclass
class _ConceptIndex:
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    concept_class: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    broader: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    label: dict[str, str] = field(default_factory=dict)
    file: dict[str, str] = field(default_factory=dict)

    def classes_of(self, concept: str, owl_classes: frozenset[str]) -> list[tuple[str, str]]:
        """The OWL classes of ``concept`` with how each was found (see the module docstring)."""
        where = self.file.get(concept, "its scheme")
        direct = sorted(t for t in self.types.get(concept, ()) if t in owl_classes)
        if direct:
            return [(t, f"rdf:type in {where}") for t in direct]
        seen = {concept}
        level = [concept]
        while level:
            found = [(cls, c) for c in level for cls in sorted(self.concept_class.get(c, ())) if cls in owl_classes]
            if found:
                return [
                    (cls, f"cw:conceptClass of {'itself' if c == concept else curie(c)} in {self.file.get(c, where)}")
                    for cls, c in found
                ]
            level = sorted({b for c in level for b in self.broader.get(c, ())} - seen)
            seen.update(level)
        return []


def _scheme_signature(directory: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in scheme_files.scheme_paths(directory))


@functools.lru_cache(maxsize=4)
def _concepts(signature: tuple[tuple[str, int, int], ...]) -> _ConceptIndex:
    index = _ConceptIndex()
    for path, _, _ in signature:
        graph = scheme_files.load_file(Path(path))
        name = Path(path).name
        for s, o in graph.subject_objects(RDF.type):
            index.types[str(s)].add(str(o))
            index.file.setdefault(str(s), name)
        for s, o in graph.subject_objects(CONCEPT_CLASS):
            index.concept_class[str(s)].add(str(o))
        for s, o in graph.subject_objects(SKOS.broader):
            index.broader[str(s)].add(str(o))
        for s, o in graph.subject_objects(SKOS.narrower):
            index.broader[str(o)].add(str(s))
        for s, o in graph.subject_objects(SKOS.prefLabel):
            if str(s) not in index.label or getattr(o, "language", None) == "en":
                index.label[str(s)] = str(o)
    return index


# --- the ontology HermiT is given ----------------------------------------------------------------


@dataclass(frozen=True)
class _Disjointness:
    text: str  # "cw:Facility owl:disjointWith cw:InstrumentType"
    source: str  # "core.ttl: owl:AllDisjointClasses (cw:ScienceDomain cw:Facility cw:InstrumentType)"

    def __str__(self) -> str:
        return f"{self.text} ({self.source})"


@dataclass
class _Base:
    nt: bytes  # the ontology as N-Triples, what every reasoner call loads
    graph: Graph
    classes: frozenset[str]  # named OWL classes (skos:Concept and the like left out)
    up: dict[str, list[tuple[str, str]]]  # class -> [(named superclass or equivalent, axiom text)]
    disjoint: dict[frozenset[str], _Disjointness]


def _ontology_signature() -> tuple[tuple[str, int, int], ...]:
    files = sorted(
        [*ONTOLOGIES.glob("*.ttl"), *ONTOLOGIES.glob("*.xml"), *(p for p in VOCAB_DIR.iterdir() if p.is_file())]
    )
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def _base() -> _Base:
    return _load_base(_ontology_signature())


def _base_graph() -> Graph:
    """What HermiT is given before any mapping (one place, so a test can swap it)."""
    return core_ontology.owl_graph()


@functools.lru_cache(maxsize=2)
def _load_base(signature: tuple[tuple[str, int, int], ...]) -> _Base:
    graph = _base_graph()
    files = [(p.name, core_ontology.read_graph(p)) for p in core_ontology.import_closure()]

    def stated_in(triple: tuple[URIRef, URIRef, URIRef]) -> str:
        return next((name for name, g in files if triple in g), "the loaded ontology")

    named = core_ontology.named_classes(graph)
    up: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s, o in graph.subject_objects(RDFS.subClassOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            up[str(s)].append(
                (str(o), f"{curie(str(s))} rdfs:subClassOf {curie(str(o))} ({stated_in((s, RDFS.subClassOf, o))})")
            )
    for s, o in graph.subject_objects(OWL.equivalentClass):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            text = f"{curie(str(s))} owl:equivalentClass {curie(str(o))} ({stated_in((s, OWL.equivalentClass, o))})"
            up[str(s)].append((str(o), text))
            up[str(o)].append((str(s), text))
    disjoint: dict[frozenset[str], _Disjointness] = {}
    for s, o in graph.subject_objects(OWL.disjointWith):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            disjoint[frozenset((str(s), str(o)))] = _Disjointness(
                f"{curie(str(s))} owl:disjointWith {curie(str(o))}", stated_in((s, OWL.disjointWith, o))
            )
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = [str(m) for m in Collection(graph, graph.value(node, OWL.members)) if isinstance(m, URIRef)]
        source = (
            f"{_all_disjoint_file(files, set(members))}: owl:AllDisjointClasses ({' '.join(curie(m) for m in members)})"
        )
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                disjoint.setdefault(frozenset((a, b)), _Disjointness(f"{curie(a)} owl:disjointWith {curie(b)}", source))
    classes = frozenset(str(c) for c in named if c not in GENERIC)
    return _Base(graph.serialize(format="nt", encoding="utf-8"), graph, classes, dict(up), disjoint)


def _all_disjoint_file(files: Sequence[tuple[str, Graph]], members: set[str]) -> str:
    for name, g in files:
        for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
            if {str(m) for m in Collection(g, g.value(node, OWL.members))} == members:
                return name
    return "the loaded ontology"


# --- HermiT ---------------------------------------------------------------------------------------


@dataclass
class _Outcome:
    inconsistent: bool
    unsatisfiable: set[str] = field(default_factory=set)
    message: str = ""


class _Reasoner:
    """One HermiT run per call, each in a fresh owlready2 World holding the base ontology plus
    the given classes (IRI -> the classes it is a subclass of)."""

    def __init__(self, base: _Base, report: LogicReport) -> None:
        self.base, self.report = base, report

    def run(self, classes: dict[str, Iterable[str]]) -> _Outcome:
        import owlready2

        lines = [self.base.nt]
        for cls, supers in classes.items():
            lines.append(f"<{cls}> <{RDF.type}> <{OWL.Class}> .\n".encode())
            for sup in sorted(set(supers)):
                lines.append(f"<{cls}> <{RDFS.subClassOf}> <{sup}> .\n".encode())
        start = time.perf_counter()
        world = owlready2.World()
        try:
            onto = world.get_ontology(CHECK_ONTOLOGY).load(fileobj=io.BytesIO(b"".join(lines)), format="ntriples")
            try:
                with onto:
                    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError as exc:
                return _Outcome(True, message=_java_message(str(exc)))
            except (OSError, subprocess.CalledProcessError, owlready2.OwlReadyJavaError) as exc:
                raise ReasonerUnavailable(f"HermiT could not be run: {_java_message(str(exc))}") from exc
            unsat = {c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing}
            return _Outcome(False, unsat)
        finally:
            world.close()
            self.report.reasoner_calls += 1
            self.report.reasoner_seconds += time.perf_counter() - start


def _said(message: str) -> str:
    return f" (HermiT: {message})" if message else ""


def _java_message(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    useful = [line for line in lines if "Exception" in line or "inconsistent" in line.lower()]
    return (useful[-1] if useful else (lines[-1] if lines else ""))[:300]


def _leave_one_out(terms: dict[str, list[MappingAxiom]]) -> dict[str, tuple[str, int]]:
    """Probe classes "the term's axioms but the i-th" for every term with two or more axioms."""
    probes: dict[str, tuple[str, int]] = {}
    for term, axs in terms.items():
        if len(axs) > 1:
            for i in range(len(axs)):
                probes[f"{PROBE}{len(probes)}"] = (term, i)
    return probes


def _minimise(
    reasoner: _Reasoner, terms: dict[str, list[MappingAxiom]], necessary: dict[str, set[int]]
) -> dict[str, list[MappingAxiom]]:
    """For each unsatisfiable term, a minimal unsatisfiable subset of its mapping axioms.

    ``necessary`` holds, per term, the axioms whose removal alone makes it satisfiable (the
    leave-one-out probes asked with the first call): they are in every minimal subset. If they
    are unsatisfiable by themselves they are the answer; otherwise plain deletion over the other
    axioms. Every term is probed at once, as separate probe classes in one ontology (a term class
    is referred to by nothing, so probes cannot interact): one call per round, not per term."""
    result: dict[str, list[MappingAxiom]] = {}
    undecided = {t: axs for t, axs in terms.items() if len(necessary[t]) < len(axs)}
    for term in terms:
        if term not in undecided:
            result[term] = list(terms[term])
    if undecided:  # are the necessary axioms enough?
        names = {f"{PROBE}n/{k}": t for k, t in enumerate(undecided)}
        out = reasoner.run({iri: [terms[t][i].owl_class for i in necessary[t]] for iri, t in names.items()})
        for iri, term in names.items():
            if iri in out.unsatisfiable:
                result[term] = [terms[term][i] for i in sorted(necessary[term])]
                del undecided[term]
    keep = {t: set(range(len(axs))) for t, axs in undecided.items()}
    pending = {t: [i for i in range(len(axs)) if i not in necessary[t]] for t, axs in undecided.items()}
    while any(pending.values()):  # deletion: drop an axiom for good if the rest stays unsatisfiable
        trial = {t: ps.pop(0) for t, ps in pending.items() if ps}
        # the necessary axioms alone are known satisfiable (checked above): no need to ask again
        trial = {t: i for t, i in trial.items() if keep[t] - {i} != necessary[t]}
        if not trial:
            continue
        names = {f"{PROBE}d/{k}": t for k, t in enumerate(trial)}
        out = reasoner.run({iri: [terms[t][i].owl_class for i in keep[t] if i != trial[t]] for iri, t in names.items()})
        for iri, term in names.items():
            if iri in out.unsatisfiable:
                keep[term].discard(trial[term])
    for term, idx in keep.items():
        result[term] = [terms[term][i] for i in sorted(idx)]
    return result


# --- explanations -------------------------------------------------------------------------------


def _superclasses(base: _Base, start: str) -> dict[str, list[str]]:
    """Every named class ``start`` is a subclass of (itself included), each with the chain of
    asserted axioms that leads there (shortest first, breadth-first)."""
    paths: dict[str, list[str]] = {start: []}
    todo = deque([start])
    while todo:
        cls = todo.popleft()
        for sup, text in base.up.get(cls, ()):
            if sup not in paths:
                paths[sup] = [*paths[cls], text]
                todo.append(sup)
    return paths


def clash_axioms(base: _Base, classes: Sequence[str]) -> list[str] | None:
    """The asserted axioms that make ``classes`` have no common instance: a superclass chain from
    two of them (or one) to two classes stated disjoint, and that disjointness. None when no
    such pair is found by walking named superclasses (the clash is then more indirect)."""
    ups = {c: _superclasses(base, c) for c in dict.fromkeys(classes)}
    best: list[str] | None = None
    names = list(ups)
    for i, a in enumerate(names):
        for b in names[i:]:
            for x, px in ups[a].items():
                for y, py in ups[b].items():
                    d = base.disjoint.get(frozenset((x, y)))
                    if d is None or (x == y):
                        continue
                    chain = list(dict.fromkeys([*px, *py, str(d)]))
                    if best is None or len(chain) < len(best):
                        best = chain
    return best


def _term_problem(base: _Base, term: str, axioms: list[MappingAxiom]) -> Problem:
    label = next((a.mapping.subject_label for a in axioms if a.mapping.subject_label), curie(term))
    clash = clash_axioms(base, [a.owl_class for a in axioms])
    detail = ""
    if clash is None:
        detail = (
            "No pair of disjoint classes is reached by asserted subclass axioms alone; HermiT infers "
            f"it from the ontology's other axioms about {', '.join(curie(a.owl_class) for a in axioms)}"
        )
    return Problem("unsatisfiable", term, label, tuple(axioms), tuple(clash or ()), detail)


def _core_problems(base: _Base, classes: set[str]) -> list[Problem]:
    out = []
    for cls in sorted(c for c in classes if not c.startswith(PROBE)):
        clash = clash_axioms(base, [cls])
        out.append(Problem("core", term=cls, ontology_axioms=tuple(clash or ()), detail=curie(cls)))
    return out


def _inconsistency(reasoner: _Reasoner, base: _Base, message: str) -> list[Problem]:
    """Name the cause of an inconsistent whole: the core alone (an individual of two disjoint
    classes, found by walking its asserted types), or the mappings."""
    alone = reasoner.run({})
    if not alone.inconsistent:
        return [
            Problem(
                "inconsistent",
                detail="the core ontology is consistent alone, but not with the class-level mappings"
                + _said(message)
                + ".",
            )
        ]
    axioms: list[str] = []
    for ind in sorted({str(s) for s in base.graph.subjects(RDF.type, None) if isinstance(s, URIRef)}):
        types = [str(t) for t in base.graph.objects(URIRef(ind), RDF.type) if str(t) in base.classes]
        if len(types) < 1:
            continue
        clash = clash_axioms(base, types)
        if clash:
            stated = ", ".join(f"{curie(ind)} rdf:type {curie(t)}" for t in sorted(types))
            axioms += [stated, *clash]
    return [
        Problem(
            "inconsistent",
            ontology_axioms=tuple(dict.fromkeys(axioms)),
            detail="the core ontology itself, before any mapping" + _said(message) + ".",
        )
    ]
