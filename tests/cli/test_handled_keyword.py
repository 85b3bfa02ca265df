"""A message introgate acted on keeps the $IntrogateHandled keyword: a lost state file
never re-archives or re-drafts what the user dealt with since (Maildir)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.cli import main
from introgate.demo import linkedin_invitation
from introgate.mail import MessageRef


def introgate(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> int:
    monkeypatch.setattr(sys, "argv", ["introgate", *args])
    monkeypatch.setenv("COLUMNS", "80")
    code: int | str | None = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    capsys.readouterr()
    return code if isinstance(code, int) else 0


def test_a_deleted_state_re_archives_and_re_drafts_nothing_the_user_moved_back(
    write_config: Callable[..., Path],
    maildir: MaildirBackend,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(3):
        mail = linkedin_invitation(f"Person{n} Example", f"p{n}", "PM", language="en", note=None)
        (maildir.root / "cur" / f"{n}.request:2,S").write_bytes(mail.as_bytes())
    config = str(write_config())
    assert introgate(capsys, monkeypatch, "run", "--once", "-c", config) == 0
    client = MaildirBackend(maildir.root)  # the user's mail program
    archived = client.scan("Archive", None).refs
    drafts = sorted(p.name for p in (maildir.root / ".Drafts" / "cur").iterdir())
    assert [client.labels_of(ref) for ref in archived] == [
        {"introgate/unexplained", "$IntrogateHandled"}
    ] * 3
    for ref in archived[:2]:  # the user disagrees: back to the inbox, label off
        client.move(ref, "INBOX")
        client.remove_label(MessageRef("INBOX", ref.key), "introgate/unexplained")
    for lost in tmp_path.glob("state.sqlite3*"):
        lost.unlink()

    assert introgate(capsys, monkeypatch, "run", "--once", "-c", config) == 0
    inbox = client.scan("INBOX", None).refs
    assert [client.labels_of(ref) for ref in inbox] == [{"$IntrogateHandled"}] * 2
    assert len(client.scan("Archive", None).refs) == 1
    assert sorted(p.name for p in (maildir.root / ".Drafts" / "cur").iterdir()) == drafts
