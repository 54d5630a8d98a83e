"""Production WSGI server settings; every value can be overridden with GUNICORN_* or the command line."""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
preload_app = True
# Several servers run side by side (the portal, the reference services, benchmarks): no shared control socket.
control_socket_disable = True


def when_ready(server: object) -> None:
    """Build the catalogue search index once in the master, so every forked worker starts warm."""
    from django.db import connections

    from opendvc.catalog.search import search_index

    try:
        search_index()
    finally:
        connections.close_all()
