"""SparqlExecutor: read-only SPARQL queries with a time limit, a row cap and a process pool.

pyoxigraph (0.5) has no query timeout or cancel, and a read-only opening of a store that
another process writes is undefined behaviour (ARCHITECTURE.md, "Safety of the endpoints").
So queries run in worker processes (``kg.sparql.worker``) that open the newest checkpoint made
by ingest read-only; the parent kills a worker whose query overruns its limits.

* The time limit (``timeout_s``) counts the CPU time the worker spends on the query, not the
  wall-clock time since it was sent: on a busy server a query shares the cores with searches,
  pages and other queries, and a wall-clock limit stopped legitimate ones that needed a third
  of it alone (bench/RESULTS.md: a 3.3 s steward query over 10 s under 50 clients). A runaway
  burns CPU and is stopped when it has used ``timeout_s`` of it. A second limit,
  ``wall_limit_s`` (3 x ``timeout_s`` unless given), bounds the wall-clock time whatever the
  CPU, so a query that cannot progress still ends. Where the system cannot tell a process's
  CPU time (no ``/proc``), the time limit is wall-clock time.

* Processes start with the ``spawn`` method: the web server has torch and threads loaded, which
  ``fork`` would copy half-initialised. A worker imports only pyoxigraph and this package's
  small modules. Like every spawn-based pool, the server's main script must be import-safe
  (``if __name__ == "__main__":``); ``flask run``, gunicorn and pytest are.
* Workers start lazily, on the first query that needs one, up to ``workers`` of them. A query
  that finds them all busy waits up to ``queue_wait_s`` for one (by default the wall-clock
  limit, as long as a query may hold a worker), then gets 503.
* A worker killed at the time limit is reaped (no zombie) and replaced at once.
* With ``slow_after_s`` (off by default), a query still running after it has its worker
  *demoted* to the lowest CPU priority (nice 19) until it ends: a runaway query then takes only
  the CPU that ordinary queries, searches and pages leave idle while it waits for its time
  limit. Measured (bench/RESULTS.md): ordinary p95 under attack 424 ms, 538-724 ms undemoted.
  With the old wall-clock limit, legitimately slow queries starved into it under a heavy
  ordinary load (8-18 503s at 50 clients); with the CPU-time limit none did, but they wait
  longer (p50 11.8 s against 6-9 s), hence still off unless an endpoint faces abuse (the
  per-client limit is the first defence). A demoted worker that answers is put
  back to normal priority, or replaced where the system does not let a process raise a
  priority again.
* ``close()`` stops every worker; it also runs at interpreter exit.

The text is checked before any worker sees it: SPARQL Update (LOAD included) is refused with a
tokenizer (``kg.sparql.lexer``), and so is SERVICE unless every SERVICE target is an IRI that
``KG_FETCH_ALLOWLIST`` names (``kg.netpolicy``), so no query can make the server fetch an address
the operator did not allow.
"""

from __future__ import annotations

import atexit
import functools
import multiprocessing
import os
import threading
import time
import weakref
from collections import deque
from dataclasses import replace
from multiprocessing.process import BaseProcess
from pathlib import Path

import pyoxigraph as ox

from kg import netpolicy
from kg.config import DataDir
from kg.governance.views import ScopeSpec
from kg.sparql.lexer import QUERY_FORMS, scan, tokenize
from kg.sparql.messages import QueryRequest, SparqlResult
from kg.sparql.worker import serve
from kg.store.oxigraph import latest_checkpoint

STARTUP_TIMEOUT_S = 30.0  # a worker that is not ready by then is broken, not slow
WALL_LIMIT_FACTOR = 3.0  # wall_limit_s when not given: this many times the CPU time limit
_POLL_MIN_S, _POLL_MAX_S = 0.05, 1.0  # how often a running query's CPU time is read
try:
    _CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
except (AttributeError, ValueError, OSError):
    _CLOCK_TICKS = 100

NO_DATA_MESSAGE = "no data has been ingested yet: run `kg ingest PATH` (then `kg link`) first"
READ_ONLY_MESSAGE = "this endpoint is read-only: SPARQL Update ({}) is not accepted"
# {target}: the first SERVICE target the allowlist does not name; {reason}: kg.netpolicy says why.
SERVICE_MESSAGE = (
    "SERVICE is disabled on this endpoint: queries cannot fetch from other endpoints unless "
    f"{netpolicy.SETTING} names them; SERVICE {{target}} is refused ({{reason}})"
)


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx: multiprocessing.context.BaseContext, name: str) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process: BaseProcess = ctx.Process(target=serve, args=(child,), name=name, daemon=True)
        self.process.start()
        child.close()  # the parent keeps only its end, so a dead worker reads as EOF
        self.ready = False
        self.demoted = False

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def cpu_seconds(self) -> float | None:
        """User + system CPU seconds the worker process has used so far; None where the system
        does not tell (no /proc) or the process is gone."""
        try:
            with open(f"/proc/{self.process.pid}/stat", "rb") as fh:
                stat = fh.read()
            # fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
            fields = stat[stat.rindex(b")") + 2 :].split()
            return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        except (OSError, ValueError, IndexError):
            return None

    def demote(self) -> None:
        """Lowest CPU priority (nice 19) for a query that turned out slow."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid or 0, 19)
            self.demoted = True
        except (OSError, AttributeError):  # exited meanwhile, or no setpriority on this system
            pass

    def restore(self) -> bool:
        """Normal priority again; False where an unprivileged process may not raise it."""
        if not self.demoted:
            return True
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid or 0, 0)
        except OSError:
            return False
        self.demoted = False
        return True

    def wait_ready(self, timeout: float) -> bool:
        if self.ready:
            return True
        if not self.conn.poll(timeout):
            return False
        message = self.conn.recv()
        self.ready = isinstance(message, tuple) and message[:1] == ("ready",)
        return self.ready

    def stop(self, *, kill: bool) -> None:
        """End the process and reap it (no zombie): politely if idle, with SIGKILL if not."""
        if not kill and self.process.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                kill = True
            self.process.join(2.0)
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5.0)
        self.conn.close()


def _close_at_exit(ref: weakref.ReferenceType[SparqlExecutor]) -> None:
    executor = ref()
    if executor is not None:
        executor.close()


class SparqlExecutor:
    """Runs read-only SPARQL queries on the newest checkpoint of ``data_dir``."""

    def __init__(
        self,
        *,
        data_dir: Path,
        timeout_s: float,
        row_cap: int,
        workers: int,
        queue_wait_s: float | None = None,
        slow_after_s: float | None = None,
        wall_limit_s: float | None = None,
    ) -> None:
        if timeout_s <= 0 or row_cap < 0 or workers < 1:
            raise ValueError("timeout_s > 0, row_cap >= 0 and workers >= 1 are required")
        self.dirs = DataDir(Path(data_dir))
        self.timeout_s = float(timeout_s)
        self.row_cap = int(row_cap)
        self.workers = int(workers)
        # None or 0: WALL_LIMIT_FACTOR x the time limit; never below the time limit itself
        wall = wall_limit_s if wall_limit_s else WALL_LIMIT_FACTOR * self.timeout_s
        self.wall_limit_s = max(float(wall), self.timeout_s)
        # by default as long as a query may hold a worker: with every worker held by a runaway
        # a waiting query gets the first one freed, not a 503 just before it is
        self.queue_wait_s = float(self.wall_limit_s if queue_wait_s is None else queue_wait_s)
        # None, 0 or not below the time limit: never demote a slow query's worker
        self.slow_after_s = slow_after_s if slow_after_s is not None and 0 < slow_after_s < timeout_s else None
        self._ctx = multiprocessing.get_context("spawn")
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._line: deque[object] = deque()  # queries waiting for a worker, oldest first
        self._live: set[_Worker] = set()
        self._started = 0
        self._closed = False
        self._atexit = functools.partial(_close_at_exit, weakref.ref(self))
        atexit.register(self._atexit)

    # --- public --------------------------------------------------------------------------

    def run(
        self,
        query: str,
        *,
        accept: str | None,
        default_graph_uris: list[str] | None = None,
        named_graph_uris: list[str] | None = None,
        scope: ScopeSpec | None = None,
    ) -> SparqlResult:
        """Run one query; never raises for a bad query (the result carries status and message).

        ``scope`` (kg.governance.views.ScopeSpec) is the caller's: the query then runs over
        that scope's graphs only, in the checkpoint it was made for; FROM / FROM NAMED and the
        protocol's graph lists are cut to it. ``None`` is an admin's scope of the newest
        checkpoint, for trusted in-process callers (the web app always passes the caller's).

        Status: 200; 400 bad query, SERVICE, bad graph IRI; 403 SPARQL Update; 406 no
        acceptable format; 503 time limit, all workers busy, or nothing ingested yet.
        The default dataset is the union of all graphs unless the query has FROM clauses or
        ``default_graph_uris`` / ``named_graph_uris`` are given (SPARQL 1.1 Protocol §2.1.4).
        """
        started = time.perf_counter()
        result = self._run(query, accept, default_graph_uris, named_graph_uris, scope)
        return replace(result, elapsed_ms=(time.perf_counter() - started) * 1000)

    def close(self) -> None:
        """Stop every worker process and reap it. Queries still running get 503."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            busy = [w for w in self._live if w not in idle]
            self._live.clear()
            self._cond.notify_all()
        for worker in idle:
            worker.stop(kill=False)
        for worker in busy:
            # The thread waiting on this worker sees the pipe end and reports shutdown.
            worker.process.kill()
            worker.process.join(5.0)
        atexit.unregister(self._atexit)

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        with self._cond:
            return [w.pid for w in self._live if w.pid is not None]

    def __enter__(self) -> SparqlExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals -----------------------------------------------------------------------

    def _run(
        self,
        query: str,
        accept: str | None,
        default_graph_uris: list[str] | None,
        named_graph_uris: list[str] | None,
        scope: ScopeSpec | None = None,
    ) -> SparqlResult:
        if not query or not query.strip():
            return SparqlResult.failure(400, "the query is empty")
        shape = scan(query)
        if shape.is_update:
            return SparqlResult.failure(403, READ_ONLY_MESSAGE.format(shape.form))
        refused = [t for t in shape.services if not netpolicy.is_allowed(t)]
        if refused:  # SERVICE to an address the operator did not allow (or to a variable)
            target = refused[0]
            shown = f"<{target}>" if target else "(a variable or an IRI that does not resolve)"
            return SparqlResult.failure(
                400, SERVICE_MESSAGE.format(target=shown, reason=netpolicy.refusal_reason(target))
            )
        defaults = [g for g in default_graph_uris or () if g]
        named = [g for g in named_graph_uris or () if g]
        for iri in defaults + named:
            try:
                ox.NamedNode(iri)
            except ValueError as exc:
                return SparqlResult.failure(400, f"bad graph IRI {iri!r}: {exc}")
        checkpoint = latest_checkpoint(self.dirs.checkpoints)
        if scope is None and checkpoint is not None:
            # a trusted caller: every graph, as an admin sees it (the union of every named graph
            # would count each record twice: once in its own graph, once in its view)
            scope = ScopeSpec(str(checkpoint), (), staff=True, admin=True)
        if scope is not None:
            checkpoint = Path(scope.checkpoint)  # the scope was made for this one
            if not defaults and not named and shape.has_dataset_clause:
                # the query's own FROM / FROM NAMED, cut to the scope by the worker
                try:
                    defaults, named = dataset_clause(query)
                except ValueError as exc:
                    return SparqlResult.failure(400, str(exc))
                if not defaults and not named:
                    return SparqlResult.failure(400, "cannot read the query's FROM clauses")
        if checkpoint is None or not checkpoint.exists():
            return SparqlResult.failure(503, NO_DATA_MESSAGE if checkpoint is None else "the data changed; try again")
        request = QueryRequest(
            query=query,
            accept=accept,
            checkpoint=str(checkpoint),
            row_cap=self.row_cap,
            union_default_graph=not shape.has_dataset_clause,
            default_graphs=tuple(defaults) if defaults or named else None,
            named_graphs=tuple(named) if defaults or named else None,
            prefixes=shape.prefixes,
            scope=(scope.units, scope.staff, scope.admin) if scope is not None else None,
        )
        result = self._dispatch(request)
        if result.form and "/" in result.form and shape.form in QUERY_FORMS:
            result = replace(result, form=shape.form)
        return result

    def _dispatch(self, request: QueryRequest) -> SparqlResult:
        worker = self._acquire()
        if worker is None:
            if self._closed:
                return SparqlResult.failure(503, "the SPARQL endpoint is shutting down")
            return SparqlResult.failure(
                503,
                f"all {self.workers} query workers are busy; try again in a few seconds",
            )
        try:
            if not worker.wait_ready(STARTUP_TIMEOUT_S):
                self._discard(worker, replace_it=True)
                return SparqlResult.failure(503, "a query worker failed to start; try again")
            worker.conn.send(request)
            overrun = self._answered(worker)
            if overrun is not None:
                self._discard(worker, replace_it=True)
                return SparqlResult.failure(503, overrun)
            result = worker.conn.recv()
        except (EOFError, OSError):
            # The worker died under the query (killed by close(), or out of memory).
            self._discard(worker, replace_it=True)
            if self._closed:
                return SparqlResult.failure(503, "the SPARQL endpoint is shutting down")
            return SparqlResult.failure(500, "the query worker stopped while running this query")
        except BaseException:
            self._discard(worker, replace_it=True)
            raise
        if not worker.restore():
            self._discard(worker, replace_it=True)
        else:
            self._release(worker)
        return result

    def _answered(self, worker: _Worker) -> str | None:
        """Wait for the worker's answer while its query keeps within its limits: ``timeout_s`` of
        the worker's CPU time and ``wall_limit_s`` of wall-clock time. None once the answer is
        there; else why the query is stopped. Demotes the worker once the query has used
        ``slow_after_s`` (when set)."""
        started = time.monotonic()
        cpu_at_start = worker.cpu_seconds()
        slow = self.slow_after_s
        while True:
            elapsed = time.monotonic() - started
            cpu_now = worker.cpu_seconds() if cpu_at_start is not None else None
            used = elapsed if cpu_now is None or cpu_at_start is None else cpu_now - cpu_at_start
            if used >= self.timeout_s:
                how = "of CPU time" if cpu_now is not None else "on the clock"
                return f"query exceeded the {self.timeout_s:g} s time limit ({used:.1f} s {how})"
            if elapsed >= self.wall_limit_s:
                return (
                    f"query exceeded the {self.wall_limit_s:g} s wall-clock limit (it had used "
                    f"{used:.1f} s of its {self.timeout_s:g} s time limit; the server is busy, try again)"
                )
            if slow is not None and used >= slow:
                worker.demote()
                slow = None
            # A one-thread worker uses at most the wall time waited, so waiting for what is left
            # of the next limit cannot overshoot it by more than a clock tick.
            mark = (slow if slow is not None else self.timeout_s) - used
            step = min(max(mark, _POLL_MIN_S), _POLL_MAX_S, max(self.wall_limit_s - elapsed, 0.0))
            if worker.conn.poll(step):
                return None

    def _acquire(self) -> _Worker | None:
        """An idle worker, a new one if the pool is not full, or None after queue_wait_s.
        Queries wait in line: a worker freed goes to the one that has waited longest, not to a
        query that arrived meanwhile (a client resending runaways would otherwise keep it)."""
        deadline = time.monotonic() + self.queue_wait_s
        ticket = object()
        with self._cond:
            self._line.append(ticket)
            try:
                while not self._closed:
                    if self._line[0] is ticket:
                        while self._idle:
                            worker = self._idle.pop()
                            if worker.process.is_alive():
                                return worker
                            self._live.discard(worker)  # died while idle (e.g. OOM killer)
                            worker.stop(kill=True)
                        if len(self._live) < self.workers:
                            return self._spawn()
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return None
                    self._cond.wait(remaining)
                return None
            finally:
                self._line.remove(ticket)
                self._cond.notify_all()  # the next in line looks again

    def _spawn(self) -> _Worker:
        """Start a worker (caller holds the lock). Returns at once; readiness is awaited later."""
        self._started += 1
        worker = _Worker(self._ctx, f"crosswalk-sparql-{self._started}")
        self._live.add(worker)
        return worker

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            if self._closed or worker not in self._live:
                stop = True
            else:
                self._idle.append(worker)
                stop = False
            self._cond.notify_all()
        if stop:
            worker.stop(kill=True)

    def _discard(self, worker: _Worker, *, replace_it: bool) -> None:
        """Kill and reap ``worker``; start a fresh one in its place so the pool stays warm."""
        worker.stop(kill=True)
        with self._cond:
            self._live.discard(worker)
            if replace_it and not self._closed:
                self._idle.append(self._spawn())
            self._cond.notify_all()


def dataset_clause(query: str) -> tuple[list[str], list[str]]:
    """The IRIs of a query's ``FROM`` and ``FROM NAMED`` clauses (grammar [13]-[15]), prefixed
    names resolved with its PREFIX declarations. Raises ValueError for one it cannot resolve."""
    shape = scan(query)
    tokens = tokenize(query)
    defaults: list[str] = []
    named: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.kind != "word" or tok.text.upper() != "FROM":
            continue
        j = i + 1
        into = defaults
        if j < len(tokens) and tokens[j].kind == "word" and tokens[j].text.upper() == "NAMED":
            into, j = named, j + 1
        if j >= len(tokens):
            raise ValueError("FROM without a graph IRI")
        target = tokens[j]
        if target.kind == "iri":
            into.append(target.text[1:-1])
        elif target.kind == "pname" and target.text.split(":", 1)[0] in shape.prefixes:
            pfx, local = target.text.split(":", 1)
            into.append(shape.prefixes[pfx] + local)
        else:
            raise ValueError(f"FROM {target.text}: not an IRI this endpoint can resolve")
    return defaults, named
