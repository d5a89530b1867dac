"""Gunicorn settings of the production server (``make serve``; docs/operations.md), read with
``gunicorn -c python:visd.gunicorn_config visd.wsgi:application``. Each can be changed through the
environment (``VISD_BIND``, ``VISD_WEB_WORKERS``, ``VISD_WEB_THREADS``, ``VISD_WEB_TIMEOUT``) or
gunicorn's own ``GUNICORN_CMD_ARGS``.

The application is loaded once in the master process, which empties the matching page cache, reads
the persisted matching index and computes the strength maps into the cache (``visd.matchmaking.page_cache.warm``) before the workers
start: the workers are forked with the index already in memory, so no request waits for it.
"""

import os

bind = os.environ.get("VISD_BIND", "127.0.0.1:8000")
# Processes for CPU (2 per core and one more, gunicorn's rule of thumb), threads for requests that
# wait on the database or the network.
workers = int(os.environ.get("VISD_WEB_WORKERS") or (2 * (os.cpu_count() or 1) + 1))
worker_class = "gthread"
threads = int(os.environ.get("VISD_WEB_THREADS") or 2)
# A request running longer than this is stopped and its worker replaced: bounded work per request.
timeout = int(os.environ.get("VISD_WEB_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
# Bounds on the request line and headers (gunicorn's defaults, stated); bodies are bounded per endpoint
# by visd.core.middleware.RequestBodyLimitMiddleware.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# A worker is replaced after this many requests (with jitter, so not all at once): a leak cannot grow.
max_requests = int(os.environ.get("VISD_WEB_MAX_REQUESTS") or 5000)
max_requests_jitter = max_requests // 10
preload_app = True
accesslog = os.environ.get("VISD_ACCESS_LOG", "-") or None   # empty: no access log
errorlog = "-"
# Forwarded headers are read by Django itself (VISD_TRUSTED_PROXIES, SECURE_PROXY_SSL_HEADER), not here.
forwarded_allow_ips = "127.0.0.1,::1"


def when_ready(server):
    """Before the workers are forked: empty the matching page cache (answers of the code and settings
    that ran before), read the matching index and compute the strength maps, then close the database
    connections (each worker opens its own)."""
    from django.db import connections

    from visd.matchmaking import page_cache

    try:
        page_cache.clear()
        computed = page_cache.warm()
        server.log.info("matching index read; %d strength maps computed ahead", computed)
    except Exception:   # a broken index must not stop the site: the pages say what is wrong
        server.log.exception("computing the strength maps ahead failed; the pages compute them on demand")
    finally:
        connections.close_all()
