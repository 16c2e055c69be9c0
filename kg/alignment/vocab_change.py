"""A new version of a concept scheme (issue 4, point 7).

``kg align update-scheme NEW.ttl`` compares the new version with the installed one (same
``skos:ConceptScheme`` IRI) and, for every concept the new version deprecates
(``owl:deprecated true``, successor by ``dcterms:isReplacedBy``) or no longer contains:

* flags every mapping that uses it: in each affected set's draft, the row's comment says which
  scheme version deprecated the concept, and a mapping from the same lab term to the
  replacement is proposed (``semapv:MappingChaining``: the old mapping chained with
  ``isReplacedBy``, with the old row's confidence), so it comes up in the review queue;
* flags every stored dataset that uses it (through an alignment or as its own theme), in
  ``graph/vocabulary-changes``: one ``cw:DeprecatedConceptUse`` per dataset and concept, with
  the replacement and the scheme version;
* installs the new file, keeping the old one under ``versions/{name}/{version}.ttl``.

Nothing is re-aligned until a curator publishes the drafts: a deprecated concept keeps its
datasets until someone decides.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, RDF

from kg.alignment.sssom import Mapping
from kg.alignment.workspace import Workspace
from kg.namespaces import BASE, CHANGES_GRAPH, CW
from kg.ntriples import nt_lines
from kg.store import GraphStore

CHAINING = "semapv:MappingChaining"


@dataclass(frozen=True)
class ConceptChange:
    concept: str
    kind: str  # "deprecated" or "removed"
    replacement: str | None
    label: str


@dataclass
class SchemeUpdate:
    scheme: str
    name: str
    old_version: str
    new_version: str
    changes: list[ConceptChange] = field(default_factory=list)
    flagged_mappings: list[tuple[str, str]] = field(default_factory=list)  # (set name, record_id)
    proposed: list[tuple[str, str]] = field(default_factory=list)  # (set name, record_id) of replacements
    flagged_datasets: list[tuple[str, str]] = field(default_factory=list)  # (record key, concept)
    installed: Path | None = None


def scheme_changes(old: Graph, new: Graph) -> list[ConceptChange]:
    from kg.vocab import schemes as vocab

    old_iri, new_iri = vocab.scheme_iri(old), vocab.scheme_iri(new)
    before = set(vocab.concept_iris(old, old_iri))
    after_all = set(vocab.concept_iris(new, new_iri, include_deprecated=True))
    out = []
    for c in sorted(before):
        labels = vocab.labels(old, c).pref
        label = labels[0] if labels else str(c)
        if c not in after_all:
            out.append(ConceptChange(str(c), "removed", None, label))
        elif vocab.is_deprecated(new, c):
            successor = vocab.replacement(new, c)
            out.append(ConceptChange(str(c), "deprecated", str(successor) if successor else None, label))
    return out


def update_scheme(
    new_path: Path,
    *,
    schemes_dir: Path | None = None,
    mappings_dir: Path | None = None,
    store: GraphStore | None = None,
    today: str | None = None,
) -> SchemeUpdate:
    from kg.vocab import SCHEMES_DIR
    from kg.vocab import schemes as vocab

    schemes_dir = schemes_dir or SCHEMES_DIR
    new = Graph().parse(new_path)
    iri = str(vocab.scheme_iri(new))
    installed = next((s for s in vocab.list_schemes(schemes_dir) if s.iri == iri), None)
    if installed is None:
        raise ValueError(f"{new_path}: no installed scheme has the IRI {iri}; add new schemes to {schemes_dir}")
    old = Graph().parse(installed.path)
    new_version = str(new.value(URIRef(iri), URIRef("http://www.w3.org/2002/07/owl#versionInfo")) or "")
    if not new_version or new_version == (installed.version or ""):
        raise ValueError(f"{new_path}: owl:versionInfo must change (installed: {installed.version!r})")
    result = SchemeUpdate(iri, installed.name, installed.version or "", new_version, scheme_changes(old, new))
    changed = {c.concept: c for c in result.changes}
    date = today or dt.date.today().isoformat()

    # mappings: flag, and propose the replacement, in each affected set's draft
    ws = Workspace(mappings_dir)
    for name in ws.names():
        draft = ws.draft(name)
        known = {m.pair for m in draft.mappings}
        touched = False
        for i, m in enumerate(list(draft.mappings)):
            change = changed.get(m.object_id)
            if change is None or m.status == "rejected":
                continue
            note = f"{change.kind} in {installed.name} {new_version}" + (
                f"; replaced by {change.replacement}" if change.replacement else "; no replacement named"
            )
            if note not in m.comment:
                draft.mappings[i] = _with_comment(m, note)
                result.flagged_mappings.append((name, m.record_id))
                touched = True
            if change.replacement and (m.subject_id, change.replacement) not in known:
                new_labels = vocab.labels(new, change.replacement).pref
                proposal = Mapping(
                    subject_id=m.subject_id,
                    subject_label=m.subject_label,
                    predicate_id=m.predicate_id,
                    object_id=change.replacement,
                    object_label=new_labels[0] if new_labels else change.replacement,
                    mapping_justification=CHAINING,
                    confidence=m.confidence,
                    mapping_tool=f"crosswalk-align scheme update {installed.name} {new_version}",
                    mapping_date=date,
                    object_source=iri,
                    comment=f"replaces {m.object_label or m.object_id}, {change.kind} in {installed.name} {new_version}",
                ).with_id()
                draft.mappings.append(proposal)
                known.add(proposal.pair)
                result.proposed.append((name, proposal.record_id))
                touched = True
        if touched:
            ws.save_draft(draft)

    # datasets: every stored use of a changed concept
    if store is not None and changed:
        values = " ".join(f"<{c}>" for c in sorted(changed))
        rows = store.select(
            f"""SELECT DISTINCT ?key ?ds ?c WHERE {{ VALUES ?c {{ {values} }}
                GRAPH ?g {{ ?g <{CW.recordKey}> ?key ; <http://xmlns.com/foaf/0.1/primaryTopic> ?ds .
                            ?ds <{DCAT.theme}> ?c }} }}"""
        )
        triples = []
        for r in sorted(rows, key=lambda r: (r["key"], r["c"])):
            change = changed[r["c"]]
            node = URIRef(f"{BASE}vocabulary-change/" + hashlib.sha256(f"{r['key']}\x1f{r['c']}".encode()).hexdigest()[:16])
            triples += [
                (node, RDF.type, CW.DeprecatedConceptUse),
                (node, CW.recordRef, Literal(r["key"])),
                (node, CW.dataset, URIRef(r["ds"])),
                (node, CW.concept, URIRef(r["c"])),
                (node, CW.change, Literal(change.kind)),
                (node, CW.schemeVersion, Literal(f"{installed.name} {new_version}")),
            ]
            if change.replacement:
                triples.append((node, CW.replacedBy, URIRef(change.replacement)))
            result.flagged_datasets.append((r["key"], r["c"]))
        store.replace_graphs({CHANGES_GRAPH: "\n".join(nt_lines(triples))})

    # install: keep the old version, put the new one in place
    keep = schemes_dir / "versions" / installed.name / f"{installed.version or 'unversioned'}.ttl"
    keep.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(installed.path, keep)
    shutil.copy2(new_path, installed.path)
    result.installed = installed.path
    from kg.alignment.concepts import concept_index

    concept_index.cache_clear()
    return result


def _with_comment(m: Mapping, note: str) -> Mapping:
    from dataclasses import replace

    return replace(m, comment=f"{m.comment}; {note}" if m.comment else note)
