"""Example queries for data stewards, shown on the /sparql page and run by the tests.

Each answers one question a steward asks (which records fail validation, which datasets have no
licence, which labs' datasets are linked on a shared concept, where a record came from). Each
query declares the prefixes it uses, so it can be pasted into any SPARQL client. They rely on the
graph layout the pipeline writes and on the endpoint's default dataset being the union of all
graphs:

* ``graph/record/{key}``: the record (``cw:source``, ``cw:recordKey``, ``foaf:primaryTopic`` its
  dataset, PROV-O: raw record by sha256, run, lifter) and the lifted dataset (kg.pipeline);
* ``graph/validation/{key}``: the record's ``sh:ValidationReport`` with ``cw:status``
  (kg.validation.validator.report_lines);
* ``graph/alignment/{key}``: ``dcat:theme`` per shared concept and one ``cw:Alignment`` per lab
  term, with the mapping set and its version (kg.alignment.align);
* ``graph/links``: ``cw:relatedDataset`` and one ``cw:DatasetLink`` per machine link, with score,
  method and model (kg.linking.linker);
* ``graph/runs``: the wall-clock run log (kg.pipeline, outside the canonical hash).

``PREFIXES`` is also what the query editor offers for prefix completion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.namespaces import BASE, CW, RUNS_GRAPH, SDO, SRC

# name → namespace IRI: declared by the examples that use them and offered by the editor.
PREFIXES: dict[str, str] = {
    "cw": str(CW),
    "cwsource": f"{BASE}source/",
    "cwconcept": f"{BASE}concept/",
    "src": str(SRC),
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sh": "http://www.w3.org/ns/shacl#",
    "schema": str(SDO),
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "locn": "http://www.w3.org/ns/locn#",
    "adms": "http://www.w3.org/ns/adms#",
    "gcmd": "https://gcmd.earthdata.nasa.gov/kms/concept/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# The concept the cross-lab example starts from: lab terms of ANL, NREL and PNNL in the sample
# corpus (examples/) are aligned to it, and `kg link` links their datasets to other labs'.
# Change it in the query to ask about another concept.
EXAMPLE_CONCEPT = f"{BASE}concept/science-domains/atmospheric-science"
# The provenance example finds records by a word in their title ("solar": NREL, BNL, energy.gov).
EXAMPLE_TITLE_WORD = "solar"


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    description: str  # the steward's question, in one line
    query: str


def with_prefixes(body: str) -> str:
    """``body`` with a PREFIX line for each name of ``PREFIXES`` it uses (``name:`` outside an
    IRI), in the table's order."""
    used = [n for n in PREFIXES if re.search(rf"(?<![\w:/.#<-]){re.escape(n)}:", body)]
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in used) + "\n" + body.strip() + "\n"


EXAMPLES: list[Example] = [
    Example(
        "failing-validation-per-source",
        "Records failing validation, per lab",
        "Which labs have records with a SHACL Violation, how many of their records fail, and "
        "out of how many (the same counts as `kg validate`).",
        with_prefixes(
            f"""
SELECT ?source (COUNT(DISTINCT ?record) AS ?failing) (SAMPLE(?total) AS ?records)
WHERE {{
  GRAPH ?record {{ ?record cw:source ?source ; cw:recordKey ?key }}
  # a record's report lives in graph/validation/KEY, beside graph/record/KEY
  BIND (IRI(CONCAT("{BASE}graph/validation/", ?key)) AS ?report_graph)
  GRAPH ?report_graph {{ ?report a sh:ValidationReport ; cw:status "Violation" }}
  {{
    SELECT ?source (COUNT(DISTINCT ?r) AS ?total)
    WHERE {{ GRAPH ?r {{ ?r a dcat:CatalogRecord ; cw:source ?source }} }}
    GROUP BY ?source
  }}
}}
GROUP BY ?source
ORDER BY DESC(?failing) ?source
"""
        ),
    ),
    Example(
        "datasets-without-licence",
        "Datasets without a licence",
        "Which datasets does no catalog give a dcterms:license, and which lab's record should be fixed?",
        with_prefixes(
            """
SELECT ?source ?title ?local_id ?file ?dataset ?record
WHERE {
  GRAPH ?record {
    ?record cw:source ?source ; foaf:primaryTopic ?dataset ;
            cw:localIdentifier ?local_id ; cw:sourceFile ?file .
    ?dataset dcterms:title ?title .
  }
  # over every graph: a licence given by any catalog that lists the dataset counts
  FILTER NOT EXISTS { ?dataset dcterms:license ?licence }
}
ORDER BY ?source ?title
"""
        ),
    ),
    Example(
        "concept-cross-lab-links",
        "Cross-lab links for a concept",
        "Which datasets of other labs are linked to our datasets on a shared concept (here "
        "atmospheric science), through which of our terms, and does the other lab's dataset "
        "carry the concept too?",
        with_prefixes(
            f"""
SELECT ?score ?a_source ?a_title (GROUP_CONCAT(DISTINCT ?term; SEPARATOR=" | ") AS ?lab_terms)
       ?b_source ?b_title ?b_has_concept ?method ?curation ?a ?b
WHERE {{
  VALUES ?concept {{ <{EXAMPLE_CONCEPT}> }}
  # dcat:theme is written by alignment (graph/alignment/KEY) or by a lifter from a scheme
  ?a dcat:theme ?concept .
  OPTIONAL {{ ?alignment a cw:Alignment ; cw:dataset ?a ; cw:concept ?concept ; cw:sourceTerm ?term }}
  {{  # links are in the default graph: the ones between datasets you may see
    ?a cw:relatedDataset ?b .
    ?link a cw:DatasetLink ; cw:linkSource ?a ; cw:linkTarget ?b ; cw:method ?method .
    # a link a curator added may have no model score; a reviewed one says so
    OPTIONAL {{ ?link cw:score ?score }}
    OPTIONAL {{ ?link cw:curationStatus ?curation }}
  }}
  GRAPH ?ga {{ ?ga foaf:primaryTopic ?a ; cw:source ?a_source . ?a dcterms:title ?a_title }}
  GRAPH ?gb {{ ?gb foaf:primaryTopic ?b ; cw:source ?b_source . ?b dcterms:title ?b_title }}
  FILTER (?a_source != ?b_source)
  # false: the other lab's terms are not aligned to the concept (a mapping to review?)
  BIND (EXISTS {{ ?b dcat:theme ?concept }} AS ?b_has_concept)
}}
GROUP BY ?score ?a_source ?a_title ?b_source ?b_title ?b_has_concept ?method ?curation ?a ?b
ORDER BY DESC(?score) ?a ?b
LIMIT 200
"""
        ),
    ),
    Example(
        "record-provenance",
        "Provenance of a record",
        "Where did a record come from: raw record and input file (by sha256), source, run, "
        "lifter and version, mapping-set versions, software version? Change the title word to "
        "find your record.",
        with_prefixes(
            f"""
SELECT ?title ?source ?local_id ?file ?raw_sha256 ?file_sha256 ?run (MAX(?started) AS ?last_run_at)
       ?lifter ?lifter_version ?software_version
       (GROUP_CONCAT(DISTINCT ?set_version; SEPARATOR=", ") AS ?mapping_sets) ?record
WHERE {{
  GRAPH ?record {{
    ?record foaf:primaryTopic ?dataset ; cw:recordKey ?key ; cw:source ?source ;
            cw:localIdentifier ?local_id ; cw:sourceFile ?file ;
            prov:wasDerivedFrom ?raw ; prov:wasGeneratedBy ?run ;
            cw:lifter ?lifter ; cw:lifterVersion ?lifter_version ; cw:softwareVersion ?software_version .
    ?raw cw:sha256 ?raw_sha256 .
    OPTIONAL {{ ?raw prov:wasDerivedFrom ?raw_file . ?raw_file cw:sha256 ?file_sha256 }}
    ?dataset dcterms:title ?title .
  }}
  FILTER (CONTAINS(LCASE(?title), "{EXAMPLE_TITLE_WORD}"))
  # when the run happened: the run log, kept outside the hashed record graph
  OPTIONAL {{ GRAPH <{RUNS_GRAPH}> {{ ?event cw:ofRun ?run ; prov:startedAtTime ?started }} }}
  # which mapping-set versions aligned its terms (graph/alignment/KEY)
  OPTIONAL {{
    GRAPH ?alignment_graph {{
      ?alignment_graph cw:recordKey ?key .
      ?alignment cw:mappingSet ?set ; cw:mappingSetVersion ?set_v .
    }}
    BIND (CONCAT(STR(?set), " v", STR(?set_v)) AS ?set_version)
  }}
}}
GROUP BY ?title ?source ?local_id ?file ?raw_sha256 ?file_sha256 ?run
         ?lifter ?lifter_version ?software_version ?record
ORDER BY ?title
LIMIT 20
"""
        ),
    ),
    Example(
        "datasets-per-source",
        "Datasets per lab",
        "How many datasets does each lab's catalog contribute?",
        with_prefixes(
            """
SELECT ?source (COUNT(DISTINCT ?dataset) AS ?datasets)
WHERE {
  GRAPH ?record { ?record cw:source ?source ; foaf:primaryTopic ?dataset }
}
GROUP BY ?source
ORDER BY DESC(?datasets)
"""
        ),
    ),
    Example(
        "cross-source-links",
        "Related datasets across labs",
        "Which machine links (from `kg link`) join datasets of different labs, with the score, "
        "method and model behind each? Empty until `kg link` has run.",
        with_prefixes(
            """
SELECT ?score ?a_title ?a_source ?b_title ?b_source ?method ?model ?a ?b
WHERE {
  {  # links are in the default graph: the ones between datasets you may see
    ?a cw:relatedDataset ?b .
    ?link a cw:DatasetLink ; cw:linkSource ?a ; cw:linkTarget ?b ;
          cw:score ?score ; cw:method ?method ; cw:model ?model .
  }
  GRAPH ?ga { ?ga foaf:primaryTopic ?a ; cw:source ?a_source . ?a dcterms:title ?a_title }
  GRAPH ?gb { ?gb foaf:primaryTopic ?b ; cw:source ?b_source . ?b dcterms:title ?b_title }
  FILTER (?a_source != ?b_source)
}
ORDER BY DESC(?score)
LIMIT 100
"""
        ),
    ),
    Example(
        "common-findings",
        "Most common validation findings",
        "Which SHACL findings (violations, warnings, notes) affect the most records: the fixes that would help most?",
        with_prefixes(
            """
SELECT ?severity ?message (COUNT(DISTINCT ?report) AS ?records)
WHERE {
  GRAPH ?g {
    ?report a sh:ValidationReport ; sh:result ?result .
    ?result sh:resultSeverity ?severity ; sh:resultMessage ?message .
  }
}
GROUP BY ?severity ?message
ORDER BY DESC(?records)
LIMIT 50
"""
        ),
    ),
]


def example(slug: str) -> Example | None:
    return next((e for e in EXAMPLES if e.slug == slug), None)


__all__ = ["EXAMPLES", "EXAMPLE_CONCEPT", "PREFIXES", "Example", "example", "with_prefixes"]
