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


def guess_language(language_of_word: Mapping[str, str], *texts: str) -> str | None:
    """The language whose words occur most often in ``texts``; None when none occurs.

    ``language_of_word``: lower-cased word -> the one language whose phrases use it.
    """
    counts: dict[str, int] = {}
    for text in texts:
        for word in _WORD.findall(text[:5000].lower()):
            language = language_of_word.get(word)
            if language is not None:
                counts[language] = counts.get(language, 0) + 1
    return max(counts, key=lambda language: counts[language]) if counts else None
