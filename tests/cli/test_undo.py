"""``introgate undo --pass ID`` on a Maildir: back home, labels off, drafts kept, once."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.cli import main
from introgate.demo import linkedin_invitation
from introgate.state.sqlite.audit import SqliteAuditLog


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


def files(maildir: MaildirBackend, folder: str) -> list[str]:
    """The folder's messages as file names (the flag letters show the keywords: in
    INBOX, ``a`` is $IntrogateHandled, which stays after an undo)."""
    path = maildir.folder_path(folder)
    return sorted(p.name for sub in ("new", "cur") for p in (path / sub).iterdir())


@pytest.fixture
def passed(
    write_config: Callable[..., Path],
    maildir: MaildirBackend,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """Two strangers' requests archived, labelled and drafted by pass #1; a plain mail."""
    for n, name in ((1, "Anna Example"), (2, "Ben Example")):
        mail = linkedin_invitation(name, f"p{n}", "PM", language="en", note=None)
        (maildir.root / "cur" / f"{n}.request:2,S").write_bytes(mail.as_bytes())
    (maildir.root / "cur" / "3.plain:2,S").write_bytes(
        b"From: a@example.org\nSubject: hi\nMessage-ID: <plain@x>\n\nhello\n"
    )
    config = str(write_config())
    assert introgate(capsys, monkeypatch, "run", "--once", "--config", config)[0] == 0
    assert len(files(maildir, "Archive")) == 2
    return config


def test_undo_moves_back_removes_labels_keeps_drafts_and_a_second_undo_changes_nothing(
    passed: str,
    maildir: MaildirBackend,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drafts = files(maildir, "Drafts")
    code, out, err = introgate(
        capsys, monkeypatch, "undo", "--pass", "1", "--dry-run", "-c", passed
    )
    assert (code, err) == (0, [])
    assert out[1:] == [
        "  Anna Example (linkedin):",
        "    would remove label introgate/unexplained",
        "    would move back from Archive to INBOX",
        "  Ben Example (linkedin):",
        "    would remove label introgate/unexplained",
        "    would move back from Archive to INBOX",
        "  2 drafts stay in Drafts: `introgate drafts discard ID` moves one to Trash",
        "would undo 4 changes",
    ]
    assert out[0].startswith("dry run: undo of pass #1 (account test, ")
    assert len(files(maildir, "Archive")) == 2  # a dry run changes nothing

    code, out, _ = introgate(capsys, monkeypatch, "undo", "--pass", "1", "-c", passed)
    assert code == 0
    assert out[1:4] == [
        "  Anna Example (linkedin):",
        "    label introgate/unexplained removed",
        "    moved back from Archive to INBOX",
    ]
    assert out[-1] == "undid 4 changes"
    assert files(maildir, "INBOX") == ["1.request:2,Sa", "2.request:2,Sa", "3.plain:2,S"]
    assert (files(maildir, "Archive"), files(maildir, "Drafts")) == ([], drafts)

    code, out, _ = introgate(capsys, monkeypatch, "undo", "--pass", "1", "-c", passed)
    assert (code, out[-1]) == (0, "nothing left to undo: pass #1 was undone before")
    # the messages stay handled: the next pass does not archive or draft them again
    assert introgate(capsys, monkeypatch, "run", "--once", "-c", passed)[0] == 0
    assert (len(files(maildir, "INBOX")), files(maildir, "Drafts")) == (3, drafts)


def test_an_undo_killed_after_a_move_is_finished_by_running_it_again(
    passed: str,
    maildir: MaildirBackend,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = SqliteAuditLog.record
    moves_recorded = 0

    def crash_before_recording_the_first_move(
        self: SqliteAuditLog, *args: object, **kw: object
    ) -> int:
        nonlocal moves_recorded
        detail = args[3] if len(args) > 3 else kw.get("detail")
        if isinstance(detail, dict) and str(detail.get("summary", "")).startswith("moved back"):
            moves_recorded += 1
            if moves_recorded == 1:
                raise KeyboardInterrupt  # the process dies here: moved, not recorded
        return record(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(SqliteAuditLog, "record", crash_before_recording_the_first_move)
    code, _, _ = introgate(capsys, monkeypatch, "undo", "--pass", "1", "-c", passed)
    assert code == 130
    assert (len(files(maildir, "INBOX")), len(files(maildir, "Archive"))) == (2, 1)
    code, out, _ = introgate(capsys, monkeypatch, "undo", "--pass", "1", "-c", passed)
    assert code == 0
    assert out[1:6] == [
        "  Anna Example (linkedin):",
        "    already back in INBOX",
        "  Ben Example (linkedin):",
        "    label introgate/unexplained removed",
        "    moved back from Archive to INBOX",
    ]
    assert out[-1] == "undid 2 changes (1 undone before)"
    assert files(maildir, "INBOX") == ["1.request:2,Sa", "2.request:2,Sa", "3.plain:2,S"]
    assert files(maildir, "Archive") == []


def test_undo_of_a_pass_that_does_not_exist_is_one_line_and_exit_2(
    passed: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = introgate(capsys, monkeypatch, "undo", "--pass", "99", "-c", passed)
    state = Path(passed).parent / "state.sqlite3"
    assert (code, out) == (2, [])
    assert err == [
        f"introgate: no pass #99 in {state}: `introgate status` shows each account's last pass"
    ]
