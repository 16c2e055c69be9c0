"""Crosswalk: a knowledge graph of dataset metadata across national laboratories."""

__version__ = "0.1.0"
