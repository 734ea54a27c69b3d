"""The Newsgraph web app: SPARQL protocol, Linked Data, canned reports and a browser UI.

``create_app(store)`` wires one Flask app (the flaskr app-factory shape); ``serve_app`` runs it
under waitress, a production WSGI server with a thread pool, never Flask's development server.
The server imports the ``kg`` library; ``kg`` never imports the server.
"""
from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from jinja2 import ChoiceLoader, PackageLoader

from kg.config import Settings
from kg.iris import Minter
from kg.reports.saved import QueryStore
from kg.store import Store


def create_app(store: Store, settings: Settings | None = None) -> Flask:
    """Build the app around an open store. Tests pass an in-memory store; ``kg serve`` a RocksDB one."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["KG_SETTINGS"] = settings
    app.extensions["kg_store"] = store
    app.extensions["kg_minter"] = Minter(settings.base_iri)
    app.extensions["kg_query_store"] = QueryStore(store, Path(settings.queries_dir), settings.base_iri)
    app.json.sort_keys = False
    # the ontology reference's body is kg's own template (kg.ontology.docs), shared with `kg docs`
    app.jinja_loader = ChoiceLoader([app.jinja_loader, PackageLoader("kg", "templates")])

    from server import cors, errors, ld, pages, reports, sparql
    errors.register(app)
    cors.register(app)
    for module in (pages, sparql, ld, reports):
        app.register_blueprint(module.bp)
    from server import editor, gsp, update, void  # the SPARQL endpoint's other parts (issue 4)
    for module in (update, gsp, void, editor):
        app.register_blueprint(module.bp)
    return app


def current_store() -> Store:
    return current_app.extensions["kg_store"]


def current_minter() -> Minter:
    return current_app.extensions["kg_minter"]


def current_settings() -> Settings:
    return current_app.config["KG_SETTINGS"]


def serve_app(store: Store, host: str = "127.0.0.1", port: int = 5000, threads: int = 8,
              settings: Settings | None = None) -> None:
    """Serve with waitress until interrupted; prints the URL (``port=0`` picks a free port)."""
    from waitress import create_server

    app = create_app(store, settings)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from server.protocol import executor_for, waitress_options
    executor_for(app)  # start the query workers (they load the data) before taking requests
    server: Any = create_server(app, host=host, port=port, threads=threads, ident="newsgraph",
                                **waitress_options())
    url = f"http://{host}:{server.effective_port}/"
    print(f"Newsgraph serving {store.path or 'an in-memory store'} at {url}", flush=True)
    print(f"  SPARQL endpoint: {url}sparql   canned queries: {url}queries", flush=True)
    base = app.config["KG_SETTINGS"].base_iri
    if not base.startswith(url.rstrip("/")) and "localhost" not in base:
        print(f"  note: IRIs are minted under {base} (KG_BASE_IRI)", file=sys.stderr, flush=True)
    _exit_on_sigterm()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _exit_on_sigterm() -> None:
    """Service managers (systemd, docker stop) stop a server with SIGTERM: leave as on Ctrl-C, so
    the query workers stop and their snapshot files are deleted (exit handlers run)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
