"""A last-resort language guess for notifications whose phrases the network file lacks.

Networks reword subjects often; function words change far less, so counting a few of
them tells German from English well enough on a whole notification.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-zäöüß']+")
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset(
        {
            "und", "der", "die", "das", "ist", "nicht", "mit", "sich", "ihnen", "sie", "dir",
            "dich", "ich", "möchte", "für", "auf", "ein", "eine", "einen", "zu", "von", "hat",
            "haben", "ihr", "ihre", "ihren", "wir", "sind", "oder", "wenn", "diese", "dieser",
            "kontakt", "anfrage", "anzeigen", "annehmen", "bestätigen", "hallo", "gemeinsame",
            "folgt",
        }
    ),
    "en": frozenset(
        {
            "and", "the", "is", "not", "with", "you", "your", "i", "to", "of", "a", "an", "for",
            "on", "has", "have", "we", "are", "or", "if", "this", "that", "contact", "request",
            "view", "accept", "confirm", "hi", "hello", "mutual", "following", "wants", "would",
            "like",
        }
    ),
}  # fmt: skip


def guess_language(*texts: str) -> str | None:
    counts = dict.fromkeys(_FUNCTION_WORDS, 0)
    for text in texts:
        for word in _WORD.findall(text[:5000].lower()):
            for language, words in _FUNCTION_WORDS.items():
                if word in words:
                    counts[language] += 1
    best = max(counts, key=lambda language: counts[language])
    return best if counts[best] > 0 else None
