"""The Dockerfile and compose.yaml run real `pathways` commands with settings the
code reads: a renamed command or variable fails here, not on a council's server."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = (ROOT / "src/pathways/settings.py").read_text() + (
    ROOT / "src/pathways/gunicorn_config.py"
).read_text()


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_the_database_the_web_server_the_worker_and_the_scheduler():
    services = _compose()["services"]
    commands = {name: service.get("command") for name, service in services.items()}
    assert commands["web"] == ["pathways", "serve", "--production"]
    assert commands["worker"] == ["pathways", "db_worker"]
    assert commands["scheduler"] == ["pathways", "scheduler"]
    assert commands["migrate"] == ["pathways", "migrate", "--no-input"]
    assert services["db"]["image"].startswith("postgres:")
    for name in ("web", "worker", "scheduler"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_every_command_compose_runs_exists():
    known = set(get_commands()) | {"serve"}
    for name, service in _compose()["services"].items():
        command = service.get("command")
        if command and command[0] == "pathways":
            assert command[1] in known, f"{name} runs an unknown command {command[1]}"


def test_every_pathways_variable_compose_sets_is_read_by_the_code():
    environment = _compose()["services"]["web"]["environment"]
    for variable in environment:
        if variable.startswith("PATHWAYS_"):
            assert f'"{variable}"' in SETTINGS, f"{variable} is set but nothing reads it"
    assert re.search(r'os\.environ\.get\("DATABASE_URL"', SETTINGS)


def test_the_image_serves_production_and_checks_health():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["pathways", "serve", "--production"]' in dockerfile
    assert "/health/" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "USER pathways" in dockerfile
