"""`introgate undo --pass ID` against a real Dovecot, as a user runs it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from introgate.backends.imap import ImapBackend
from introgate.config import FolderSettings

from .conftest import imap_settings, plain_message, request, write_imap_config
from .dovecot import Dovecot


def introgate(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introgate", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
        cwd=config.parent,
        check=False,
    )


def folders(server: Dovecot) -> dict[str, list[tuple[str, list[str]]]]:
    """Per folder: (subject, keywords) of every message, over a fresh connection."""
    with ImapBackend("check", imap_settings(server), FolderSettings()) as backend:
        found = {}
        for folder in ("INBOX", "Archive", "Drafts", "Trash"):
            items = backend.fetch_headers(backend.scan(folder, None).refs)
            found[folder] = sorted(
                (
                    next(
                        line.split(b":", 1)[1].strip().decode()
                        for line in item.raw.splitlines()
                        if line.lower().startswith(b"subject:")
                    ),
                    sorted(f for f in item.flags if not f.startswith("\\")),
                )
                for item in items
            )
        return found


def test_undo_puts_archived_requests_back_without_labels_and_only_once(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    config = write_imap_config(tmp_path / "introgate.toml", dovecot)
    dovecot.deliver(request(1))
    dovecot.deliver(request(2))
    dovecot.deliver(plain_message(subject="Lunch?"))
    assert introgate(config, "run", "--once").returncode == 0
    before = folders(dovecot)
    assert [len(before[f]) for f in ("INBOX", "Archive", "Drafts")] == [1, 2, 2]

    dry = introgate(config, "undo", "--pass", "1", "--dry-run")
    assert (dry.returncode, dry.stdout.splitlines()[1:4]) == (
        0,
        [
            "  Person1 Example (linkedin):",
            "    would remove label introgate/unexplained",
            "    would move back from Archive to INBOX",
        ],
    )
    assert folders(dovecot) == before

    done = introgate(config, "undo", "--pass", "1")
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "undid 4 changes")
    after = folders(dovecot)
    assert [s for s, _ in after["INBOX"]] == sorted(
        [s for s, _ in before["INBOX"]] + [s for s, _ in before["Archive"]]
    )
    # introgate's labels are off; the messages stay handled (the next pass leaves them)
    assert [k for _, k in after["INBOX"]] == [["$IntrogateHandled"]] * 2 + [[]]
    assert (after["Archive"], after["Drafts"], after["Trash"]) == ([], before["Drafts"], [])

    again = introgate(config, "undo", "--pass", "1")
    assert again.stdout.splitlines()[-1] == "nothing left to undo: pass #1 was undone before"
    assert introgate(config, "run", "--once").returncode == 0
    assert folders(dovecot) == after  # handled before: not archived or drafted again


def test_explain_by_uid_in_archive_shows_what_the_pass_did(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    config = write_imap_config(tmp_path / "introgate.toml", dovecot)
    dovecot.deliver(request(1))
    assert introgate(config, "run", "--once").returncode == 0
    with ImapBackend("check", imap_settings(dovecot), FolderSettings()) as backend:
        [archived] = backend.scan("Archive", None).refs
    uid = archived.key.split(":")[1]
    shown = introgate(config, "explain", "--account", "work", "--uid", uid, "--folder", "Archive")
    assert (shown.returncode, shown.stderr) == (0, "")
    lines = shown.stdout.splitlines()
    assert lines[0] == f"== work: Archive UID {uid}"
    did = " ".join(line.strip() for line in lines[lines.index("what introgate did:") :])
    assert re.fullmatch(
        r"what introgate did: pass #1, \S+: done: label introgate/unexplained, "
        r"draft [0-9a-f]{10}…, archived "
        r"request [0-9a-f]{10} of Person1 Example \(linkedin\): asked; its draft: drafted",
        did,
    ), did
    missing = introgate(config, "explain", "--uid", "999", "--folder", "Archive")
    assert (missing.returncode, missing.stderr) == (
        2,
        "introgate: account 'work': no message with UID 999 in Archive\n",
    )


def test_a_deleted_state_re_archives_nothing_the_user_moved_back_and_unlabelled(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    """Only the $IntrogateHandled keyword is left to remember: the user took introgate's
    label off the requests they moved back."""
    config = write_imap_config(tmp_path / "introgate.toml", dovecot)
    for n in range(3):
        dovecot.deliver(request(n))
    assert introgate(config, "run", "--once").returncode == 0
    with ImapBackend("user", imap_settings(dovecot), FolderSettings()) as client:
        for ref in client.scan("Archive", None).refs[:2]:
            client.move(ref, "INBOX")
        for ref in client.scan("INBOX", None).refs:
            client.remove_label(ref, "introgate/unexplained")
    before = folders(dovecot)
    assert [keywords for _, keywords in before["INBOX"]] == [["$IntrogateHandled"]] * 2
    assert (len(before["Archive"]), len(before["Drafts"])) == (1, 3)
    for lost in tmp_path.glob("state.sqlite3*"):
        lost.unlink()
    assert introgate(config, "run", "--once").returncode == 0
    assert folders(dovecot) == before
