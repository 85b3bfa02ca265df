"""The recognition fixture corpus: where the mails are and what each must yield."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TRUSTED_AUTHSERV = "mx.example.org"


def expected_corpus() -> dict[str, dict[str, Any]]:
    """Every fixture file with the requests it must yield (generated and hand-written)."""
    corpus: dict[str, dict[str, Any]] = {}
    for name in ("expected-generated.json", "expected-hand.json", "expected-senders.json"):
        corpus.update(json.loads((FIXTURES / name).read_text(encoding="utf-8")))
    return corpus


def header_block(raw: bytes) -> bytes:
    """What a backend hands to facts_from_headers: the bytes up to the blank line."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = raw.find(separator)
        if end >= 0:
            return raw[: end + len(separator)]
    return raw
