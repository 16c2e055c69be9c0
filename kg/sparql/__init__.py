"""The SPARQL 1.1 query service behind /sparql: read-only, time-limited, row-capped.

``SparqlExecutor`` runs queries in worker processes on the newest checkpoint;
``kg.sparql.examples.EXAMPLES`` holds the example queries for data stewards. The executor is
imported on first use so that a worker process, which imports this package, stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.sparql.messages import SparqlResult

if TYPE_CHECKING:
    from kg.sparql.executor import SparqlExecutor

__all__ = ["SparqlExecutor", "SparqlResult"]


def __getattr__(name: str) -> object:
    if name == "SparqlExecutor":
        from kg.sparql.executor import SparqlExecutor

        return SparqlExecutor
    raise AttributeError(f"module 'kg.sparql' has no attribute {name!r}")
