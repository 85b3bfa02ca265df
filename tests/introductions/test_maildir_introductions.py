"""Late introductions on a Maildir, and what `introgate requests` and `explain` show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from introgate.backends.maildir import MaildirBackend
from introgate.cli.explain import explain_command
from introgate.cli.requests import requests_app
from introgate.config import Settings
from introgate.demo import linkedin_invitation, linkedin_message
from introgate.mail import FLAGGED
from introgate.pipeline import Engine, PassReport
from introgate.state import RequestState, SqliteStore
from introgate.state.sqlite.requests import SqliteRequestLedger

LATE = "Hallo Alex, wir kennen uns vom Hamburger Workshop im Mai."


def deliver(backend: MaildirBackend, raw: bytes, name: str) -> None:
    (backend.root / "new" / name).write_bytes(raw)


def run(settings: Settings, backend: MaildirBackend) -> PassReport:
    engine = Engine.load(settings)
    with SqliteStore(settings.state.path) as store:
        return engine.run(settings.accounts[0], backend, store)


def anna_request() -> bytes:
    return linkedin_invitation(
        "Anna Schäfer", "anna-schaefer-7b21", "Projektleiterin", language="de", note=None
    ).as_bytes()


def anna_message() -> bytes:
    return linkedin_message("Anna Schäfer", "anna-schaefer-7b21", LATE, language="de").as_bytes()


def folder_counts(backend: MaildirBackend) -> dict[str, int]:
    return {f: len(backend.scan(f, None).refs) for f in ("INBOX", "Archive", "Drafts", "Trash")}


class Killed(BaseException):
    """Stands for kill -9: not an Exception, so nothing in the pass catches it."""


def test_killed_between_restore_and_record_then_rerun_leaves_one_request_and_one_draft(
    settings: Settings, maildir: MaildirBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    deliver(maildir, anna_request(), "1.anna")
    run(settings, maildir)
    deliver(maildir, anna_message(), "2.message")

    def killed(self: SqliteRequestLedger, request_id: str, state: RequestState) -> None:
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(SqliteRequestLedger, "mark_acted", killed)
        with pytest.raises(Killed):
            run(settings, maildir)
    run(settings, maildir)
    run(settings, maildir)
    assert folder_counts(maildir) == {"INBOX": 2, "Archive": 0, "Drafts": 0, "Trash": 1}
    labels = {frozenset(maildir.labels_of(ref)) for ref in maildir.scan("INBOX", None).refs}
    assert labels == {
        frozenset({"introgate/unexplained", "introgate/introduced-later", "$IntrogateHandled"}),
        frozenset({"introgate/introduction", "$IntrogateHandled"}),
    }
    flagged = [
        i for i in maildir.fetch_headers(maildir.scan("INBOX", None).refs) if FLAGGED in i.flags
    ]
    assert len(flagged) == 1


def requests_cli(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        requests_app, [*args, "--config", str(config)], env={"COLUMNS": "200"}
    )
    return result.exit_code, result.output


def test_requests_command_lists_filters_and_shows_the_history(
    settings: Settings, maildir: MaildirBackend
) -> None:
    assert settings.config_path is not None
    deliver(maildir, anna_request(), "1.anna")
    run(settings, maildir)
    deliver(maildir, anna_message(), "2.message")
    run(settings, maildir)
    code, listing = requests_cli(settings.config_path, "--json")
    [row] = json.loads(listing)
    assert (code, row["person"], row["network"], row["state"], row["introduction"]) == (
        0,
        "Anna Schäfer",
        "linkedin",
        "introduced",
        LATE,
    )
    assert requests_cli(settings.config_path, "--state", "asked")[1] == "no requests\n"
    assert requests_cli(settings.config_path, "--network", "xing")[1] == "no requests\n"
    code, table = requests_cli(settings.config_path)
    assert code == 0 and "Anna Schäfer" in table and "introduced" in table
    code, shown = requests_cli(settings.config_path, "show", row["id"][:8])
    history = [line.split("  ", 2)[-1] for line in shown.splitlines() if "->" in line]
    assert history == [
        "(recorded) -> new: request recognised in INBOX",
        "new -> asked: draft drafted",
        f"asked -> introduced: message {json.loads(listing)[0]['introduced_by']} (same profile)",
    ]


def test_mark_sent_records_a_question_sent_by_hand(
    settings: Settings, maildir: MaildirBackend
) -> None:
    assert settings.config_path is not None
    deliver(maildir, anna_request(), "1.anna")
    run(settings, maildir)
    [row] = json.loads(requests_cli(settings.config_path, "--json")[1])
    code, said = requests_cli(settings.config_path, "mark-sent", row["id"][:8])
    again = requests_cli(settings.config_path, "mark-sent", row["id"][:8])[1]
    assert (code, said) == (0, f"request {row['id'][:10]} of Anna Schäfer: question sent\n")
    assert again == f"request {row['id'][:10]} of Anna Schäfer is question_sent: not changed\n"


def test_explain_shows_which_request_a_message_introduces_and_why(
    settings: Settings, maildir: MaildirBackend, tmp_path: Path
) -> None:
    assert settings.config_path is not None
    deliver(maildir, anna_request(), "1.anna")
    run(settings, maildir)
    message = tmp_path / "message.eml"
    message.write_bytes(anna_message())
    app = typer.Typer()
    app.command()(explain_command)
    result = CliRunner().invoke(
        app, ["--json", "--config", str(settings.config_path), str(message)]
    )
    explained = json.loads(result.output)
    with SqliteStore(settings.state.path) as store:
        [record] = store.requests.records()
    assert explained["introduces"] == {
        "request": record.request_id[:10],
        "requester": "Anna Schäfer",
        "network": "linkedin",
        "state": "asked",
        "reason": "same profile",
    }
    assert explained["actions"] == [{"type": "label", "value": "introgate/introduction"}]
    # explaining changes nothing
    assert record.state is RequestState.ASKED


def test_a_forged_message_introduces_nobody(settings: Settings, maildir: MaildirBackend) -> None:
    deliver(maildir, anna_request(), "1.anna")
    run(settings, maildir)
    forged = linkedin_message(
        "Anna Schäfer", "anna-schaefer-7b21", LATE, language="de", authenticated=False
    ).as_bytes()
    deliver(maildir, forged, "2.forged")
    run(settings, maildir)
    with SqliteStore(settings.state.path) as store:
        assert [r.state for r in store.requests.records()] == [RequestState.ASKED]
    assert folder_counts(maildir) == {"INBOX": 1, "Archive": 1, "Drafts": 1, "Trash": 0}


def test_a_dry_run_decides_a_late_message_as_the_run_does(
    settings: Settings, maildir: MaildirBackend
) -> None:
    deliver(maildir, anna_request(), "1.anna")
    deliver(maildir, anna_message(), "2.message")
    engine = Engine.load(settings)
    with SqliteStore(settings.state.path) as store:
        dry = engine.run(settings.accounts[0], maildir, store, dry_run=True)
        assert store.requests.records() == []
        real = engine.run(settings.accounts[0], maildir, store)
    said = [[o.type for o in d.outcomes] for d in dry.decisions]
    done = [[o.type for o in d.outcomes] for d in real.decisions]
    assert said == done == [["label", "draft", "archive"], ["label"]]
