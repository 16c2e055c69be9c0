"""What the executor and its worker processes send each other (pickled over a pipe).

Kept apart from ``executor`` so that a worker process imports only this, the result writers
and pyoxigraph: it starts in a fraction of the time the whole ``kg`` package would take.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEXT_PLAIN = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class SparqlResult:
    """The outcome of one query: an HTTP status, a body in the negotiated format, and whether
    the row cap cut it short. ``error`` holds the message when ``status`` is not 200 (the body
    then is the same message as text/plain)."""

    status: int
    content_type: str
    body: bytes
    truncated: bool = False
    error: str | None = None
    form: str | None = None  # SELECT, ASK, CONSTRUCT or DESCRIBE
    format: str | None = None  # short name of the result format (kg.sparql.formats)
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == 200

    @classmethod
    def failure(cls, status: int, message: str, *, form: str | None = None) -> SparqlResult:
        return cls(status, TEXT_PLAIN, message.encode("utf-8"), error=message, form=form)


@dataclass(frozen=True)
class QueryRequest:
    """One query for a worker: the text, the checkpoint to read and how to build the dataset."""

    query: str
    accept: str | None
    checkpoint: str  # path of the read-only checkpoint to query
    row_cap: int
    union_default_graph: bool = True
    default_graphs: tuple[str, ...] | None = None  # protocol dataset; None = not given
    named_graphs: tuple[str, ...] | None = None
    prefixes: dict[str, str] = field(default_factory=dict)  # for Turtle / RDF/XML output
    # the caller's scope (kg.governance.views.ScopeSpec): (visible units, staff, admin); None:
    # the whole store. The worker rebuilds the graph lists from it with kg.governance.views.
    scope: tuple[tuple[str, ...], bool, bool] | None = None
