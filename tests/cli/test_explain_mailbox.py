"""``introgate explain --account A --message-id ID``: a message in the mailbox, and what
introgate did with it then."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.cli import main
from introgate.demo import linkedin_invitation


def introgate(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, list[str], list[str]]:
    monkeypatch.setattr(sys, "argv", ["introgate", *args])
    monkeypatch.setenv("COLUMNS", "80")
    code: int | str | None = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return (
        code if isinstance(code, int) else 0,
        captured.out.splitlines(),
        captured.err.splitlines(),
    )


def test_explain_by_message_id_shows_the_decision_and_what_the_pass_did_then(
    write_config: Callable[..., Path],
    maildir: MaildirBackend,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mail = linkedin_invitation("Anna Example", "anna-e", "PM", language="en", note=None)
    message_id = " ".join(str(mail["Message-ID"]).split())
    (maildir.root / "cur" / "1.anna:2,S").write_bytes(mail.as_bytes())
    config = str(write_config())
    assert introgate(capsys, monkeypatch, "run", "--once", "-c", config)[0] == 0

    code, out, err = introgate(
        capsys, monkeypatch, "explain", "-c", config, "-a", "test", "--message-id", message_id
    )
    assert (code, err) == (0, [])
    assert out[0] == "== test: Archive 1.anna"
    assert 'actions: label "introgate/unexplained", draft (template "ask-intro", ' in " ".join(out)
    did = " ".join(line.strip() for line in out[out.index("what introgate did:") :])
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"
    assert re.fullmatch(
        rf"what introgate did: pass #1, {stamp}: done: label introgate/unexplained, "
        r"draft [0-9a-f]{10}…, archived "
        r"request [0-9a-f]{10} of Anna Example \(linkedin\): asked; its draft: drafted",
        did,
    ), did

    assert introgate(capsys, monkeypatch, "undo", "--pass", "1", "-c", config)[0] == 0
    code, out, _ = introgate(
        capsys, monkeypatch, "explain", "-c", config, "--message-id", message_id
    )
    assert out[0] == "== test: INBOX 1.anna"
    undone = [line for line in out if "undone" in line]
    assert [re.sub(stamp, "T", line) for line in undone] == [
        "  label introgate/unexplained of pass #1: undone T",
        "  archived of pass #1: undone T",
    ]


def test_explain_by_uid_on_a_maildir_says_to_use_the_message_id(
    write_config: Callable[..., Path],
    maildir: MaildirBackend,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, err = introgate(
        capsys, monkeypatch, "explain", "-c", str(write_config()), "--uid", "7"
    )
    assert (code, out, err) == (
        2,
        [],
        ["introgate: this mailbox has no IMAP UIDs: use --message-id, or explain the message file"],
    )


def test_explain_of_a_message_id_nowhere_in_the_mailbox_names_where_it_looked(
    write_config: Callable[..., Path],
    maildir: MaildirBackend,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, _, err = introgate(
        capsys, monkeypatch, "explain", "-c", str(write_config()), "--message-id", "<no@where>"
    )
    assert (code, err) == (
        2,
        [
            "introgate: account 'test': no message with Message-ID <no@where> in INBOX, "
            "Archive (--folder names another folder)"
        ],
    )
