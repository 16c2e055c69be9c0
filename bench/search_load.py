"""Search and autocomplete latency under concurrent clients (issue 5, point 7).

Starts the production server (``kg serve``: waitress) on loopback over a data directory, then
runs N concurrent clients (threads with keep-alive connections, no think time) for a fixed time
against one endpoint at a time and prints p50/p95/p99 latencies, throughput and errors:

- ``/api/search``: the 200 DataFinder development queries (100 sentences, 100 keyphrases), each
  client starting at its own place in the list, so the server sees a mix of long and short
  queries and no two clients send the same query at once;
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


def search_paths() -> list[str]:
    out = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out += [row["query"], row.get("keyphrase_query") or row["query"]]
    return [f"/api/search?{urlencode({'q': q, 'limit': 20})}" for q in out]


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


def run_load(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = n * len(paths) // clients
        mine: list[float] = []
        while time.perf_counter() < stop:
            path = paths[i % len(paths)]
            i += 1
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
            mine.append((time.perf_counter() - t0) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)

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
    ap.add_argument("--only", choices=("search", "suggest"), default=None)
    args = ap.parse_args()
    port = args.port or free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    kg = str(Path(sys.executable).with_name("kg"))
    proc = subprocess.Popen([kg, "serve", "--data-dir", str(args.data_dir), "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        t0 = time.perf_counter()
        wait_ready(port, proc)
        print(f"server ready in {time.perf_counter() - t0:.1f} s (first query included)")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"{args.clients} clients, {args.seconds:.0f} s per endpoint, keep-alive, no think time")
        runs = {"search": search_paths(), "suggest": suggest_paths()}
        for name, paths in runs.items():
            if args.only and name != args.only:
                continue
            run_load(port, paths[:50], args.clients, min(5.0, args.seconds))  # warm-up
            r = run_load(port, paths, args.clients, args.seconds)
            print(
                f"{name:8s} requests {r['requests']:6d}  errors {r['errors']:3d}  {r['rps']:7.1f}/s  "
                f"p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  p99 {r['p99']:6.1f} ms  max {r['max']:6.1f} ms"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
