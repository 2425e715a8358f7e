"""The ``pathways`` command: Django's management commands under the product's name.

``pathways serve`` runs the development server on 127.0.0.1; every other call is a
management command (``pathways demo``, ``pathways import``, ``pathways check --deploy``).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "pathways"
    if len(args) > 1 and args[1] == "serve":
        # The development server speaks plain HTTP on the loopback address only, so
        # HTTPS redirects and Secure cookies would lock the user out.
        os.environ.setdefault("PATHWAYS_HTTPS", "false")
        port = "8000"
        if "--port" in args:
            port = args[args.index("--port") + 1]
        args = ["pathways", "runserver", f"127.0.0.1:{port}"]
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
