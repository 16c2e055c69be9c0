"""The triple store: embedded Oxigraph holding one named graph per record."""

from kg.store.oxigraph import GraphStore

__all__ = ["GraphStore"]
