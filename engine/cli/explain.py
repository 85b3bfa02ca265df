"""``introgate explain``: why a message gets what it gets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from introgate.anonymise import anonymised_copy
from introgate.cli.explain_server import explain_on_server
from introgate.cli.loading import settings_or_defaults
from introgate.cli.options import ConfigOption
from introgate.config import Account, Settings, load_settings
from introgate.explain import explain_message, offline_known_people, open_requests_of
from introgate.recognition import Recogniser
from introgate.rules import load_rules


def explain_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Message files (.eml or Maildir files).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per file, one per line.")
    ] = False,
    config: ConfigOption = None,
    save_fixture: Annotated[
        Path | None,
        typer.Option(
            "--save-fixture",
            metavar="DIR",
            help="Also write an anonymised copy of each message into DIR (names, addresses, "
            "profile ids and tokens replaced, structure kept), to share when a network "
            "changes its mails.",
        ),
    ] = None,
    account_name: Annotated[
        str | None,
        typer.Option("--account", "-a", help="With --uid/--message-id: the account to look in."),
    ] = None,
    uid: Annotated[
        int | None, typer.Option("--uid", help="A message on the IMAP server, by its UID.")
    ] = None,
    message_id: Annotated[
        str | None,
        typer.Option("--message-id", help="A message in the mailbox, by its Message-ID."),
    ] = None,
    folder: Annotated[
        str | None,
        typer.Option(
            "--folder",
            help="Where --uid/--message-id look (default: INBOX for --uid; the watched "
            "folders and Archive for --message-id).",
        ),
    ] = None,
) -> None:
    """Show what introgate recognises in each message and how every rule decides.

    With --uid or --message-id the message is read from the account's mailbox (never
    marked read), and the state file adds what introgate did with it then: the pass
    (its id, for `introgate undo --pass`), the actions, the request and its draft.

    Examples:

      introgate explain invitation.eml

      introgate explain --json ~/Maildir/cur/* | jq .notification

      introgate explain --save-fixture shared/ invitation.eml

      introgate explain --account work --uid 1234 --folder Archive

      introgate explain --account work --message-id '<abc@linkedin.com>'
    """
    if uid is not None or message_id is not None:
        if files:
            raise typer.BadParameter("give message files, or --uid/--message-id, not both")
        settings = load_settings(config)
        explain_on_server(
            settings,
            settings.account(account_name) if account_name else _first_account(settings),
            uid=uid,
            message_id=message_id,
            folder=folder,
            as_json=as_json,
            readable=_readable,
        )
        raise typer.Exit(0)
    if not files:
        raise typer.BadParameter("name message files, or a message by --uid or --message-id")
    settings = settings_or_defaults(config)
    recogniser = Recogniser.load(settings)
    account = settings.accounts[0] if settings.accounts else None
    rules = load_rules(settings, account, networks=recogniser.registry)
    known = offline_known_people(settings)
    requests = open_requests_of(settings, account.name if account else None)
    unreadable = 0
    for path in files:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            unreadable += 1
            typer.echo(f"{path}: cannot read: {exc.strerror or exc}", err=True)
            continue
        try:
            result = explain_message(
                path,
                raw,
                settings=settings,
                recogniser=recogniser,
                rules=rules,
                known=known,
                open_requests=requests,
            )
        except Exception as exc:  # noqa: BLE001 - one line per unreadable message, as in a pass
            unreadable += 1
            detail = " ".join(str(exc).split())[:200]
            typer.echo(f"{path}: cannot explain: {type(exc).__name__}: {detail}", err=True)
            continue
        if as_json:
            typer.echo(json.dumps(result, ensure_ascii=False))
        else:
            typer.echo(_readable(result))
        if save_fixture is not None and not _save_fixture(save_fixture, path, raw, recogniser):
            unreadable += 1
    raise typer.Exit(1 if unreadable else 0)


def _save_fixture(folder: Path, path: Path, raw: bytes, recogniser: Recogniser) -> bool:
    """Write the anonymised copy; one line says where (on stderr: stdout may be JSON)."""
    name = path.name if path.name.endswith(".eml") else f"{path.name}.eml"
    target = folder / name
    try:
        copy, anonymiser = anonymised_copy(raw, recogniser)
        if target.resolve() == path.resolve():
            raise OSError(f"{target} is the message itself")
        folder.mkdir(parents=True, exist_ok=True)
        target.write_bytes(copy)
    except Exception as exc:  # noqa: BLE001 - one line per message, the others go on
        detail = " ".join(str(exc).split())[:200]
        typer.echo(f"{path}: cannot save an anonymised copy: {detail}", err=True)
        return False
    count = len(anonymiser.replaced)
    typer.echo(f"{path}: anonymised copy in {target} ({count} values replaced)", err=True)
    return True


def _first_account(settings: Settings) -> Account:
    if not settings.accounts:
        raise typer.BadParameter("the configuration has no [[accounts]] to look in")
    return settings.accounts[0]


def _readable(result: dict[str, Any]) -> str:
    lines = [f"== {result['file']}", f"Message-ID: {result['message_id'] or '(none)'}"]
    if result.get("defect"):
        lines.append(f"defect: {result['defect']}")
    lines.extend(_reading_lines(result.get("recognition")))
    requests = result.get("requests") or (
        [result["notification"]] if result["notification"] else []
    )
    message = result.get("message")
    if message:
        writer = message["requester"]
        lines.append(f"{message['network']} message from {writer['name']}")
        for label, value in (
            ("profile", writer.get("profile_url")),
            ("handle", writer.get("handle")),
            ("preview", _quoted(message["note"]) if message.get("note") else None),
        ):
            if value is not None:
                lines.append(f"  {label}: {value}")
    if "introduces" in result:
        match = result["introduces"]
        lines.append(
            f"introduces: request {match['request']} of {match['requester']} "
            f"({match['network']}, {match['state']}): {match['reason']}"
            if match
            else "introduces: no open request matches"
        )
    if not requests and not message:
        lines.append("not a contact request")
    for n in requests:
        requester = n["requester"]
        lines.append(f"{n['network']} {n['kind']} from {requester['name'] or '(no name)'}")
        for label, value in (
            ("name", f"none greeted: {n['name_withheld']}" if n.get("name_withheld") else None),
            ("profile", requester.get("profile_url")),
            ("handle", requester.get("handle")),
            ("language", n.get("language")),
            ("mutual", n.get("mutual_connections")),
            (
                "authenticated",
                {True: "yes", False: "NO (spoof?)", None: "unknown"}[n.get("authenticated")],
            ),
            ("note", _quoted(n["note"]) if n.get("note") else "none"),
        ):
            if value is not None:
                lines.append(f"  {label}: {value}")
    people = result.get("requests")
    if people:
        for person in people:
            lines.append(f"rules for {person['requester']['name']}:")
            lines.extend(_trace_lines(person["rules"]))
            lines.append("  → " + _actions_text(person["actions"]))
    else:
        lines.append("rules:")
        lines.extend(_trace_lines(result["rules"]))
    if result.get("move_withheld"):
        lines.append(result["move_withheld"])
    lines.append("actions: " + _actions_text(result["actions"]))
    return "\n".join(lines)


_OUTCOMES = {
    "request": "a request",
    "message": "a message notification",
    "not_request": "not a request",
    "not_understood": "NOT UNDERSTOOD (what is missing says why)",
}


def _reading_lines(reading: dict[str, Any] | None) -> list[str]:
    if reading is None:
        return ["recognition: no network's mail"]
    lines = [f"recognition: {reading['network']} mail, {_OUTCOMES[reading['outcome']]}"]
    lines.extend(f"  found:   {signal}" for signal in reading["matched"])
    lines.extend(f"  missing: {signal}" for signal in reading["missing"])
    return lines


def _trace_lines(traces: list[dict[str, Any]]) -> list[str]:
    lines = []
    for trace in traces:
        mark = "MATCH" if trace["matched"] else "no"
        lines.append(f"  [{mark}] {trace['rule']}  ({trace['file']}:{trace['line']})")
        for condition in trace["conditions"]:
            ok = "ok " if condition["result"] else "NOT"
            lines.append(
                f"      {ok} {condition['condition']}: expected {_words(condition['expected'])}, "
                f"found {_words(condition['actual'])}"
            )
    return lines


def _actions_text(actions: list[dict[str, Any]]) -> str:
    if not actions:
        return "none (left as it is)"
    return ", ".join(_action_text(a) for a in actions)


def _action_text(action: dict[str, Any]) -> str:
    """``label "x"``, ``move "Kontakte"``, ``draft (template "ask-intro", language "de")``."""
    settings = {key: value for key, value in action.items() if key != "type"}
    if len(settings) == 1:
        return f"{action['type']} {_words(next(iter(settings.values())))}"
    rest = ", ".join(f"{key} {_words(value)}" for key, value in settings.items())
    return f"{action['type']} ({rest})" if rest else str(action["type"])


def _words(value: Any) -> str:
    """A value from the trace as a person reads it: true, nothing, "a" or "b", not a repr."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set | frozenset):
        items = [_words(item) for item in value]
        if not items:
            return "none of them"
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
    if isinstance(value, dict):
        return ", ".join(f"{key} {_words(item)}" for key, item in value.items())
    if isinstance(value, str):
        return _quoted(value)
    return str(value)


def _quoted(text: str) -> str:
    """In double quotes, anything a terminal would act on (line breaks, direction marks,
    escape sequences) shown as an escape: the text comes from a stranger's mail."""
    return '"' + "".join(_shown_char(char) for char in text) + '"'


def _shown_char(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    return char if char.isprintable() else json.dumps(char)[1:-1]
