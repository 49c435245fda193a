"""Prefect settings every `arrears` command runs with, unless the environment says otherwise.

Telemetry off (there is no internet here, and it is not ours to send), the temporary
server's shutdown tracebacks hidden, and Prefect's INFO chatter kept off the console (it is
still stored with the run). Set before Prefect is imported, so they take effect.
"""

from __future__ import annotations

import os

PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    # The temporary server needs longer than Prefect's 20 s on a busy two-core machine;
    # seen timing out there during `arrears demo`.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def quiet_prefect() -> None:
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
