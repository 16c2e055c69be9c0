"""Curator UI for mapping sets (issue 4, points 3 and 4): review, decide, see the impact, publish.

Every view needs a logged-in user with the ``curator`` role (``admin`` has every role) and every
form carries the session's CSRF token (app.auth). Decisions go to the set's draft
(kg.alignment.workspace): ``/curate/<set>/changes`` shows which datasets would gain or lose which
concepts and which cross-lab links would change, and only Publish makes the draft the set's next
version (every version kept under ``versions/``) and re-aligns the records it touches.

Publishing writes the store, so it opens the primary store the way ``kg align apply`` does
(the web server itself only ever reads checkpoints, app.services) and then makes a checkpoint,
which every reader picks up on its next request. While another process holds the primary store
(``kg ingest``, ``kg link``, ``kg harvest``), Publish answers 503 and the draft stays as it was.
"""

from __future__ import annotations

import fcntl
import functools
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from rdflib.namespace import DCTERMS, FOAF

from app.auth import current_identity, current_user, login_required, protect, safe_next, scoped
from app.services import NoDataError
from kg import audit
from kg.alignment.align import SHARED_SOURCE, record_terms
from kg.alignment.decisions import DecisionError, bulk_accept, decide, edit, list_versions, load_version
from kg.alignment.sssom import (
    PREDICATES,
    Mapping,
    MappingSet,
    MappingSetError,
    curie_map,
    normalise_term,
    read_sssom,
    term_iri,
)
from kg.alignment.workspace import Impact, PublishRefused, Workspace
from kg.config import DataDir
from kg.linking import curation
from kg.namespaces import BASE, CW
from kg.store import GraphStore

bp = protect(Blueprint("curate", __name__))

QUEUE_PAGE = 200
CONCEPT_LIMIT = 20
TSV = "text/tab-separated-values; charset=utf-8"
_RID = re.compile(r"^[0-9a-f]{16}$")
MAPPING_PREFIX = f"{BASE}mapping/"


# --- helpers -------------------------------------------------------------------------------------


def _ws() -> Workspace:
    return Workspace(Path(current_app.config["MAPPINGS_DIR"]))


def _known(ws: Workspace, name: str) -> None:
    if name not in ws.names():
        abort(404, description=f"no mapping set {name!r}")


def _reviewer() -> str:
    user = current_user()
    assert user is not None  # login_required ran first
    return user.name


def _audit(action: str, target: str, /, **detail: object) -> None:
    """Record the decision or write just made in the audit log (kg.audit), as the logged-in user
    (``token:NAME`` when an API token made the request)."""
    audit.record(current_app.config["DATA_DIR"], current_identity().actor, action, target, detail)


def short_id(record_id: str) -> str:
    return record_id[len(MAPPING_PREFIX) :] if record_id.startswith(MAPPING_PREFIX) else record_id


def _record_id(rid: str) -> str:
    if not _RID.match(rid or ""):
        abort(404, description=f"no mapping {rid!r}")
    return MAPPING_PREFIX + rid


_thread_lock = threading.Lock()


@contextmanager
def _locked(ws: Workspace) -> Iterator[None]:
    """One writer at a time for a mappings directory's drafts and published sets (threads of this
    server and other processes using the same directory)."""
    folder = ws.directory / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    with _thread_lock, open(folder / ".lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _read_store() -> GraphStore | None:
    """The newest checkpoint as the curator may read it (kg.governance: their scope)."""
    try:
        return scoped()[0]  # type: ignore[no-any-return]
    except NoDataError:
        return None


_counts_lock = threading.Lock()
_counts_cache: OrderedDict[tuple[str, str | None], Counter[str]] = OrderedDict()


def records_by_subject(store: GraphStore, mapping_set: MappingSet) -> Counter[str]:
    """How many stored records use each subject (lab term) of the set: the records a decision on
    its mappings affects. Spellings that normalise alike count once per record, like alignment."""
    key = (str(getattr(store, "cache_key", store.path)), mapping_set.source)
    with _counts_lock:
        if key in _counts_cache:
            _counts_cache.move_to_end(key)
            return _counts_cache[key]
    source = mapping_set.source
    scope = None if source in (None, SHARED_SOURCE) else [source]
    counts: Counter[str] = Counter()
    for rec in record_terms(store, scope):
        subjects = {term_iri(rec.source, t) for _, t in rec.terms} | {term_iri(SHARED_SOURCE, t) for _, t in rec.terms}
        counts.update(subjects)
    with _counts_lock:
        _counts_cache[key] = counts
        while len(_counts_cache) > 32:
            _counts_cache.popitem(last=False)
    return counts


def _status_counts(mapping_set: MappingSet) -> dict[str, int]:
    counts = Counter(m.status for m in mapping_set.mappings)
    return {s: counts.get(s, 0) for s in ("proposed", "accepted", "rejected")}


def _changed(before: MappingSet, after: MappingSet) -> list[tuple[Mapping | None, Mapping | None]]:
    """Rows whose content differs between two versions of a set: (before, after), by record id."""
    old = {m.record_id: m for m in before.mappings}
    new = {m.record_id: m for m in after.mappings}
    return [(old.get(k), new.get(k)) for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]


@bp.app_template_filter("curie")
def curie(iri: object) -> str:
    """An IRI as the CURIE SSSOM files write it (``gcmd:…``, ``cwconcept:…``), else as it is."""
    text = str(iri or "")
    for prefix, ns in sorted(curie_map().items(), key=lambda p: -len(p[1])):
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


def _concept_label(path_or_label: str) -> str:
    return path_or_label.rsplit(" > ", 1)[-1] if path_or_label else ""


@dataclass(frozen=True)
class IndexedConcept:
    iri: str
    label: str
    path: str
    alt: tuple[str, ...]
    scheme: str
    keys: tuple[str, str, str]  # normalised label, alternatives, path


@functools.cache
def _concepts() -> dict[str, IndexedConcept]:
    """The shipped schemes' concepts (loaded once per process, ~2 s), for the edit search."""
    from kg.alignment.matching import scheme_concepts

    return {
        c.iri: IndexedConcept(c.iri, c.label, c.path, c.alt, c.scheme,
                              (normalise_term(c.label), " | ".join(normalise_term(a) for a in c.alt),
                               normalise_term(c.path)))  # fmt: skip
        for c in scheme_concepts()
    }


def search_concepts(query: str, limit: int = CONCEPT_LIMIT) -> list[IndexedConcept]:
    """Concepts whose label, alternative label or path contains ``query`` (as matching compares
    terms: case, accents and punctuation aside), exact labels first, then label prefixes."""
    needle = normalise_term(query or "")
    if not needle:
        return []
    ranked: list[tuple[int, int, str, IndexedConcept]] = []
    for c in _concepts().values():
        label, alt, path = c.keys
        if label == needle:
            rank = 0
        elif label.startswith(needle):
            rank = 1
        elif needle in label:
            rank = 2
        elif needle in alt:
            rank = 3
        elif needle in path:
            rank = 4
        else:
            continue
        ranked.append((rank, len(c.path), c.path, c))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked[:limit]]


# --- the list of sets ------------------------------------------------------------------------------


@bp.get("/curate")
@login_required("curator")
def index():  # type: ignore[no-untyped-def]
    ws = _ws()
    sets, problems = [], []
    for name in ws.names():
        try:
            published = ws.published(name)
            draft = ws.draft(name) if ws.has_draft(name) else None
        except MappingSetError as exc:
            problems.append(str(exc))
            continue
        sets.append(
            {
                "name": name,
                "title": published.metadata.get("mapping_set_title") or name,
                "source": published.source,
                "version": published.version,
                "counts": _status_counts(draft or published),
                "draft": draft is not None,
                "changed": len(_changed(published, draft)) if draft is not None else 0,
                "versions": len(list_versions(ws.directory, name)),
            }
        )
    return render_template("curate_index.html", sets=sets, problems=problems, directory=ws.directory)


# --- the review queue -----------------------------------------------------------------------------


@dataclass
class QueueRow:
    m: Mapping
    rid: str
    records: int | None
    label: str
    path: str


@bp.get("/curate/<name>")
@login_required("curator")
def queue(name: str):  # type: ignore[no-untyped-def]
    ws = _ws()
    _known(ws, name)
    draft = ws.draft(name)
    store = _read_store()
    counts = records_by_subject(store, draft) if store is not None else None
    rows = [
        QueueRow(m, short_id(m.record_id), counts.get(m.subject_id, 0) if counts is not None else None,
                 _concept_label(m.object_label) or m.object_id, m.object_label)  # fmt: skip
        for m in draft.by_status("proposed")
    ]
    rows.sort(key=lambda r: (-(r.records or 0), -(r.m.confidence or 0.0), r.m.subject_label.casefold(), r.m.object_id))
    try:
        offset = max(0, int(request.args.get("offset", "0")))
    except ValueError:
        offset = 0
    return render_template(
        "curate_queue.html",
        name=name,
        title=draft.metadata.get("mapping_set_title") or name,
        version=draft.version,
        rows=rows[offset : offset + QUEUE_PAGE],
        total=len(rows),
        offset=offset,
        page=QUEUE_PAGE,
        counts=_status_counts(draft),
        has_draft=ws.has_draft(name),
        no_data=store is None,
    )


def _back(name: str, anchor: str = "queue"):  # type: ignore[no-untyped-def]
    return redirect(url_for("curate.queue", name=name, _anchor=anchor), code=303)


@bp.post("/curate/<name>/decide")
@login_required("curator")
def decide_view(name: str):  # type: ignore[no-untyped-def]
    ws = _ws()
    _known(ws, name)
    record_id = _record_id(request.form.get("rid", ""))
    decision = request.form.get("decision", "")
    comment = request.form.get("comment", "").strip()
    if decision not in ("accept", "reject"):
        abort(400, description="decision must be accept or reject")
    if decision == "reject" and not comment:
        flash("A rejection needs a comment saying why: nothing was changed.", "error")
        return _back(name)
    with _locked(ws):
        draft = ws.draft(name)
        try:
            row = decide(draft, record_id, decision, reviewer=_reviewer(), comment=comment)
        except DecisionError as exc:
            flash(str(exc), "error")
            return _back(name)
        ws.save_draft(draft)
    _audit("mapping.decide", f"{name}/{short_id(record_id)}", mapping_set=name, mapping=record_id, decision=decision,
           subject=row.subject_label, predicate=row.predicate_id, object=row.object_id, comment=comment)  # fmt: skip
    verb = "Accepted" if decision == "accept" else "Rejected"
    flash(f"{verb} “{row.subject_label}” → {_concept_label(row.object_label) or row.object_id} (in the draft).", "ok")
    return _back(name)


@bp.post("/curate/<name>/bulk")
@login_required("curator")
def bulk_view(name: str):  # type: ignore[no-untyped-def]
    ws = _ws()
    _known(ws, name)
    try:
        threshold = float(request.form.get("min_confidence", ""))
    except ValueError:
        threshold = -1.0
    if not 0.0 <= threshold <= 1.0:
        flash("The confidence must be a number from 0 to 1: nothing was changed.", "error")
        return _back(name, "bulk")
    with _locked(ws):
        draft = ws.draft(name)
        done = bulk_accept(draft, min_confidence=threshold, reviewer=_reviewer(),
                           comment=request.form.get("comment", ""))  # fmt: skip
        if done:
            ws.save_draft(draft)
    if done:
        _audit("mapping.bulk_accept", name, mapping_set=name, min_confidence=threshold, accepted=len(done),
               mappings=[short_id(m.record_id) for m in done], comment=request.form.get("comment", ""))  # fmt: skip
    flash(f"Accepted {len(done)} proposed mappings with confidence ≥ {threshold:g} (in the draft).", "ok")
    return _back(name, "bulk")


@bp.route("/curate/<name>/mapping/<rid>/edit", methods=["GET", "POST"])
@login_required("curator")
def edit_view(name: str, rid: str):  # type: ignore[no-untyped-def]
    ws = _ws()
    _known(ws, name)
    record_id = _record_id(rid)
    draft = ws.draft(name)
    row = next((m for m in draft.mappings if m.record_id == record_id), None)
    if row is None:
        abort(404, description=f"no mapping {rid} in {name}")
    error = None
    form = request.form if request.method == "POST" else request.args
    query = form.get("q", row.subject_label)
    chosen = form.get("object_id", "")
    predicate = form.get("predicate_id", row.predicate_id if row.predicate_id in PREDICATES else "skos:exactMatch")
    comment = form.get("comment", "")
    if request.method == "POST":
        concept = _concepts().get(chosen)
        if concept is None:
            error = "Choose a concept of the shipped schemes."
        elif predicate not in PREDICATES:
            error = "Choose one of the SKOS mapping predicates."
        elif not comment.strip():
            error = "An edit needs a comment saying why."
        elif concept.iri == row.object_id and predicate == row.predicate_id:
            error = "That is the mapping as it is: choose another concept or predicate."
        if error is None:
            assert concept is not None
            with _locked(ws):
                draft = ws.draft(name)
                try:
                    new = edit(draft, record_id, object_id=concept.iri, object_label=concept.path,
                               predicate_id=predicate, reviewer=_reviewer(), comment=comment)  # fmt: skip
                except DecisionError as exc:
                    error = str(exc)
                else:
                    ws.save_draft(draft)
                    _audit("mapping.edit", f"{name}/{rid}", mapping_set=name, mapping=record_id,
                           subject=row.subject_label, before={"predicate": row.predicate_id, "object": row.object_id},
                           after={"predicate": predicate, "object": concept.iri, "mapping": new.record_id},
                           comment=comment)  # fmt: skip
                    flash(f"“{new.subject_label}” now maps to {concept.label} ({predicate}); "
                          "the machine's mapping is rejected (in the draft).", "ok")  # fmt: skip
                    return _back(name)
    return (
        render_template(
            "curate_edit.html",
            name=name,
            row=row,
            rid=rid,
            query=query,
            results=search_concepts(query),
            chosen=chosen,
            predicate=predicate,
            predicates=sorted(PREDICATES),
            comment=comment,
            error=error,
        ),
        400 if error else 200,
    )


@bp.post("/curate/<name>/mapping/<rid>/revert")
@login_required("curator")
def revert_view(name: str, rid: str):  # type: ignore[no-untyped-def]
    """Put one row of the draft back as it is in the published set (or drop a row the draft added)."""
    ws = _ws()
    _known(ws, name)
    record_id = _record_id(rid)
    with _locked(ws):
        if not ws.has_draft(name):
            return redirect(url_for("curate.changes", name=name), code=303)
        draft, published = ws.draft(name), ws.published(name)
        old = next((m for m in published.mappings if m.record_id == record_id), None)
        rows = [m for m in draft.mappings if m.record_id != record_id]
        draft.mappings = rows + ([old] if old is not None else [])
        if not _changed(published, draft):
            ws.discard_draft(name)
        else:
            ws.save_draft(draft)
    _audit("mapping.revert", f"{name}/{rid}", mapping_set=name, mapping=record_id)
    flash("Reverted that mapping to the published version.", "ok")
    return redirect(url_for("curate.changes", name=name), code=303)


# --- impact, publish, discard ---------------------------------------------------------------------


@dataclass
class DatasetChanges:
    key: str
    title: str
    source: str
    gained: list[tuple[str, str, str]] = field(default_factory=list)  # (concept iri, label, term)
    lost: list[tuple[str, str, str]] = field(default_factory=list)


def _titles(store: GraphStore, keys: set[str]) -> dict[str, tuple[str, str]]:
    """Record key → (dataset title, source name)."""
    chosen = sorted(k for k in keys if k.isalnum())
    if not chosen:
        return {}
    values = " ".join(f'"{k}"' for k in chosen)
    rows = store.select(
        f"""SELECT ?key (SAMPLE(?t) AS ?title) (SAMPLE(?src) AS ?source) WHERE {{ VALUES ?key {{ {values} }}
            GRAPH ?g {{ ?g <{CW.recordKey}> ?key ; <{CW.source}> ?src ; <{FOAF.primaryTopic}> ?ds .
                        OPTIONAL {{ ?ds <{DCTERMS.title}> ?t }} }}
            FILTER(STRSTARTS(STR(?g), "{BASE}graph/record/")) }} GROUP BY ?key"""
    )
    return {r["key"]: (r.get("title") or r["key"], (r.get("source") or "").rstrip("/").rsplit("/", 1)[-1]) for r in rows}


def _impact_view(ws: Workspace, name: str, store: GraphStore | None) -> dict[str, object]:
    published = ws.published(name)
    draft = ws.draft(name)
    labels = {m.object_id: _concept_label(m.object_label) or m.object_id for m in published.mappings + draft.mappings}
    changed = [
        {"before": b, "after": a, "rid": short_id((a or b).record_id)}  # type: ignore[union-attr]
        for b, a in _changed(published, draft)
    ]
    view: dict[str, object] = {"name": name, "has_draft": ws.has_draft(name), "changed": changed,
                               "version": published.version, "no_data": store is None, "labels": labels}  # fmt: skip
    if store is None or not changed:
        view.update(datasets=[], links=[], titles={}, impact=None)
        return view
    impact: Impact = ws.impact(store, name, draft)
    keys = {c.key for c in impact.gained + impact.lost} | {k for link in impact.links for k in (link.a, link.b)}
    titles = _titles(store, keys)
    by_key: dict[str, DatasetChanges] = {}
    for change, bucket in [(c, "gained") for c in impact.gained] + [(c, "lost") for c in impact.lost]:
        title, source = titles.get(change.key, (change.key, change.source))
        entry = by_key.setdefault(change.key, DatasetChanges(change.key, title, change.source or source))
        getattr(entry, bucket).append((change.concept, labels.get(change.concept, change.concept), change.term))
    datasets = sorted(by_key.values(), key=lambda d: (d.source, d.title.casefold(), d.key))
    view.update(datasets=datasets, links=impact.links, titles=titles, impact=impact)
    return view


@bp.get("/curate/<name>/changes")
@login_required("curator")
def changes(name: str):  # type: ignore[no-untyped-def]
    ws = _ws()
    _known(ws, name)
    return render_template("curate_changes.html", **_impact_view(ws, name, _read_store()), refused=None)


@bp.post("/curate/<name>/publish")
@login_required("curator")
def publish(name: str):  # type: ignore[no-untyped-def]
    ws = _ws()
    _known(ws, name)
    if not ws.has_draft(name) or not _changed(ws.published(name), ws.draft(name)):
        flash("The draft changes nothing: there is nothing to publish.", "error")
        return redirect(url_for("curate.changes", name=name), code=303)
    dirs = DataDir(Path(current_app.config["DATA_DIR"]))
    if not dirs.store.exists():
        flash(f"There is no store in {dirs.root}: ingest some records first (`kg ingest PATH`).", "error")
        return redirect(url_for("curate.changes", name=name), code=303)
    refused: list[str] | None = None
    status = 409
    with _locked(ws):
        version_before = ws.published(name).version
        try:
            store = GraphStore(dirs.store)
        except OSError:
            busy = ["Not published: the store is in use by another process (an ingest, link or harvest?): "
                    "try again when it has finished. The draft is kept."]  # fmt: skip
            return render_template("curate_changes.html", **_impact_view(ws, name, _read_store()), refused=busy), 503
        try:
            result = ws.publish(store, name, check=bool(current_app.config.get("PUBLISH_CHECK", True)))
            store.checkpoint(dirs.checkpoints)
        except PublishRefused as exc:
            refused = [f"Not published: {exc}", *exc.explanations]
        except ImportError as exc:
            if exc.name != "kg.alignment.logic":
                raise
            refused = ["Not published: the consistency check of mapping sets (kg.alignment.logic) is not installed, "
                       "so publishing is refused. The draft is kept."]  # fmt: skip
        except (MappingSetError, DecisionError) as exc:
            refused = [f"Not published: {exc}"]
        except Exception:
            current_app.logger.exception("publishing mapping set %s failed", name)
            version_after = ws.published(name).version
            if version_after == version_before:
                raise
            _audit("mapping.publish", name, mapping_set=name, version=version_after, realigned=False)
            refused = [f"{name} was saved as version {version_after}, but re-aligning the records failed "
                       "(the server log has the error): run `kg align apply` to align them."]  # fmt: skip
            status = 500
        finally:
            store.close()
    if refused is not None:
        view = _impact_view(ws, name, _read_store())
        return render_template("curate_changes.html", **view, refused=refused), status
    _audit("mapping.publish", name, mapping_set=name, version=result.version, previous_version=version_before,
           records_realigned=result.records_realigned, realigned=True)  # fmt: skip
    flash(
        f"Published {name} version {result.version}: {result.records_realigned} records re-aligned "
        f"({result.seconds:.1f} s).",
        "ok",
    )
    return redirect(url_for("curate.versions", name=name), code=303)


@bp.post("/curate/<name>/discard")
@login_required("curator")
def discard(name: str):  # type: ignore[no-untyped-def]
    ws = _ws()
    _known(ws, name)
    with _locked(ws):
        had_draft = ws.has_draft(name)
        ws.discard_draft(name)
    if had_draft:
        _audit("mapping.discard_draft", name, mapping_set=name)
    flash("The draft is discarded; the published set is unchanged.", "ok")
    return redirect(url_for("curate.queue", name=name), code=303)


# --- versions and export -------------------------------------------------------------------------


@bp.get("/curate/<name>/versions")
@login_required("curator")
def versions(name: str):  # type: ignore[no-untyped-def]
    ws = _ws()
    _known(ws, name)
    rows, previous = [], None
    for number, path in list_versions(ws.directory, name):
        try:
            ms = read_sssom(path)
        except MappingSetError as exc:
            rows.append({"number": number, "error": str(exc)})
            continue
        rows.append(
            {
                "number": number,
                "rows": len(ms.mappings),
                "counts": _status_counts(ms),
                "changed": len(_changed(previous, ms)) if previous is not None else None,
                "digest": ms.digest()[:12],
                "error": None,
            }
        )
        previous = ms
    rows.reverse()
    return render_template("curate_versions.html", name=name, rows=rows, version=ws.published(name).version)


def _tsv(body: bytes, filename: str) -> Response:
    resp = Response(body, mimetype="text/tab-separated-values")
    resp.headers["Content-Type"] = TSV
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/curate/<name>/versions/<int:version>.sssom.tsv")
@login_required("curator")
def version_file(name: str, version: int):  # type: ignore[no-untyped-def]
    ws = _ws()
    _known(ws, name)
    found = dict(list_versions(ws.directory, name))
    if version not in found:
        abort(404, description=f"{name} has no version {version}")
    load_version(ws.directory, name, version)  # only a valid set is served
    return _tsv(found[version].read_bytes(), f"{name}-v{version}.sssom.tsv")


@bp.get("/curate/<name>.sssom.tsv")
@login_required("curator")
def export(name: str):  # type: ignore[no-untyped-def]
    ws = _ws()
    _known(ws, name)
    if request.args.get("draft") == "1":
        path = ws.draft_path(name) if ws.has_draft(name) else ws.published_path(name)
        return _tsv(path.read_bytes(), f"{name}.draft.sssom.tsv")
    return _tsv(ws.published_path(name).read_bytes(), f"{name}.sssom.tsv")


# =================================================================================================
# --- related-dataset links (issue 5, point 4): review queue and decisions ------------------------
# =================================================================================================
#
# The machine's links (graph/links of the newest checkpoint) that no curator has decided on, one
# per undirected pair, links across labs first and best score first; Accept or Reject (a rejection
# needs a comment). A decision is appended to {data}/curation/link-decisions.jsonl
# (kg.linking.curation), then graph/link-decisions is rewritten in the primary store and a
# checkpoint made, as Publish does, so /sparql and landing pages see it at once. The file is the
# record: when another process holds the store the decision is kept and the graph is brought up to
# date by the next decision or `kg link`.

LINK_PAGE = 50
RECENT_DECISIONS = 50

_infos_lock = threading.Lock()
_infos_cache: OrderedDict[str, tuple[dict[str, curation.DatasetInfo], list[curation.StoredLink]]] = OrderedDict()


def _data_dirs() -> DataDir:
    return DataDir(Path(current_app.config["DATA_DIR"]))


def _checkpoint_facts(store: GraphStore) -> tuple[dict[str, curation.DatasetInfo], list[curation.StoredLink]]:
    """Titles and labs of the stored datasets and the machine's links, read once per checkpoint
    (a checkpoint never changes; a new one has a new path)."""
    key = str(getattr(store, "cache_key", store.path))  # per checkpoint and per caller's scope
    with _infos_lock:
        if key in _infos_cache:
            _infos_cache.move_to_end(key)
            return _infos_cache[key]
    facts = (curation.dataset_infos(store), curation.machine_links(store))
    with _infos_lock:
        _infos_cache[key] = facts
        while len(_infos_cache) > 4:
            _infos_cache.popitem(last=False)
    return facts


def _offset() -> int:
    try:
        return max(0, int(request.args.get("offset", "0")))
    except ValueError:
        return 0


def _links_view(lab: str | None, offset: int, error: str | None = None, form: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    store = _read_store()
    problem = None
    try:
        decisions = curation.load_decisions(_data_dirs())
    except curation.LinkDecisionError as exc:
        decisions, problem = {}, str(exc)
    infos, machine = _checkpoint_facts(store) if store is not None else ({}, [])
    rows: list[curation.QueueItem] = []
    labs: list[str] = []
    if store is not None and problem is None:
        everything = curation.review_queue(store, decisions, infos, links=machine)
        labs = sorted({lab_name for q in everything for ds in (q.source, q.target)
                       for lab_name in (infos[ds].labs if ds in infos else ())})  # fmt: skip
        rows = [q for q in everything if lab in _labs_of(infos, q)] if lab else everything
    recent = sorted(decisions.values(), key=lambda d: (d.at, d.pair), reverse=True)
    counts = Counter(d.status for d in decisions.values())
    return {
        "rows": rows[offset : offset + LINK_PAGE],
        "total": len(rows),
        "offset": offset,
        "page": LINK_PAGE,
        "lab": lab or "",
        "labs": labs,
        "infos": infos,
        "recent": recent[:RECENT_DECISIONS],
        "counts": {"accepted": counts.get("accepted", 0), "rejected": counts.get("rejected", 0)},
        "no_data": store is None,
        "problem": problem,
        "error": error,
        "form": form or {},
        "here": "links",
    }


def _labs_of(infos: dict[str, curation.DatasetInfo], item: curation.QueueItem) -> set[str]:
    return {name for ds in (item.source, item.target) if ds in infos for name in infos[ds].labs}


@bp.get("/curate/links")
@login_required("curator")
def link_queue():  # type: ignore[no-untyped-def]
    view = _links_view(request.args.get("lab") or None, _offset())
    return render_template("curate_links.html", **view), 500 if view["problem"] else 200


def _resolve(store: GraphStore, field_name: str, ref: str) -> str:
    """A dataset IRI for what the form gave (an IRI, a DOI or a record key); the form's text when it
    is not stored, so :func:`curation.record_decision` names the field and the reason."""
    ref = ref.strip()
    if not ref:
        return ref
    found = curation.resolve_dataset(store, ref)
    if found is not None:
        return found
    if ref.lower().startswith(("http://", "https://")):
        return ref
    raise curation.LinkDecisionError(field_name, f"{ref[:200]!r} is not a stored dataset's IRI, DOI or record key")


def _write_link_decisions(dirs: DataDir) -> str | None:
    """Rewrite graph/link-decisions in the primary store and make a checkpoint; a reason when it
    could not be done (the decision itself is in the file either way)."""
    if not dirs.store.exists():
        return f"there is no store in {dirs.root} yet"
    with _thread_lock:  # one opening of the primary store per process (Publish holds it too)
        try:
            store = GraphStore(dirs.store)
        except OSError:
            return "the store is in use by another process (an ingest, link or harvest?)"
        try:
            curation.write_decisions_graph(store, dirs)
        except curation.LinkDecisionError as exc:  # a hand-edited file gone wrong
            return str(exc)
        finally:
            store.close()
    return None


def _title(infos: dict[str, curation.DatasetInfo], iri: str) -> str:
    info = infos.get(iri)
    return (info.title if info and info.title else iri)[:120]


@bp.post("/curate/links/decide")
@login_required("curator")
def link_decide():  # type: ignore[no-untyped-def]
    """Accept or reject the link between two datasets. Form fields: ``source`` and ``target`` (a
    dataset IRI, DOI or record key), ``status`` (``accepted`` or ``rejected``), ``comment``
    (required to reject), ``next`` (a path on this site to return to, else the queue)."""
    form = {name: request.form.get(name, "") for name in ("source", "target", "status", "comment", "next")}
    back = safe_next(form["next"], url_for("curate.link_queue"))
    store = _read_store()
    if store is None:
        abort(503, description="no data is stored yet: run `kg ingest PATH` and `kg link` first")
    dirs = _data_dirs()
    try:
        source = _resolve(store, "source", form["source"])
        target = _resolve(store, "target", form["target"])
        decision = curation.record_decision(dirs, source, target, form["status"], curator=_reviewer(),
                                            comment=form["comment"], store=store)  # fmt: skip
    except curation.LinkDecisionError as exc:
        view = _links_view(request.args.get("lab") or None, _offset(), error=f"Nothing was recorded: {exc}", form=form)
        return render_template("curate_links.html", **view), 400
    infos, machine = _checkpoint_facts(store)
    proposed = any(curation.pair_key(m.source, m.target) == decision.pair for m in machine)
    _audit("link.decide", f"{decision.source} {decision.target}", source=decision.source, target=decision.target,
           status=decision.status, comment=decision.comment, machine_proposed=proposed)  # fmt: skip
    verb = "Accepted" if decision.status == "accepted" else "Rejected"
    flash(f"{verb} the link “{_title(infos, decision.source)}” — “{_title(infos, decision.target)}”.", "ok")
    not_written = _write_link_decisions(dirs)
    if not_written:
        flash(f"The decision is recorded, but SPARQL and landing pages show it only after the next "
              f"decision or `kg link`: {not_written}.", "error")  # fmt: skip
    return redirect(back, code=303)
