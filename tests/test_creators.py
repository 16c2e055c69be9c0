"""Several creators are one creator entity, in source order (issue 3, point 7).

DCAT-US 3.0 allows one ``dcterms:creator`` per dataset ("an entity responsible for producing the
dataset"); DataCite, schema.org, ISO, EML, FGDC and CSV inventories name several people. Every
lifter goes through ``Lifter.add_creator``: several creators become one ``foaf:Group`` with each
person a member and a ``prov:qualifiedAttribution`` carrying its place in the source's list, so a
citation can still give the authors in order. Real records from ../shared/corpus.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from lxml import etree
from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF

from kg.config import DataDir
from kg.dataset_view import dataset_view
from kg.lifting import get_lifter
from kg.lifting.base import CW_POSITION, creators_of
from kg.pipeline import Ingestor
from kg.store import GraphStore
from tests.conftest import corpus_path

KERNEL4 = "datacite-schema/source/meta/kernel-4/example"
DATACITE_NS = "{http://datacite.org/schema/kernel-4}"


def _lift(relative: str, fmt: str) -> list:  # type: ignore[type-arg]
    path = corpus_path(relative)
    lifter = get_lifter(fmt)
    return [lifter.lift(piece, source="test") for piece in lifter.split(path.read_bytes(), source_file=path.name)]


def _xml_creator_names(relative: str) -> list[str]:
    tree = etree.parse(str(corpus_path(relative)))
    found = tree.getroot().findall(f"{DATACITE_NS}creators/{DATACITE_NS}creator/{DATACITE_NS}creatorName")
    return [" ".join(e.text.split()) for e in found if e.text and e.text.strip()]


def test_several_creators_are_one_group_with_every_person_in_source_order() -> None:
    relative = f"{KERNEL4}/datacite-example-full-v4.xml"
    [rec] = _lift(relative, "datacite-xml")
    g, ds = rec.graph, rec.dataset
    expected = _xml_creator_names(relative)
    [creator] = g.objects(ds, DCTERMS.creator)  # DCAT-US 3.0: at most one
    if len(expected) > 1:
        assert (creator, RDF.type, FOAF.Group) in g and (creator, RDF.type, FOAF.Agent) in g
        assert len(list(g.objects(creator, FOAF.name))) == 1  # DCAT-US 3.0 Agent: exactly one name
    names = [str(g.value(a, FOAF.name)) for a in creators_of(g, ds)]
    assert names == expected


def test_creator_order_follows_the_source_in_every_datacite_example() -> None:
    checked = 0
    for path in sorted(corpus_path(KERNEL4).glob("*.xml")):
        relative = f"{KERNEL4}/{path.name}"
        try:
            records = _lift(relative, "datacite-xml")
        except Exception:  # noqa: BLE001 - a file that is not a single resource is out of this test
            continue
        if len(records) != 1:
            continue
        rec = records[0]
        expected = _xml_creator_names(relative)
        got = [str(rec.graph.value(a, FOAF.name)) for a in creators_of(rec.graph, rec.dataset)]
        assert len(list(rec.graph.objects(rec.dataset, DCTERMS.creator))) <= 1, path.name
        assert got == expected, path.name
        if len(expected) > 1:
            positions = sorted(
                int(rec.graph.value(q, CW_POSITION))
                for q in rec.graph.objects(rec.dataset, PROV.qualifiedAttribution)
                if rec.graph.value(q, CW_POSITION) is not None
            )
            assert positions == list(range(1, len(expected) + 1)), path.name
            roles = {rec.graph.value(q, DCAT.hadRole) for q in rec.graph.objects(rec.dataset, PROV.qualifiedAttribution)
                     if rec.graph.value(q, CW_POSITION) is not None}  # fmt: skip
            assert roles == {URIRef("http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/originator")}
            checked += 1
    assert checked >= 2  # several multi-creator examples exist in the kernel-4 set


def test_one_creator_stays_the_creator_itself() -> None:
    [rec] = _lift("slendernodes-sosorg/iso19139/arm_doc1.xml", "iso19139")
    creators = list(rec.graph.objects(rec.dataset, DCTERMS.creator))
    assert len(creators) == 1
    if creators_of(rec.graph, rec.dataset) == creators:  # a single creator: no group, no extra attribution
        assert (creators[0], RDF.type, FOAF.Group) not in rec.graph


def test_landing_page_lists_the_creators_in_source_order(tmp_path: Path) -> None:
    relative = f"{KERNEL4}/datacite-example-full-v4.xml"
    src = tmp_path / "in" / "datacite"
    src.mkdir(parents=True)
    shutil.copy(corpus_path(relative), src / "full.xml")  # a tmp copy, not the repo
    ingestor = Ingestor(tmp_path / "kg")
    try:
        result = ingestor.ingest([src])
    finally:
        ingestor.close()
    assert result.stored == 1, [str(e) for e in result.errors]
    store = GraphStore(DataDir(tmp_path / "kg").store)
    try:
        [row] = store.select("SELECT ?k WHERE { GRAPH ?g { ?g <https://w3id.org/crosswalk/ns#recordKey> ?k } }")
        view = dataset_view(store, row["k"])
    finally:
        store.close()
    assert view is not None
    assert view.creators == _xml_creator_names(relative)
