"""gunicorn's settings for ``pathways serve --production`` (read as
``python:pathways.gunicorn_config``). Each can be changed from the environment.

Workers default to gunicorn's advice, two per CPU plus one: pages mostly wait on the
database, so a few more processes than cores keep the cores busy. The app is loaded
before the workers fork (``preload_app``), so they share its memory and start fast.
"""

from __future__ import annotations

import multiprocessing
import os


def _setting(name: str, default: str) -> str:
    """An environment variable, with an empty one counting as unset (compose passes them)."""
    return os.environ.get(name) or default


bind = _setting("PATHWAYS_BIND", "0.0.0.0:8000")
workers = int(_setting("PATHWAYS_WEB_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(_setting("PATHWAYS_WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
preload_app = True
# A worker is replaced after this many requests (with jitter, so not all at once): a
# guard against slow memory growth in a long-lived process.
max_requests = int(_setting("PATHWAYS_WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
timeout = int(_setting("PATHWAYS_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# The proxy in front (the one that ends HTTPS) may say the request came over HTTPS.
forwarded_allow_ips = _setting("PATHWAYS_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Django logs each request with its id (pathways.requests); gunicorn logs its own life.
accesslog = None
errorlog = "-"
loglevel = _setting("PATHWAYS_WEB_LOG_LEVEL", "info")
proc_name = "pathways-web"
