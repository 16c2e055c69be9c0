"""Ordinary SPARQL latency while runaway queries are being stopped (issue 6, point 4).

Starts the real server (``kg serve --workers 2``: gunicorn, each process with its own pool of
query worker processes) on loopback over a data directory, which it only reads, then measures
N ordinary clients sending typical queries for a fixed time, twice:

1. **baseline**: ordinary clients only;
2. **attack**: the same, while ``--attackers`` threads send a four-way cartesian product
   (``SELECT * WHERE {?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l}``; ``--runaway count``: the
   same counted, which can only end at the time limit) again and again, each waiting for its
   answer: the time-limit error (503) or, for SELECT *, the row cap's first 10,000 rows; never
   a hang.

The ordinary queries, in turn: datasets per publisher (GROUP BY), a title lookup (an exact
``dct:title`` of a stored dataset), and a DESCRIBE of a stored dataset. Each client sends one,
reads the answer, waits ``--think`` seconds, and sends the next. Printed per phase and per
query: requests, errors (any non-200 answer, by status), p50/p95/p99/max; and every runaway
answer (status, seconds, message).

    .venv/bin/python bench/sparql_runaway.py --data-dir /tmp/benchdata
    .venv/bin/python bench/sparql_runaway.py --data-dir /tmp/benchdata --distinct-clients

By default every client is on loopback, which the per-client limits exempt (app/safety.py), so
the attackers can take every query worker. ``--distinct-clients`` makes the clients look as they
do behind a reverse proxy (each its own address in X-Forwarded-For, the server started with
``KG_TRUSTED_PROXIES=1`` and nothing exempt): then ``KG_SPARQL_PER_CLIENT`` lets the attacking
host hold one query worker per server process, and its further runaways get 429 at once.

Record each run's figures and the machine in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from search_load import free_port, percentile  # bench/: the same helpers

RUNAWAYS = {
    # the query: on 2,755 datasets the row cap (10,000 rows) sometimes ends it first
    "select": "SELECT * WHERE {?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l}",
    # counted, it must enumerate every row: always stopped by the time limit
    "count": "SELECT (COUNT(*) AS ?n) WHERE {?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l}",
}
PREFIXES = (
    "PREFIX dcat: <http://www.w3.org/ns/dcat#>\n"
    "PREFIX dct: <http://purl.org/dc/terms/>\n"
    "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
)
PER_PUBLISHER = (
    PREFIXES + "SELECT ?publisher (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a dcat:Dataset ; dct:publisher/foaf:name "
    "?publisher } GROUP BY ?publisher ORDER BY DESC(?n)"
)
ROOT = Path(__file__).resolve().parents[1]
RESULTS_JSON = "application/sparql-results+json"
TURTLE = "text/turtle"


def ask(conn: http.client.HTTPConnection, query: str, accept: str, client: str | None = None) -> tuple[int, bytes]:
    """One query; ``client``: the address a trusted proxy would report for it (X-Forwarded-For)."""
    headers = {"Accept": accept, **({"X-Forwarded-For": client} if client else {})}
    conn.request("GET", "/sparql?" + urlencode({"query": query}), headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.read()


def sample_queries(port: int, count: int = 200) -> list[tuple[str, str, str]]:
    """(name, query, accept) of the ordinary queries, over datasets the server holds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    status, body = ask(
        conn, PREFIXES + f"SELECT ?d ?t WHERE {{ ?d a dcat:Dataset ; dct:title ?t }} LIMIT {count}", RESULTS_JSON
    )
    conn.close()
    if status != 200:
        raise SystemExit(f"sampling datasets failed: {status} {body[:200]!r}")
    rows = json.loads(body)["results"]["bindings"]
    if not rows:
        raise SystemExit("the data directory holds no datasets")
    out: list[tuple[str, str, str]] = []
    for row in rows:
        iri, title = row["d"]["value"], row["t"]["value"]
        out.append(("per-publisher", PER_PUBLISHER, RESULTS_JSON))
        out.append(("title", PREFIXES + f"SELECT ?d WHERE {{ ?d dct:title {json.dumps(title)} }}", RESULTS_JSON))
        out.append(("describe", f"DESCRIBE <{iri}>", TURTLE))
    return out


def run_ordinary(
    port: int, queries: list[tuple[str, str, str]], clients: int, seconds: float, think: float, distinct: bool
) -> dict[str, object]:
    latencies: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        i = n * len(queries) // clients
        mine: dict[str, list[float]] = {}
        while time.perf_counter() < stop:
            name, query, accept = queries[i % len(queries)]
            i += 1
            t0 = time.perf_counter()
            try:
                status, body = ask(conn, query, accept, f"198.51.100.{n + 1}" if distinct else None)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors[f"{type(exc).__name__}"] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                continue
            ms = (time.perf_counter() - t0) * 1000
            if status != 200:
                with lock:
                    errors[f"{status} {body[:80].decode('utf-8', 'replace').strip()}"] += 1
            else:
                mine.setdefault(name, []).append(ms)
            if think:
                time.sleep(think)
        conn.close()
        with lock:
            for name, values in mine.items():
                latencies.setdefault(name, []).extend(values)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"latencies": latencies, "errors": errors, "wall": time.perf_counter() - t0}


class Attack:
    """Threads that send the runaway query back to back and note every answer."""

    def __init__(self, port: int, attackers: int, distinct: bool, query: str) -> None:
        self.port = port
        self.query = query
        self.client = "203.0.113.66" if distinct else None  # one attacking host, several connections
        self.answers: list[tuple[int | str, float, str]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._attack, daemon=True) for _ in range(attackers)]

    def _attack(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        while not self._stop.is_set():
            t0 = time.perf_counter()
            try:
                status, body = ask(conn, self.query, RESULTS_JSON, self.client)
                answer: tuple[int | str, float, str] = (
                    status,
                    time.perf_counter() - t0,
                    body[:120].decode("utf-8", "replace").strip(),
                )
            except (OSError, http.client.HTTPException) as exc:
                answer = (type(exc).__name__, time.perf_counter() - t0, str(exc)[:120])
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            with self._lock:
                self.answers.append(answer)
            if answer[0] == 429:
                self._stop.wait(1.0)  # refused at once (one query per client): try again a second later
        conn.close()

    def __enter__(self) -> Attack:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join()  # each finishes its current runaway: it ends at the time limit


def report(phase: str, result: dict[str, object]) -> None:
    latencies: dict[str, list[float]] = result["latencies"]  # type: ignore[assignment]
    errors: Counter[str] = result["errors"]  # type: ignore[assignment]
    every = [v for values in latencies.values() for v in values]
    n_err = sum(errors.values())
    print(
        f"{phase:8s} all           requests {len(every) + n_err:5d}  errors {n_err:4d}  "
        f"{(len(every) + n_err) / result['wall']:6.1f}/s  p50 {percentile(every, 50):7.1f} ms  "  # type: ignore[operator]
        f"p95 {percentile(every, 95):7.1f} ms  p99 {percentile(every, 99):7.1f} ms  "
        f"max {max(every) if every else float('nan'):7.1f} ms"
    )
    for name in sorted(latencies):
        values = latencies[name]
        print(
            f"{'':8s} {name:13s} requests {len(values):5d}               p50 {percentile(values, 50):7.1f} ms  "
            f"p95 {percentile(values, 95):7.1f} ms  p99 {percentile(values, 99):7.1f} ms"
        )
    for text, count in errors.most_common(3):
        print(f"{'':8s} error x{count}: {text}")


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status, _ = ask(conn, "ASK { ?s ?p ?o }", RESULTS_JSON)
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("server did not become ready")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True, help="read only: the server reads its checkpoints")
    ap.add_argument("--clients", type=int, default=4, help="ordinary clients (default 4)")
    ap.add_argument("--attackers", type=int, default=2, help="threads sending the runaway query (default 2)")
    ap.add_argument("--seconds", type=float, default=30.0, help="per phase (default 30)")
    ap.add_argument("--think", type=float, default=0.1, help="seconds between a client's queries (default 0.1)")
    ap.add_argument("--workers", type=int, default=2, help="kg serve --workers (default 2: one per core)")
    ap.add_argument("--timeout", type=float, default=None, help="KG_SPARQL_TIMEOUT for the server (default: its own)")
    ap.add_argument("--sparql-workers", type=int, default=None, help="KG_SPARQL_WORKERS per server process")
    ap.add_argument(
        "--distinct-clients",
        action="store_true",
        help="tell clients apart as a reverse proxy would (X-Forwarded-For, KG_TRUSTED_PROXIES=1, nothing exempt), "
        "so the per-client limits apply; by default every client is loopback, which is exempt",
    )
    ap.add_argument("--runaway", choices=sorted(RUNAWAYS), default="select", help="the attack query (default select)")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    port = args.port or free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    if args.timeout is not None:
        env["KG_SPARQL_TIMEOUT"] = str(args.timeout)
    if args.sparql_workers is not None:
        env["KG_SPARQL_WORKERS"] = str(args.sparql_workers)
    if args.distinct_clients:
        env.update({"KG_TRUSTED_PROXIES": "1", "KG_RATE_LIMIT_EXEMPT": ""})
    # the server is the code of the tree this script sits in (``kg serve`` of that tree)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    # the server's output goes to a file: a pipe nobody reads fills up and then blocks the server
    log = tempfile.NamedTemporaryFile("w+", prefix="sparql_runaway-server-", suffix=".log", delete=False)
    print(f"server log: {log.name}")
    serve = ["serve", "--data-dir", str(args.data_dir), "--port", str(port), "--workers", str(args.workers)]
    command = [sys.executable, "-m", "kg.cli", *serve]
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        t0 = time.perf_counter()
        wait_ready(port, proc)
        print(f"server ready in {time.perf_counter() - t0:.1f} s")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(
            f"kg serve --workers {args.workers}; KG_SPARQL_TIMEOUT={env.get('KG_SPARQL_TIMEOUT', '10 (default)')}, "
            f"KG_SPARQL_WORKERS={env.get('KG_SPARQL_WORKERS', '2 (default)')} per server process; "
            f"{args.clients} ordinary clients, think time {args.think:g} s, {args.seconds:g} s per phase; "
            f"{args.attackers} attackers sending {RUNAWAYS[args.runaway]!r}; "
            + (
                "clients told apart (X-Forwarded-For, KG_TRUSTED_PROXIES=1): per-client limits apply, "
                f"KG_SPARQL_PER_CLIENT={env.get('KG_SPARQL_PER_CLIENT', '1 (default)')}"
                if args.distinct_clients
                else "every client is loopback (exempt from the per-client limits)"
            )
        )
        queries = sample_queries(port)
        distinct = args.distinct_clients
        run_ordinary(port, queries, args.clients, min(5.0, args.seconds), args.think, distinct)  # warm every process
        baseline = run_ordinary(port, queries, args.clients, args.seconds, args.think, distinct)
        report("baseline", baseline)
        with Attack(port, args.attackers, distinct, RUNAWAYS[args.runaway]) as attack:
            time.sleep(1.0)  # the runaways have reached the workers
            attacked = run_ordinary(port, queries, args.clients, args.seconds, args.think, distinct)
        report("attack", attacked)
        statuses = Counter(a[0] for a in attack.answers)
        seconds = [a[1] for a in attack.answers if a[0] != 429]
        print(
            f"runaway  answers {len(attack.answers)} ({', '.join(f'{k}: {v}' for k, v in statuses.items())}); "
            f"seconds (not counting 429s) min {min(seconds):.1f} max {max(seconds):.1f}"
        )
        for text, count in Counter(a[2] for a in attack.answers).most_common(3):
            print(f"         x{count}: {text}")
    finally:
        proc.terminate()
        proc.wait(timeout=60)


if __name__ == "__main__":
    main()
