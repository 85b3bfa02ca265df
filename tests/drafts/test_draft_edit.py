"""Editing a draft replaces it exactly once, even when the edit stops half-way."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from introgate.backends import FolderRole, open_backend
from introgate.backends.base import MailboxBackend
from introgate.cli import app
from introgate.config import load_settings
from introgate.drafts.review import DraftReview
from introgate.errors import IntrogateError
from introgate.mail import MessageRef
from introgate.state import DraftStatus, SqliteStore


class Crashed(Exception):
    """The process died between storing the edited draft and removing the old one."""


def bodies(backend: MailboxBackend, role: FolderRole, draft_id: str) -> list[str]:
    folder = backend.folder_for(role)
    found = []
    for item in backend.fetch_full(backend.find_by_message_id(folder, draft_id)):
        message = BytesParser(policy=policy.default).parsebytes(item.raw)
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        found.append(body.get_content().replace("\r\n", "\n"))
    return found


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    result = CliRunner().invoke(app, ["demo", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    return tmp_path / "demo" / "introgate.toml"


def test_an_edit_stopped_after_storing_the_new_draft_is_finished_on_the_next_look(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(demo)
    account = settings.accounts[0]
    with SqliteStore(settings.state.path) as store, open_backend(account) as backend:
        review = DraftReview(settings, store, backend, account.name)
        record = review.records(DraftStatus.DRAFTED)[0]
        first = review.question(record)
        assert first is not None
        original = first.text

        def crash(ref: MessageRef) -> None:
            raise Crashed(ref.key)

        with monkeypatch.context() as patched:
            patched.setattr(backend, "remove_draft", crash)
            with pytest.raises(Crashed):
                review.edit(record, "Where do we know each other from?\n\nAlex")
        assert len(bodies(backend, FolderRole.DRAFTS, record.draft_id)) == 2

        settled = review.question(record)
        assert settled is not None
        assert settled.text == "Where do we know each other from?\n\nAlex\n"

        in_drafts = bodies(backend, FolderRole.DRAFTS, record.draft_id)
        assert len(in_drafts) == 1 and in_drafts[0].endswith(
            "Where do we know each other from?\n\nAlex\n"
        )
        assert [
            original in body for body in bodies(backend, FolderRole.TRASH, record.draft_id)
        ] == [True]
        assert review.edit(record, "Where do we know each other from?\n\nAlex") == (
            f"draft {record.request_id[:10]} unchanged"
        )


def test_only_a_waiting_draft_is_edited_and_never_to_an_empty_text(demo: Path) -> None:
    settings = load_settings(demo)
    account = settings.accounts[0]
    with SqliteStore(settings.state.path) as store, open_backend(account) as backend:
        review = DraftReview(settings, store, backend, account.name)
        record = review.records(DraftStatus.DRAFTED)[0]
        with pytest.raises(IntrogateError, match="the question is empty; use Ignore instead"):
            review.edit(record, "  \n ")
        review.discard(record)
        gone = store.drafts.get(record.draft_id)
        assert gone is not None
        with pytest.raises(IntrogateError, match="is dismissed; only a waiting draft changes"):
            review.edit(gone, "Hello")
        assert store.requests.get(record.request_id).state.value == "dismissed"  # type: ignore[union-attr]
