"""Charts drawn on the server: one way to write them as SVG and one way to serve them.

matplotlib's settings are process-wide, so every chart is drawn and written under one
lock with its own settings applied (``rc_context``): two charts drawn at once on two
threads cannot take each other's settings. The SVG is deterministic (a fixed
``svg.hashsalt`` for its ids, no creation date), so the same figures give the same
bytes.

A chart is served from its own URL and shown with ``<img>``: matplotlib writes inline
style attributes, which the pages' Content-Security-Policy refuses in the page itself.
The chart response carries its own policy instead (decision 0013).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

import matplotlib

matplotlib.use("Agg")

from csp.constants import HEADER as CSP_HEADER  # noqa: E402  (after choosing the backend)
from csp.constants import NONE, UNSAFE_INLINE  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

#: An image that runs no script and loads nothing, whose only inline content is
#: matplotlib's styling.
CHART_CSP = f"default-src {NONE}; style-src {UNSAFE_INLINE}; frame-ancestors {NONE}"

_LOCK = threading.Lock()


def svg_of(draw: Callable[[], Figure], settings: dict[Any, Any]) -> bytes:
    """Draw a figure with these matplotlib settings (which should name an
    ``svg.hashsalt``) and write it as SVG."""
    with _LOCK, matplotlib.rc_context(settings):
        figure = draw()
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def svg_response(body: bytes) -> HttpResponse:
    """A chart as its own small document, with its own Content-Security-Policy."""
    response = HttpResponse(body, content_type="image/svg+xml")
    response[CSP_HEADER] = CHART_CSP
    return response
