"""``introgate reapply --since 30d``: the current rules again, nobody drafted twice."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.cli import main
from introgate.demo import linkedin_invitation


def introgate(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, list[str]]:
    monkeypatch.setattr(sys, "argv", ["introgate", *args])
    monkeypatch.setenv("COLUMNS", "80")
    code: int | str | None = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    return (code if isinstance(code, int) else 0), capsys.readouterr().out.splitlines()


def test_reapply_runs_the_rules_again_and_drafts_nobody_twice(
    write_config: Callable[..., Path],
    maildir: MaildirBackend,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mail = linkedin_invitation("Anna Example", "anna-e", "PM", language="en", note=None)
    (maildir.root / "cur" / "1.anna:2,S").write_bytes(mail.as_bytes())
    config = str(write_config())
    assert introgate(capsys, monkeypatch, "run", "--once", "-c", config)[0] == 0
    drafts = sorted(p.name for p in (maildir.root / ".Drafts" / "cur").iterdir())

    code, out = introgate(
        capsys, monkeypatch, "reapply", "--since", "30d", "--dry-run", "-c", config
    )
    assert code == 0
    assert out[0].startswith("dry run: linkedin request from Anna Example: would label ")
    assert " ".join(line.strip() for line in out[:-1]).endswith("exists, already in Archive")

    code, out = introgate(capsys, monkeypatch, "reapply", "--since", "30d", "-c", config)
    assert code == 0
    assert out[-1].startswith("account test: 1 request since ")
    assert out[-1].endswith(" (pass #2)")
    assert sorted(p.name for p in (maildir.root / ".Drafts" / "cur").iterdir()) == drafts
    assert len(list((maildir.root / ".Archive" / "cur").iterdir())) == 1
