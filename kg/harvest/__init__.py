"""Harvesting: fetch records from lab catalogs (directories, data.json URLs, CKAN, OAI-PMH,
sitemaps of landing pages) into the one ingest path, incrementally, with withdrawn marking.

``load_config(path)`` reads the sources and their schedules; ``harvest(config, data_dir)`` runs
them and returns one ``SourceReport`` per source. ``kg harvest`` is the command.

Names are imported on first use, so that ``kg --help`` does not load the pipeline.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "HarvestConfig": "kg.harvest.config",
    "Schedule": "kg.harvest.config",
    "SourceConfig": "kg.harvest.config",
    "load_config": "kg.harvest.config",
    "HarvestConfigError": "kg.harvest.errors",
    "HarvestError": "kg.harvest.errors",
    "FetchPolicy": "kg.harvest.fetch",
    "Fetcher": "kg.harvest.fetch",
    "HostAllowlist": "kg.harvest.fetch",
    "STATUS_GRAPHS": "kg.harvest.runner",
    "SourceReport": "kg.harvest.runner",
    "harvest": "kg.harvest.runner",
    "status_graph": "kg.harvest.runner",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kg.harvest' has no attribute {name!r}")
