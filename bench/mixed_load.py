"""The production server under a mixed load: search, SPARQL and landing pages (issue 6, point 6).

Starts ``kg serve --production`` (gunicorn, one process per core; or ``--workers N``) on a free
loopback port over a data directory it only reads, then runs N concurrent clients (threads,
each with its own keep-alive connection, no think time) for a fixed time. Each request a
client sends is drawn from a mix of what the service's users do:

- ``api_search`` (45 %): ``/api/search`` sessions as in ``bench/search_load.py``: a new query
  (the 200 DataFinder queries, then the stored datasets' keywords and title openings), then
  its page 2, then the same query narrowed to the first publisher (or format, year) facet
  value of its answer, or sorted newest first when it has none. The steps of a session are
  spread over the client's other requests, as a user reads results between clicks;
- ``search_html`` (5 %): the ``/search`` page for a new query (the same search, rendered);
- ``sparql`` (20 %): ``GET /sparql`` with ``Accept: application/sparql-results+json``, a data
  steward's queries: counts per source and per publisher, datasets without a licence, records
  failing validation, the most common findings, a title lookup (exact title, or a word of one),
  the provenance of a record (by a title word, or by its key);
- ``landing`` (30 %): ``GET /dataset/{key}`` (HTML) for a random stored record that an
  anonymous client may see (access policies: the bench asks the server's /sparql which records
  those are before it starts; none at all stops it: a checkpoint made before access control has
  no view graphs, and a new checkpoint, e.g. ``kg link`` on a copy, makes them).

An error is any status other than 2xx, a connection error, a timeout (``--timeout``, 30 s), or a
2xx whose body is not what the endpoint promises (JSON with hits, SPARQL JSON results, an
HTML page). Before the measured run the same mix runs for ``--warmup`` seconds (every server
process loads its model, index and SPARQL workers on first use); its errors are reported too.

    .venv/bin/python bench/mixed_load.py --seconds 60 --clients 50     # data: /tmp/benchdata
    .venv/bin/python bench/mixed_load.py --procs 2 --json /tmp/mixed.json
    PYTHONPATH=/tmp/other-commit .venv/bin/python bench/mixed_load.py --workers 2   # serve other code

(``git archive COMMIT app kg ontologies shapes ui | tar -x -C DIR`` gives such a tree; the
server's ``app`` and ``kg`` then come from it, and the output names it.)

Build the data directory first (``kg ingest --data-dir DIR ../shared/corpus examples``, then
``kg link --data-dir DIR``). The bench never writes to it and checks that no file in it
changed during the run. The clients run on the same machine as the server: their CPU (printed)
counts against the server's. ``--procs`` splits the clients over several processes when one
Python process's threads cannot keep up. Target: zero errors with 50 clients for 60 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from search_load import free_port, percentile, wait_ready  # bench/: the same server start and statistics

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT.parent / "shared" / "eval" / "datafinder" / "queries.jsonl"
DEFAULT_DATA = Path("/tmp/benchdata")
# share of requests per endpoint (a search session's three requests count three times)
MIX = {"api_search": 45, "search_html": 5, "sparql": 20, "landing": 30}
SPARQL_JSON = "application/sparql-results+json"
PREFIXES = {
    "cw": "https://w3id.org/crosswalk/ns#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
}
# the steward's queries besides kg.sparql.examples: name → (weight, template); {title}, {word}
# and {key} are filled per request from the stored datasets
EXTRA_SPARQL = {
    "datasets-per-publisher": (
        3,
        """SELECT ?publisher (COUNT(DISTINCT ?dataset) AS ?datasets)
WHERE { GRAPH ?record { ?record foaf:primaryTopic ?dataset . ?dataset dcterms:publisher/foaf:name ?publisher } }
GROUP BY ?publisher ORDER BY DESC(?datasets) LIMIT 50""",
    ),
    "title-exact": (
        3,
        """SELECT ?dataset ?record ?source
WHERE { GRAPH ?record { ?dataset dcterms:title {title} . ?record foaf:primaryTopic ?dataset ; cw:source ?source } }""",
    ),
    "title-word": (
        3,
        """SELECT ?dataset ?title
WHERE { GRAPH ?record { ?record foaf:primaryTopic ?dataset . ?dataset dcterms:title ?title }
        FILTER (CONTAINS(LCASE(?title), {word})) }
ORDER BY ?title LIMIT 50""",
    ),
    "provenance-by-key": (
        3,
        """SELECT ?source ?file ?raw_sha256 ?run ?lifter ?lifter_version ?software_version
WHERE { GRAPH ?record { ?record cw:recordKey {key} ; cw:source ?source ; cw:sourceFile ?file ;
          prov:wasDerivedFrom ?raw ; prov:wasGeneratedBy ?run ; cw:lifter ?lifter ;
          cw:lifterVersion ?lifter_version ; cw:softwareVersion ?software_version .
        ?raw cw:sha256 ?raw_sha256 } }""",
    ),
}
# kg.sparql.examples used as they stand: slug → weight. Left out: concept-cross-lab-links (about
# 1 s alone on the bench store) and cross-source-links (0.3 s), the slow explorations of the list.
EXAMPLE_WEIGHTS = {
    "datasets-per-source": 3,
    "datasets-without-licence": 2,
    "failing-validation-per-source": 1,
    "common-findings": 1,
    "record-provenance": 1,
}


# --- what the clients send ----------------------------------------------------------------


def sparql_literal(text: str) -> str:
    """``text`` as a SPARQL string literal (SPARQL 1.1 §19.7 escapes)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def with_prefixes(body: str) -> str:
    used = [n for n in PREFIXES if f"{n}:" in body]
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in used) + body


def build_plan(data_dir: Path) -> dict[str, Any]:
    """Everything the clients send, read once from the data dir's newest checkpoint."""
    sys.path.insert(0, str(ROOT))
    from kg.config import DataDir
    from kg.linking.corpus import dataset_summaries
    from kg.sparql.examples import example
    from kg.store.oxigraph import GraphStore, latest_checkpoint

    path = latest_checkpoint(DataDir(data_dir).checkpoints)
    if path is None:
        raise SystemExit(f"no checkpoint in {data_dir}: run kg ingest and kg link first")
    summaries = dataset_summaries(GraphStore(path, read_only=True))
    queries = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            queries += [row["query"], row.get("keyphrase_query") or row["query"]]
    for s in summaries:
        queries += [*s.keywords[:3], " ".join(s.title.split()[:4])]
    words = sorted({w for s in summaries for w in re.findall(r"[a-z]{5,}", s.title.lower())})
    sparql = [(slug, weight, example(slug).query) for slug, weight in EXAMPLE_WEIGHTS.items()]  # type: ignore[union-attr]
    sparql += [(name, weight, with_prefixes(template)) for name, (weight, template) in EXTRA_SPARQL.items()]
    return {
        "queries": [q for q in dict.fromkeys(q.strip() for q in queries) if q],
        "keys": [s.key for s in summaries],
        "titles": [s.title for s in summaries if s.title],
        "title_of": {s.key: s.title for s in summaries if s.title},
        "words": words,
        "sparql": sparql,
        "checkpoint": str(path),
    }


def search_path(q: str, **extra: object) -> str:
    return f"/api/search?{urlencode({'q': q, 'limit': 20, **extra}, doseq=True)}"


def facet_follow_up(body: bytes) -> dict[str, str] | None:
    """The first value of the publisher (else format, year) facet of a search answer."""
    facets = json.loads(body).get("facets", {})
    for name in ("publisher", "format", "year"):
        values = facets.get(name) or []
        if values:
            return {name: values[0]["value"]}
    return None


def sparql_request(plan: dict[str, Any], rng: random.Random) -> tuple[str, str]:
    names = [name for name, _, _ in plan["sparql"]]
    weights = [weight for _, weight, _ in plan["sparql"]]
    name = rng.choices(names, weights)[0]
    query = next(q for n, _, q in plan["sparql"] if n == name)
    query = (
        query.replace("{title}", sparql_literal(rng.choice(plan["titles"])))
        .replace("{word}", sparql_literal(rng.choice(plan["words"])))
        .replace("{key}", sparql_literal(rng.choice(plan["keys"])))
    )
    return name, "/sparql?" + urlencode({"query": query})


def body_problem(endpoint: str, body: bytes) -> str | None:
    """Why a 2xx body is not what the endpoint promises (None: it is)."""
    try:
        if endpoint == "api_search":
            return None if "hits" in json.loads(body) else "JSON without hits"
        if endpoint == "sparql":
            doc = json.loads(body)
            return None if "bindings" in doc.get("results", {}) else "not SPARQL JSON results"
    except ValueError:
        return "body is not JSON"
    return None if b"</html>" in body[-200:].lower() else "HTML page cut short"


# --- the clients ----------------------------------------------------------------------------


def run_clients(
    port: int, plan: dict[str, Any], first: int, count: int, total: int, start_at: float, seconds: float, timeout: float
) -> dict[str, Any]:
    """Clients ``first`` .. ``first + count - 1`` of ``total``, in threads of this process,
    from ``start_at`` (wall clock) for ``seconds``. Returns every request's latency."""
    samples: list[tuple[str, str, float]] = []  # (endpoint, step, ms)
    errors: list[tuple[str, str, str, str]] = []  # (endpoint, step, what, path)
    lock = threading.Lock()
    stop = start_at + seconds
    kinds, weights = list(MIX), list(MIX.values())
    queries = plan["queries"]

    def client(n: int) -> None:
        rng = random.Random(n)
        next_query = n * len(queries) // total  # each client starts at its own place
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        session: deque[str] = deque()  # the follow-ups still to send of the current search
        current: dict[str, Any] = {}
        mine: list[tuple[str, str, float]] = []
        failed: list[tuple[str, str, str, str]] = []
        while time.time() < start_at:
            time.sleep(0.01)
        while time.time() < stop:
            endpoint = rng.choices(kinds, weights)[0]
            headers = {"Accept": "text/html"}
            if endpoint == "api_search":
                headers = {"Accept": "application/json"}
                if not session:
                    current = {"q": queries[next_query % len(queries)]}
                    next_query += 1
                    step, path = "new query", search_path(current["q"])
                    session.extend(["page 2", "facet or newest"])
                else:
                    step = session.popleft()
                    if step == "page 2":
                        path = search_path(current["q"], offset=20)
                    elif current.get("facet"):
                        step, path = "facet", search_path(current["q"], **current["facet"])
                    else:
                        step, path = "newest", search_path(current["q"], sort="newest")
            elif endpoint == "search_html":
                step, path = "new query", "/search?" + urlencode({"q": queries[next_query % len(queries)]})
                next_query += 1
            elif endpoint == "sparql":
                headers = {"Accept": SPARQL_JSON}
                step, path = sparql_request(plan, rng)
            else:
                step, path = "html", f"/dataset/{quote(rng.choice(plan['keys']), safe='')}"
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
            except (OSError, http.client.HTTPException) as exc:
                failed.append((endpoint, step, f"{type(exc).__name__}: {exc}", path))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                continue
            ms = (time.perf_counter() - t0) * 1000
            mine.append((endpoint, step, ms))
            if not 200 <= resp.status < 300:
                failed.append((endpoint, step, f"HTTP {resp.status}: {body[:200]!r}", path))
            elif problem := body_problem(endpoint, body):
                failed.append((endpoint, step, problem, path))
            elif endpoint == "api_search" and step == "new query":
                current["facet"] = facet_follow_up(body)
        conn.close()
        with lock:
            samples.extend(mine)
            errors.extend(failed)

    cpu0 = time.process_time()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(first, first + count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"samples": samples, "errors": errors, "cpu_s": time.process_time() - cpu0}


def run_load(
    port: int, plan: dict[str, Any], clients: int, procs: int, seconds: float, timeout: float
) -> dict[str, Any]:
    """``clients`` clients over ``procs`` processes (1: threads of this process)."""
    start_at = time.time() + (0.2 if procs == 1 else 5.0)  # spawned processes import and unpickle first
    shares = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    firsts = [sum(shares[:i]) for i in range(procs)]
    t0 = time.time()
    if procs == 1:
        parts = [run_clients(port, plan, 0, clients, clients, start_at, seconds, timeout)]
    else:
        with ProcessPoolExecutor(procs, mp_context=get_context("spawn")) as pool:
            futures = [
                pool.submit(run_clients, port, plan, f, n, clients, start_at, seconds, timeout)
                for f, n in zip(firsts, shares)
            ]
            parts = [f.result() for f in futures]
    wall = time.time() - max(t0, start_at)
    return {
        "samples": [s for p in parts for s in p["samples"]],
        "errors": [e for p in parts for e in p["errors"]],
        "client_cpu_s": sum(p["cpu_s"] for p in parts),
        "wall_s": wall,
    }


# --- figures --------------------------------------------------------------------------------


def figures(latencies: list[float], errors: int, wall: float) -> dict[str, Any]:
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / wall, 1),
        **{f"p{p}": round(percentile(latencies, p), 1) for p in (50, 95, 99)},
        "max": round(max(latencies), 1) if latencies else float("nan"),
    }


def summarise(run: dict[str, Any]) -> dict[str, Any]:
    wall = run["wall_s"]
    samples, errors = run["samples"], run["errors"]
    out: dict[str, Any] = {"wall_s": round(wall, 1), "endpoints": {}, "steps": {}}
    for endpoint in MIX:
        out["endpoints"][endpoint] = figures(
            [ms for e, _, ms in samples if e == endpoint], sum(1 for e in errors if e[0] == endpoint), wall
        )
        for step in sorted({s for e, s, _ in samples if e == endpoint}):
            out["steps"][f"{endpoint} / {step}"] = figures(
                [ms for e, s, ms in samples if e == endpoint and s == step],
                sum(1 for e in errors if e[:2] == (endpoint, step)),
                wall,
            )
    out["all"] = figures([ms for _, _, ms in samples], len(errors), wall)
    out["error_samples"] = [
        {"endpoint": e, "step": s, "what": what, "path": path[:160]} for e, s, what, path in errors[:5]
    ]
    out["errors_by_kind"] = {}
    for e, _, what, _ in errors:
        kind = f"{e}: {what.split(':')[0]}"
        out["errors_by_kind"][kind] = out["errors_by_kind"].get(kind, 0) + 1
    out["client_cpu_s"] = round(run["client_cpu_s"], 1)
    out["client_cores"] = round(run["client_cpu_s"] / wall, 2)
    return out


# --- the machine and the server -------------------------------------------------------------


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        meminfo = Path("/proc/meminfo").read_text()
        info["ram_gib"] = round(int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) / 2**20, 1)  # type: ignore[union-attr]
        info["cpu"] = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1)  # type: ignore[union-attr]
    except (OSError, AttributeError):
        pass
    return info


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and every live descendant (gunicorn workers and
    their SPARQL worker processes), from /proc."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent and p not in tree]
        tree.update(children)
        frontier += children
    return sum(times.get(p, 0.0) for p in tree)


def server_code_root() -> Path:
    """Where the server's ``app`` package comes from: the first PYTHONPATH entry holding one
    (a checkout of another commit), else this repository."""
    for entry in filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep)):
        if (Path(entry) / "app" / "__init__.py").is_file():
            return Path(entry)
    return ROOT


def rate_limit_env(value: str) -> tuple[dict[str, str], str]:
    """KG_RATE_LIMIT for the server when its app reads it: the clients all come from 127.0.0.1."""
    code = server_code_root()
    sources = [*(code / "app").rglob("*.py"), *(code / "kg").rglob("*.py")]
    if any("KG_RATE_LIMIT" in p.read_text(encoding="utf-8") for p in sources):
        return {
            "KG_RATE_LIMIT": value
        }, f"KG_RATE_LIMIT={value} (the app has a rate limiter; every client is 127.0.0.1)"
    return {}, f"no rate limiter in the app (no KG_RATE_LIMIT in {code}/app or kg)"


def visible_to_anonymous(port: int, plan: dict[str, Any], timeout: float) -> int:
    """Keep the records an anonymous client may see (access policies: a record it may not see
    is a 404, not an error of the server), asked of the server's own /sparql. Returns how many
    of the stored records that is."""
    query = with_prefixes("SELECT DISTINCT ?key WHERE { ?record cw:recordKey ?key }")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=max(timeout, 60))
    conn.request("GET", "/sparql?" + urlencode({"query": query}), headers={"Accept": SPARQL_JSON})
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 200:
        raise SystemExit(f"/sparql answered {resp.status} to the list of record keys: {body[:300]!r}")
    visible = {b["key"]["value"] for b in json.loads(body)["results"]["bindings"]}
    stored = len(plan["keys"])
    plan["keys"] = [k for k in plan["keys"] if k in visible]
    plan["titles"] = [t for k, t in plan.pop("title_of").items() if k in visible]
    if not plan["keys"]:
        raise SystemExit(
            f"none of the {stored} stored records is visible to an anonymous client: a checkpoint made "
            "before access control has no view graphs (make a new one: kg link --data-dir DIR, on a copy)"
        )
    return stored


def changed_files(root: Path, since: float) -> list[str]:
    """Files under ``root`` created or modified after ``since`` (the data dir must stay as it was)."""
    out = []
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            try:
                if path.stat().st_mtime > since:
                    out.append(str(path.relative_to(root)))
            except OSError:
                continue
    return out


# --- output ---------------------------------------------------------------------------------


def table(rows: dict[str, dict[str, Any]], indent: str = "") -> list[str]:
    lines = []
    for name, r in rows.items():
        lines.append(
            f"{indent}{name:28s} {r['requests']:7d} {r['rps']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} "
            f"{r['p99']:8.1f} {r['max']:8.1f} {r['errors']:6d}"
        )
    return lines


def report(result: dict[str, Any]) -> str:
    m, s = result["machine"], result["run"]
    lines = [
        f"machine: {m.get('cpu', platform.machine())}, {m['usable_cores']} cores, {m.get('ram_gib', '?')} GiB RAM, "
        f"Python {m['python']}, {m['platform']}",
        f"load average at start: {result['load_start']}, at end: {result['load_end']}",
        f"server: {result['server']}; {result['rate_limit']}; HF_HUB_OFFLINE=1"
        + (f"; PYTHONPATH={result['pythonpath']}" if result.get("pythonpath") else "")
        + f"; log {result['server_log']}",
        f"clients: {result['clients']} over {result['procs']} process(es), keep-alive, no think time, "
        f"{result['seconds']:g} s after a {result['warmup']:g} s warm-up (wall {s['wall_s']} s with the requests "
        f"under way at the end), timeout {result['timeout']:g} s",
        "mix: " + ", ".join(f"{k} {v} %" for k, v in MIX.items()),
        f"data: {result['data_dir']} ({result['stored_records']} stored records; "
        + ", ".join(f"{v} {k}" for k, v in result["plan_sizes"].items())
        + " visible to an anonymous client)",
        "",
        f"{'endpoint':28s} {'requests':>7s} {'req/s':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'max ms':>8s} {'errors':>6s}",
        *table(s["endpoints"]),
        *table({"all": s["all"]}),
        "",
        "by step / query:",
        *table(s["steps"], "  "),
        "",
        f"client CPU: {s['client_cpu_s']} s = {s['client_cores']} cores; server CPU (all its processes): "
        f"{result['server_cpu_s']} s = {result['server_cores']} cores",
        "warm-up (the first seconds after the server's first answer): "
        + (
            f"{w['requests']} requests, {w['errors']} errors, p50 {w['p50']} ms, p99 {w['p99']} ms, max {w['max']} ms"
            if (w := result["warmup_run"]["all"])["requests"]
            else "none"
        ),
        f"server log: {result['server_log_lines']} lines, {result['server_log_tracebacks']} tracebacks",
        f"data dir unchanged: {'yes' if not result['data_dir_changed'] else 'NO: ' + ', '.join(result['data_dir_changed'][:5])}",
    ]
    for name, part in (("measured run", s), ("warm-up", result["warmup_run"])):
        if part["all"]["errors"]:
            lines += [
                "",
                f"errors in the {name}, by kind:",
                *(f"  {k}: {v}" for k, v in part["errors_by_kind"].items()),
            ]
            lines += ["  first ones:", *(f"    {e}" for e in part["error_samples"])]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help=f"read only (default {DEFAULT_DATA})")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--warmup", type=float, default=15.0, help="seconds of the same mix before the measured run")
    ap.add_argument("--workers", type=int, default=None, help="kg serve --workers N instead of --production")
    ap.add_argument("--procs", type=int, default=1, help="client processes (the clients' threads are split over them)")
    ap.add_argument("--timeout", type=float, default=30.0, help="client timeout per request, seconds")
    ap.add_argument(
        "--rate-limit", default="0", help="KG_RATE_LIMIT for the server if the app has one (default 0: off)"
    )
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument(
        "--json", type=Path, default=None, help="also write the figures to this JSON file ('-': stdout only)"
    )
    args = ap.parse_args()
    if not (args.data_dir / "checkpoints").is_dir():
        raise SystemExit(f"{args.data_dir}: no data directory (see the docstring to build one)")
    port = args.port or free_port()
    limit_env, limit_note = rate_limit_env(args.rate_limit)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **limit_env}
    kg = str(Path(sys.executable).with_name("kg"))
    mode = ["--workers", str(args.workers)] if args.workers else ["--production"]
    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    began = time.time()
    plan = build_plan(args.data_dir)
    # the server's output goes to a file: a pipe nobody reads fills up and then blocks the server
    log = tempfile.NamedTemporaryFile("w+", prefix="mixed_load-server-", suffix=".log", delete=False)
    command = [kg, "serve", "--data-dir", str(args.data_dir), "--port", str(port), *mode]
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        t0 = time.perf_counter()
        wait_ready(port, proc)
        ready_s = time.perf_counter() - t0
        stored = visible_to_anonymous(port, plan, args.timeout)
        if args.json != Path("-"):
            print(f"server ready in {ready_s:.1f} s; log {log.name}; warm-up {args.warmup:g} s", flush=True)
        warm = run_load(port, plan, args.clients, args.procs, args.warmup, args.timeout) if args.warmup > 0 else None
        cpu0 = tree_cpu_s(proc.pid)
        run = run_load(port, plan, args.clients, args.procs, args.seconds, args.timeout)
        server_cpu = tree_cpu_s(proc.pid) - cpu0
        load_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log_text = Path(log.name).read_text(encoding="utf-8", errors="replace")
    summary = summarise(run)
    workers = args.workers or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    result = {
        "machine": machine(),
        "load_start": load_start,
        "load_end": load_end,
        "server": f"kg serve {' '.join(mode)} ("
        + (f"gunicorn, {workers} processes x 4 threads" if (workers or 1) > 1 else "waitress, 8 threads")
        + f"), ready in {ready_s:.1f} s",
        "rate_limit": limit_note,
        "pythonpath": os.environ.get("PYTHONPATH", ""),
        "server_log": log.name,
        "clients": args.clients,
        "procs": args.procs,
        "seconds": args.seconds,
        "warmup": args.warmup,
        "timeout": args.timeout,
        "data_dir": str(args.data_dir),
        "plan_sizes": {k: len(v) for k, v in plan.items() if isinstance(v, list)},
        "stored_records": stored,
        "run": summary,
        "warmup_run": summarise(warm) if warm else {"all": {"requests": 0, "errors": 0}},
        "server_cpu_s": round(server_cpu, 1),
        "server_cores": round(server_cpu / run["wall_s"], 2),
        "server_log_lines": len(log_text.splitlines()),
        "server_log_tracebacks": log_text.count("Traceback"),
        "data_dir_changed": changed_files(args.data_dir, began),
    }
    if args.json == Path("-"):
        print(json.dumps(result, indent=2))
    else:
        print(report(result))
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if run["errors"] and args.json != Path("-"):
        print(f"\nserver log tail ({log.name}):\n" + "\n".join(log_text.splitlines()[-20:]))


if __name__ == "__main__":
    main()
