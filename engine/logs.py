"""Logging set-up: one readable line per decision, or one JSON object with ``--log-json``."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any


class JsonFormatter(logging.Formatter):
    """Structured lines for log shippers; ``extra={"fields": {...}}`` adds keys."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _CurrentStderr(logging.Handler):
    """Writes to whatever ``sys.stderr`` is now (test runners and daemons swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - logging must never break the pass
            self.handleError(record)


def configure_logging(*, json_lines: bool = False, verbose: bool = False) -> None:
    handler = _CurrentStderr()
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger("introgate")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False


def quiet_unless_verbose() -> None:
    """For commands whose printed table already says every decision (demo)."""
    logger = logging.getLogger("introgate")
    if logger.level > logging.DEBUG:
        logger.setLevel(logging.WARNING)
