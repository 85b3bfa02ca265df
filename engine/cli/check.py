"""``introgate check``: validate config, network files, rules, templates and contacts at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import typer

from introgate.backends import open_backend
from introgate.backends.base import FolderRole, FoundFolder
from introgate.cli.loading import print_problems
from introgate.cli.options import ConfigOption
from introgate.config import Account, Settings, load_settings
from introgate.config_ready import unready_values
from introgate.drafts.templates import check_templates
from introgate.errors import FileProblem, FileProblems, IntrogateError
from introgate.explain import offline_known_people
from introgate.mailbox_check import TrustSample, inspect_account, missing_folders
from introgate.recognition import Recogniser
from introgate.recognition.registry import NetworkRegistry
from introgate.rules import RuleSet, load_rules
from introgate.toml_locate import locate

T = TypeVar("T")


def check_command(
    config: ConfigOption = None,
    connect: Annotated[
        bool,
        typer.Option(
            "--connect",
            help=(
                "Also log in to every account: find Drafts, Sent, Trash and Archive, check "
                "the folders rules move mail to, and read which authserv-ids the server "
                "writes on recent INBOX mail."
            ),
        ),
    ] = False,
) -> None:
    """Check config, network files, rule files, templates and contacts; exit 0 when all is well.

    Every problem in every file is reported at once, as FILE:LINE:COL: rule "NAME": field:
    message, and exits 1. With --connect each account is logged in to and looked at too.

    Examples:

      introgate check --config ~/.config/introgate/config.toml

      introgate check --connect          # also log in and look at the folders
    """
    try:
        settings = load_settings(config)
    except FileProblems as exc:
        print_problems(exc.problems)
        raise typer.Exit(1) from exc
    problems: list[FileProblem | str] = []

    def collect(step: Callable[[], T]) -> T | None:
        try:
            return step()
        except FileProblems as exc:
            problems.extend(exc.problems)
        except IntrogateError as exc:
            problems.append(str(exc))
        return None

    recogniser = collect(lambda: Recogniser.load(settings))
    # rules check network names against the networks recognition loaded (read again only
    # when a network file is broken: then its valid siblings still count)
    networks = recogniser.registry if recogniser is not None else None
    rulesets: dict[str, RuleSet | None] = {}
    for account in settings.accounts:
        rulesets[account.name] = collect(_rules_loader(settings, account, networks))
    if not settings.accounts:
        rulesets[""] = collect(_rules_loader(settings, None, networks))
    unready = unready_values(settings)
    problems.extend(unready)
    problems.extend(check_templates(settings))
    network_ids = networks.ids() if networks is not None else frozenset[str]()
    problems.extend(offline_known_people(settings).problems(network_ids))
    for index, account in enumerate(settings.accounts):
        ruleset = rulesets.get(account.name)
        if any(p.key.startswith(f"accounts[{index}]") for p in unready):
            continue  # it cannot be opened: that is said already
        if connect:
            problems.extend(_look_at(settings, account, ruleset))
        elif account.backend == "maildir":
            # IMAP folders need the server: `check --connect` looks at those
            problems.extend(_folder_problems(account, ruleset))
    if problems:
        print_problems(problems)
        raise typer.Exit(1)
    typer.echo(_summary(settings, recogniser, [r for r in rulesets.values() if r is not None]))


def _look_at(settings: Settings, account: Account, rules: RuleSet | None) -> list[str]:
    """Log in, print what was found; the problems (a failed login, missing folders)."""
    try:
        findings = inspect_account(settings, account, rules)
    except IntrogateError as exc:
        return [_for_account(account, str(exc))]
    imap = account.imap
    where = f"logged in to {imap.host} as {imap.username}" if imap else f"opened {account.maildir}"
    typer.echo(f"account '{account.name}': {where}")
    for found in findings.folders:
        typer.echo(f"account '{account.name}': {_folder_line(found)}")
    trust = findings.trust
    if trust is not None:
        _report_trust(settings, account, trust)
    return findings.problems


def _folder_line(found: FoundFolder) -> str:
    role = found.role.value.capitalize()
    if found.exists:
        return f'{role}: "{found.name}" ({found.how})'
    where = "configured, not there yet" if found.how == "configured" else "none yet"
    return f'{role}: {where}; "{found.name}" is created {_FIRST_USE[found.role]}'


_FIRST_USE = {
    FolderRole.DRAFTS: "with the first draft",
    FolderRole.SENT: "by the first drafts send",
    FolderRole.TRASH: "by the first discard",
    FolderRole.ARCHIVE: "by the first archive",
}


def _report_trust(settings: Settings, account: Account, trust: TrustSample) -> None:
    name = account.name
    if not trust.sampled:
        typer.echo(f"account '{name}': INBOX is empty: no authserv-ids to compare with [trust]")
        return
    of = f"the {trust.sampled} latest INBOX messages"
    if not trust.ids:
        typer.echo(
            f"warning: account '{name}': no Authentication-Results on {of}: the server "
            'checks no senders, so every request\'s authenticity is "unknown"',
            err=True,
        )
        return
    seen = ", ".join(f"{server} ({count})" for server, count in trust.ids.most_common())
    typer.echo(f"account '{name}': authserv-ids on {of}: {seen}")
    if trust.trust_matches:
        return
    servers = [server for server, _count in trust.ids.most_common()]
    listed = "is not listed" if len(servers) == 1 else "are not listed"
    typer.echo(
        f"{_trust_place(settings)}warning: trust.authserv_ids: account '{name}' receives "
        f"mail checked by {', '.join(servers)}, which {listed}: every request's "
        f'authenticity is "unknown"; if {servers[0]} is your mail server, write '
        f'authserv_ids = ["{servers[0]}"]',
        err=True,
    )


def _trust_place(settings: Settings) -> str:
    path = settings.config_path
    if path is None:
        return ""
    try:
        at = locate(path.read_text(encoding="utf-8")).value(("trust", "authserv_ids"))
    except (OSError, UnicodeDecodeError):
        return f"{path}: "
    return f"{path}:{at}: "


def _rules_loader(
    settings: Settings, account: Account | None, networks: NetworkRegistry | None
) -> Callable[[], RuleSet]:
    return lambda: load_rules(settings, account, networks=networks)


def _folder_problems(account: Account, rules: RuleSet | None) -> list[str]:
    try:
        with open_backend(account) as backend:
            return missing_folders(account, rules, backend)
    except IntrogateError as exc:
        return [_for_account(account, str(exc))]


def _for_account(account: Account, text: str) -> str:
    return text if f"'{account.name}'" in text else f"account '{account.name}': {text}"


def _summary(settings: Settings, recogniser: Recogniser | None, rulesets: list[RuleSet]) -> str:
    parts = [f"ok: {settings.config_path}"]
    if recogniser is not None:
        parts.append(f"{len(recogniser.networks)} networks")
    if rulesets:
        parts.append(f"{len(rulesets[0].names)} rules")
    parts.append(f"{len(settings.accounts)} accounts")
    return ", ".join(parts)
