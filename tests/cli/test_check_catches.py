"""`introgate check` is not "ok" for what cannot work: placeholders, rules without
actions, allowlist lines that match nobody. Each is one ``FILE:LINE`` line, exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from introgate.backends.maildir import MaildirBackend

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config.example.toml"


def introgate(*args: str, path: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The command in its own process with exactly this PATH and these variables."""
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": path, **env},
    )


def line_of(path: Path, needle: str, nth: int = 1) -> str:
    """``FILE:LINE:COL`` of the value in the ``nth`` ``key = value`` line containing needle."""
    found = [
        f"{path}:{number}:{line.index('=') + 3}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if needle in line and not line.lstrip().startswith("#")
    ]
    return found[nth - 1]


def test_the_unmodified_example_config_is_one_line_per_placeholder(tmp_path: Path) -> None:
    config = tmp_path / "introgate.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    empty = tmp_path / "bin"
    empty.mkdir()
    result = introgate("check", "--config", str(config), path=str(empty))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f'{line_of(config, "smtp.example.org")}: smtp.host: "smtp.example.org" is a placeholder '
        "(example domains are never a real server): write your mail server's name",
        f'{line_of(config, "username = ")}: smtp.username: "alex@example.org" is a placeholder '
        "(an address at an example domain): write the name you log in with",
        f'{line_of(config, "password_command = [")}: smtp.password_command: program "pass" '
        "not found, so introgate cannot send drafts: install it or name another command",
        f'{line_of(config, "imap.example.org")}: accounts[0].imap.host: "imap.example.org" is a '
        "placeholder (example domains are never a real server): write your mail server's name",
        f"{line_of(config, 'username = ', 2)}: accounts[0].imap.username: "
        '"alex@example.org" is a placeholder (an address at an example domain): '
        "write the name you log in with",
        f"{line_of(config, 'password_env = ')}: accounts[0].imap.password_env: the environment "
        "variable INTROGATE_WORK_PASSWORD is not set here, so introgate cannot log in: set it "
        "(for the systemd unit in ~/.config/introgate/env), or use password_command or "
        "keyring_service",
        "6 problems found",
    ]


def test_a_real_server_a_set_variable_and_an_installed_program_pass(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for placeholder, real in [
        ("smtp.example.org", "smtp.posteo.de"),
        ("imap.example.org", "imap.posteo.de"),
        ('username = "alex@example.org"', 'username = "alex@posteo.de"'),
    ]:
        text = text.replace(placeholder, real)
    config = tmp_path / "introgate.toml"
    config.write_text(text, encoding="utf-8")
    programs = tmp_path / "bin"
    programs.mkdir()
    (programs / "pass").write_text("#!/bin/sh\necho secret\n", encoding="utf-8")
    (programs / "pass").chmod(0o755)
    result = introgate(
        "check", "--config", str(config), path=str(programs), INTROGATE_WORK_PASSWORD="x"
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith(f"ok: {config}")


def test_a_rule_without_actions_is_an_error(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    rules = maildir.root.parent / "10-mine.toml"
    rules.write_text(
        '[[rule]]\nname = "xing"\nwhen = { network = "xing" }\n\n'
        '[[rule]]\nname = "nothing"\nwhen = { network = "linkedin" }\nthen = { flag = false }\n',
        encoding="utf-8",
    )
    config = write_config(f'\n[rules]\npaths = ["{rules.name}"]\n')
    result = introgate("check", "--config", str(config), path=os.environ.get("PATH", ""))
    advice = (
        "the rule would do nothing and stop every later rule for the mail it matches; "
        'add an action, e.g. then = { label = "mine" }'
    )
    assert (result.returncode, result.stderr.splitlines()) == (
        1,
        [
            f'{rules}:1:1: rule "xing": then: missing: {advice}',
            f'{rules}:8:8: rule "nothing": then: no action: {advice}',
            "2 problems found",
        ],
    )
    run = introgate("run", "--once", "--config", str(config), path=os.environ.get("PATH", ""))
    assert run.returncode == 2
    assert f'{rules}:1:1: rule "xing": then: missing: {advice}' in run.stderr.splitlines()


def test_allowlist_lines_that_match_nobody_are_named_with_the_reason(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    allowlist = maildir.root.parent / "allowlist.txt"
    allowlist.write_text(
        "# people I know\n"
        "linkedin:https://www.linkedin.com/in/anna-schaefer-7b21\n"
        "name:\n"
        "linkdin:https://www.linkedin.com/in/jan\n"
        "xing:www.xing.com/profile/Katrin_Weiss4\n"
        "Jörg Müller # from the football club\n"
        "mastodon:@lena@norden.social\n"
        "Jörg Müller\n",
        encoding="utf-8",
    )
    config = write_config()
    text = config.read_text(encoding="utf-8")
    text = text.replace("[contacts]\n", f'[contacts]\nallowlist = "{allowlist.name}"\n')
    config.write_text(text, encoding="utf-8")
    result = introgate("check", "--config", str(config), path=os.environ.get("PATH", ""))
    assert (result.returncode, result.stderr.splitlines()) == (
        1,
        [
            f'{allowlist}:3: nothing after "name:": write a profile address, a handle or a name',
            f'{allowlist}:4: unknown network "linkdin" (did you mean "linkedin"?): write '
            "NETWORK:PROFILE with one of facebook, instagram, linkedin, mastodon, twitter, xing, "
            "a profile address, or name:FULL NAME",
            f'{allowlist}:5: "www.xing.com/profile/Katrin_Weiss4" looks like a profile address '
            "without https://: write https://www.xing.com/profile/Katrin_Weiss4",
            f"{allowlist}:6: a comment must be a line of its own: with it, this entry matches "
            "nobody (write the # comment on the line above)",
            "4 problems found",
        ],
    )


def test_a_maildir_that_is_not_there_and_a_missing_watched_folder_are_problems(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    config = write_config('\n[accounts.folders]\nwatch = ["INBOX", "Newsletter"]\n')
    result = introgate("check", "--config", str(config), path=os.environ.get("PATH", ""))
    assert (result.returncode, result.stderr.splitlines()) == (
        1,
        [
            "account 'test': folders.watch[1]: no folder \"Newsletter\" in the mailbox",
            "1 problem found",
        ],
    )
    config.write_text(
        config.read_text(encoding="utf-8").replace('maildir = "Maildir"', 'maildir = "Mail"'),
        encoding="utf-8",
    )
    result = introgate("check", "--config", str(config), path=os.environ.get("PATH", ""))
    line = next(
        n for n, text in enumerate(config.read_text().splitlines(), 1) if "maildir =" in text
    )
    assert (result.returncode, result.stderr.splitlines()) == (
        1,
        [
            f"{config}:{line}:11: accounts[0].maildir: {config.parent / 'Mail'} is not a "
            "Maildir (no cur/ folder in it)",
            "1 problem found",
        ],
    )


def test_a_state_file_that_cannot_be_created_is_a_problem(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    blocker = maildir.root.parent / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    config = write_config()
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'path = "state.sqlite3"', 'path = "not-a-folder/introgate/state.sqlite3"'
        ),
        encoding="utf-8",
    )
    line = next(n for n, text in enumerate(config.read_text().splitlines(), 1) if "sqlite3" in text)
    result = introgate("check", "--config", str(config), path=os.environ.get("PATH", ""))
    assert (result.returncode, result.stderr.splitlines()) == (
        1,
        [
            f"{config}:{line}:8: state.path: {blocker}/introgate/state.sqlite3: cannot create "
            f"the state file: {blocker} is not a folder",
            "1 problem found",
        ],
    )
