"""Audit log (issue 6, point 3): every write and every curator decision, append-only, with who,
what and when, tamper-evident, viewable by admins only.

Real records (two sample catalogs of examples/), `kg ingest` / `kg user` / `kg backup` /
`kg restore` through click's CliRunner, real users, a copy of the shipped mapping sets, the
Flask test client for the curator UI and /admin/audit, and two real processes appending at once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from app import create_app
from kg import audit
from kg.alignment.sssom import read_sssom
from kg.cli import main
from kg.config import DataDir
from kg.linking import curation
from kg.store import GraphStore
from kg.store.oxigraph import latest_checkpoint
from tests.conftest import ROOT

PASSWORD = "correct horse battery"
INPUTS = [ROOT / "examples" / "anl", ROOT / "examples" / "slac"]  # 12 + 7 records, two labs


def _kg(*args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two catalogs ingested, a curator and an admin added, all with the `kg` command."""
    data = tmp_path_factory.mktemp("audit") / "kg"
    _kg("ingest", *map(str, INPUTS), "--data-dir", str(data), "--quiet")
    for name, role in (("ada", "curator"), ("root", "admin")):
        _kg("user", "add", name, "--role", role, "--password-stdin", "--data-dir", str(data), input=PASSWORD + "\n")
    return data


@pytest.fixture
def maps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "mappings"
    directory.mkdir()
    for path in (ROOT / "ontologies" / "mappings").glob("*.sssom.tsv"):
        shutil.copy(path, directory / path.name)
    monkeypatch.setenv("KG_MAPPINGS_DIR", str(directory))
    return directory


@pytest.fixture
def client(data_dir: Path, maps: Path) -> Iterator[FlaskClient]:
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "PUBLISH_CHECK": False})
    with app.test_client() as c:
        yield c
    app.extensions["crosswalk"].close()


def _login(c: FlaskClient, name: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    page = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, page[:500]
    return c.post("/login", data={"csrf_token": token.group(1), "name": name, "password": password, "next": "/curate"})


def _csrf(c: FlaskClient) -> str:
    with c.session_transaction() as s:
        return s["csrf"]


def _lines(data: Path) -> list[bytes]:
    return audit.log_path(data).read_bytes().splitlines()


def _recent(ts: str) -> bool:
    when = dt.datetime.fromisoformat(ts)
    return when.tzinfo is not None and abs((dt.datetime.now(dt.UTC) - when).total_seconds()) < 120


# --- the log itself ------------------------------------------------------------------------------


def test_appends_never_rewrite_and_a_changed_line_is_named(tmp_path: Path) -> None:
    for i in range(1, 6):
        audit.record(tmp_path, "ada", "mapping.decide", f"anl/{i}", {"decision": "accept"})
    before = audit.log_path(tmp_path).read_bytes()
    entry = audit.record(tmp_path, "cli:root", "ingest.run", "examples/anl", {"added": 12})
    after = audit.log_path(tmp_path).read_bytes()
    assert after.startswith(before) and after.count(b"\n") == 6  # appended, nothing before it touched
    assert entry["seq"] == 6 and re.fullmatch(r"[0-9a-f]{64}", entry["hash"])
    assert audit.verify(tmp_path) == (True, f"6 entries, chain intact; head seq 6 hash {entry['hash']}")
    assert [e["seq"] for e in audit.read(tmp_path, limit=3)] == [6, 5, 4]  # newest first
    assert [e["target"] for e in audit.read(tmp_path, action="mapping", limit=2, offset=1)] == ["anl/4", "anl/3"]

    path = audit.log_path(tmp_path)
    lines = _lines(tmp_path)
    # someone changes who decided on line 3
    path.write_bytes(b"\n".join([*lines[:2], lines[2].replace(b'"actor":"ada"', b'"actor":"eve"'), *lines[3:]]) + b"\n")
    ok, message = audit.verify(tmp_path)
    assert not ok and "line 3:" in message and "hash" in message, message
    result = CliRunner().invoke(main, ["audit", "verify", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "line 3:" in result.output
    # ... and recomputes that line's own hash: the next line no longer follows it
    forged = json.loads(lines[2])
    forged["actor"] = "eve"
    forged["hash"] = audit._entry_hash(forged)
    path.write_bytes(b"\n".join([*lines[:2], audit._canonical(forged), *lines[3:]]) + b"\n")
    ok, message = audit.verify(tmp_path)
    assert not ok and "line 4:" in message and "line before" in message, message
    # a line removed
    path.write_bytes(b"\n".join([lines[0], *lines[2:]]) + b"\n")
    ok, message = audit.verify(tmp_path)
    assert not ok and "line 2:" in message, message


def test_a_torn_last_line_is_kept_and_named_never_joined(tmp_path: Path) -> None:
    audit.record(tmp_path, "ada", "mapping.decide", "anl/1")
    with open(audit.log_path(tmp_path), "ab") as fh:  # a crash in the middle of a write
        fh.write(b'{"seq":2,"ts":"2026-')
    entry = audit.record(tmp_path, "ada", "mapping.decide", "anl/3")
    lines = _lines(tmp_path)
    assert len(lines) == 3 and lines[1] == b'{"seq":2,"ts":"2026-' and json.loads(lines[2])["seq"] == entry["seq"] == 3
    ok, message = audit.verify(tmp_path)
    assert not ok and "line 2:" in message and "torn" in message, message


def test_secrets_never_reach_the_log(tmp_path: Path) -> None:
    audit.record(tmp_path, "root", "user.add", "eve", {"roles": ["curator"], "password": "hunter2-secret-pw",
                 "nested": {"api_token": "tok-abc123", "clientSecret": "s3cr3t", "token_name": "ci"}})  # fmt: skip
    text = audit.log_path(tmp_path).read_text(encoding="utf-8")
    for secret in ("hunter2-secret-pw", "tok-abc123", "s3cr3t"):
        assert secret not in text
    (entry,) = audit.read(tmp_path)
    assert entry["detail"] == {"roles": ["curator"], "nested": {"token_name": "ci"}}
    with pytest.raises(ValueError, match="dotted verb"):
        audit.record(tmp_path, "root", "delete everything")


_WRITER = """
import os, sys, time
from kg import audit
open(sys.argv[4] + "." + sys.argv[2][-1], "w").close()  # imported, ready
while not os.path.exists(sys.argv[4]):  # both start appending at the same moment
    time.sleep(0.002)
for i in range(int(sys.argv[3])):
    audit.record(sys.argv[1], sys.argv[2], "ingest.run", f"{sys.argv[2]}/{i}", {"i": i})
"""


def test_two_processes_appending_at_once_keep_one_chain(tmp_path: Path) -> None:
    n, go = 150, tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), f"cli:p{k}", str(n), str(go)], cwd=ROOT)
             for k in (1, 2)]  # fmt: skip
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"go.{k}").exists() for k in (1, 2)) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    ok, message = audit.verify(tmp_path)
    assert ok, message
    entries = audit.read(tmp_path, limit=10_000)
    assert sorted(e["seq"] for e in entries) == list(range(1, 2 * n + 1))
    for k in (1, 2):  # each process's entries all there, in the order it wrote them
        mine = [e["detail"]["i"] for e in reversed(entries) if e["actor"] == f"cli:p{k}"]
        assert mine == list(range(n))
    # both really ran at once: their entries interleave
    actors = [e["actor"] for e in reversed(entries)]
    assert sum(1 for a, b in zip(actors, actors[1:]) if a != b) > 1


# --- what the CLI writes ---------------------------------------------------------------------------


def test_kg_ingest_and_kg_user_are_logged_with_counts_and_no_password(data_dir: Path) -> None:
    (ingest,) = audit.read(data_dir, action="ingest.run")
    assert ingest["actor"] == audit.cli_actor() and ingest["actor"].startswith("cli:")
    assert _recent(ingest["ts"]) and ingest["target"] == ", ".join(map(str, INPUTS))
    d = ingest["detail"]
    assert (d["files"], d["records"], d["added"], d["changed"], d["unchanged"], d["failed"]) == (2, 19, 19, 0, 0, 0)
    assert d["per_source"]["anl"]["new"] == 12 and d["per_source"]["slac"]["new"] == 7
    users = audit.read(data_dir, action="user.add")
    assert [(e["target"], e["detail"]["roles"]) for e in reversed(users)] == [("ada", ["curator"]), ("root", ["admin"])]
    assert PASSWORD not in audit.log_path(data_dir).read_text(encoding="utf-8")
    listed = json.loads(_kg("audit", "--json", "--action", "user", "--limit", "2", "--data-dir", str(data_dir)))
    assert [e["target"] for e in listed] == ["root", "ada"]
    table = _kg("audit", "--actor", audit.cli_actor(), "--data-dir", str(data_dir))
    assert "ingest.run" in table and "user.add" in table
    assert _kg("audit", "--data-dir", str(data_dir), "verify").startswith("ok: ")


def test_kg_backup_and_restore_are_logged(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(data_dir, copy, ignore=shutil.ignore_patterns("checkpoints"))
    _kg("backup", str(tmp_path / "bak"), "--data-dir", str(copy))
    _kg("restore", str(tmp_path / "bak"), "--data-dir", str(copy))
    restored, made = audit.read(copy, action="backup", limit=2)
    assert (made["action"], made["target"], made["detail"]["records"]) == ("backup.create", str(tmp_path / "bak"), 19)
    assert (restored["action"], restored["target"]) == ("backup.restore", str((tmp_path / "bak").resolve()))
    assert restored["seq"] == made["seq"] + 1 and audit.verify(copy)[0]


# --- what the web UI writes ------------------------------------------------------------------------


def test_a_curator_decision_is_logged_with_who_what_and_when(client: FlaskClient, data_dir: Path, maps: Path) -> None:
    assert _login(client, "ada", "not the password").status_code == 401
    assert _login(client, "ada").status_code == 303
    refused, logged_in = audit.read(data_dir, action="auth.login", limit=2)[::-1]
    assert (refused["actor"], refused["target"], refused["detail"]["success"]) == ("anonymous", "ada", False)
    assert (logged_in["actor"], logged_in["detail"]["success"]) == ("ada", True)
    assert "not the password" not in audit.log_path(data_dir).read_text(encoding="utf-8")

    m = read_sssom(maps / "anl.sssom.tsv").by_status("proposed")[0]
    rid = m.record_id.rsplit("/", 1)[-1]
    r = client.post("/curate/anl/decide", data={"csrf_token": _csrf(client), "rid": rid, "decision": "reject",
                                                "comment": "the lab means something else"})  # fmt: skip
    assert r.status_code == 303
    (entry,) = audit.read(data_dir, limit=1)
    assert (entry["actor"], entry["action"], entry["target"]) == ("ada", "mapping.decide", f"anl/{rid}")
    assert _recent(entry["ts"])
    assert entry["detail"]["decision"] == "reject" and entry["detail"]["object"] == m.object_id
    assert entry["detail"]["comment"] == "the lab means something else"
    # a refused decision (a rejection without a comment) changes nothing and logs nothing
    client.post("/curate/anl/decide", data={"csrf_token": _csrf(client), "rid": rid, "decision": "reject"})
    assert audit.read(data_dir, limit=1)[0]["seq"] == entry["seq"]
    r = client.post("/curate/anl/discard", data={"csrf_token": _csrf(client)})
    assert r.status_code == 303
    assert audit.read(data_dir, limit=1)[0]["action"] == "mapping.discard_draft"
    assert audit.verify(data_dir)[0]


def test_a_link_decision_is_logged(client: FlaskClient, data_dir: Path) -> None:
    with GraphStore(latest_checkpoint(DataDir(data_dir).checkpoints), read_only=True) as store:
        infos = curation.dataset_infos(store)
    a = next(k for k, v in sorted(infos.items()) if "anl" in v.labs)
    b = next(k for k, v in sorted(infos.items()) if "slac" in v.labs)
    _login(client, "ada")
    r = client.post("/curate/links/decide", data={"csrf_token": _csrf(client), "source": infos[a].key,
                                                  "target": infos[b].key, "status": "accepted",
                                                  "comment": "same beamline campaign"})  # fmt: skip
    assert r.status_code == 303
    (entry,) = audit.read(data_dir, action="link.decide", limit=1)
    assert entry["actor"] == "ada" and _recent(entry["ts"])
    d = entry["detail"]
    assert (d["source"], d["target"], d["status"], d["machine_proposed"]) == (a, b, "accepted", False)
    assert d["comment"] == "same beamline campaign"


# --- the admin viewer --------------------------------------------------------------------------------


def test_audit_page_is_for_admins_only(client: FlaskClient) -> None:
    r = client.get("/admin/audit")
    assert r.status_code == 302 and r.headers["Location"] == "/login?next=/admin/audit"
    _login(client, "ada")  # a curator
    assert client.get("/admin/audit").status_code == 403
    client.post("/logout", data={"csrf_token": _csrf(client)})
    _login(client, "root")
    r = client.get("/admin/audit")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "chain intact" in html and "ingest.run" in html and "user.add" in html
    assert client.get("/admin").status_code == 302


def test_audit_page_filters_pages_and_escapes(client: FlaskClient, data_dir: Path, tmp_path: Path) -> None:
    audit.record(data_dir, "cli:root", "ingest.run", '<script>alert("x")</script>', {"note": "<b>bold</b>"})
    audit.record(data_dir, "ada", "mapping.decide", "anl/0000000000000000", {"decision": "accept"})
    _login(client, "root")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "<script>alert" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert 'role="region"' in html and 'tabindex="0"' in html and '<th scope="col">' in html
    # filters: rows only of that actor, or that action family
    only_ada = client.get("/admin/audit?actor=ada").get_data(as_text=True)
    rows = re.findall(r'<tr id="seq-\d+">(.*?)</tr>', only_ada, re.S)
    assert rows and all('actor=ada"' in row for row in rows)
    users = re.findall(r'<tr id="seq-(\d+)">', client.get("/admin/audit?action=user").get_data(as_text=True))
    assert [e["seq"] for e in audit.read(data_dir, action="user")] == [int(s) for s in users]
    # a second page, newest first throughout
    for i in range(120):
        audit.record(data_dir, "cli:root", "ingest.run", f"page-test/{i}")
    first = client.get("/admin/audit?target=page-test/").get_data(as_text=True)
    seqs = [int(s) for s in re.findall(r'<tr id="seq-(\d+)">', first)]
    assert len(seqs) == 100 and seqs == sorted(seqs, reverse=True) and "Older entries" in first
    second = client.get("/admin/audit?target=page-test/&offset=100").get_data(as_text=True)
    more = [int(s) for s in re.findall(r'<tr id="seq-(\d+)">', second)]
    assert len(more) == 20 and max(more) < min(seqs) and "Newer entries" in second


def test_audit_page_shows_a_broken_chain(data_dir: Path, maps: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kg"
    shutil.copytree(data_dir, copy, ignore=shutil.ignore_patterns("store", "checkpoints", "raw", "index"))
    lines = _lines(copy)
    lines[1] = lines[1].replace(b'"target":"', b'"target":"x')
    audit.log_path(copy).write_bytes(b"\n".join(lines) + b"\n")
    app = create_app({"DATA_DIR": str(copy), "TESTING": True})
    with app.test_client() as c:
        _login(c, "root")
        html = c.get("/admin/audit").get_data(as_text=True)
    app.extensions["crosswalk"].close()
    assert "hash chain is broken" in html and "line 2:" in html
