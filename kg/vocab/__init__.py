"""Shared vocabularies: the core ontology, pinned copies of the vocabularies it imports, and the
SKOS concept schemes that datasets are aligned to (``ontologies/``).

* :mod:`kg.vocab.ontology` loads ``ontologies/core.ttl`` with its imports resolved offline from
  ``ontologies/vocab/`` (through ``ontologies/catalog-v001.xml``) and checks it with HermiT.
* :mod:`kg.vocab.schemes` lists and loads the concept schemes under ``ontologies/schemes/``:
  broader/narrower closures, labels, replacements of deprecated concepts.
* :mod:`kg.vocab.gcmd` converts the GCMD Science Keywords CSV into a SKOS scheme
  (``python -m kg.vocab.gcmd --csv PATH --out PATH``).
* :mod:`kg.vocab.schemaorg` cuts the pinned schema.org subset out of a full schema.org file
  (``python -m kg.vocab.schemaorg --source PATH --out PATH``).

Nothing here fetches anything: an IRI that no local file provides is an error, never a download.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGIES = ROOT / "ontologies"
VOCAB_DIR = ONTOLOGIES / "vocab"
SCHEMES_DIR = ONTOLOGIES / "schemes"
CORE = ONTOLOGIES / "core.ttl"
CATALOG = ONTOLOGIES / "catalog-v001.xml"

# Vocabulary IRIs are fixed: they name shared vocabularies, so they do not follow KG_BASE_IRI.
CROSSWALK_BASE = "https://w3id.org/crosswalk/"
CONCEPT_BASE = CROSSWALK_BASE + "concept/"

__all__ = ["CATALOG", "CONCEPT_BASE", "CORE", "CROSSWALK_BASE", "ONTOLOGIES", "ROOT", "SCHEMES_DIR", "VOCAB_DIR"]
