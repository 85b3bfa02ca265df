"""No message can stop a pass: hostile headers are read as "no value", any other failure is
recorded with its step, retried a few times, then left alone and shown by `status`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from introgate.backends.maildir import MaildirBackend
from introgate.cli.explain import explain_command
from introgate.cli.status import status_command
from introgate.config import Settings
from introgate.demo import linkedin_invitation
from introgate.facts import MessageFacts, facts_from_headers
from introgate.mail import MessageRef
from introgate.pipeline import Engine, PassReport
from introgate.state import ProcessedStatus, SqliteStore

POISONED_DATES = (
    "Mon, 1 Jan 99999999999 00:00:00 +0000",  # year: OverflowError
    "Mon, 1 Jan 2026 99999999999:00:00 +0000",  # hour: OverflowError
    "Mon, 1 Jan 2026 10:00:00 +99999999999",  # zone offset of millennia
    "Mon, 1 Jan 2026 25:61:61 +0000",
)


def invitation(n: int, *, date: str | None = None) -> bytes:
    raw = linkedin_invitation(
        f"Person{n} Example", f"person-{n}-example", "Consultant", language="en", note=None
    ).as_bytes()
    if date is None:
        return raw
    head, _, body = raw.partition(b"\n\n")
    lines = [
        b"Date: " + date.encode() if line.startswith(b"Date:") else line
        for line in head.split(b"\n")
    ]
    return b"\n".join(lines) + b"\n\n" + body


def run(settings: Settings, backend: MaildirBackend) -> PassReport:
    with SqliteStore(settings.state.path) as store:
        return Engine.load(settings).run(settings.accounts[0], backend, store)


@pytest.mark.parametrize("date", POISONED_DATES)
def test_an_absurd_date_header_reads_as_no_date(date: str) -> None:
    facts = facts_from_headers(None, f"From: a@b.example\r\nDate: {date}\r\n\r\n".encode())
    assert facts.date is None


@pytest.mark.parametrize("date", POISONED_DATES)
def test_a_request_with_an_absurd_date_is_handled_like_any_other(
    date: str, settings: Settings, maildir: MaildirBackend
) -> None:
    (maildir.root / "new" / "1.poisoned").write_bytes(invitation(1, date=date))
    report = run(settings, maildir)
    [decision] = report.decisions
    assert (decision.error, [o.type for o in decision.outcomes]) == (
        None,
        ["label", "draft", "archive"],
    )


def test_explain_on_a_poisoned_date_prints_its_result_without_a_traceback(
    tmp_path: Path, write_config: Callable[..., Path]
) -> None:
    path = tmp_path / "poisoned.eml"
    path.write_bytes(invitation(1, date=POISONED_DATES[0]))
    app = typer.Typer()
    app.command()(explain_command)
    result = CliRunner().invoke(app, ["--config", str(write_config()), str(path)])
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    assert "Person1 Example" in result.output


def failing_on(subject_part: str) -> Callable[[MessageRef | None, bytes], MessageFacts]:
    """Header facts that fail on one message, the way an unknown parser bug would."""

    def facts(ref: MessageRef | None, raw: bytes) -> MessageFacts:
        if subject_part.encode() in raw:
            raise OverflowError("date value out of range")
        return facts_from_headers(ref, raw)

    return facts


def test_a_failing_step_is_recorded_retried_then_left_alone_and_shown_by_status(
    settings: Settings,
    maildir: MaildirBackend,
    write_config: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("introgate.state.messages.RETRY_SPACING", timedelta(0))
    monkeypatch.setattr("introgate.pipeline.facts_from_headers", failing_on("Person2 "))
    for n in (1, 2, 3):
        (maildir.root / "new" / f"{n}.mail").write_bytes(invitation(n))
    first = run(settings, maildir)
    assert [(d.ref.key, d.error) for d in first.decisions] == [
        ("1.mail", None),
        ("2.mail", "header facts: OverflowError: date value out of range"),
        ("3.mail", None),
    ]
    assert [len(run(settings, maildir).decisions) for _ in range(4)] == [1, 1, 0, 0]
    with SqliteStore(settings.state.path) as store:
        assert store.messages.counts("test") == {
            ProcessedStatus.DONE: 2,
            ProcessedStatus.FAILED: 1,
        }
    app = typer.Typer()
    app.command()(status_command)
    result = CliRunner().invoke(app, ["--config", str(write_config())], env={"COLUMNS": "250"})
    lines = result.output.splitlines()
    assert lines[lines.index("test:") + 5 :] == [
        "  left alone after 3 failed tries: INBOX/2.mail: header facts: OverflowError:",
        "      date value out of range",
    ]
