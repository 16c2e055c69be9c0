"""Browser-test harness (issue 5, point 6): a live Crosswalk server over a small real data dir,
driven by Playwright through Debian's chromium (``/usr/bin/chromium``, installed by
``.ci/install-browser``; Playwright's own browser downloads are never used).

Each test gets a fresh browser context and a ``page`` that watches what a person would not see
but would suffer from: console errors, uncaught page errors, and same-origin static assets that
fail to load. Any of those fails the test that caused it (not a teardown error), after the test's
own assertions. ``shot("step")`` saves a full-page screenshot as
``tests/_artifacts/screenshots/<test>/<n>-<step>.png``; a failing test also gets ``failure.png``.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.pages import CURATOR, PASSWORD, TIMEOUT_MS
from tests.conftest import ROOT, corpus_path, serve_app

SCREENSHOTS = ROOT / "tests" / "_artifacts" / "screenshots"
MAPPINGS = ROOT / "ontologies" / "mappings"
VIEWPORT = {"width": 1280, "height": 900}

_PROBLEMS = pytest.StashKey["BrowserProblems"]()
_CALL_REPORT = pytest.StashKey[pytest.TestReport]()


@dataclass
class BrowserProblems:
    """What the page reported that a person would notice as broken, in the order it happened."""

    origin: str
    messages: list[str] = field(default_factory=list)

    def console(self, msg) -> None:  # type: ignore[no-untyped-def]
        if msg.type == "error":
            where = msg.location.get("url", "") if msg.location else ""
            self.messages.append(f"console error: {msg.text}" + (f" ({where})" if where else ""))

    def page_error(self, error) -> None:  # type: ignore[no-untyped-def]
        self.messages.append(f"uncaught page error: {error}")

    def _static(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.origin and parts.path.startswith("/static/")

    def response(self, resp) -> None:  # type: ignore[no-untyped-def]
        if resp.status >= 400 and self._static(resp.url):
            self.messages.append(f"static asset answered {resp.status}: {resp.url}")

    def request_failed(self, req) -> None:  # type: ignore[no-untyped-def]
        # ERR_ABORTED: the browser dropped the load because the page navigated on, not a fault
        if self._static(req.url) and "ERR_ABORTED" not in (req.failure or ""):
            self.messages.append(f"static asset failed to load ({req.failure}): {req.url}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail the test itself when its page reported problems. A test that failed on its own keeps
    its own failure, and the problems are printed beside it (captured stderr)."""
    try:
        result = yield
    except BaseException:
        problems = item.stash.get(_PROBLEMS, None)
        if problems is not None and problems.messages:
            print("the browser also reported:\n  " + "\n  ".join(problems.messages), file=sys.stderr)
        raise
    problems = item.stash.get(_PROBLEMS, None)
    if problems is not None and problems.messages:
        raise AssertionError("the browser reported problems:\n  " + "\n  ".join(problems.messages))
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[_CALL_REPORT] = report
    return report


# --- the server ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/ and one real agency catalog, ingested, aligned and linked; one curator.

    Mapping sets are a copy of ontologies/mappings, so curator decisions never touch the repository.
    """
    from kg.linking.linker import link
    from kg.pipeline import Ingestor
    from kg.users import add_user

    root = tmp_path_factory.mktemp("browser")
    maps = root / "mappings"
    shutil.copytree(MAPPINGS, maps)
    data = root / "kg"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KG_MAPPINGS_DIR", str(maps))
        ingestor = Ingestor(data)
        try:
            result = ingestor.ingest([ROOT / "examples", corpus_path("datajson-agencies/consumerfinance.data.json")])
        finally:
            ingestor.close()
    assert result.stored > 100 and not result.errors, [str(e) for e in result.errors]
    linked = link(data)
    assert linked.links > 0, "kg link made no links: the related-dataset journey has nothing to follow"
    add_user(data, CURATOR, PASSWORD, ["curator"])
    return data


@pytest.fixture(scope="session")
def live_server(browser_data: Path) -> Iterator[str]:
    """The real app on a loopback port, one thread per request (as tests/test_web.py serves it)."""
    from app import create_app

    app = create_app(
        {"DATA_DIR": str(browser_data), "MAPPINGS_DIR": str(browser_data.parent / "mappings"), "SPARQL_TIMEOUT_S": 10}
    )
    with serve_app(app) as url:
        yield url


# --- the browser ---------------------------------------------------------------------------------


# `browser` (one Playwright chromium for the whole session) is in tests/conftest.py: the
# SPARQL editor's test outside this directory uses it too (two sync Playwrights cannot run at once).


@pytest.fixture
def page(browser, live_server: str, request: pytest.FixtureRequest) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A page in a fresh context (no cookies) whose console errors, page errors and broken
    static assets fail the test; ``page.goto("/path")`` is relative to the live server."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(base_url=live_server, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    problems = BrowserProblems(origin=live_server)
    pg.on("console", problems.console)
    pg.on("pageerror", problems.page_error)
    pg.on("response", problems.response)
    pg.on("requestfailed", problems.request_failed)
    request.node.stash[_PROBLEMS] = problems
    for old in _shot_dir(request.node).glob("*.png"):  # this test's screenshots of an earlier run
        old.unlink()
    yield pg
    report = request.node.stash.get(_CALL_REPORT, None)
    if report is not None and report.failed:
        try:
            pg.screenshot(path=str(_shot_dir(request.node) / "failure.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a page that cannot be drawn must not hide the real failure
            pass
    context.close()


def _shot_dir(node: pytest.Item) -> Path:
    directory = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", node.name).strip("_")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def shot(page, request: pytest.FixtureRequest) -> Callable[[str], Path]:  # type: ignore[no-untyped-def]
    """``shot("results")`` saves the page as ``<n>-results.png`` for this test, numbered in order."""
    directory = _shot_dir(request.node)
    count = 0

    def save(step: str) -> Path:
        nonlocal count
        count += 1
        path = directory / f"{count:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', step)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
