"""A last-resort language guess for notifications whose exact phrases the network files lack.

Networks reword subjects often; the words of their labels and footers change far less,
so counting the words each language's phrases use (in every network file) tells the
languages apart well enough on a whole notification. The languages are those the
network files name: a French network file makes French guessable, no code change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_WORD = re.compile(r"[^\W\d_]{2,}")


def guess_language(words: Mapping[str, frozenset[str]], *texts: str) -> str | None:
    """The language whose words occur most often in ``texts``; None when none occurs."""
    counts = dict.fromkeys(words, 0)
    for text in texts:
        for word in _WORD.findall(text[:5000].lower()):
            for language, known in words.items():
                if word in known:
                    counts[language] += 1
    if not counts:
        return None
    best = max(counts, key=lambda language: counts[language])
    return best if counts[best] > 0 else None
