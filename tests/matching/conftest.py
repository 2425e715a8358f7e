from __future__ import annotations

import pytest

from pathways.core.models import InterestTag


@pytest.fixture
def tags(db):
    """The interest vocabulary the tests use (the migration seeds it; a flushed
    database may not have it)."""
    wanted = {
        "retail": "Retail",
        "catering": "Catering",
        "outdoors": "Outdoors",
        "animals": "Animals",
        "digital": "Digital",
        "admin": "Admin",
    }
    return {
        code: InterestTag.objects.get_or_create(code=code, defaults={"label": label})[0]
        for code, label in wanted.items()
    }
