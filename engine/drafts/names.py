"""The parts of a requester's name a greeting needs, and never a bare handle to greet.

Networks write names as people typed them ("Dr. Jan Groß", "Frau Anna Schäfer") and
Mastodon gives only the account ("lena", "bob@fosstodon.org"). A reply greets the first
name, a formal one "Herr Dr. Groß", and someone known only by a handle by no name at all:
"Hallo lena" reads like a machine wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from introgate.drafts.untrusted import one_line

# words before a name that say how to address the person ("Herr", "Ms.")
_SALUTATIONS = {
    "herr": "male",
    "mr": "male",
    "mr.": "male",
    "frau": "female",
    "mrs": "female",
    "mrs.": "female",
    "ms": "female",
    "ms.": "female",
}
# academic titles that belong in a formal greeting ("Sehr geehrter Herr Dr. Groß")
_TITLES = {"dr", "dr.", "prof", "prof.", "dr.-ing.", "dr.med.", "dr.rer.nat.", "dipl.-ing."}
# characters of markup and code that no one's name holds: a word with one of them
# ("<img", "onerror=alert(1)>") is shown as the mail gave it but never greeted
_NOT_IN_NAMES = frozenset('<>{}[]=\\/|@#$%^*;`"')


@dataclass(frozen=True)
class GreetingName:
    """A requester's name taken apart for greetings; None where the name does not say."""

    display: str  # how drafts and subjects name the person: the name, or "@handle"
    first_name: str | None  # None for a bare handle, or "Herr Groß" without a first name
    last_name: str | None
    full_name: str | None  # the name without "Herr"/"Frau": "Dr. Jan Groß"
    title: str | None  # "Dr.", "Prof. Dr."
    gender: str | None  # "female"/"male" only when the name itself says (Frau, Mr ...)

    @property
    def formal_name(self) -> str | None:
        """Title and last name: "Dr. Groß" (for "Sehr geehrter Herr Dr. Groß")."""
        if self.last_name is None:
            return None
        return f"{self.title} {self.last_name}" if self.title else self.last_name


def is_handle(name: str, handle: str | None, profile_url: str | None) -> bool:
    """A one-word name that is the account itself ("bob@fosstodon.org", or the handle
    the profile link ends in), not a name the person chose to be called by."""
    words = name.split()
    if len(words) != 1:
        return False
    word = words[0].lstrip("@").lower()
    if "@" in word:
        return True
    accounts = set()
    if handle:
        accounts.add(handle.strip().lstrip("@").split("@")[0].lower())
    if profile_url:
        path = urlsplit(profile_url).path.rstrip("/")
        accounts.add(path.rsplit("/", 1)[-1].lstrip("@").lower())
    return word in accounts


def _is_name_word(word: str) -> bool:
    return any(char.isalpha() for char in word) and not _NOT_IN_NAMES.intersection(word)


def greeting_name(name: str, handle: str | None, profile_url: str | None) -> GreetingName:
    cleaned = one_line(name)
    if not cleaned and not one_line(handle or ""):
        # no name the mail showed may be greeted ("???", an address): nobody is named
        return GreetingName("", None, None, None, None, None)
    if not cleaned or is_handle(cleaned, handle, profile_url):
        account = one_line(handle or "") or cleaned
        shown = account if account.startswith("@") else f"@{account}"
        return GreetingName(shown, None, None, None, None, None)
    words = cleaned.split()
    gender = None
    titles: list[str] = []
    rest: list[str] = []
    for word in words:
        lower = word.lower()
        if not rest and lower in _SALUTATIONS:
            gender = _SALUTATIONS[lower]
        elif not rest and lower in _TITLES:
            titles.append(word)
        else:
            rest.append(word)
    named = [word for word in rest if _is_name_word(word)]
    addressed_by_title = bool(gender or titles)
    first = named[0] if named and not (addressed_by_title and len(named) == 1) else None
    full_name = " ".join(titles + rest) or None
    return GreetingName(
        display=full_name or cleaned,
        first_name=first,
        last_name=named[-1] if named else None,
        full_name=full_name,
        title=" ".join(titles) or None,
        gender=gender,
    )
