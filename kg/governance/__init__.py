"""Federated governance: who is asking (:mod:`.identity`), what each source and record allows
(:mod:`.policy`), and the one place that turns the two into the graphs a request may read
(:mod:`.views`).

Enforcement is by dataset, never by filtering results: every read path (SPARQL, search,
facets, related datasets, landing pages, exports) runs against a :class:`~.views.Scope`, the
list of graphs the caller may see, passed to pyoxigraph as the query's default and named
graphs (ARCHITECTURE.md, Governance). Why view graphs: see :mod:`.views`.
"""
