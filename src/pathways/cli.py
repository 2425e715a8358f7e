"""The ``pathways`` command: Django's management commands under the product's name.

``pathways serve`` runs the development server on 127.0.0.1 (the demo);
``pathways serve --production`` runs gunicorn with the settings in
``pathways.gunicorn_config`` (workers sized to the machine, ``--bind`` and ``--workers``
to change them); every other call is a management command (``pathways demo``,
``pathways import``, ``pathways db_worker``, ``pathways scheduler``,
``pathways check --deploy``).
"""

from __future__ import annotations

import os
import sys


def _option(args: list[str], name: str) -> str | None:
    if name in args:
        at = args.index(name)
        if at + 1 < len(args):
            return args[at + 1]
        sys.exit(f"pathways serve: {name} needs a value")
    return None


def serve_production(args: list[str]) -> None:
    """gunicorn in this process, with our config; ``--bind`` and ``--workers`` win."""
    import django
    from django.core.management import call_command
    from gunicorn.app.wsgiapp import run

    os.environ.setdefault("PATHWAYS_STATIC_FINDERS", "false")
    django.setup()
    # Static files gathered (and compressed) where whitenoise serves them from.
    call_command("collectstatic", interactive=False, verbosity=0)
    argv = ["pathways-web", "--config", "python:pathways.gunicorn_config"]
    for name in ("--bind", "--workers", "--threads"):
        value = _option(args, name)
        if value is not None:
            argv += [name, value]
    sys.argv = [*argv, "pathways.wsgi:application"]
    run()


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "pathways"
    if len(args) > 1 and args[1] == "serve":
        if "--production" in args:
            serve_production(args[2:])
            return
        # The development server speaks plain HTTP on the loopback address only, so
        # HTTPS redirects and Secure cookies would lock the user out.
        os.environ.setdefault("PATHWAYS_HTTPS", "false")
        port = _option(args, "--port") or "8000"
        args = ["pathways", "runserver", f"127.0.0.1:{port}"]
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
