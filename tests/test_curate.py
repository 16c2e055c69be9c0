"""Curator UI (issue 4, points 3 and 4): login, review queue, decisions in a draft, impact, publish,
versions and SSSOM export.

Real mapping sets (ontologies/mappings, copied into tmp so the repository's files never change),
a real store (the sample corpus in examples/, ingested into tmp), real users (kg.users), and the
Flask test client. The one team-written set is the tiny one with markup in its lab term.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import importlib.util
import os
import re
import shutil
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from app import create_app
from app.auth import safe_next
from kg.alignment.align import alignment_graph
from kg.alignment.decisions import decide, list_versions
from kg.alignment.propose import term_counts
from kg.alignment.sssom import MANUAL, Mapping, MappingSet, read_sssom, term_iri, write_sssom
from kg.alignment.workspace import Workspace
from kg.config import DataDir
from kg.namespaces import BASE
from kg.pipeline import Ingestor
from kg.store import GraphStore
from kg.store.oxigraph import latest_checkpoint
from kg.users import UserError, add_user, load_users, set_password, verify
from kg.users_cli import user as user_cli
from tests.conftest import ROOT

MAPPINGS = ROOT / "ontologies" / "mappings"
PASSWORD = "correct horse battery"
HAS_LOGIC = importlib.util.find_spec("kg.alignment.logic") is not None
TODAY = dt.date.today().isoformat()


def _copy_mappings(target: Path) -> Path:
    target.mkdir(parents=True)
    for path in MAPPINGS.glob("*.sssom.tsv"):
        shutil.copy(path, target / path.name)
    if (MAPPINGS / "versions").is_dir():
        shutil.copytree(MAPPINGS / "versions", target / "versions")
    return target


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/ ingested (and aligned with a copy of the shipped mapping sets), three users."""
    root = tmp_path_factory.mktemp("curate")
    maps = _copy_mappings(root / "mappings")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KG_MAPPINGS_DIR", str(maps))
        ingestor = Ingestor(root / "kg")
        try:
            result = ingestor.ingest([ROOT / "examples"])
        finally:
            ingestor.close()
    assert result.stored == 103 and not result.errors, [str(e) for e in result.errors]
    add_user(root / "kg", "ada", PASSWORD, ["curator"])
    add_user(root / "kg", "bob", PASSWORD, [])
    add_user(root / "kg", "root", PASSWORD, ["admin"])
    return root / "kg"


@pytest.fixture
def maps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the mapping sets for each test, named by $KG_MAPPINGS_DIR."""
    directory = _copy_mappings(tmp_path / "mappings")
    monkeypatch.setenv("KG_MAPPINGS_DIR", str(directory))
    return directory


def _app(data: Path, **extra: object):  # type: ignore[no-untyped-def]
    return create_app({"DATA_DIR": str(data), "TESTING": True, "PUBLISH_CHECK": HAS_LOGIC, **extra})


@pytest.fixture
def client(data_dir: Path, maps: Path) -> Iterator[FlaskClient]:
    app = _app(data_dir)
    assert app.config["MAPPINGS_DIR"] == str(maps)
    with app.test_client() as c:
        yield c
    app.extensions["crosswalk"].close()


def _token(c: FlaskClient) -> str:
    page = c.get("/login").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def login(c: FlaskClient, name: str = "ada", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return c.post("/login", data={"csrf_token": _token(c), "name": name, "password": password, "next": "/curate"})


def csrf(c: FlaskClient) -> str:
    with c.session_transaction() as s:
        return s["csrf"]


def _short(record_id: str) -> str:
    return record_id.rsplit("/", 1)[-1]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_store(data: Path) -> GraphStore:
    path = latest_checkpoint(DataDir(data).checkpoints)
    assert path is not None
    return GraphStore(path, read_only=True)


def _gaining_row(ws: Workspace, store: GraphStore, name: str) -> tuple[Mapping, object]:
    """A proposed row of ``name`` whose acceptance gives some stored dataset a new concept."""
    published = ws.published(name)
    for m in sorted(published.by_status("proposed"), key=lambda m: -(m.confidence or 0)):
        trial = copy.deepcopy(published)
        decide(trial, m.record_id, "accept", reviewer="probe")
        impact = ws.impact(store, name, trial)
        if impact.gained:
            return m, impact
    raise AssertionError(f"no proposed row of {name} gives a dataset a concept")


# --- login, roles, CSRF ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_and_next_stays_on_this_site(client: FlaskClient) -> None:
    r = client.get("/curate")
    assert r.status_code == 302 and r.headers["Location"] == "/login?next=/curate"
    r = client.get("/curate/anl/changes")
    assert r.status_code == 302 and r.headers["Location"].endswith("/login?next=/curate/anl/changes")
    assert client.get("/curate/anl.sssom.tsv").status_code == 302
    # after login, next is followed only when it is a path here
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/ok\r\nX: y"):
        assert safe_next(evil, "/curate") == "/curate", evil
    r = client.post("/login", data={"csrf_token": _token(client), "name": "ada", "password": PASSWORD,
                                    "next": "//evil.example/"})  # fmt: skip
    assert r.status_code == 303 and r.headers["Location"] == "/curate"
    client.post("/logout", data={"csrf_token": csrf(client)})
    r = client.post("/login", data={"csrf_token": _token(client), "name": "ada", "password": PASSWORD,
                                    "next": "/curate/anl"})  # fmt: skip
    assert r.status_code == 303 and r.headers["Location"] == "/curate/anl"
    assert client.get("/curate").status_code == 200


def test_wrong_password_and_unknown_user_are_refused(client: FlaskClient) -> None:
    r = login(client, "ada", "not the password")
    assert r.status_code == 401 and "Wrong name or password" in r.get_data(as_text=True)
    assert login(client, "nobody", PASSWORD).status_code == 401
    assert client.get("/curate").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient) -> None:
    r = login(client)
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_user_without_the_curator_role_gets_403(client: FlaskClient, maps: Path) -> None:
    assert login(client, "bob").status_code == 303
    assert client.get("/curate").status_code == 403
    rid = _short(read_sssom(maps / "anl.sssom.tsv").by_status("proposed")[0].record_id)
    r = client.post("/curate/anl/decide", data={"csrf_token": csrf(client), "rid": rid, "decision": "accept"})
    assert r.status_code == 403
    assert not Workspace(maps).has_draft("anl")
    client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, "root")  # admin holds every role
    assert client.get("/curate").status_code == 200


def test_post_without_the_csrf_token_is_400(client: FlaskClient, maps: Path) -> None:
    assert client.post("/login", data={"name": "ada", "password": PASSWORD}).status_code == 400
    login(client)
    rid = _short(read_sssom(maps / "anl.sssom.tsv").by_status("proposed")[0].record_id)
    form = {"rid": rid, "decision": "accept", "comment": "fine"}
    assert client.post("/curate/anl/decide", data=form).status_code == 400
    assert client.post("/curate/anl/decide", data={**form, "csrf_token": "forged"}).status_code == 400
    assert client.post("/curate/anl/bulk", data={"min_confidence": "0"}).status_code == 400
    assert client.post("/curate/anl/publish").status_code == 400
    assert client.post("/logout").status_code == 400
    assert not Workspace(maps).has_draft("anl")
    assert client.post("/curate/anl/decide", data={**form, "csrf_token": csrf(client)}).status_code == 303


def test_a_password_change_ends_the_session(data_dir: Path, maps: Path, tmp_path: Path) -> None:
    users = tmp_path / "u"
    users.mkdir()
    shutil.copy(data_dir / "users.json", users / "users.json")
    app = _app(users)
    with app.test_client() as c:
        login(c)
        assert c.get("/curate").status_code == 200
        set_password(users, "ada", "another long password")
        assert c.get("/curate").status_code == 302
        assert c.post("/logout", data={"csrf_token": csrf(c)}).status_code == 303


# --- the queue and decisions ----------------------------------------------------------------------


def test_queue_is_ordered_by_records_affected_then_confidence(client: FlaskClient, data_dir: Path, maps: Path) -> None:
    login(client)
    page = client.get("/curate/anl").get_data(as_text=True)
    rows = re.findall(r'<tr id="row-([0-9a-f]{16})">\s*<td class="num">(\d+)</td>\s*<td>([^<]*)</td>', page)
    ms = read_sssom(maps / "anl.sssom.tsv")
    assert len(rows) == len(ms.by_status("proposed")) > 10
    store = _read_store(data_dir)
    try:
        counts = term_counts(store, "anl")
    finally:
        store.close()
    by_rid = {_short(m.record_id): m for m in ms.mappings}
    keys = []
    for rid, records, _term in rows:
        m = by_rid[rid]
        # records affected: the records using the term (spellings alike count once)
        expected = sum(n for t, n in counts.items() if term_iri("anl", t) == m.subject_id)
        assert int(records) == expected, m.subject_label
        keys.append((-int(records), -(m.confidence or 0)))
    assert keys == sorted(keys)
    assert int(rows[0][1]) >= 3 and int(rows[0][1]) > int(rows[-1][1])


def test_accept_goes_to_the_draft_with_reviewer_date_and_comment(client: FlaskClient, maps: Path) -> None:
    login(client)
    published = maps / "anl.sssom.tsv"
    before = _sha(published)
    m = read_sssom(published).by_status("proposed")[0]
    r = client.post("/curate/anl/decide", data={"csrf_token": csrf(client), "rid": _short(m.record_id),
                                                "decision": "accept", "comment": "the lab means this"})  # fmt: skip
    assert r.status_code == 303
    assert "Accepted" in client.get(r.headers["Location"]).get_data(as_text=True)
    draft = read_sssom(maps / "drafts" / "anl.sssom.tsv")
    row = next(x for x in draft.mappings if x.record_id == m.record_id)
    assert row.status == "accepted" and row.reviewer_agreement == 1.0
    assert row.reviewer_label == "ada" and row.reviewer_id == f"{BASE}user/ada"
    assert row.review_date == TODAY and row.comment == "the lab means this"
    assert _sha(published) == before  # published only on Publish
    # the queue no longer offers it; the index shows the draft
    assert _short(m.record_id) not in client.get("/curate/anl").get_data(as_text=True)
    assert "draft: 1 changed" in client.get("/curate").get_data(as_text=True)


def test_reject_needs_a_comment(client: FlaskClient, maps: Path) -> None:
    login(client)
    m = read_sssom(maps / "anl.sssom.tsv").by_status("proposed")[0]
    form = {"csrf_token": csrf(client), "rid": _short(m.record_id), "decision": "reject"}
    r = client.post("/curate/anl/decide", data={**form, "comment": "  "})
    assert r.status_code == 303
    assert "A rejection needs a comment" in client.get(r.headers["Location"]).get_data(as_text=True)
    assert not Workspace(maps).has_draft("anl")
    client.post("/curate/anl/decide", data={**form, "comment": "a different facility"})
    row = next(x for x in Workspace(maps).draft("anl").mappings if x.record_id == m.record_id)
    assert row.status == "rejected" and row.reviewer_agreement == -1.0 and row.comment == "a different facility"


def test_edit_adds_a_manual_row_and_rejects_the_old_one(client: FlaskClient, maps: Path) -> None:
    login(client)
    m = next(x for x in read_sssom(maps / "anl.sssom.tsv").by_status("proposed") if x.subject_label == "Climate")
    url = f"/curate/anl/mapping/{_short(m.record_id)}/edit"
    page = client.get(url, query_string={"q": "climate indicators"}).get_data(as_text=True)
    choices = re.findall(r'name="object_id" value="([^"]+)"', page)
    assert 0 < len(choices) <= 20
    target = next(c for c in choices if c != m.object_id)
    form = {"csrf_token": csrf(client), "object_id": target, "predicate_id": "skos:broadMatch", "comment": ""}
    assert client.post(url, data=form).status_code == 400  # a comment is required
    assert client.post(url, data={**form, "object_id": "https://evil.example/x", "comment": "x"}).status_code == 400
    assert not Workspace(maps).has_draft("anl")
    r = client.post(url, data={**form, "comment": "climate is a GCMD category here"})
    assert r.status_code == 303
    draft = Workspace(maps).draft("anl")
    old = next(x for x in draft.mappings if x.record_id == m.record_id)
    assert old.status == "rejected" and old.reviewer_label == "ada" and "climate is a GCMD category" in old.comment
    new = next(x for x in draft.mappings if x.subject_id == m.subject_id and x.object_id == target)
    assert new.mapping_justification == MANUAL and new.status == "accepted"
    assert new.predicate_id == "skos:broadMatch" and new.author_label == "ada" and new.mapping_date == TODAY
    assert new.object_label and " > " in new.object_label  # the concept's path, from the scheme


def test_bulk_accept_above_a_confidence(client: FlaskClient, maps: Path) -> None:
    login(client)
    published = read_sssom(maps / "nrel.sssom.tsv")
    high = {m.record_id for m in published.by_status("proposed") if (m.confidence or 0) >= 0.9}
    assert high
    r = client.post("/curate/nrel/bulk", data={"csrf_token": csrf(client), "min_confidence": "2"})
    assert "from 0 to 1" in client.get(r.headers["Location"]).get_data(as_text=True)
    assert not Workspace(maps).has_draft("nrel")
    r = client.post("/curate/nrel/bulk", data={"csrf_token": csrf(client), "min_confidence": "0.9",
                                               "comment": "lexical matches checked"})  # fmt: skip
    assert f"Accepted {len(high)} proposed" in client.get(r.headers["Location"]).get_data(as_text=True)
    draft = {m.record_id: m for m in Workspace(maps).draft("nrel").mappings}
    assert all(draft[k].status == "accepted" and draft[k].comment == "lexical matches checked" for k in high)
    for m in published.mappings:
        if m.record_id not in high:
            assert draft[m.record_id] == m


# --- impact, publish ----------------------------------------------------------------------------


def test_changes_page_lists_the_datasets_that_gain_a_concept(client: FlaskClient, data_dir: Path, maps: Path) -> None:
    login(client)
    ws = Workspace(maps)
    store = _read_store(data_dir)
    try:
        m, impact = _gaining_row(ws, store, "anl")
    finally:
        store.close()
    client.post("/curate/anl/decide", data={"csrf_token": csrf(client), "rid": _short(m.record_id),
                                            "decision": "accept"})  # fmt: skip
    page = client.get("/curate/anl/changes").get_data(as_text=True)
    for change in impact.gained:  # type: ignore[attr-defined]
        assert f'href="/dataset/{change.key}"' in page
    label = m.object_label.rsplit(" > ", 1)[-1]
    assert f"+ <strong>{label}</strong>" in page.replace("&amp;", "&")
    assert "Publish</button>" in page and "Discard the draft</button>" in page
    if impact.links:  # type: ignore[attr-defined]
        assert "added" in page
    # Undo puts the row back as published; no change left, the draft goes
    r = client.post(f"/curate/anl/mapping/{_short(m.record_id)}/revert", data={"csrf_token": csrf(client)})
    assert r.status_code == 303 and not ws.has_draft("anl")


def test_publish_makes_a_new_version_and_aligns_the_dataset(
    data_dir: Path, maps: Path, tmp_path: Path
) -> None:
    data = tmp_path / "kg"
    shutil.copytree(data_dir, data, ignore=shutil.ignore_patterns("LOCK"))
    app = _app(data)
    ws = Workspace(maps)
    store = _read_store(data)
    try:
        m, impact = _gaining_row(ws, store, "anl")
    finally:
        store.close()
    key = impact.gained[0].key  # type: ignore[attr-defined]
    ask = f"ASK {{ GRAPH <{alignment_graph(key)}> {{ ?ds <http://www.w3.org/ns/dcat#theme> <{m.object_id}> }} }}"
    version = int(ws.published("anl").version)
    with app.test_client() as c:
        login(c)
        c.post("/curate/anl/decide", data={"csrf_token": csrf(c), "rid": _short(m.record_id), "decision": "accept",
                                           "comment": "checked against the record"})  # fmt: skip
        assert (maps / "versions" / "anl").is_dir()
        store = app.extensions["crosswalk"].store()
        assert not bool(store.store.query(ask))  # not before publishing
        before = latest_checkpoint(DataDir(data).checkpoints)
        r = c.post("/curate/anl/publish", data={"csrf_token": csrf(c)})
        assert r.status_code == 303, r.get_data(as_text=True)[:2000]
        assert f"version {version + 1}" in c.get(r.headers["Location"]).get_data(as_text=True)
        assert not ws.has_draft("anl")
        assert [n for n, _ in list_versions(maps, "anl")][-1] == version + 1
        kept = read_sssom(maps / "versions" / "anl" / f"{version + 1}.sssom.tsv")
        row = next(x for x in kept.mappings if x.record_id == m.record_id)
        assert row.status == "accepted" and row.reviewer_label == "ada"
        assert read_sssom(maps / "anl.sssom.tsv").version == str(version + 1)
        # a new checkpoint, which the server's readers pick up
        assert latest_checkpoint(DataDir(data).checkpoints) != before
        assert bool(app.extensions["crosswalk"].store().store.query(ask))
        page = c.get(f"/curate/anl/versions/{version + 1}.sssom.tsv")
        assert page.status_code == 200 and page.data == (maps / "anl.sssom.tsv").read_bytes()
    app.extensions["crosswalk"].close()
    primary = GraphStore(DataDir(data).store)  # released by the app after publishing
    try:
        assert bool(primary.store.query(ask))
    finally:
        primary.close()


@pytest.mark.skipif(not HAS_LOGIC, reason="kg.alignment.logic is not there yet")
def test_publish_refused_when_the_ontology_would_break(client: FlaskClient, maps: Path) -> None:
    """APS is accepted as the light source; an edit also making it an X-ray diffraction
    instrument type (disjoint with facilities in core.ttl) is refused, with the axioms named."""
    login(client)
    ms = read_sssom(maps / "anl.sssom.tsv")
    als = next(m for m in ms.mappings if m.subject_label == "Advanced Photon Source" and m.object_id.endswith("/als"))
    assert als.status == "proposed"
    xrd = f"{BASE}concept/facilities/x-ray-diffraction"
    r = client.post(f"/curate/anl/mapping/{_short(als.record_id)}/edit",
                    data={"csrf_token": csrf(client), "object_id": xrd, "predicate_id": "skos:exactMatch",
                          "comment": "probe the consistency check"})  # fmt: skip
    assert r.status_code == 303
    before = _sha(maps / "anl.sssom.tsv")
    r = client.post("/curate/anl/publish", data={"csrf_token": csrf(client)})
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "Not published" in page
    assert "cw:LightSource" in page and "cw:InstrumentType" in page
    assert Workspace(maps).has_draft("anl") and _sha(maps / "anl.sssom.tsv") == before
    assert [n for n, _ in list_versions(maps, "anl")] == [n for n, _ in list_versions(MAPPINGS, "anl")]


def test_publish_is_refused_when_the_consistency_check_is_missing(
    maps: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "kg.alignment.logic", None)  # as before kg.alignment.logic existed
    app = _app(data_dir, PUBLISH_CHECK=True)
    with app.test_client() as c:
        login(c)
        m = read_sssom(maps / "anl.sssom.tsv").by_status("proposed")[0]
        c.post("/curate/anl/decide", data={"csrf_token": csrf(c), "rid": _short(m.record_id), "decision": "accept"})
        before = _sha(maps / "anl.sssom.tsv")
        r = c.post("/curate/anl/publish", data={"csrf_token": csrf(c)})
        assert r.status_code == 409 and "kg.alignment.logic" in r.get_data(as_text=True)
        assert Workspace(maps).has_draft("anl") and _sha(maps / "anl.sssom.tsv") == before
    app.extensions["crosswalk"].close()


def test_discard_drops_the_draft(client: FlaskClient, maps: Path) -> None:
    login(client)
    m = read_sssom(maps / "bnl.sssom.tsv").by_status("proposed")[0]
    client.post("/curate/bnl/decide", data={"csrf_token": csrf(client), "rid": _short(m.record_id), "decision": "accept"})
    assert Workspace(maps).has_draft("bnl")
    assert client.post("/curate/bnl/discard", data={"csrf_token": csrf(client)}).status_code == 303
    assert not Workspace(maps).has_draft("bnl")
    assert client.get("/curate/nosuchset").status_code == 404
    assert client.get("/curate/..%2fanl").status_code == 404


# --- versions and export --------------------------------------------------------------------------


def test_export_is_sssom_that_reads_back(client: FlaskClient, maps: Path, tmp_path: Path) -> None:
    login(client)
    r = client.get("/curate/pnnl.sssom.tsv")
    assert r.status_code == 200 and r.mimetype == "text/tab-separated-values"
    assert r.headers["Content-Disposition"] == 'attachment; filename="pnnl.sssom.tsv"'
    (tmp_path / "out.sssom.tsv").write_bytes(r.data)
    exported = read_sssom(tmp_path / "out.sssom.tsv")
    assert exported.id == f"{BASE}mappings/pnnl" and exported.mappings == read_sssom(maps / "pnnl.sssom.tsv").mappings
    m = exported.by_status("proposed")[0]
    client.post("/curate/pnnl/decide", data={"csrf_token": csrf(client), "rid": _short(m.record_id), "decision": "accept"})
    (tmp_path / "draft.sssom.tsv").write_bytes(client.get("/curate/pnnl.sssom.tsv?draft=1").data)
    row = next(x for x in read_sssom(tmp_path / "draft.sssom.tsv").mappings if x.record_id == m.record_id)
    assert row.status == "accepted"
    page = client.get("/curate/pnnl/versions").get_data(as_text=True)
    numbers = [n for n, _ in list_versions(maps, "pnnl")]
    assert numbers and all(f"/curate/pnnl/versions/{n}.sssom.tsv" in page for n in numbers)
    (tmp_path / "v.sssom.tsv").write_bytes(client.get(f"/curate/pnnl/versions/{numbers[0]}.sssom.tsv").data)
    assert read_sssom(tmp_path / "v.sssom.tsv").version == str(numbers[0])
    assert client.get("/curate/pnnl/versions/999.sssom.tsv").status_code == 404


def test_markup_in_a_lab_term_is_shown_escaped(client: FlaskClient, maps: Path) -> None:
    evil = '<script>alert("x")</script>'
    ms = MappingSet(
        {"mapping_set_id": f"{BASE}mappings/xss", "mapping_set_version": "1", "license": "https://creativecommons.org/publicdomain/zero/1.0/",
         "mapping_set_title": "<img src=x onerror=alert(1)>", "subject_source": f"{BASE}source/xss"},  # fmt: skip
        [Mapping(subject_id=term_iri("xss", "script"), subject_label=evil, predicate_id="skos:exactMatch",
                 object_id="https://gcmd.earthdata.nasa.gov/kms/concept/c47f6052-634e-40ef-a5ac-13f69f6f4c2a",
                 object_label="EARTH SCIENCE > <b>ATMOSPHERE</b>", mapping_justification="semapv:LexicalMatching",
                 confidence=0.9, mapping_tool="<i>tool</i>").with_id()],  # fmt: skip
    )
    write_sssom(ms, maps / "xss.sssom.tsv")
    login(client)
    rid = _short(ms.mappings[0].record_id)
    pages = [client.get("/curate"), client.get("/curate/xss"), client.get(f"/curate/xss/mapping/{rid}/edit")]
    client.post("/curate/xss/decide", data={"csrf_token": csrf(client), "rid": rid, "decision": "accept"})
    pages.append(client.get("/curate/xss/changes"))
    for r in pages:
        html = r.get_data(as_text=True)
        assert r.status_code == 200, r.request.path
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>ATMOSPHERE" not in html
        assert "<i>tool" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[0].get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in pages[1].get_data(as_text=True)


# --- users and the signing key --------------------------------------------------------------------


def test_users_file_and_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--data-dir", str(tmp_path)]
    r = runner.invoke(user_cli, ["add", "grace", "--role", "curator", "--password-stdin", *args], input=f"{PASSWORD}\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(user_cli, ["add", "grace", "--password-stdin", *args], input=f"{PASSWORD}\n")
    assert r.exit_code == 1 and "exists already" in r.output
    r = runner.invoke(user_cli, ["add", "short", "--password-stdin", *args], input="abc\n")
    assert r.exit_code == 1 and "at least 8" in r.output
    r = runner.invoke(user_cli, ["add", "../x", "--password-stdin", *args], input=f"{PASSWORD}\n")
    assert r.exit_code == 1
    r = runner.invoke(user_cli, ["add", "linus", "--role", "admin", *args], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert r.exit_code == 0, r.output  # prompted twice
    r = runner.invoke(user_cli, ["list", *args])
    assert r.exit_code == 0 and "grace\tcurator" in r.output and "linus\tadmin" in r.output
    assert "scrypt" not in r.output and "pbkdf2" not in r.output
    path = tmp_path / "users.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert PASSWORD not in path.read_text()
    assert verify(tmp_path, "grace", PASSWORD) is not None
    assert verify(tmp_path, "grace", "wrong password") is None and verify(tmp_path, "nobody", PASSWORD) is None
    assert load_users(tmp_path)["grace"].roles == ("curator",)
    with pytest.raises(UserError):
        add_user(tmp_path, "eve", PASSWORD, ["superuser"])


def test_secret_key_is_kept_in_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_SECRET_KEY", raising=False)
    first = create_app({"DATA_DIR": str(tmp_path)}).config["SECRET_KEY"]
    assert create_app({"DATA_DIR": str(tmp_path)}).config["SECRET_KEY"] == first and len(first) >= 32
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    monkeypatch.setenv("KG_SECRET_KEY", "k" * 40)
    assert create_app({"DATA_DIR": str(tmp_path)}).config["SECRET_KEY"] == "k" * 40
    assert os.environ["KG_SECRET_KEY"] == "k" * 40
