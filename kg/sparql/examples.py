"""Example queries for data stewards, shown on the /sparql page and run by the tests.

Each query declares its prefixes, so it can be pasted into any SPARQL client. They rely on the
graph layout written by ``kg.pipeline`` (one graph per record, a validation graph per record,
the links graph written by ``kg link``) and on the endpoint's default dataset being the union
of all graphs.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.namespaces import BASE, LINKS_GRAPH


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    description: str
    query: str


PREFIXES = f"""PREFIX cw: <{BASE}ns#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX sh: <http://www.w3.org/ns/shacl#>
"""

EXAMPLES: list[Example] = [
    Example(
        "datasets-per-source",
        "Datasets per source",
        "How many datasets each source catalog contributes, largest first.",
        PREFIXES
        + """
SELECT ?source (COUNT(DISTINCT ?ds) AS ?datasets)
WHERE {
  GRAPH ?g { ?g cw:source ?source ; foaf:primaryTopic ?ds }
}
GROUP BY ?source
ORDER BY DESC(?datasets)
""",
    ),
    Example(
        "failing-validation-per-source",
        "Records failing validation, per source",
        "Records whose SHACL report has at least one Violation (core profile), counted per "
        "source. The report graph graph/validation/KEY belongs to the record graph "
        "graph/record/KEY.",
        PREFIXES
        + f"""
SELECT ?source (COUNT(DISTINCT ?record) AS ?failing)
WHERE {{
  GRAPH ?report_graph {{
    ?report a sh:ValidationReport ;
            sh:conforms false ;
            cw:status "Violation" ;
            cw:reportFor ?dataset .
  }}
  BIND(IRI(CONCAT("{BASE}graph/record/",
                  STRAFTER(STR(?report_graph), "/graph/validation/"))) AS ?record)
  GRAPH ?record {{ ?record cw:source ?source ; foaf:primaryTopic ?dataset }}
}}
GROUP BY ?source
ORDER BY DESC(?failing)
""",
    ),
    Example(
        "datasets-without-licence",
        "Datasets without a licence",
        "Datasets that no catalog gives a dct:license, with the source and record to fix.",
        PREFIXES
        + """
SELECT ?source ?dataset ?title ?record
WHERE {
  GRAPH ?record {
    ?record cw:source ?source ; foaf:primaryTopic ?dataset .
    ?dataset dct:title ?title .
  }
  FILTER NOT EXISTS { ?dataset dct:license ?licence }
}
ORDER BY ?source ?title
""",
    ),
    Example(
        "cross-source-links",
        "Related datasets across sources",
        "Machine links (from `kg link`) between datasets of different sources, with the score, "
        "method and model that produced each link. Empty until `kg link` has run.",
        PREFIXES
        + f"""
SELECT ?score ?a_title ?a_source ?b_title ?b_source ?method ?model ?a ?b
WHERE {{
  GRAPH <{LINKS_GRAPH}> {{
    ?a cw:relatedDataset ?b .
    ?link a cw:DatasetLink ;
          cw:linkSource ?a ;
          cw:linkTarget ?b ;
          cw:score ?score ;
          cw:method ?method ;
          cw:model ?model .
  }}
  GRAPH ?ga {{ ?ga foaf:primaryTopic ?a ; cw:source ?a_source . ?a dct:title ?a_title }}
  GRAPH ?gb {{ ?gb foaf:primaryTopic ?b ; cw:source ?b_source . ?b dct:title ?b_title }}
  FILTER (?a_source != ?b_source)
}}
ORDER BY DESC(?score)
LIMIT 100
""",
    ),
    Example(
        "record-provenance",
        "Provenance of a record",
        "Where a record came from: the raw record (by hash), the input file, the harvest run, "
        "the lifter and software versions. Change the title filter to find your record.",
        PREFIXES
        + """
SELECT ?record ?title ?file ?raw ?raw_sha256 ?run ?lifter ?lifter_version ?software_version
WHERE {
  GRAPH ?record {
    ?record foaf:primaryTopic ?dataset ;
            prov:wasDerivedFrom ?raw ;
            prov:wasGeneratedBy ?run ;
            cw:lifter ?lifter ;
            cw:lifterVersion ?lifter_version ;
            cw:softwareVersion ?software_version ;
            cw:sourceFile ?file .
    ?raw cw:sha256 ?raw_sha256 .
    ?dataset dct:title ?title .
  }
  FILTER (CONTAINS(LCASE(?title), "solar"))
}
ORDER BY ?title
LIMIT 20
""",
    ),
    Example(
        "common-findings",
        "Most common validation findings",
        "SHACL findings (violations, warnings, notes) grouped by severity and message: the "
        "fixes that would help the most records.",
        PREFIXES
        + """
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
""",
    ),
]


def example(slug: str) -> Example | None:
    return next((e for e in EXAMPLES if e.slug == slug), None)
