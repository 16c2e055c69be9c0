"""The researcher's path on a real server: search, landing pages, related datasets, RDF."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from app import create_app
from kg.linking.linker import link
from kg.pipeline import Ingestor
from tests.conftest import corpus_path, serve_app

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample corpus plus two real agency catalogs, ingested, linked and served on loopback."""
    data = tmp_path_factory.mktemp("web")
    Ingestor(data).ingest(
        [
            ROOT / "examples",
            corpus_path("datajson-agencies/consumerfinance.data.json"),
            corpus_path("datajson-agencies/fcc.data.json"),
        ]
    )
    link(data)
    app = create_app({"DATA_DIR": str(data), "SPARQL_TIMEOUT_S": 5})
    with serve_app(app) as url:
        yield url


def get(url: str, accept: str | None = None) -> tuple[int, str, str]:
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode("utf-8")


def api(server: str, q: str, **params: str) -> dict:
    from urllib.parse import urlencode

    status, ctype, body = get(f"{server}/api/search?{urlencode({'q': q, **params})}")
    assert status == 200 and ctype.startswith("application/json"), body[:300]
    return json.loads(body)


def test_search_for_a_real_title_puts_that_record_first(server: str) -> None:
    catalog = json.loads(corpus_path("datajson-agencies/fcc.data.json").read_text())
    for entry in catalog["dataset"][:5]:
        hits = api(server, entry["title"], limit="5")["hits"]
        assert hits[0]["title"] == entry["title"], (entry["title"], [h["title"] for h in hits])
        assert entry["identifier"] in hits[0]["identifiers"]


def test_api_hits_carry_identifiers_publisher_score_and_landing_url(server: str) -> None:
    result = api(server, "soil carbon flux in arctic tundra", limit="10")
    assert len(result["hits"]) == 10
    hit = result["hits"][0]
    assert set(hit) >= {"identifiers", "title", "publisher", "score", "url"}
    assert hit["url"].startswith(server + "/dataset/")
    assert [h["score"] for h in result["hits"]] == sorted((h["score"] for h in result["hits"]), reverse=True)
    status, _, page = get(hit["url"])
    assert status == 200 and hit["title"] in page.replace("&#39;", "'").replace("&amp;", "&")


def test_publisher_facet_filters_hits(server: str) -> None:
    result = api(server, "data", limit="50")
    facet = result["facets"]["publisher"]
    assert len(facet) >= 3
    chosen = facet[1]["value"]
    filtered = api(server, "data", limit="50", publisher=chosen)
    assert filtered["hits"] and all(h["publisher"] == chosen for h in filtered["hits"])


def test_landing_page_lists_related_datasets_from_another_lab(server: str) -> None:
    hits = api(server, "ARM Southern Great Plains aerosol measurements", limit="5")["hits"]
    top = hits[0]
    status, _, page = get(top["url"])
    assert status == 200
    section = page.split('id="related-h"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<tr class="related"><td><a href="[^"]+">([^<]+)</a></td>\s*<td>([^<]*)</td><td>([^<]*)</td>', section)
    assert rows, "no related datasets on the landing page"
    assert any(source != top["source"] for _, _, source in rows)


def test_landing_page_shows_validation_and_provenance_and_schema_org(server: str) -> None:
    hit = api(server, "Consumer Complaint Database", limit="1")["hits"][0]
    status, _, page = get(hit["url"])
    assert status == 200
    assert "Validation" in page and 'class="badge' in page
    assert "Raw record (sha256)" in page and "consumerfinance.data.json" in page
    head = page.split("</head>", 1)[0]
    jsonld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', head, re.S).group(1))
    assert jsonld["@type"] == "Dataset" and jsonld["name"] == hit["title"]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml")],
)
def test_landing_url_returns_rdf_by_accept(server: str, accept: str, fmt: str) -> None:
    hit = api(server, "Consumer Complaint Database", limit="1")["hits"][0]
    status, ctype, body = get(hit["url"], accept=accept)
    assert status == 200 and ctype.startswith(accept)
    g = Graph().parse(data=body, format=fmt)
    titles = {str(o) for o in g.objects(None, __import__("rdflib").namespace.DCTERMS.title)}
    assert hit["title"] in titles


def test_dataset_by_doi_redirects_to_its_landing_page(server: str) -> None:
    hits = api(server, "neutron scattering", limit="20")["hits"]
    doi_hit = next(h for h in hits if any(i.startswith("https://doi.org/") for i in h["identifiers"]))
    doi = next(i for i in doi_hit["identifiers"] if i.startswith("https://doi.org/"))[len("https://doi.org/"):]
    status, _, page = get(f"{server}/dataset/{doi}")
    assert status == 200 and doi_hit["title"].split(" ")[0] in page


def test_unknown_dataset_is_404(server: str) -> None:
    assert get(f"{server}/dataset/0000000000000000beef")[0] == 404


def test_home_page_shows_cross_lab_links(server: str) -> None:
    status, _, page = get(server + "/")
    assert status == 200
    assert "Related across labs" in page and "similarity" in page


def test_metadata_is_escaped(server: str) -> None:
    status, _, page = get(server + "/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert status == 200 and "<script>alert(1)</script>" not in page
