"""`introgate drafts ...` end to end on a Maildir, sending to a real local SMTP server."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from typer.testing import CliRunner, Result

from introgate.backends.maildir import MaildirBackend
from introgate.cli.drafts import drafts_app
from introgate.drafts import Drafter, DraftOrder
from introgate.errors import IntrogateError
from introgate.state import DraftRecord, DraftStatus, SqliteStore
from tests.drafts.drafts_kit import Contacts, Deliver, body_of, drafts_in, read_message

runner = CliRunner()


@dataclass
class Received:
    """What the SMTP server got: envelope and the message bytes, plus logins."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login, data.password))
        # handled=False: let the server answer 535 itself on a wrong password
        return AuthResult(success=data.password == b"s3cret pass", handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Received, int]]:
    received = Received()
    port = free_port()
    controller = Controller(
        received,
        hostname="127.0.0.1",
        port=port,
        authenticator=received.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield received, port
    finally:
        controller.stop()


@pytest.fixture
def config(
    write_config: Callable[..., Path], contacts: Contacts, smtp_server: tuple[Received, int]
) -> Path:
    """The test config with the contacts file and the local SMTP server (plain, with login)."""
    _, port = smtp_server
    path = write_config(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "plain"\n'
        'username = "alex"\npassword_env = "INTROGATE_TEST_SMTP_PASSWORD"\n'
    )
    text = path.read_text(encoding="utf-8").replace("files = []", 'files = ["contacts.csv"]')
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def smtp_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTROGATE_TEST_SMTP_PASSWORD", "s3cret pass")


def drafts(config: Path, *args: str) -> Result:
    return runner.invoke(drafts_app, [*args, "--config", str(config)])


def error_of(result: Result) -> str:
    assert isinstance(result.exception, IntrogateError), result.output
    return str(result.exception)


def short(draft_id: str | None) -> str:
    assert draft_id is not None
    return draft_id[len("<introgate.") :][:10]


@pytest.fixture
def ledger(store: SqliteStore) -> Callable[[str | None], DraftRecord]:
    def record(draft_id: str | None) -> DraftRecord:
        found = store.drafts.get(str(draft_id))
        assert found is not None
        return found

    return record


def test_list_shows_every_draft_with_a_short_id(
    config: Path, drafter: Drafter, deliver: Deliver
) -> None:
    eva = drafter.ensure_draft(deliver("Eva Example", language="de"), DraftOrder(), dry_run=False)
    tom = drafter.ensure_draft(
        deliver("Tom [bold]Other[/bold]", "tom", network="xing"), DraftOrder(), dry_run=False
    )
    result = runner.invoke(drafts_app, ["list", "--config", str(config)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    header, *rows = [re.split(r"\s{2,}", line) for line in result.output.splitlines()]
    assert header == ["id", "requested", "network", "requester", "to", "status"]
    # no pass recorded these requests, so their date is unknown; no address: the profile
    assert rows == [
        [short(eva.draft_id), "-", "LinkedIn", "Eva Example", ANY, "drafted"],
        [short(tom.draft_id), "-", "XING", "Tom [bold]Other[/bold]", ANY, "drafted"],
    ]
    assert [row[4] for row in rows] == [
        "linkedin.com/comm/in/eva-example",
        "xing.com/profile/tom/cv",
    ]


def test_show_prints_the_request_the_note_and_the_draft(
    config: Path, drafter: Drafter, deliver: Deliver
) -> None:
    facts = deliver("Eva Example", note="We met at the Berlin meetup, remember?")
    outcome = drafter.ensure_draft(facts, DraftOrder(), dry_run=False)
    result = drafts(config, "show", short(outcome.draft_id)[:6])
    assert result.exit_code == 0, result.output
    text = result.output
    assert f"draft {short(outcome.draft_id)} (drafted)" in text
    assert "LinkedIn request from Eva Example" in text
    assert "note:\n    We met at the Berlin meetup, remember?\n" in text
    assert "Subject: Eva Example – your connection request on LinkedIn" in text
    assert "Hi Eva,\n" in text


def test_discard_moves_the_draft_out_of_drafts_and_dismisses_the_request(
    config: Path, drafter: Drafter, deliver: Deliver, maildir: MaildirBackend, ledger: Any
) -> None:
    outcome = drafter.ensure_draft(deliver(), DraftOrder(), dry_run=False)
    result = drafts(config, "discard", short(outcome.draft_id))
    assert result.exit_code == 0, result.output
    assert drafts_in(maildir) == []
    [trashed] = drafts_in(maildir, "Trash")
    assert read_message(trashed)["Message-ID"] == outcome.draft_id
    assert ledger(outcome.draft_id).status == "dismissed"
    again = drafts(config, "discard", short(outcome.draft_id))
    assert again.stdout.splitlines()[-1] == f"draft {short(outcome.draft_id)} is already dismissed"
    # the person was asked (and the user said no): a second request gets no draft
    assert drafter.ensure_draft(deliver(), DraftOrder(), dry_run=False).status == "recently_asked"


def test_allow_adds_the_requester_labels_the_request_and_discards_the_draft(
    config: Path,
    drafter: Drafter,
    deliver: Deliver,
    maildir: MaildirBackend,
    ledger: Any,
    tmp_path: Path,
) -> None:
    facts = deliver("Eva Example", "eva-example")
    outcome = drafter.ensure_draft(facts, DraftOrder(), dry_run=False)
    result = drafts(config, "allow", short(outcome.draft_id))
    assert result.exit_code == 0, result.output
    assert drafts_in(maildir) == []
    assert facts.ref is not None
    assert maildir.labels_of(facts.ref) == {"introgate/known"}
    allowlist = (tmp_path / "introgate-allowlist.txt").read_text(encoding="utf-8")
    assert "linkedin:https://www.linkedin.com/comm/in/eva-example" in allowlist.splitlines()
    assert ledger(outcome.draft_id).status == "allowed"


def test_allow_finds_the_request_after_it_was_archived(
    config: Path, drafter: Drafter, deliver: Deliver, maildir: MaildirBackend
) -> None:
    facts = deliver("Eva Example", "eva-example")
    outcome = drafter.ensure_draft(facts, DraftOrder(), dry_run=False)
    assert facts.ref is not None and facts.message_id is not None
    maildir.move(facts.ref, "Archive")
    assert drafts(config, "allow", short(outcome.draft_id)).exit_code == 0
    [archived] = maildir.find_by_message_id("Archive", facts.message_id)
    assert maildir.labels_of(archived) == {"introgate/known"}


def test_send_delivers_the_draft_intact_keeps_a_copy_in_sent_and_removes_the_draft(
    config: Path,
    drafter: Drafter,
    deliver: Deliver,
    contacts: Contacts,
    maildir: MaildirBackend,
    smtp_server: tuple[Received, int],
    ledger: Any,
) -> None:
    received, _ = smtp_server
    contacts.add("Zoë Ünal", "zoe@example.net")
    outcome = drafter.ensure_draft(
        deliver("Zoë Ünal", "zoe", language="de"), DraftOrder(), dry_run=False
    )
    [draft_path] = drafts_in(maildir)
    drafted = read_message(draft_path)

    result = drafts(config, "send", short(outcome.draft_id))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        f"draft {short(outcome.draft_id)} sent to zoe@example.net; copy stored in Sent"
    )
    assert received.logins == [(b"alex", b"s3cret pass")]
    [(mail_from, rcpt_tos, content)] = received.messages
    assert (mail_from, rcpt_tos) == ("alex@example.org", ["zoe@example.net"])
    sent = BytesParser(policy=policy.default).parsebytes(content)
    assert isinstance(sent, EmailMessage)
    assert list(sent.keys()) == list(drafted.keys())
    unchanged = [h for h in drafted if h != "Date"]
    assert [(h, str(sent[h])) for h in unchanged] == [(h, str(drafted[h])) for h in unchanged]
    assert str(sent["To"]) == "Zoë Ünal <zoe@example.net>"
    assert body_of(sent) == body_of(drafted)
    assert body_of(sent).startswith("Hallo Zoë,\n")

    assert drafts_in(maildir) == []
    [copy] = drafts_in(maildir, "Sent")
    assert copy.name.endswith(":2,S")
    assert read_message(copy)["Message-ID"] == outcome.draft_id
    assert ledger(outcome.draft_id).status == "sent"
    assert error_of(drafts(config, "send", short(outcome.draft_id))) == (
        f"draft {short(outcome.draft_id)} was already sent"
    )
    assert len(received.messages) == 1


def test_a_draft_without_recipient_is_refused_with_the_link_to_answer_on_the_network(
    config: Path,
    drafter: Drafter,
    deliver: Deliver,
    smtp_server: tuple[Received, int],
    ledger: Any,
) -> None:
    received, _ = smtp_server
    outcome = drafter.ensure_draft(
        deliver("Eva Example", "eva-example"), DraftOrder(), dry_run=False
    )
    assert error_of(drafts(config, "send", short(outcome.draft_id))) == (
        f"draft {short(outcome.draft_id)} has no recipient: answer Eva Example on LinkedIn "
        "instead: https://www.linkedin.com/comm/in/eva-example"
    )
    assert received.messages == []
    assert ledger(outcome.draft_id).status == "drafted"


def test_a_refused_login_leaves_the_draft_as_it_was(
    config: Path,
    drafter: Drafter,
    deliver: Deliver,
    contacts: Contacts,
    maildir: MaildirBackend,
    monkeypatch: pytest.MonkeyPatch,
    ledger: Any,
) -> None:
    monkeypatch.setenv("INTROGATE_TEST_SMTP_PASSWORD", "wrong horse")
    contacts.add("Eva Example", "eva@example.net")
    outcome = drafter.ensure_draft(deliver(), DraftOrder(), dry_run=False)
    message = error_of(drafts(config, "send", short(outcome.draft_id)))
    assert message.endswith(": login refused (535)")
    assert "wrong horse" not in message
    assert len(drafts_in(maildir)) == 1
    assert drafts_in(maildir, "Sent") == []
    assert ledger(outcome.draft_id).status == "drafted"


def test_an_interrupted_send_is_not_repeated_without_asking(
    config: Path,
    drafter: Drafter,
    deliver: Deliver,
    contacts: Contacts,
    store: SqliteStore,
    smtp_server: tuple[Received, int],
) -> None:
    received, _ = smtp_server
    contacts.add("Eva Example", "eva@example.net")
    outcome = drafter.ensure_draft(deliver(), DraftOrder(), dry_run=False)
    store.drafts.set_status(str(outcome.draft_id), DraftStatus.SENDING)  # the process died mid-send
    name = short(outcome.draft_id)
    assert error_of(drafts(config, "send", name)) == (
        f"an earlier send of draft {name} was interrupted and may have gone out; check with "
        f"the recipient, then run 'introgate drafts send {name} --resend'"
    )
    assert received.messages == []
    assert drafts(config, "send", name, "--resend").exit_code == 0
    assert len(received.messages) == 1


def test_ids_that_match_nothing_or_several_drafts_are_clear_errors(
    config: Path, store: SqliteStore
) -> None:
    for digest in ("abcd1111" + "0" * 16, "abcd2222" + "0" * 16):
        store.drafts.add(
            DraftRecord(
                draft_id=f"<introgate.{digest}@introgate.invalid>",
                request_id=digest,
                account="test",
                person_key=f"name:{digest}",
                network="linkedin",
                requester="Somebody",
                profile_url=None,
                language="en",
                recipient=None,
                subject="Your request on LinkedIn",
                notification_message_id=None,
                source_folder=None,
                source_key=None,
                status=DraftStatus.DRAFTED,
                created_at="2026-01-01T00:00:00+00:00",
                updated_at="2026-01-01T00:00:00+00:00",
            )
        )
    assert error_of(drafts(config, "show", "abcd")) == (
        "draft id 'abcd' is ambiguous (abcd111100, abcd222200): type more of it"
    )
    assert drafts(config, "show", "ABCD1").exit_code == 0
    assert error_of(drafts(config, "show", "abcd3")) == "no draft 'abcd3' in account 'test'"
    assert error_of(drafts(config, "show", "abc")).startswith("'abc' is not a draft id")
    assert error_of(drafts(config, "show", "x_%")).startswith("'x_%' is not a draft id")


def test_a_send_with_one_refused_recipient_counts_as_sent_and_is_never_repeated(
    config: Path,
    drafter: Drafter,
    deliver: Deliver,
    contacts: Contacts,
    maildir: MaildirBackend,
    smtp_server: tuple[Received, int],
    ledger: Any,
) -> None:
    received, _ = smtp_server
    contacts.add("Eva Example", "eva@example.net")
    outcome = drafter.ensure_draft(deliver(), DraftOrder(), dry_run=False)
    [draft_path] = drafts_in(maildir)
    # the user added a Cc in their mail client that the server does not know
    draft_path.write_bytes(b"Cc: ghost@refused.example\r\n" + draft_path.read_bytes())
    result = drafts(config, "send", short(outcome.draft_id))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        f"draft {short(outcome.draft_id)} sent to eva@example.net; copy stored in Sent; "
        "the server REFUSED ghost@refused.example (not sent to them)"
    )
    assert ledger(outcome.draft_id).status == "sent"
    assert drafts_in(maildir) == [] and len(drafts_in(maildir, "Sent")) == 1
    drafts(config, "send", short(outcome.draft_id))
    assert [rcpt for _, rcpt, _ in received.messages] == [["eva@example.net"]]


def add_recipient(path: Path, to: str, *, keep_instructions_header: bool = True) -> None:
    """What a mail client does when the user types a To: into the draft and saves it."""
    message = read_message(path)
    message["To"] = to
    if not keep_instructions_header:
        del message["X-Introgate-Instructions"]
    path.write_bytes(message.as_bytes(policy=policy.SMTP))


@pytest.mark.parametrize("client_kept_header", [True, False])
def test_a_network_draft_sent_by_mail_after_all_leaves_out_introgates_lines(
    config: Path,
    drafter: Drafter,
    deliver: Deliver,
    maildir: MaildirBackend,
    smtp_server: tuple[Received, int],
    client_kept_header: bool,
) -> None:
    received, _ = smtp_server
    outcome = drafter.ensure_draft(
        deliver("Eva Example", "eva-example"), DraftOrder(), dry_run=False
    )
    [path] = drafts_in(maildir)
    drafted = body_of(read_message(path))
    assert drafted.startswith("https://www.linkedin.com/comm/in/eva-example\n(No e-mail")
    add_recipient(path, "Eva <eva@example.net>", keep_instructions_header=client_kept_header)
    draft = short(outcome.draft_id)

    shown = drafts(config, "show", draft)
    assert "to:        eva@example.net" in shown.output.splitlines()

    result = drafts(config, "send", draft)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"draft {draft} sent to eva@example.net; copy stored in Sent; "
        "introgate's lines for you above the text were left out"
    ]
    [(_, rcpt_tos, content)] = received.messages
    assert rcpt_tos == ["eva@example.net"]
    sent = BytesParser(policy=policy.default).parsebytes(content)
    assert isinstance(sent, EmailMessage)
    assert "X-Introgate-Instructions" not in sent
    assert body_of(sent) == drafted.split("\n\n", 1)[1]
    assert body_of(sent).startswith("Hi Eva,\n")
    assert "linkedin.com" not in body_of(sent)
