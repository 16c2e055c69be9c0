"""Access policies (issue 6, point 2): each role × each read path × each access level.

Real records (the sample corpus in examples/: ten lab catalogs), the real store and views, the
real embedding model and search index, real users with real API tokens, the Flask app. Every
path must show exactly the records the caller may see: SPARQL (default graph, GRAPH ?g, FROM,
FROM NAMED, the protocol's graph lists, property paths, aggregates, DESCRIBE), search hits,
totals, facets and autocomplete, landing pages (HTML and RDF), related-dataset lists and the
front page's counts. Then an embargo lifts at its date and a policy changes, without re-ingest
or restart.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from app import create_app
from kg.config import DataDir
from kg.governance import admin
from kg.governance.identity import Identity
from kg.governance.policy import Access, PolicySet, parse_access, with_lab, with_record, with_source
from kg.linking.linker import link
from kg.namespaces import CW, record_graph
from kg.pipeline import Ingestor
from kg.store import GraphStore
from kg.store.oxigraph import latest_checkpoint
from kg.tokens import create_token, load_tokens
from kg.users import add_user, set_memberships
from tests.conftest import ROOT

PASSWORD = "correct horse battery"
FUTURE = dt.date(2999, 1, 1)
PAST = dt.date(2000, 1, 1)


@dataclass
class Record:
    key: str
    source: str
    dataset: str
    title: str
    level: str  # P public, I internal, R restricted, E embargoed (future), L embargo lifted, RR record restricted


# who → the levels they may see (the expectation the whole matrix checks)
SEES = {
    "anonymous": {"P", "L"},
    "inl-member": {"P", "L", "I"},
    "fusion": {"P", "L", "R", "RR"},
    "anl-steward": {"P", "L", "R"},
    "bnl-member": {"P", "L", "E"},
    "curator": {"P", "L"},
    "admin": {"P", "L", "I", "R", "E", "RR"},
}
LEVEL_OF_SOURCE = {"nrel": "P", "inl": "I", "anl": "R", "bnl": "E", "fnal": "L"}


@dataclass
class World:
    data: Path
    records: list[Record]
    tokens: dict[str, str]

    def expected(self, who: str) -> set[str]:
        return {r.key for r in self.records if r.level in SEES[who]}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    data = tmp_path_factory.mktemp("access") / "kg"
    ingestor = Ingestor(data)
    try:
        result = ingestor.ingest([ROOT / "examples" / s for s in ("nrel", "inl", "anl", "bnl", "fnal")])
    finally:
        ingestor.close()
    assert result.stored > 30 and not result.errors
    assert link(data).links > 10
    with GraphStore(latest_checkpoint(DataDir(data).checkpoints), read_only=True) as cp:
        rows = cp.select(
            f"""SELECT ?g ?key ?src ?ds (SAMPLE(?t) AS ?title) WHERE {{ GRAPH ?g {{ ?g <{CW.recordKey}> ?key ;
                  <{CW.source}> ?src ; <http://xmlns.com/foaf/0.1/primaryTopic> ?ds .
                  ?ds <http://purl.org/dc/terms/title> ?t }}
                FILTER(STRSTARTS(STR(?g), "https://w3id.org/crosswalk/graph/record/")) }}
              GROUP BY ?g ?key ?src ?ds ORDER BY ?key"""
        )
    records = [Record(r["key"], r["src"].rsplit("/", 1)[-1], r["ds"], r["title"], "") for r in rows]
    for r in records:
        r.level = LEVEL_OF_SOURCE[r.source]
    special = next(r for r in records if r.source == "nrel")
    special.level = "RR"

    def policies(p: PolicySet) -> PolicySet:
        p = with_source(p, "inl", Access("internal"), "test")
        p = with_source(p, "anl", Access("restricted", ("fusion",)), "test")
        p = with_source(p, "bnl", Access("embargoed", until=FUTURE), "test")
        p = with_source(p, "fnal", Access("embargoed", until=PAST), "test")
        p = with_lab(p, "anl", "anl")
        return with_record(p, "nrel", special.key, Access("restricted", ("fusion",)), "test")

    _, how = admin.change(data, policies, "test")
    assert "views rebuilt" in how
    add_user(data, "admin", PASSWORD, ["admin"])
    add_user(data, "curator", PASSWORD, ["curator"])
    for name, labs, groups in (
        ("inl-member", {"inl": "member"}, ()),
        ("fusion", {}, ("fusion",)),
        ("anl-steward", {"anl": "steward"}, ()),
        ("bnl-member", {"bnl": "member"}, ()),
    ):
        add_user(data, name, PASSWORD, [])
        set_memberships(data, name, labs=labs, groups_add=groups)
    tokens = {name: create_token(data, name, "test")[1] for name in SEES if name != "anonymous"}
    return World(data, records, tokens)


@pytest.fixture(scope="module")
def client(world: World):  # type: ignore[no-untyped-def]
    app = create_app({"DATA_DIR": str(world.data), "TESTING": True})
    yield app.test_client()
    app.extensions["crosswalk"].close()


def _h(world: World, who: str, accept: str = "application/sparql-results+json") -> dict[str, str]:
    headers = {"Accept": accept}
    if who != "anonymous":
        headers["Authorization"] = f"Bearer {world.tokens[who]}"
    return headers


def _sparql(client, world: World, who: str, query: str, **params: object) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    r = client.get("/sparql", query_string={"query": query, **params}, headers=_h(world, who))
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    return [{k: v["value"] for k, v in b.items()} for b in r.get_json()["results"]["bindings"]]


ROLES = list(SEES)
PREFIX = f"PREFIX cw: <{CW}>\nPREFIX dcat: <http://www.w3.org/ns/dcat#>\n"


def test_the_fixture_has_every_level(world: World) -> None:
    assert {r.level for r in world.records} == {"P", "I", "R", "E", "L", "RR"}
    stored = (world.data / "tokens.json").read_text()
    assert load_tokens(world.data) and world.tokens["admin"].rsplit("_", 1)[-1] not in stored  # hashed only


@pytest.mark.parametrize("who", ROLES)
def test_sparql_default_graph_and_graph_patterns(client, world: World, who: str) -> None:  # type: ignore[no-untyped-def]
    expected = world.expected(who)
    default = {
        r["key"] for r in _sparql(client, world, who, PREFIX + "SELECT DISTINCT ?key WHERE { ?g cw:recordKey ?key }")
    }
    assert default == expected
    in_graphs = _sparql(client, world, who, PREFIX + "SELECT DISTINCT ?key WHERE { GRAPH ?g { ?g cw:recordKey ?key } }")
    assert {r["key"] for r in in_graphs} == expected
    path = _sparql(client, world, who, PREFIX + "SELECT DISTINCT ?key WHERE { ?cat dcat:record/cw:recordKey ?key }")
    assert {r["key"] for r in path} == expected
    count = _sparql(
        client,
        world,
        who,
        PREFIX + "SELECT (COUNT(DISTINCT ?k) AS ?n) WHERE { ?g cw:recordKey ?k ; cw:contentHash ?h }",
    )
    assert int(count[0]["n"]) == len(expected)


@pytest.mark.parametrize("who", ROLES)
def test_sparql_from_named_and_protocol_lists_are_cut_to_the_scope(client, world: World, who: str) -> None:  # type: ignore[no-untyped-def]
    expected = world.expected(who)
    named = " ".join(f"FROM NAMED <{record_graph(r.key)}>" for r in world.records)
    rows = _sparql(
        client, world, who, PREFIX + f"SELECT DISTINCT ?key {named} WHERE {{ GRAPH ?g {{ ?g cw:recordKey ?key }} }}"
    )
    assert {r["key"] for r in rows} == expected
    for r in world.records:
        if r.level in ("I", "RR"):  # one hidden-or-not record per kind is enough for FROM
            q = PREFIX + f"SELECT (COUNT(*) AS ?n) FROM <{record_graph(r.key)}> WHERE {{ ?s ?p ?o }}"
            n = int(_sparql(client, world, who, q)[0]["n"])
            assert (n > 0) == (r.key in expected), (who, r.key)
            rows = _sparql(client, world, who, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                           **{"default-graph-uri": record_graph(r.key)})  # fmt: skip
            assert (int(rows[0]["n"]) > 0) == (r.key in expected)


@pytest.mark.parametrize("who", ["anonymous", "inl-member", "admin"])
def test_describe_and_construct_never_reach_a_hidden_dataset(client, world: World, who: str) -> None:  # type: ignore[no-untyped-def]
    for r in world.records:
        if r.level not in ("I", "R", "RR"):
            continue
        resp = client.get("/sparql", query_string={"query": f"DESCRIBE <{r.dataset}>"},
                          headers=_h(world, who, "application/n-triples"))  # fmt: skip
        assert resp.status_code == 200
        body = resp.get_data(as_text=True)
        assert (r.title in body or json.dumps(r.title)[1:-1] in body) == (r.key in world.expected(who)), (who, r.key)


@pytest.mark.parametrize("who", ROLES)
def test_landing_pages_and_their_rdf(client, world: World, who: str) -> None:  # type: ignore[no-untyped-def]
    expected = world.expected(who)
    for r in world.records:
        page = client.get(f"/dataset/{r.key}", headers=_h(world, who, "text/html"))
        assert page.status_code == (200 if r.key in expected else 404), (who, r.key, r.level)
        rdf = client.get(f"/dataset/{r.key}?format=ttl", headers=_h(world, who, "text/turtle"))
        assert rdf.status_code == (200 if r.key in expected else 404)
        if r.key in expected:  # related datasets listed on it are visible ones only
            html = page.get_data(as_text=True)
            for other in world.records:
                if other.key not in expected:
                    assert f"/dataset/{other.key}" not in html, (who, r.key, other.key)
                    assert other.dataset not in rdf.get_data(as_text=True)


@pytest.mark.parametrize("who", ROLES)
def test_search_hits_totals_facets_and_autocomplete(client, world: World, who: str) -> None:  # type: ignore[no-untyped-def]
    expected = world.expected(who)
    broad = client.get(
        "/api/search", query_string={"q": "data", "limit": 100}, headers=_h(world, who, "application/json")
    )
    doc = broad.get_json()
    keys = {h["key"] for h in doc["hits"]}
    assert keys <= expected and keys
    assert sum(f["count"] for f in doc["facets"]["validation"]) == doc["total"] <= len(expected)
    for r in world.records:
        hits = client.get("/api/search", query_string={"q": r.title, "limit": 50},
                          headers=_h(world, who, "application/json")).get_json()["hits"]  # fmt: skip
        found = {h["key"] for h in hits}
        assert found <= expected
        if r.key in expected:
            assert r.key in found, (who, r.title)
        else:
            assert r.key not in found
        suggest = client.get(
            "/api/suggest", query_string={"q": r.title[:12]}, headers=_h(world, who, "application/json")
        )
        titles = {s["text"] for s in suggest.get_json()["suggestions"]}
        others_with_title = {o.title for o in world.records if o.key in expected}
        if r.key not in expected and r.title not in others_with_title:
            assert r.title not in titles


@pytest.mark.parametrize("who", ["anonymous", "fusion", "admin"])
def test_front_page_counts_what_the_caller_may_see(client, world: World, who: str) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/", headers=_h(world, who, "text/html")).get_data(as_text=True)
    n = len({r.dataset for r in world.records if r.key in world.expected(who)})
    assert f">{n}<" in html.replace(",", "") or f" {n} " in html, n


def test_a_bad_token_is_refused_not_anonymous(client, world: World) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/search?q=data", headers={"Authorization": "Bearer cwt_000000000000_nottherightsecretatall"})
    assert r.status_code == 401 and "WWW-Authenticate" in r.headers


def test_policy_rules_and_embargo_dates() -> None:
    p = with_source(PolicySet(), "x", parse_access("embargoed", until="2030-05-01"), "t")
    anon, member = Identity(), Identity("m", labs={"x": "member"})
    assert not p.can_see(anon, "x", dt.date(2030, 4, 30)) and p.can_see(anon, "x", dt.date(2030, 5, 1))
    assert p.can_see(member, "x", dt.date(2030, 4, 30))
    with pytest.raises(ValueError, match="names at least one group"):
        parse_access("restricted")
    with pytest.raises(ValueError, match="not a date"):
        parse_access("embargoed", until="soon")
    assert not PolicySet().can_see(anon, "x~unknown")  # a unit no policy describes: fails closed


def test_a_lab_admin_sets_their_labs_policy_in_the_web_ui_and_only_theirs(client, world: World) -> None:  # type: ignore[no-untyped-def]
    """Runs near the end: inl goes from internal to public through /admin/access (a program with
    an API token, so no CSRF token; a browser's form carries one)."""
    add_user(world.data, "inl-admin", PASSWORD, [])
    set_memberships(world.data, "inl-admin", labs={"inl": "admin"})
    bearer = {"Authorization": f"Bearer {create_token(world.data, 'inl-admin', 'test')[1]}"}
    app = client.application
    fresh = app.test_client()  # no cookies: a token request needs no CSRF token
    page = fresh.get("/admin/access", headers=bearer).get_data(as_text=True)
    assert "<td>inl</td>" in page and "<td>anl</td>" not in page
    assert (
        fresh.post("/admin/access/source", data={"source": "anl", "level": "public"}, headers=bearer).status_code == 403
    )
    bad = fresh.post("/admin/access/source", data={"source": "inl", "level": "restricted"}, headers=bearer)
    assert bad.status_code == 400 and "group" in bad.get_data(as_text=True)
    bad = fresh.post("/admin/access/record", data={"key": "nope", "level": "public"}, headers=bearer)
    assert bad.status_code == 400 and "key" in bad.get_data(as_text=True)
    inl = {r.key for r in world.records if r.source == "inl"}
    query = PREFIX + "SELECT DISTINCT ?key WHERE { ?g cw:recordKey ?key }"
    assert not inl & {r["key"] for r in _sparql(client, world, "anonymous", query)}
    done = fresh.post("/admin/access/source", data={"source": "inl", "level": "public"}, headers=bearer)
    assert done.status_code == 303
    assert inl <= {r["key"] for r in _sparql(client, world, "anonymous", query)}
    # a browser without the CSRF token is refused; the anonymous visitor is sent to log in
    browser = app.test_client()
    assert browser.get("/admin/access").status_code == 302
    r = browser.post("/admin/access/source", data={"source": "inl", "level": "internal"})
    assert r.status_code == 400
    from kg.audit import read

    assert any(e["action"] == "policy.set" and e["actor"] == "token:inl-admin" for e in read(world.data, limit=20))


def test_an_embargo_lifts_at_its_date_and_policies_change_without_restart(client, world: World) -> None:  # type: ignore[no-untyped-def]
    """Runs last: it changes the policies. bnl's embargo is moved to today (only the file
    changes: no ingest, no refresh, same server) and anonymous callers see bnl at once; then inl
    is opened to everyone and anl closed again to its group."""
    bnl = {r.key for r in world.records if r.source == "bnl"}
    query = PREFIX + "SELECT DISTINCT ?key WHERE { ?g cw:recordKey ?key }"
    before = {r["key"] for r in _sparql(client, world, "anonymous", query)}
    assert not bnl & before
    today = dt.datetime.now(dt.UTC).date()
    _, how = admin.change(world.data, lambda p: with_source(p, "bnl", Access("embargoed", until=today), "test"), "test")
    assert how == "saved"  # opening up needs no rebuild
    after = {r["key"] for r in _sparql(client, world, "anonymous", query)}
    assert bnl <= after
    page = client.get(f"/dataset/{sorted(bnl)[0]}", headers=_h(world, "anonymous", "text/html"))
    assert page.status_code == 200
    # tightening: nrel (public) becomes internal; the views are rebuilt before the file is saved
    _, how = admin.change(world.data, lambda p: with_source(p, "nrel", Access("internal"), "test"), "test")
    assert "views rebuilt" in how
    nrel = {r.key for r in world.records if r.source == "nrel"}
    now = {r["key"] for r in _sparql(client, world, "anonymous", query)}
    assert not nrel & now
    hits = client.get("/api/search", query_string={"q": "data", "limit": 100}).get_json()["hits"]
    assert not {h["key"] for h in hits} & nrel


def test_the_public_view_is_the_union_of_the_public_units_after_changes(world: World) -> None:
    """Runs last: graph/view/class/public is kept by difference; after the changes above it
    must hold exactly what its member units' views and the small _shared mention views (the
    software agents' copy, curators' decisions on public datasets) hold."""
    import pyoxigraph as ox

    from kg.governance.views import (
        FOLDED_VIEWS,
        MENTION_VIEW,
        PUBLIC_COPY,
        PUBLIC_VIEW,
        SHARED,
        layout,
        scope_of,
        unit_view,
    )

    with GraphStore(latest_checkpoint(DataDir(world.data).checkpoints), read_only=True) as cp:
        lay = layout(cp.store)
        assert lay.public_members and "nrel" not in lay.public_members  # nrel was made internal
        assert lay.public_shared
        shared = list(FOLDED_VIEWS)
        assert PUBLIC_COPY in lay.mention_views  # graph/software's copy
        # what makes anonymous queries fast: their default graph is that view and links/_shared
        assert scope_of(lay, lay.public_members).default == (PUBLIC_VIEW, f"{MENTION_VIEW}links/{SHARED}")
        union = {
            q.triple
            for g in [unit_view(u) for u in lay.public_members] + shared
            for q in cp.store.quads_for_pattern(None, None, None, ox.NamedNode(g))
        }
        held = {q.triple for q in cp.store.quads_for_pattern(None, None, None, ox.NamedNode(PUBLIC_VIEW))}
    assert held == union
