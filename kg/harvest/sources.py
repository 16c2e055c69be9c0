"""One adapter per source kind. Each collects a source's documents for the one ingest path.

An adapter fetches (through the source's ``Fetcher``: its limits and host allowlist), keeps the
raw bytes of every page it is given (listing pages too, by sha256), and cuts the listing into
``Item``s: one per document of the source (a catalog, a CKAN package, an OAI record, a landing
page) with the ``Document``s to lift. It does not lift or store anything itself.

- ``directory``: the files under a path (the same reading as ``kg ingest``).
- ``datajson``: one DCAT-US ``data.json`` URL (conditional GET).
- ``ckan``: the action API ``package_search`` paged with ``rows``/``start``; one document per package
  for the ``ckan-package`` lifter.
- ``oai-pmh``: ``ListRecords`` followed through ``resumptionToken`` (OAI-PMH 2.0 section 3.5);
  ``oai_dc`` → the ``oai-dc`` lifter, ``oai_datacite`` → ``datacite-xml``; after a whole harvest,
  incremental with ``from``; ``<header status="deleted">`` → withdrawn.
- ``sitemap``: sitemap.xml and sitemap indexes (sitemaps.org 0.9) → landing pages (conditional GET,
  or not fetched at all when ``lastmod`` is unchanged) → every ``<script type="application/ld+json">``
  holding a schema.org Dataset → the ``schemaorg-jsonld`` lifter.
"""

from __future__ import annotations

import abc
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from lxml import etree

from kg.errors import CrosswalkError, LiftError
from kg.harvest.config import SourceConfig
from kg.harvest.errors import HarvestError
from kg.harvest.fetch import Fetched, Fetcher, gunzip_capped, with_params
from kg.harvest.state import DocumentState, SourceState
from kg.lifting.xmlsafe import parse_xml
from kg.pipeline import Document, file_documents
from kg.rawstore import RawStore

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
CKAN_SEARCH = "/api/3/action/package_search"
CKAN_VOLATILE = ("tracking_summary",)  # view counters: change on every visit, not metadata
MAX_SITEMAP_DEPTH = 3
_DATASET_RE = re.compile(
    r'"@type"\s*:\s*(\[[^\]]*)?"(schema:|sdo:|https?://schema\.org/)?(Dataset|DataSet|DataCatalog)"'
)

ProgressFn = Callable[[int, int | None], None]


@dataclass
class Item:
    """One document of a source as this harvest saw it."""

    doc_id: str  # the source's own name for it: URL, package id, OAI identifier, file path
    state: DocumentState  # saved after ingest, with the record keys it held
    documents: list[Document] = field(default_factory=list)  # what is lifted (a page may hold several)


@dataclass
class Collected:
    """What one harvest of a source collected."""

    items: list[Item] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)  # doc ids not readable this time: keep what they held
    deleted: list[str] = field(default_factory=list)  # doc ids the source reports deleted
    errors: list[CrosswalkError] = field(default_factory=list)
    full_listing: bool = True  # the listing names every record of the source (not an incremental one)
    failed: bool = False  # part of the listing could not be read: nothing is withdrawn this time
    pages: int = 0  # listing pages read (CKAN, OAI-PMH, sitemaps)
    reused: int = 0  # documents not requested: the listing says they have not changed (sitemap lastmod)
    next_from: str | None = None  # OAI-PMH: ``from`` of the next incremental harvest


class SourceAdapter(abc.ABC):
    """Base of the adapters; ``collect()`` does the whole listing of one source."""

    kind: ClassVar[str]

    def __init__(
        self,
        config: SourceConfig,
        state: SourceState,
        *,
        raw: RawStore,
        fetcher: Fetcher | None = None,
        progress: ProgressFn | None = None,
    ) -> None:
        self.config = config
        self.state = state
        self.raw = raw
        self.fetcher = fetcher
        self._progress = progress

    @abc.abstractmethod
    def collect(self) -> Collected:
        """Fetch the listing and its documents. Never raises for a bad page or record."""

    def progress(self, n: int = 1, total: int | None = None) -> None:
        if self._progress:
            self._progress(n, total)

    def error(self, message: str, *, url: str | None = None, record: str | None = None) -> HarvestError:
        return HarvestError(message, source=self.config.name, url=url, record=record)

    def document(self, data: bytes, display: str, filename: str = "") -> Document:
        return Document(data, display, self.config.name, self.config.lifter, filename)

    def keep(self, data: bytes) -> str:
        """Keep raw bytes a source gave (a listing page, a landing page); returns the sha256."""
        return self.raw.put(data, sync=False)

    def previous(self, doc_id: str) -> DocumentState | None:
        """The document's state from the last harvest, if its bytes are still in the raw store."""
        prev = self.state.documents.get(doc_id)
        return prev if prev is not None and prev.sha256 and prev.sha256 in self.raw else None

    def fetch_document(self, doc_id: str, url: str, *, accept: str | None = None) -> tuple[bytes, DocumentState]:
        """GET ``url`` conditionally; on 304 the bytes kept last time. Raises HarvestError."""
        assert self.fetcher is not None
        prev = self.previous(doc_id)
        response = self.fetcher.get(
            url,
            etag=prev.etag if prev else None,
            last_modified=prev.last_modified if prev else None,
            accept=accept,
            record=None,
        )
        if response.not_modified and prev is not None:
            body = self.raw.get(prev.sha256)  # type: ignore[arg-type]
            return body, DocumentState(
                url=url,
                sha256=prev.sha256,
                etag=response.etag or prev.etag,
                last_modified=response.last_modified or prev.last_modified,
                stamp=prev.stamp,
                content_type=prev.content_type,
            )
        if response.not_modified:
            raise self.error("answered 304 Not Modified to an unconditional GET", url=url)
        return response.body, _state_of(url, response, self.keep(response.body))


def _state_of(url: str, response: Fetched, sha: str) -> DocumentState:
    return DocumentState(
        url=url,
        sha256=sha,
        etag=response.etag,
        last_modified=response.last_modified,
        content_type=response.content_type,
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- directory --------------------------------------------------------------------------------


class DirectorySource(SourceAdapter):
    """Every file under ``path`` (skipping READMEs, images, schemas ... unless a format is forced)."""

    kind = "directory"

    def collect(self) -> Collected:
        out = Collected()
        path = self.config.path
        assert path is not None
        if not Path(path).exists():
            out.errors.append(self.error(f"no such directory: {path}", url=str(path)))
            out.failed = True
            return out
        documents, _skipped = file_documents([path], format=self.config.format, source=self.config.name)
        for doc in documents:
            out.items.append(Item(doc.display, DocumentState(url=doc.display, sha256=_sha(doc.data)), [doc]))
            self.progress(1, len(documents))
        return out


# --- data.json --------------------------------------------------------------------------------


class DataJsonSource(SourceAdapter):
    """One ``data.json`` catalog at a URL (DCAT-US 1.1 / 3.0 JSON)."""

    kind = "datajson"

    def collect(self) -> Collected:
        out = Collected()
        url = self.config.url
        assert url is not None
        try:
            body, state = self.fetch_document(url, url, accept="application/json")
        except HarvestError as exc:
            out.errors.append(exc)
            out.carried.append(url)
            out.failed = True
            return out
        out.items.append(Item(url, state, [self.document(body, url, "data.json")]))
        self.progress(1, 1)
        return out


# --- CKAN -------------------------------------------------------------------------------------


class CkanSource(SourceAdapter):
    """CKAN action API ``package_search`` paged with ``rows``/``start`` (CKAN API guide, "package_search")."""

    kind = "ckan"

    def collect(self) -> Collected:
        assert self.fetcher is not None and self.config.url is not None
        out = Collected()
        base = self.config.url.rstrip("/")
        if base.endswith(CKAN_SEARCH):
            site, api = base[: -len(CKAN_SEARCH)], base
        else:
            site, api = base, base + CKAN_SEARCH
        seen: set[str] = set()
        start = 0
        while True:
            if out.pages >= self.config.max_pages:
                out.errors.append(self.error(f"stopped after max_pages={self.config.max_pages} pages", url=api))
                out.failed = True
                break
            params = {"q": "*:*", "rows": str(self.config.rows), "start": str(start), "sort": self.config.sort}
            if self.config.fq:
                params["fq"] = self.config.fq
            page_url = with_params(api, params)
            try:
                response = self.fetcher.get(api, params=params, accept="application/json")
            except HarvestError as exc:
                out.errors.append(exc)
                out.failed = True
                break
            out.pages += 1
            self.keep(response.body)
            try:
                count, results = _ckan_page(response.body)
            except ValueError as exc:
                out.errors.append(self.error(str(exc), url=page_url))
                out.failed = True
                break
            for position, package in enumerate(results, start):
                pid = package.get("id") if isinstance(package, dict) else None
                if not isinstance(pid, str) or not pid:
                    out.errors.append(
                        self.error("a package without an 'id' (not harvested)", url=page_url, record=f"#{position}")
                    )
                    out.failed = True  # its records cannot be told apart from vanished ones
                    continue
                if pid in seen:
                    continue  # the catalog changed while paging; the first copy is kept
                seen.add(pid)
                data = json.dumps(_without_volatile(package), ensure_ascii=False, sort_keys=True).encode("utf-8")
                display = with_params(site + "/api/3/action/package_show", {"id": pid})
                stamp = package.get("metadata_modified") if isinstance(package.get("metadata_modified"), str) else None
                state = DocumentState(url=display, sha256=_sha(data), stamp=stamp)
                out.items.append(Item(pid, state, [self.document(data, display, f"{pid}.json")]))
            self.progress(len(results), count)
            start += len(results)
            if not results or start >= count:
                break
        return out


def _ckan_page(body: bytes) -> tuple[int, list[Any]]:
    try:
        answer = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"the package_search answer is not JSON ({exc})") from None
    if not isinstance(answer, dict) or answer.get("success") is not True:
        message = answer.get("error") if isinstance(answer, dict) else None
        raise ValueError(f"package_search did not succeed ({json.dumps(message)[:300]})")
    result = answer.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("results"), list):
        raise ValueError("package_search answer has no result.results list")
    count = result.get("count")
    return (count if isinstance(count, int) else 0), result["results"]


def _without_volatile(package: dict[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in package.items() if k not in CKAN_VOLATILE}
    if isinstance(clean.get("resources"), list):
        clean["resources"] = [
            {k: v for k, v in r.items() if k not in CKAN_VOLATILE} if isinstance(r, dict) else r
            for r in clean["resources"]
        ]
    return clean


# --- OAI-PMH ----------------------------------------------------------------------------------


def _oai(name: str) -> str:
    return f"{{{OAI_NS}}}{name}"


class OaiPmhSource(SourceAdapter):
    """OAI-PMH 2.0 ListRecords with resumptionToken; incremental with ``from`` after a whole harvest."""

    kind = "oai-pmh"

    def collect(self) -> Collected:
        assert self.fetcher is not None and self.config.url is not None
        out = Collected()
        base = self.config.url
        prefix = self.config.metadata_prefix
        since = self.state.oai_from
        out.full_listing = since is None
        params = {"verb": "ListRecords", "metadataPrefix": prefix}
        if self.config.set:
            params["set"] = self.config.set
        if since:
            params["from"] = since
        items: dict[str, Item] = {}
        deleted: dict[str, None] = {}
        tokens: set[str] = set()
        first_date: str | None = None
        while True:
            if out.pages >= self.config.max_pages:
                out.errors.append(self.error(f"stopped after max_pages={self.config.max_pages} pages", url=base))
                out.failed = True
                break
            page_url = with_params(base, params)
            try:
                response = self.fetcher.get(base, params=params, accept="text/xml, application/xml")
                out.pages += 1
                self.keep(response.body)
                root = parse_xml(response.body, page_url)
            except HarvestError as exc:
                out.errors.append(exc)
                out.failed = True
                break
            except LiftError as exc:
                out.errors.append(self.error(f"the OAI-PMH response is unreadable: {exc.message}", url=page_url))
                out.failed = True
                break
            if root.tag != _oai("OAI-PMH"):
                out.errors.append(
                    self.error(f"not an OAI-PMH response (root <{etree.QName(root).localname}>)", url=page_url)
                )
                out.failed = True
                break
            first_date = first_date or (root.findtext(_oai("responseDate")) or "").strip() or None
            problem = root.find(_oai("error"))
            if problem is not None:
                if problem.get("code") != "noRecordsMatch":  # an empty selective harvest is a success
                    text = (problem.text or "").strip()
                    out.errors.append(self.error(f"OAI-PMH error {problem.get('code')}: {text}", url=page_url))
                    out.failed = True
                break
            listing = root.find(_oai("ListRecords"))
            if listing is None:
                out.errors.append(self.error("the response has no <ListRecords>", url=page_url))
                out.failed = True
                break
            records = listing.findall(_oai("record"))
            for position, record in enumerate(records):
                self._record(record, position, page_url, items, deleted, out)
            token_el = listing.find(_oai("resumptionToken"))
            total = token_el.get("completeListSize") if token_el is not None else None
            self.progress(len(records), int(total) if total and total.isdigit() else None)
            token = (token_el.text or "").strip() if token_el is not None else ""
            if not token:
                break  # OAI-PMH 3.5: an empty resumptionToken ends the list
            if token in tokens:
                out.errors.append(self.error(f"the resumptionToken {token!r} came twice; stopped", url=page_url))
                out.failed = True
                break
            tokens.add(token)
            params = {"verb": "ListRecords", "resumptionToken": token}
        out.items = list(items.values())
        out.deleted = list(deleted)
        if not out.failed:
            # Day granularity works with every repository; the records of that day come again and
            # are recognised as unchanged by their fingerprints.
            out.next_from = first_date[:10] if first_date else since
        else:
            out.next_from = since
        return out

    def _record(
        self,
        record: etree._Element,
        position: int,
        page_url: str,
        items: dict[str, Item],
        deleted: dict[str, None],
        out: Collected,
    ) -> None:
        header = record.find(_oai("header"))
        identifier = (header.findtext(_oai("identifier")) or "").strip() if header is not None else ""
        if not identifier:
            out.errors.append(
                self.error("a record without a header identifier (not harvested)", url=page_url, record=f"#{position}")
            )
            out.failed = True
            return
        display = with_params(
            self.config.url or "",
            {"verb": "GetRecord", "metadataPrefix": self.config.metadata_prefix, "identifier": identifier},
        )
        assert header is not None
        if header.get("status") == "deleted":
            items.pop(identifier, None)
            deleted[identifier] = None
            return
        deleted.pop(identifier, None)
        payload = _payload(record.find(_oai("metadata")), self.config.metadata_prefix)
        if payload is None:
            out.errors.append(self.error("the record has no metadata", url=display, record=identifier))
            out.carried.append(identifier)
            return
        data = etree.tostring(payload, encoding="UTF-8", xml_declaration=True, with_tail=False)
        stamp = (header.findtext(_oai("datestamp")) or "").strip() or None
        state = DocumentState(url=display, sha256=_sha(data), stamp=stamp)
        safe_name = re.sub(r"[^A-Za-z0-9._-]+", "_", identifier)
        items[identifier] = Item(identifier, state, [self.document(data, display, f"{safe_name}.xml")])


def _payload(metadata: etree._Element | None, prefix: str) -> etree._Element | None:
    """The metadata format's own root element: ``<resource>`` for DataCite (also inside the
    ``<oai_datacite><payload>`` wrapper), ``<oai_dc:dc>`` for Dublin Core, else the first child."""
    if metadata is None:
        return None
    children = [c for c in metadata if isinstance(c.tag, str)]
    if not children:
        return None
    if prefix == "oai_datacite":
        for element in metadata.iter("{*}resource"):
            return element
    return children[0]


# --- sitemap ----------------------------------------------------------------------------------


class SitemapSource(SourceAdapter):
    """A sitemap (or sitemap index) of landing pages with schema.org JSON-LD."""

    kind = "sitemap"

    def collect(self) -> Collected:
        assert self.fetcher is not None and self.config.url is not None
        out = Collected()
        pages = self._pages(out)
        for count, (page_url, lastmod) in enumerate(pages.items()):
            if count >= self.config.max_pages:
                out.errors.append(
                    self.error(f"stopped after max_pages={self.config.max_pages} landing pages", url=self.config.url)
                )
                out.failed = True
                break
            self._page(page_url, lastmod, out)
            self.progress(1, len(pages))
        return out

    def _pages(self, out: Collected) -> dict[str, str | None]:
        """Landing page URL → its ``lastmod``, from the sitemap and any sitemaps it indexes."""
        assert self.fetcher is not None and self.config.url is not None
        pages: dict[str, str | None] = {}
        queue: list[tuple[str, int]] = [(self.config.url, 0)]
        seen: set[str] = set()
        while queue:
            url, depth = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            if not self.fetcher.allowed(url):
                out.errors.append(self.fetcher.refuse(url, what="sitemap not fetched"))
                continue
            try:
                response = self.fetcher.get(url, accept="application/xml, text/xml")
                out.pages += 1
                self.keep(response.body)
                body = response.body
                if body[:2] == b"\x1f\x8b":
                    body = gunzip_capped(body, self.fetcher.policy.max_bytes, source=self.config.name, url=url)
                root = parse_xml(body, url)
            except HarvestError as exc:
                out.errors.append(exc)
                out.failed = True
                continue
            except LiftError as exc:
                out.errors.append(self.error(f"the sitemap is unreadable: {exc.message}", url=url))
                out.failed = True
                continue
            kind = etree.QName(root).localname
            if kind == "sitemapindex":
                if depth >= MAX_SITEMAP_DEPTH:
                    out.errors.append(self.error(f"sitemap indexes nested deeper than {MAX_SITEMAP_DEPTH}", url=url))
                    out.failed = True
                    continue
                for loc in root.iterfind("{*}sitemap/{*}loc"):
                    if loc.text and loc.text.strip():
                        queue.append((loc.text.strip(), depth + 1))
            elif kind == "urlset":
                for entry in root.iterfind("{*}url"):
                    loc = (entry.findtext("{*}loc") or "").strip()
                    if loc:
                        pages.setdefault(loc, (entry.findtext("{*}lastmod") or "").strip() or None)
            else:
                out.errors.append(
                    self.error(f"not a sitemap (root <{kind}>, expected <urlset> or <sitemapindex>)", url=url)
                )
                out.failed = True
        return pages

    def _page(self, page_url: str, lastmod: str | None, out: Collected) -> None:
        assert self.fetcher is not None
        if not self.fetcher.allowed(page_url):
            out.errors.append(self.fetcher.refuse(page_url, what="landing page not fetched"))
            return
        prev = self.previous(page_url)
        if prev is not None and lastmod and prev.stamp == lastmod:
            # The sitemap says the page has not changed since we read it: not even requested.
            body = self.raw.get(prev.sha256)  # type: ignore[arg-type]
            state = DocumentState(**{**prev.__dict__, "keys": []})
            out.reused += 1
        else:
            try:
                body, state = self.fetch_document(page_url, page_url, accept="text/html")
            except HarvestError as exc:
                out.errors.append(exc)
                out.carried.append(page_url)
                return
            state.stamp = lastmod
        scripts = [s for s in jsonld_scripts(body, state.content_type) if _may_hold_dataset(s)]
        if not scripts:
            out.errors.append(
                self.error(
                    'the page has no <script type="application/ld+json"> with a schema.org Dataset', url=page_url
                )
            )
        documents = []
        for index, script in enumerate(scripts):
            display = page_url if len(scripts) == 1 else f"{page_url}#ld+json-{index}"
            documents.append(self.document(script.encode("utf-8"), display, "landing-page.jsonld"))
        out.items.append(Item(page_url, state, documents))


class _JsonLdScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
            if kind == "application/ld+json":
                self._open = []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.scripts.append("".join(self._open).strip())
            self._open = None


def jsonld_scripts(html: bytes, content_type: str = "") -> list[str]:
    """The text of every ``<script type="application/ld+json">`` of an HTML page (no network:
    the stdlib parser reads the page, nothing it names is fetched)."""
    match = re.search(r"charset=([\w.-]+)", content_type or "", re.IGNORECASE)
    encoding = match.group(1) if match else "utf-8"
    try:
        text = html.decode(encoding, errors="replace")
    except LookupError:
        text = html.decode("utf-8", errors="replace")
    parser = _JsonLdScripts()
    parser.feed(text)
    parser.close()
    return [s for s in parser.scripts if s]


def _may_hold_dataset(script: str) -> bool:
    """False for JSON-LD that parses and names no Dataset (a WebSite or Organization block);
    unparseable JSON-LD goes on to the lifter, which says what is wrong with it."""
    try:
        json.loads(script)
    except (ValueError, RecursionError):
        return True
    return bool(_DATASET_RE.search(script))


ADAPTERS: dict[str, type[SourceAdapter]] = {
    a.kind: a for a in (DirectorySource, DataJsonSource, CkanSource, OaiPmhSource, SitemapSource)
}
