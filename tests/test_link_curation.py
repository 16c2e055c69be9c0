"""Curated links (issue 5, point 4): a curator accepts or rejects related-dataset links in the UI;
decisions persist across rebuilding the store and re-linking, a rejected pair never comes back,
an accepted one always stands, and SPARQL tells curated links from the machine's.

Real records (the sample corpus in examples/), the real store, the real embedding model
(``kg.linking.linker.link``), real users (kg.users) and the Flask test client.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app import create_app
from kg.config import DataDir
from kg.linking import curation
from kg.linking.linker import link
from kg.namespaces import BASE, CW, LINK_DECISIONS_GRAPH, LINKS_GRAPH
from kg.pipeline import Ingestor
from kg.store import GraphStore
from kg.store.oxigraph import latest_checkpoint
from kg.users import add_user
from tests.conftest import ROOT

PASSWORD = "correct horse battery"
PROV = "http://www.w3.org/ns/prov#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


def _ingest_and_link(data: Path) -> None:
    ingestor = Ingestor(data)
    try:
        result = ingestor.ingest([ROOT / "examples"])
    finally:
        ingestor.close()
    assert result.stored == 103 and not result.errors, [str(e) for e in result.errors]
    assert link(data).links > 50


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/ ingested and linked; a curator, a user without a role."""
    data = tmp_path_factory.mktemp("link-curation") / "kg"
    _ingest_and_link(data)
    add_user(data, "ada", PASSWORD, ["curator"])
    add_user(data, "bob", PASSWORD, [])
    return data


def _app(data: Path):  # type: ignore[no-untyped-def]
    return create_app({"DATA_DIR": str(data), "TESTING": True})


def _login(c: FlaskClient, name: str = "ada") -> None:
    page = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, page[:500]
    r = c.post("/login", data={"csrf_token": token.group(1), "name": name, "password": PASSWORD, "next": "/curate"})
    assert r.status_code == 303


def _csrf(c: FlaskClient) -> str:
    with c.session_transaction() as s:
        return s["csrf"]


def _queue_rows(html: str) -> list[tuple[str, str]]:
    """(source, target) of each queue row, in the order the page shows them."""
    body = html.split('id="queue"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'name="source" value="([^"]+)">\s*<input type="hidden" name="target" value="([^"]+)"', body)


def _waiting(html: str) -> int:
    found = re.search(r"<strong>(\d+)</strong> links wait", html)
    assert found, html[:2000]
    return int(found.group(1))


def _read_store(data: Path) -> GraphStore:
    path = latest_checkpoint(DataDir(data).checkpoints)
    assert path is not None
    return GraphStore(path, read_only=True)


def _machine_pairs(store: GraphStore) -> set[tuple[str, str]]:
    rows = store.select(
        f"SELECT ?a ?b WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?l <{CW.linkSource}> ?a ; <{CW.linkTarget}> ?b }} }}"
    )
    return {curation.pair_key(r["a"], r["b"]) for r in rows}


@dataclass
class Curated:
    data: Path
    rejected: tuple[str, str]  # (source, target) as the queue showed them
    accepted: tuple[str, str]
    added: tuple[str, str]  # an accepted pair the machine did not link
    waiting_before: int


@pytest.fixture(scope="module")
def curated(data_dir: Path) -> Iterator[Curated]:
    """A curator rejects the first queued link, accepts the second and links two datasets the
    machine did not (by record key), all through the UI."""
    app = _app(data_dir)
    with app.test_client() as c:
        _login(c)
        page = c.get("/curate/links")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        rows = _queue_rows(html)
        assert len(rows) >= 2
        rejected, accepted = rows[0], rows[1]
        with _read_store(data_dir) as store:
            infos = curation.dataset_infos(store)
            linked = _machine_pairs(store)
        a, b = next(
            (x, y)
            for x in sorted(infos)
            for y in sorted(infos)
            if x < y and not set(infos[x].labs) & set(infos[y].labs) and (x, y) not in linked
        )
        token = _csrf(c)
        r = c.post("/curate/links/decide", data={"csrf_token": token, "source": rejected[0], "target": rejected[1],
                                                 "status": "rejected", "comment": "different instruments, only the words agree",
                                                 "next": "/curate/links"})  # fmt: skip
        assert r.status_code == 303 and r.headers["Location"] == "/curate/links"
        r = c.post("/curate/links/decide", data={"csrf_token": token, "source": accepted[0], "target": accepted[1],
                                                 "status": "accepted", "comment": ""})  # fmt: skip
        assert r.status_code == 303
        r = c.post("/curate/links/decide", data={"csrf_token": token, "source": infos[a].key, "target": infos[b].key,
                                                 "status": "accepted", "comment": "same campaign"})  # fmt: skip
        assert r.status_code == 303
        yield Curated(data_dir, rejected, accepted, (a, b), _waiting(html))
    app.extensions["crosswalk"].close()


@pytest.fixture
def client(data_dir: Path) -> Iterator[FlaskClient]:
    app = _app(data_dir)
    with app.test_client() as c:
        yield c
    app.extensions["crosswalk"].close()


def _file_lines(data: Path) -> list[dict[str, str]]:
    path = DataDir(data).link_decisions
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


# --- the UI -----------------------------------------------------------------------------------------


def test_decisions_made_in_the_ui_are_in_the_file_with_who_when_and_why(curated: Curated) -> None:
    lines = _file_lines(curated.data)
    assert [(d["source"], d["target"], d["status"]) for d in lines[:3]] == [
        (*curated.rejected, "rejected"),
        (*curated.accepted, "accepted"),
        (*curated.added, "accepted"),
    ]
    assert {d["curator"] for d in lines} == {"ada"}
    assert lines[0]["comment"] == "different instruments, only the words agree"
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["at"]) for d in lines)
    decisions = curation.load_decisions(DataDir(curated.data))
    assert decisions[curation.pair_key(*curated.rejected)].status == "rejected"
    assert decisions[curation.pair_key(*curated.added)].comment == "same campaign"


def test_the_queue_no_longer_offers_decided_pairs_and_lists_the_decisions(
    curated: Curated, client: FlaskClient
) -> None:
    _login(client)
    html = client.get("/curate/links").get_data(as_text=True)
    assert _waiting(html) == curated.waiting_before - 2
    offered = {curation.pair_key(*r) for r in _queue_rows(html)}
    assert curation.pair_key(*curated.rejected) not in offered and curation.pair_key(*curated.accepted) not in offered
    decided = html.split('id="decided"', 1)[1]
    assert decided.count('class="decided-row"') == 3
    assert "different instruments, only the words agree" in decided and "ada" in decided
    assert '<span class="badge rejected">rejected</span>' in decided


def test_the_queue_puts_cross_lab_links_first_by_score_and_filters_by_lab(data_dir: Path, client: FlaskClient) -> None:
    _login(client)
    with _read_store(data_dir) as store:
        infos = curation.dataset_infos(store)
        queue = curation.review_queue(store, curation.load_decisions(DataDir(data_dir)), infos)
    keys = [(not q.cross_lab, -q.score) for q in queue]
    assert keys == sorted(keys) and queue[0].cross_lab
    html = client.get("/curate/links?lab=anl").get_data(as_text=True)
    rows = _queue_rows(html)
    assert rows and all("anl" in infos[s].labs + infos[t].labs for s, t in rows)
    assert _waiting(html) == sum(1 for q in queue if "anl" in infos[q.source].labs + infos[q.target].labs)
    assert _waiting(html) < len(queue)
    # pages of 50: the second page starts where the first ended
    first = _queue_rows(client.get("/curate/links").get_data(as_text=True))
    second = _queue_rows(client.get("/curate/links?offset=50").get_data(as_text=True))
    assert len(first) == 50 and second and [(q.source, q.target) for q in queue[50 : 50 + len(second)]] == second


def test_a_user_without_the_curator_role_gets_403_and_nothing_is_recorded(
    curated: Curated, client: FlaskClient
) -> None:
    before = _file_lines(curated.data)
    assert client.get("/curate/links").status_code == 302  # anonymous: sent to log in
    _login(client, "bob")
    assert client.get("/curate/links").status_code == 403
    r = client.post("/curate/links/decide", data={"csrf_token": _csrf(client), "source": curated.accepted[0],
                                                  "target": curated.accepted[1], "status": "rejected", "comment": "no"})  # fmt: skip
    assert r.status_code == 403
    assert _file_lines(curated.data) == before


def test_bad_input_is_a_400_naming_the_field_and_nothing_is_recorded(curated: Curated, client: FlaskClient) -> None:
    _login(client)
    before = _file_lines(curated.data)
    s, t = curated.accepted
    good = {"csrf_token": _csrf(client), "source": s, "target": t, "status": "rejected", "comment": "why not"}
    cases = [
        (
            {"target": "https://example.org/not-a-dataset"},
            "target: no stored dataset has the IRI https://example.org/not-a-dataset",
        ),
        ({"source": "not a dataset"}, "source: &#39;not a dataset&#39; is not a stored dataset"),
        ({"status": "maybe"}, "status: must be accepted or rejected, not &#39;maybe&#39;"),
        ({"comment": "  "}, "comment: a rejection needs a comment saying why"),
        ({"target": s}, "target: is the source dataset itself"),
        ({"source": ""}, "source: is missing"),
    ]
    for change, message in cases:
        r = client.post("/curate/links/decide", data={**good, **change})
        assert r.status_code == 400, change
        assert message in r.get_data(as_text=True), (change, r.get_data(as_text=True)[:3000])
    assert client.post("/curate/links/decide", data={**good, "csrf_token": "forged"}).status_code == 400
    assert _file_lines(curated.data) == before


def test_a_landing_page_can_post_a_decision_and_is_sent_back(curated: Curated, client: FlaskClient) -> None:
    _login(client)
    with _read_store(curated.data) as store:
        key = curation.dataset_infos(store)[curated.added[0]].key
    form = {"csrf_token": _csrf(client), "source": curated.added[0], "target": curated.added[1],
            "status": "accepted", "comment": "confirmed from the landing page"}  # fmt: skip
    r = client.post("/curate/links/decide", data={**form, "next": f"/dataset/{key}"})
    assert r.status_code == 303 and r.headers["Location"] == f"/dataset/{key}"
    r = client.post("/curate/links/decide", data={**form, "next": "//evil.example/"})
    assert r.status_code == 303 and r.headers["Location"] == "/curate/links"
    latest = curation.load_decisions(DataDir(curated.data))[curation.pair_key(*curated.added)]
    assert latest.status == "accepted" and latest.comment == "confirmed from the landing page"


# --- SPARQL and the landing page's filter -----------------------------------------------------------


def test_sparql_tells_curated_links_from_machine_links(curated: Curated, client: FlaskClient) -> None:
    query = f"""PREFIX cw: <{CW}>
    PREFIX prov: <{PROV}>
    PREFIX rdfs: <{RDFS}>
    SELECT ?a ?b ?status ?who ?when ?why WHERE {{
      {{ ?l a cw:DatasetLink ; cw:linkSource ?a ; cw:linkTarget ?b }}
      UNION {{ ?d a cw:LinkDecision ; cw:linkSource ?a ; cw:linkTarget ?b }}
      OPTIONAL {{
        ?d2 a cw:LinkDecision ; cw:dataset ?a, ?b ; cw:reviewStatus ?status ; prov:wasAttributedTo ?agent ;
            prov:generatedAtTime ?when .
        ?agent rdfs:label ?who OPTIONAL {{ ?d2 rdfs:comment ?why }} }}
    }}"""
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.get_data(as_text=True)[:2000]
    rows = [{k: v["value"] for k, v in b.items()} for b in r.get_json()["results"]["bindings"]]
    status = {}
    for row in rows:
        status.setdefault(curation.pair_key(row["a"], row["b"]), set()).add(row.get("status", "machine"))
    assert status[curation.pair_key(*curated.rejected)] == {"rejected"}
    assert status[curation.pair_key(*curated.accepted)] == {"accepted"}
    assert status[curation.pair_key(*curated.added)] == {"accepted"}
    assert sum(1 for s in status.values() if s == {"machine"}) == len(status) - 3
    by_pair = {curation.pair_key(row["a"], row["b"]): row for row in rows if "status" in row}
    rejected = by_pair[curation.pair_key(*curated.rejected)]
    assert rejected["who"] == "ada" and rejected["why"] == "different instruments, only the words agree"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rejected["when"])


def test_the_decisions_graph_names_the_curator_as_a_prov_agent(curated: Curated) -> None:
    with _read_store(curated.data) as store:
        rows = store.select(
            f"""SELECT ?d ?agent ?type WHERE {{ GRAPH <{LINK_DECISIONS_GRAPH}> {{
                  ?d a <{CW.LinkDecision}>, <{PROV}Entity> ; <{PROV}wasAttributedTo> ?agent . ?agent a ?type }} }}"""
        )
    assert len({r["d"] for r in rows}) == 3
    assert {r["agent"] for r in rows} == {f"{BASE}user/ada"} and {r["type"] for r in rows} == {f"{PROV}Agent"}


def test_rejected_pairs_lets_a_landing_page_drop_a_rejected_link(curated: Curated) -> None:
    ds, other = curated.rejected
    with _read_store(curated.data) as store:
        assert curation.rejected_pairs(store) == {curation.pair_key(ds, other)}
        # from either end of the pair
        assert curation.pair_key(other, ds) in curation.rejected_pairs(store, other)
        for elsewhere in set(curated.accepted) - {ds, other}:
            assert curation.rejected_pairs(store, elsewhere) == set()
        about = curation.stored_decisions(store, curated.added[1])
    assert about[curation.pair_key(*curated.added)].status == "accepted"
    assert about[curation.pair_key(*curated.added)].other(curated.added[1]) == curated.added[0]


# --- decisions win over a fresh link run, and survive a rebuild ---------------------------------------


def _check_decisions_win(data: Path, curated: Curated) -> None:
    """``kg link`` again: the links graph it writes has no link on the rejected pair, marks the
    accepted machine link, and holds the curator's own link (below the linker's threshold)."""
    link(data)
    rejected, accepted, added = (curation.pair_key(*p) for p in (curated.rejected, curated.accepted, curated.added))
    with GraphStore(DataDir(data).store) as store:
        rows = store.select(
            f"""SELECT ?l ?a ?b ?method ?status ?score WHERE {{ GRAPH <{LINKS_GRAPH}> {{
                  ?l <{CW.linkSource}> ?a ; <{CW.linkTarget}> ?b ; <{CW.method}> ?method .
                  OPTIONAL {{ ?l <{CW.curationStatus}> ?status }} OPTIONAL {{ ?l <{CW.score}> ?score }} }} }}"""
        )
    by_pair: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in rows:
        by_pair.setdefault(curation.pair_key(r["a"], r["b"]), []).append(r)
    assert rejected not in by_pair  # in neither direction
    assert by_pair[accepted] and {r.get("status") for r in by_pair[accepted]} == {"accepted"}
    assert any(r["method"] != "curator" for r in by_pair[accepted])  # the machine's link, marked
    (extra,) = by_pair[added]
    assert extra["method"] == "curator" and extra.get("status") == "accepted"
    assert float(extra["score"]) < 0.5  # below the linker's threshold: why the machine did not propose it
    assert (extra["a"], extra["b"]) == curated.added


def test_a_fresh_link_run_keeps_accepted_pairs_and_never_brings_back_rejected_ones(curated: Curated) -> None:
    _check_decisions_win(curated.data, curated)


def test_curation_marks_the_link_nodes_the_linker_writes(curated: Curated) -> None:
    """The accepted machine link's node in graph/links is the IRI the curation triples name."""
    s, t = curated.accepted
    with _read_store(curated.data) as store:
        rows = store.select(
            f"""SELECT ?l ?a ?b WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?l <{CW.linkSource}> ?a ; <{CW.linkTarget}> ?b
                  VALUES (?a ?b) {{ (<{s}> <{t}>) (<{t}> <{s}>) }} }} }}"""
        )
    assert rows and all(r["l"] == curation.link_node(r["a"], r["b"]) for r in rows)


def test_decisions_survive_deleting_the_store_and_rebuilding(curated: Curated, tmp_path: Path) -> None:
    data = tmp_path / "kg"
    shutil.copytree(curated.data, data)
    dirs = DataDir(data)
    before = curation.load_decisions(dirs)
    shutil.rmtree(dirs.store)
    shutil.rmtree(dirs.checkpoints)
    _ingest_and_link(data)
    assert curation.load_decisions(dirs) == before
    _check_decisions_win(data, curated)
    with GraphStore(dirs.store) as store:  # kg link wrote the decisions graph from the file
        assert store.select(f"SELECT ?d WHERE {{ GRAPH <{LINK_DECISIONS_GRAPH}> {{ ?d ?p ?o }} }} LIMIT 1")
        assert curation.write_decisions_graph(store, dirs) == 3
    with _read_store(data) as store:  # the checkpoint made by write_decisions_graph
        assert curation.rejected_pairs(store) == {curation.pair_key(*curated.rejected)}


# --- the decisions file -------------------------------------------------------------------------------


def test_the_file_keeps_every_decision_and_the_latest_for_a_pair_wins_in_either_direction(tmp_path: Path) -> None:
    dirs = DataDir(tmp_path)
    a, b = "https://doi.org/10.5072/a", f"{BASE}dataset/0123456789abcdef0123"
    curation.record_decision(dirs, a, b, "accepted", curator="ada")
    curation.record_decision(dirs, b, a, "rejected", curator="eve", comment="not the same site")
    assert len(curation.read_decisions(dirs)) == 2
    (only,) = curation.load_decisions(dirs).values()
    assert (only.source, only.target, only.status, only.curator) == (b, a, "rejected", "eve")
    assert (
        curation.apply_decisions(
            [curation.StoredLink(a, b, 0.9), curation.StoredLink(b, a, 0.8)], curation.load_decisions(dirs)
        ).pairs()
        == set()
    )


def test_an_interrupted_append_loses_only_itself(tmp_path: Path) -> None:
    dirs = DataDir(tmp_path)
    a, b, c = (f"https://doi.org/10.5072/{x}" for x in "abc")
    curation.record_decision(dirs, a, b, "accepted", curator="ada")
    with open(dirs.link_decisions, "ab") as fh:  # a crash half way through the next line
        fh.write(b'{"at": "2026-01-01T00:00:00Z", "comment": "", "cur')
    assert [d.target for d in curation.read_decisions(dirs)] == [b]
    curation.record_decision(dirs, a, c, "accepted", curator="ada")
    assert [d.target for d in curation.read_decisions(dirs)] == [b, c]
    assert all(line.startswith("{") for line in dirs.link_decisions.read_text().splitlines())


def test_a_broken_line_in_the_file_is_an_error_naming_the_line_and_field(tmp_path: Path) -> None:
    dirs = DataDir(tmp_path)
    dirs.link_decisions.parent.mkdir(parents=True)
    good = {"at": "2026-01-01T00:00:00Z", "comment": "", "curator": "ada", "source": "https://doi.org/10.5072/a",
            "status": "accepted", "target": "https://doi.org/10.5072/b"}  # fmt: skip
    dirs.link_decisions.write_text(json.dumps(good) + "\n" + json.dumps({**good, "status": "maybe"}) + "\n")
    with pytest.raises(
        curation.LinkDecisionError, match=r"link-decisions.jsonl:2: status: must be accepted or rejected"
    ) as err:
        curation.load_decisions(dirs)
    assert err.value.field == "status"
    with pytest.raises(curation.LinkDecisionError, match=r"^at: .* has no time zone"):
        curation.record_decision(
            dirs, good["source"], good["target"], "accepted", curator="ada", at="2026-01-01T00:00:00"
        )
