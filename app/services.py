"""Per-app shared state: the read-only store checkpoint, the searcher, the SPARQL executor.

Readers open the newest checkpoint made by ingest/link (never the primary store), and reopen
it when a newer one appears, so a running server sees new ingests without a restart.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from kg.config import DataDir
from kg.governance.identity import Identity
from kg.governance.views import ScopedStore, ScopeSpec
from kg.store.oxigraph import GraphStore, latest_checkpoint


class NoDataError(RuntimeError):
    """The data directory holds no checkpoint yet: nothing has been ingested."""


class Services:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.dirs = DataDir(Path(config["DATA_DIR"]))
        self._lock = threading.Lock()
        self._searcher_build = threading.Lock()
        self._store: GraphStore | None = None
        self._store_path: Path | None = None
        self._searcher = None
        self._searcher_stamp: object = None
        self._sparql = None
        from kg.governance.views import ScopeCache

        self._scopes = ScopeCache()

    def store(self) -> GraphStore:
        """The newest checkpoint, opened read-only."""
        return self._open()[0]

    def _open(self) -> tuple[GraphStore, Path]:
        path = latest_checkpoint(self.dirs.checkpoints)
        if path is None:
            raise NoDataError(f"no data in {self.dirs.root}: run `kg ingest PATH` and `kg link` first")
        with self._lock:
            if self._store is None or path != self._store_path:
                self._store = GraphStore(path, read_only=True)
                self._store_path = path
            return self._store, path

    def scoped(self, who: Identity) -> tuple[ScopedStore, ScopeSpec]:
        """The newest checkpoint as ``who`` may read it (kg.governance.views: the one place
        access is decided), and the spec the SPARQL workers rebuild the same scope from."""
        store, path = self._open()
        scope, spec = self._scopes.scope(store.store, path, self.dirs.root, who)
        return ScopedStore(store, scope), spec

    def searcher(self):  # type: ignore[no-untyped-def]
        from kg.linking.search import Searcher

        store, path = self._open()
        stamp = (path, Searcher.index_stamp(self.dirs))
        with self._lock:
            if self._searcher is not None and stamp == self._searcher_stamp:
                return self._searcher
        # Built outside the lock (seconds: the model, BM25, facets): landing pages and SPARQL,
        # which take the lock too, go on meanwhile. One build at a time per process.
        with self._searcher_build:
            with self._lock:
                if self._searcher is not None and stamp == self._searcher_stamp:
                    return self._searcher
            searcher = Searcher(self.dirs, store)
            with self._lock:
                self._searcher, self._searcher_stamp = searcher, stamp
            return searcher

    def warm(self) -> None:
        """Build the searcher and answer one search before serving (a production worker calls
        this before it accepts connections, so no request waits for the build)."""
        try:
            self.searcher().search("data", limit=1)
        except NoDataError:
            pass

    def close(self) -> None:
        """Stop the SPARQL workers and release the store."""
        with self._lock:
            if self._sparql is not None:
                self._sparql.close()
                self._sparql = None
            self._store = None
            self._searcher = None

    def sparql(self):  # type: ignore[no-untyped-def]
        from kg.sparql import SparqlExecutor

        with self._lock:
            if self._sparql is None:
                self._sparql = SparqlExecutor(
                    data_dir=self.dirs.root,
                    timeout_s=float(self.config["SPARQL_TIMEOUT_S"]),
                    row_cap=int(self.config["SPARQL_ROW_CAP"]),
                    workers=int(self.config["SPARQL_WORKERS"]),
                    slow_after_s=float(self.config.get("SPARQL_SLOW_AFTER_S", 0)),  # 0: off
                    wall_limit_s=float(self.config.get("SPARQL_WALL_LIMIT_S", 0)),  # 0: 3 x timeout_s
                )
            return self._sparql
