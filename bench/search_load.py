"""Search and autocomplete latency under concurrent clients (issue 5, point 7).

Starts the production server (``kg serve --workers 2``: gunicorn, one process per core) on loopback over a data directory, then
runs N concurrent clients (threads with keep-alive connections, no think time) for a fixed time
against one endpoint at a time and prints p50/p95/p99 latencies, throughput and errors:

- ``/api/search``, as researchers use it: a session is a new query, then its second page, then
  the same query sorted newest first (the server keeps recent query embeddings, so the two
  follow-ups skip the model); the queries are the 200 DataFinder development queries (sentences
  and keyphrases) and then the stored datasets' keywords and title openings, thousands of
  distinct queries, each client starting at its own place, so a first query is never one the
  server has seen. p95 is reported over all requests and over the sessions' first queries;
- ``/api/search`` cold (``--cold``): every request a query the server has not seen;
- ``/api/suggest``: what a user types: every prefix (2 characters and up) of the keyphrase
  queries' first words.

    .venv/bin/python bench/search_load.py --data-dir /tmp/benchdata       # build it first:
    .venv/bin/kg ingest --data-dir /tmp/benchdata ../shared/corpus examples
    .venv/bin/kg link --data-dir /tmp/benchdata

Targets: search p95 < 100 ms, autocomplete p95 < 30 ms with 8 clients. Record each run's
figures and the machine in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT.parent / "shared" / "eval" / "datafinder" / "queries.jsonl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def search_queries(data_dir: Path) -> list[str]:
    """The DataFinder queries, then the stored datasets' keywords and title openings (distinct)."""
    out = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out += [row["query"], row.get("keyphrase_query") or row["query"]]
    sys.path.insert(0, str(ROOT))
    from kg.config import DataDir
    from kg.linking.corpus import dataset_summaries
    from kg.store.oxigraph import GraphStore, latest_checkpoint

    path = latest_checkpoint(DataDir(data_dir).checkpoints)
    if path is None:
        raise SystemExit(f"no checkpoint in {data_dir}: run kg ingest and kg link first")
    store = GraphStore(path, read_only=True)
    for s in dataset_summaries(store):
        out += [*s.keywords[:3], " ".join(s.title.split()[:4])]
    return [q for q in dict.fromkeys(q.strip() for q in out) if q]


def sessions(queries: list[str]) -> list[list[str]]:
    """A new query, its second page, the same query newest first."""

    def path(q: str, **extra: object) -> str:
        return f"/api/search?{urlencode({'q': q, 'limit': 20, **extra})}"

    return [[path(q), path(q, offset=20), path(q, sort="newest")] for q in queries]


def suggest_paths() -> list[str]:
    out = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            typed = (json.loads(line).get("keyphrase_query") or "").strip()[:24]
            out += [typed[:n] for n in range(2, len(typed) + 1)]
    return [f"/api/suggest?{urlencode({'q': p})}" for p in out if p.strip()]


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] if s else float("nan")


def run_load(port: int, paths: list[str] | list[list[str]], clients: int, seconds: float) -> dict[str, float]:
    """``paths``: requests, or sessions (lists of requests sent in order, the first one new)."""
    groups = [p if isinstance(p, list) else [p] for p in paths]
    latencies: list[float] = []
    firsts: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = n * len(groups) // clients
        mine: list[float] = []
        first: list[float] = []
        while time.perf_counter() < stop:
            group = groups[i % len(groups)]
            i += 1
            for j, path in enumerate(group):
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path)
                    resp = conn.getresponse()
                    resp.read()
                    if resp.status != 200:
                        with lock:
                            errors.append(f"{resp.status} {path}")
                except (OSError, http.client.HTTPException) as exc:
                    with lock:
                        errors.append(f"{type(exc).__name__} {path}")
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    continue
                ms = (time.perf_counter() - t0) * 1000
                mine.append(ms)
                if j == 0:
                    first.append(ms)
        conn.close()
        with lock:
            latencies.extend(mine)
            firsts.extend(first)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "rps": len(latencies) / wall,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": max(latencies) if latencies else float("nan"),
        "first_p95": percentile(firsts, 95),
        "error_sample": sorted(set(errors))[:3],
        "groups": len(firsts),
    }


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/api/search?" + urlencode({"q": "warm up"}))
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("server did not become ready")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2, help="kg serve --workers (default 2: one per core)")
    ap.add_argument("--only", choices=("search", "cold", "suggest"), default=None)
    args = ap.parse_args()
    port = args.port or free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    kg = str(Path(sys.executable).with_name("kg"))
    # the server's output goes to a file: a pipe nobody reads fills up (waitress warns on every
    # queued request under load) and then blocks the server
    log = tempfile.NamedTemporaryFile("w+", prefix="search_load-server-", suffix=".log", delete=False)
    print(f"server log: {log.name}")
    proc = subprocess.Popen([kg, "serve", "--data-dir", str(args.data_dir), "--port", str(port), "--workers", str(args.workers)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        t0 = time.perf_counter()
        wait_ready(port, proc)
        print(f"server ready in {time.perf_counter() - t0:.1f} s (first query included)")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(
            f"kg serve --workers {args.workers}; {args.clients} clients, {args.seconds:.0f} s per endpoint, keep-alive, no think time"
        )
        queries = search_queries(args.data_dir)
        half = len(queries) // 2  # sessions and cold runs never share a query
        print(f"{len(queries)} distinct queries")
        runs: dict[str, list] = {
            "search": sessions(queries[:half]),
            "cold": [f"/api/search?{urlencode({'q': q, 'limit': 20})}" for q in queries[half:]],
            "suggest": suggest_paths(),
        }
        warm = suggest_paths()[:50]
        run_load(port, warm, args.clients, 15.0)  # every worker process loads its model and index
        warm_search = [f"/api/search?{urlencode({'q': f'warm-up query {i}'})}" for i in range(400)]
        run_load(port, warm_search, args.clients, 5.0)  # queries of their own: no cache entry a run reuses
        for name, paths in runs.items():
            if args.only and name != args.only:
                continue
            run_load(port, warm, args.clients, min(3.0, args.seconds))  # warm-up (threads, connections)
            r = run_load(port, paths, args.clients, args.seconds)
            extra = (
                f"  first-of-session p95 {r['first_p95']:6.1f} ms ({r['groups']} sessions)" if name == "search" else ""
            )
            print(
                f"{name:8s} requests {r['requests']:6d}  errors {r['errors']:3d}  {r['rps']:7.1f}/s  "
                f"p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  p99 {r['p99']:6.1f} ms  max {r['max']:6.1f} ms{extra}"
            )
            if r["errors"]:
                print(f"  e.g. {r['error_sample']}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
