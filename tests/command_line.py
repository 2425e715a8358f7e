"""The environment a real ``pathways`` process runs in on a council's server: the
test's own environment with the two keys that a production configuration must have
(``core.checks`` refuses to start without them outside debug)."""

from __future__ import annotations

import os
import secrets


def server_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PATHWAYS_PSEUDONYM_KEY": secrets.token_urlsafe(48),
        **extra,
    }
