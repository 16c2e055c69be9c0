"""Crosswalk web app: ``create_app(config)`` with one blueprint per surface (Flask tutorial
``flaskr`` layout). Views parse input and call ``kg`` verbs; they hold no logic of their own."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from kg.config import default_data_dir


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        DATA_DIR=str(default_data_dir()),
        SPARQL_TIMEOUT_S=float(os.environ.get("KG_SPARQL_TIMEOUT", "10")),
        SPARQL_ROW_CAP=int(os.environ.get("KG_SPARQL_ROW_CAP", "10000")),
        SPARQL_WORKERS=int(os.environ.get("KG_SPARQL_WORKERS", "2")),
        SPARQL_SLOW_AFTER_S=float(os.environ.get("KG_SPARQL_SLOW_AFTER", "0")),  # 0: off
        SPARQL_WALL_LIMIT_S=float(os.environ.get("KG_SPARQL_WALL_LIMIT", "0")),  # 0: 3 x the time limit
        MAX_CONTENT_LENGTH=1 * 1024 * 1024,
        SEARCH_ENABLED=True,
        MAPPINGS_DIR=None,  # the curator UI's mapping sets: $KG_MAPPINGS_DIR or ontologies/mappings
        PUBLISH_CHECK=True,  # publishing a mapping set checks the ontology stays consistent
    )
    if config:
        app.config.update(config)
    app.config["DATA_DIR"] = str(Path(app.config["DATA_DIR"]).resolve())
    if not app.config["MAPPINGS_DIR"]:
        from kg.alignment.align import mappings_dir

        app.config["MAPPINGS_DIR"] = str(mappings_dir())

    from app.services import Services

    app.extensions["crosswalk"] = Services(app.config)

    from app import auth
    from app.blueprints import access, admin, curate, dataset, home, quality, search, sparql

    auth.init_app(app)  # signing key, cookie settings, /login and /logout

    app.register_blueprint(home.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(dataset.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(quality.bp)
    app.register_blueprint(curate.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(access.bp)

    @app.get("/favicon.ico")
    def favicon():  # type: ignore[no-untyped-def]
        """Browsers ask for /favicon.ico on their own (error pages name no icon)."""
        return app.send_static_file("favicon.svg")

    @app.template_filter("safe_url")
    def safe_url(value: object) -> str:
        """Only web and mail addresses become links; anything else (javascript:, data:) does not."""
        text = str(value or "")
        return text if text.lower().startswith(("http://", "https://", "ftp://", "mailto:")) else "#"

    from app import safety

    safety.init_app(app)  # rate limit, body cap (413), security headers

    return app
