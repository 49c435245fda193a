"""Where Arrears keeps its state: `ARREARS_HOME` and `ARREARS_DATABASE_URL`.

Two settings only, read from the environment at call time (not import time) so tests and
the demo can point a process at a fresh home without reloading modules.
"""

from __future__ import annotations

import os
from pathlib import Path


def arrears_home() -> Path:
    """The project's state folder: `$ARREARS_HOME`, default `./.arrears`."""
    return Path(os.environ.get("ARREARS_HOME") or ".arrears")


def database_url() -> str:
    """`$ARREARS_DATABASE_URL`, default an SQLite file `arrears.sqlite` in the home folder."""
    url = os.environ.get("ARREARS_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{(arrears_home() / 'arrears.sqlite').resolve()}"
