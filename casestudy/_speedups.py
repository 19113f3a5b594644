"""Skip one slow, unused optional import in the processes this package drives.

``jsonschema`` (used by nbformat to validate notebooks) imports the optional
``rfc3987_syntax`` package when it is installed, to check "iri" string formats;
JupyterLab's dependencies install it, and its import builds a parser that takes
1 to 4 seconds on these machines (see ``../shared/MEASURED.md``), in every
process that imports nbformat: the ``casestudy`` command, pytest and each of its
xdist workers.  The notebook schema uses no such format, so the check is never
needed.  Marking the module as absent makes jsonschema skip it, exactly as if it
were not installed.  Done only in our own entry points (the command, and a
pytest plugin named in pyproject.toml), never on ``import casestudy``.
"""

from __future__ import annotations

import sys


def skip_slow_optional_imports() -> None:
    """Make ``import rfc3987_syntax`` fail fast, unless something already imported it."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


skip_slow_optional_imports()
