"""Production WSGI server settings; every value can be overridden with GUNICORN_* or the command line."""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Sync workers give the most requests per core and stay fair under overload; each waits on one
# connection at a time, so in front of browsers put a buffering proxy (nginx), or choose
# GUNICORN_WORKER_CLASS=gthread with GUNICORN_THREADS=2, whose workers park idle keep-alive
# connections (bench/dossiers.py measures both: its paced clients hold idle connections).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
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
