"""Shared test fixtures. Real records are read from ../shared/corpus/, never copied here."""

from __future__ import annotations

import contextlib
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared")).resolve()
CORPUS = SHARED / "corpus"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def corpus_path(relative: str) -> Path:
    """A path inside ../shared/corpus; the test is skipped (with the reason) when it is absent."""
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"shared corpus file not available: {path}")
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not available at {CORPUS}")
    return CORPUS


@pytest.fixture
def counting_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on localhost that records every request made to it.

    Hostile-input tests point remote contexts, entities and DTDs at it and assert it was never
    asked for anything. It answers what a fetch would want (JSON-LD for ``.json``/``.jsonld``
    paths, an entity declaration otherwise) so that a fetch, if it happened, would succeed.
    """
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            requests.append(self.path)
            if self.path.endswith((".json", ".jsonld")):
                body, ctype = b'{"@context": {"name": "http://example.org/leak"}}', "application/ld+json"
            else:
                body, ctype = b'<!ENTITY leak "LEAKED-OVER-HTTP">', "application/xml-dtd"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


BROWSER_BINARY = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian chromium through Playwright; skipped (never faked) when it is not installed.

    Under CI (CI=true) a missing browser is a failure: .ci/install-browser must have installed it.
    """
    if not BROWSER_BINARY.exists():
        message = f"{BROWSER_BINARY} is missing: run `bash .ci/install-browser` (Debian's chromium package)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'"
    )
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(BROWSER_BINARY), headless=True)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def serve_app(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The Flask app on a loopback port in a thread (werkzeug, threaded); its base URL. On exit
    the server stops and the app's services (SPARQL workers, store) are released."""
    from werkzeug.serving import make_server

    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()
        thread.join(5)
        app.extensions["crosswalk"].close()
