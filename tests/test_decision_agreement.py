"""`explain`, `run --dry-run` and `run` reach the same decision for every message.

A user who asks `explain` why a mail was archived must get the answer `run` acted on;
digests (several people in one notification) are where two copies of the logic used to
disagree.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.config import Settings, load_settings
from introgate.pipeline import Decision, Engine, PassReport
from introgate.recognition import Recogniser
from introgate.state import SqliteStore
from tests.recognition.corpus import TRUSTED_AUTHSERV, expected_corpus

FIXTURES = Path(__file__).parent / "fixtures"
BLIND_AUTHSERV = "mx.blind.example"


def corpus_files() -> list[Path]:
    files = [FIXTURES / name for name in expected_corpus()]
    files += sorted((FIXTURES / "blind").glob("*.eml"))
    return files


def trusting_config(write_config: Callable[..., Path], allow: str = "") -> Path:
    path = write_config()
    text = path.read_text().replace(
        'authserv_ids = ["mx.demo.example"]',
        f'authserv_ids = ["{TRUSTED_AUTHSERV}", "{BLIND_AUTHSERV}"]',
    )
    if allow:
        (path.parent / "allow.txt").write_text(allow, encoding="utf-8")
        text = text.replace("files = []", 'files = []\nallowlist = "allow.txt"')
    path.write_text(text)
    return path


def deliver_all(maildir: MaildirBackend, files: list[Path]) -> dict[str, Path]:
    """Each file into INBOX under a name that says which fixture it is."""
    delivered = {}
    for number, source in enumerate(files):
        name = f"{number:04d}.{source.stem}"
        (maildir.root / "new" / name).write_bytes(source.read_bytes())
        delivered[name] = source
    return delivered


def one_pass(settings: Settings, maildir: MaildirBackend, *, dry_run: bool) -> PassReport:
    with SqliteStore(settings.state.path) as store:
        return Engine.load(settings).run(settings.accounts[0], maildir, store, dry_run=dry_run)


def acted(decision: Decision) -> list[str]:
    return [outcome.type for outcome in decision.outcomes]


def explained(config: Path, files: list[Path]) -> dict[Path, list[str]]:
    result = subprocess.run(
        [sys.executable, "-m", "introgate", "explain", "--json", "--config", str(config)]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        check=True,
    )
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    return {Path(a["file"]): [action["type"] for action in a["actions"]] for a in answers}


def fixture_of(decision: Decision, delivered: dict[str, Path]) -> Path:
    [name] = [n for n in delivered if decision.ref.key.startswith(n)]
    return delivered[name]


def test_explain_dry_run_and_run_decide_alike_on_every_fixture(
    write_config: Callable[..., Path], maildir: MaildirBackend
) -> None:
    config = trusting_config(write_config)
    settings = load_settings(config)
    files = corpus_files()
    delivered = deliver_all(maildir, files)
    explain_says = explained(config, files)

    dry = one_pass(settings, maildir, dry_run=True)
    real = one_pass(settings, maildir, dry_run=False)

    assert len(dry.decisions) == len(real.decisions) == len(files)
    dry_says = {fixture_of(d, delivered): acted(d) for d in dry.decisions}
    run_says = {fixture_of(d, delivered): acted(d) for d in real.decisions}
    assert dry_says == run_says
    # a message notification is decided by the requests the pass recorded before it (a late
    # introduction), which `explain` of a lone file, before any pass, cannot know
    recogniser = Recogniser.load(settings)
    messages = {f for f in files if recogniser.recognise(f.read_bytes()).messages}
    assert len(messages) > 10
    assert {f: a for f, a in run_says.items() if f not in messages} == {
        f: a for f, a in explain_says.items() if f not in messages
    }
    # the corpus exercises the decision: requests drafted and archived, others left alone
    assert sum("archive" in actions for actions in run_says.values()) > 20
    assert sum(actions == [] for actions in run_says.values()) > 20


@pytest.mark.parametrize("allowed", ["José Álvarez", "Ingrid Bergman"])
def test_a_digest_with_one_known_person_is_not_archived_by_any_command(
    write_config: Callable[..., Path], maildir: MaildirBackend, allowed: str
) -> None:
    config = trusting_config(write_config, allow=f"{allowed}\n")
    settings = load_settings(config)
    digest = FIXTURES / "blind" / "li30_digest2_en.eml"
    delivered = deliver_all(maildir, [digest])

    explanation = subprocess.run(
        [sys.executable, "-m", "introgate", "explain", "--config", str(config), str(digest)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    dry = one_pass(settings, maildir, dry_run=True)
    real = one_pass(settings, maildir, dry_run=False)

    [dry_decision], [real_decision] = dry.decisions, real.decisions
    assert acted(dry_decision) == acted(real_decision) == explained(config, [digest])[digest]
    assert "archive" not in acted(real_decision)
    assert acted(real_decision).count("draft") == 1  # the stranger still gets a question
    assert "not moved: the rules for the people in this digest disagree" in explanation
    assert f"rules for {allowed}:" in explanation
    # the notification stays in the inbox
    [kept] = (maildir.root / "cur").iterdir()
    assert kept.name.startswith(next(iter(delivered)))
