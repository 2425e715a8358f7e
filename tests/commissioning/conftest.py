"""The import tests' fixtures (``run`` a `pathways import`), for the commissioning kinds."""

from tests.imports.conftest import run, write_file  # noqa: F401
