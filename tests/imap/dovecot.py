"""The throwaway Dovecot the IMAP tests run against.

The launcher lives in ``bench/dovecot_server.py`` so the benchmarks can start the same
server without importing tests; this module keeps the tests' import path.
"""

from __future__ import annotations

from bench.dovecot_server import (
    PASSWORD,
    SPECIAL_FOLDERS,
    USER,
    Dovecot,
    dovecot_installed,
    dovecot_version,
    free_port,
)

__all__ = [
    "PASSWORD",
    "SPECIAL_FOLDERS",
    "USER",
    "Dovecot",
    "dovecot_installed",
    "dovecot_version",
    "free_port",
]
