"""Fuzzing the whole per-message path over generated headers and MIME trees.

Header facts, the candidate check, recognition, the rules and (in a real Maildir pass) the
actions must each come back with a result for any bytes a sender can put in a mail: a
broken message is a defect on its decision, never an exception. Anything the fuzzer finds
is kept in ``REGRESSION_SEEDS`` and checked on every run.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from introgate.backends.maildir import MaildirBackend
from introgate.config import Settings, load_settings
from introgate.decide import decide, recognise
from introgate.demo import linkedin_invitation
from introgate.explain import offline_known_people
from introgate.facts import facts_from_headers
from introgate.mail import header_block
from introgate.pipeline import Engine
from introgate.recognition import Recogniser, RequestNotification
from introgate.rules import RuleSet, load_rules
from introgate.state import SqliteStore

CONFIG_TEMPLATE = """
[identity]
name = "Alex Beispiel"
addresses = ["alex@example.org"]
default_language = "en"

[trust]
authserv_ids = ["mx.demo.example"]

[state]
path = "state.sqlite3"

[contacts]
files = []
correspondence_folders = ["Sent"]

[[accounts]]
name = "test"
backend = "maildir"
maildir = "Maildir"
backfill = "all"
"""

INVITATION = linkedin_invitation(
    "Anna Example", "anna-example", "Consultant", language="en", note="Hi, we met in Bonn."
).as_bytes()

HEADER_NAMES = (
    "From",
    "Sender",
    "Reply-To",
    "To",
    "Date",
    "Subject",
    "Message-ID",
    "Content-Type",
    "Content-Transfer-Encoding",
    "MIME-Version",
    "Authentication-Results",
    "ARC-Authentication-Results",
    "DKIM-Signature",
    "List-Unsubscribe",
    "X-LinkedIn-Class",
    "X-LinkedIn-Template",
    "X-Mailer",
)
HOSTILE_VALUES = (
    "Mon, 1 Jan 99999999999 00:00:00 +0000",
    "Mon, 1 Jan 2026 99999999999:00:00 +0000",
    "Mon, 1 Jan 2026 10:00:00 +99999999999",
    "Thu, 31 Feb 2026 24:60:60 -9999",
    "=?utf-8?b?!!!broken?= <invitations@linkedin.com>",
    "=?x-unknown?q?=FF=FE?=",
    "=?utf-8?q?" + "=E2=80=AE" * 50 + "?=",
    '"\\"quoted\\"" <@@@>',
    "<" * 200,
    "invitations@linkedin.com",
    "LinkedIn <invitations@linkedin.com>",
    "mx.demo.example; dkim=pass header.d=linkedin.com; dmarc=pass header.from=linkedin.com",
    'multipart/alternative; boundary="b"',
    "multipart/mixed",
    'text/plain; charset="x-bogus"',
    "text/html; charset=utf-7",
    "base64",
    "quoted-printable",
    "x-uuencode",
    "email_m2m_invite_single_01",
    "\x00\x01\x7f",
    "",
)
CHARSETS = ("utf-8", "latin-1", "x-bogus", "utf-16", "us-ascii", "", "utf-7")
ENCODINGS = ("7bit", "8bit", "base64", "quoted-printable", "binary", "x-junk", "")
CONTENT_TYPES = ("text/plain", "text/html", "application/octet-stream", "message/rfc822", "")

header_value = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=120),
    st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
)
header = st.tuples(st.sampled_from(HEADER_NAMES), header_value)


@st.composite
def leaf_part(draw: st.DrawFn) -> bytes:
    ctype = draw(st.sampled_from(CONTENT_TYPES))
    charset = draw(st.sampled_from(CHARSETS))
    encoding = draw(st.sampled_from(ENCODINGS))
    body = draw(
        st.one_of(
            st.binary(max_size=400),
            st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.just(INVITATION.partition(b"\n\n")[2]),
        )
    )
    head = f"Content-Type: {ctype}; charset={charset}\r\nContent-Transfer-Encoding: {encoding}"
    return head.encode() + b"\r\n\r\n" + body


def multipart(children: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        boundary = draw(st.sampled_from(("b", "=_x", "", "a" * 80, "b\x00")))
        parts = draw(st.lists(children, max_size=4))
        closed = draw(st.booleans())
        subtype = draw(st.sampled_from(("alternative", "mixed", "related")))
        head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'
        text = head.encode("utf-8", "surrogatepass")
        delimiter = f"\r\n--{boundary}\r\n".encode("utf-8", "surrogatepass")
        text += b"".join(delimiter + part for part in parts)
        if closed:
            text += f"\r\n--{boundary}--\r\n".encode("utf-8", "surrogatepass")
        return text

    return build()


mime_tree = st.recursive(leaf_part(), multipart, max_leaves=6)


@st.composite
def message(draw: st.DrawFn) -> bytes:
    """A mail built from the real invitation's headers, changed, plus a generated body."""
    base = [
        line.decode("latin-1")
        for line in INVITATION.partition(b"\n\n")[0].split(b"\n")
        if line and not line[:1].isspace()
    ]
    kept = [line for line in base if draw(st.booleans()) or line.startswith("From:")]
    extra = [f"{name}: {value}" for name, value in draw(st.lists(header, max_size=8))]
    headers = "\r\n".join(kept + extra).encode("latin-1", "replace")
    tree = draw(mime_tree)
    if draw(st.booleans()):
        tree = tree[: draw(st.integers(0, len(tree)))]  # truncated in transit
    return headers + b"\r\n" + tree


REGRESSION_SEEDS: tuple[bytes, ...] = (
    # OverflowError from the standard date parser, outside the guard before
    b"From: LinkedIn <invitations@linkedin.com>\r\nDate: Mon, 1 Jan 99999999999 00:00:00 +0000"
    b"\r\nX-LinkedIn-Template: email_m2m_invite_single_01\r\n\r\nhello\r\n",
    b"From: LinkedIn <invitations@linkedin.com>\r\nDate: Mon, 1 Jan 2026 10:00:00 +99999999999"
    b"\r\nX-LinkedIn-Template: email_m2m_invite_single_01\r\n\r\nhello\r\n",
    # a non-ASCII Content-Transfer-Encoding comes back as a Header object, not a str
    b"From: Anna Example via LinkedIn <invitations@linkedin.com>\r\n"
    b"Content-Transfer-Encoding: \x80\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 7bit\r\n\r\n",
)


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Recogniser, RuleSet]:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "introgate.toml").write_text(CONFIG_TEMPLATE, encoding="utf-8")
    loaded = load_settings(root / "introgate.toml")
    recogniser = Recogniser.load(loaded)
    rules = load_rules(loaded, loaded.accounts[0], networks=recogniser.registry)
    return loaded, recogniser, rules


def per_message_path(raw: bytes, configured: tuple[Settings, Recogniser, RuleSet]) -> None:
    """What a pass does to one message before its actions: every step must return."""
    loaded, recogniser, rules = configured
    facts = facts_from_headers(None, header_block(raw))
    candidate = recogniser.is_candidate(facts.headers)
    recognition = recognise(
        facts,
        raw if candidate else None,
        len(raw),
        recogniser,
        loaded.recognition.max_message_bytes,
    )
    known = offline_known_people(loaded)

    def is_known(request: RequestNotification) -> bool:
        return known.is_known(request.requester)

    decide(facts, recognition, rules, is_known)


@pytest.mark.parametrize("raw", REGRESSION_SEEDS)
def test_a_message_the_fuzzer_once_broke_on_is_read_without_an_error(
    raw: bytes, configured: tuple[Settings, Recogniser, RuleSet]
) -> None:
    per_message_path(raw, configured)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,  # the same examples every run; what it finds is kept as a seed
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(raw=message())
def test_no_generated_message_makes_a_step_raise(
    raw: bytes, configured: tuple[Settings, Recogniser, RuleSet]
) -> None:
    per_message_path(raw, configured)


@pytest.fixture(scope="module")
def workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as root:
        yield Path(root)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples every run; what it finds is kept as a seed
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(raws=st.lists(message(), min_size=1, max_size=4))
def test_a_pass_over_generated_mail_decides_every_message_and_finishes(
    raws: list[bytes], workspace: Path
) -> None:
    root = Path(tempfile.mkdtemp(dir=workspace))
    (root / "introgate.toml").write_text(CONFIG_TEMPLATE, encoding="utf-8")
    loaded = load_settings(root / "introgate.toml")
    backend = MaildirBackend(root / "Maildir")
    for folder in ("INBOX", "Drafts", "Archive", "Sent", "Trash"):
        backend.ensure_folder(folder)
    for n, raw in enumerate(raws):
        (backend.root / "new" / f"{n}.mail").write_bytes(raw)
    with SqliteStore(loaded.state.path) as store:
        report = Engine.load(loaded).run(loaded.accounts[0], backend, store)
    assert [d.error for d in report.decisions] == [None] * len(raws)
