"""Rules that follow their files while the daemon runs.

Each pass asks ``current()``; the files are stat'ed (not read) and reloaded only when one
changed, appeared or disappeared. An edit that does not check keeps the last good rules
running and logs its problems once, not at every pass, until the files change again.
"""

from __future__ import annotations

import logging
from pathlib import Path

from introgate.config import Account, Settings
from introgate.files_changed import FileStamp, stamps
from introgate.recognition.registry import NetworkRegistry
from introgate.resources import shipped_rules_dir
from introgate.rules.evaluate import RuleSet
from introgate.rules.load import RuleFileErrors, load_rules, rule_files

log = logging.getLogger("introgate.rules")

Signature = tuple[FileStamp, ...]


class RuleReloader:
    """The account's rules, reloaded when a rule file changes. The first load must succeed."""

    def __init__(
        self,
        settings: Settings,
        account: Account | None = None,
        *,
        networks: NetworkRegistry | None = None,
    ) -> None:
        self.settings = settings
        self.account = account
        self.networks = networks
        self._signature = self._files_signature()
        # raises: the daemon must not start on bad rules
        self._rules = load_rules(settings, account, networks=networks)
        self._failed_signature: Signature | None = None

    def current(self) -> RuleSet:
        signature = self._files_signature()
        if signature == self._signature or signature == self._failed_signature:
            return self._rules
        try:
            rules = load_rules(self.settings, self.account, networks=self.networks)
        except RuleFileErrors as exc:
            self._failed_signature = signature
            log.error(
                "rule files changed but do not check; still running the previous rules "
                "(%d problem%s)",
                len(exc.problems),
                "" if len(exc.problems) == 1 else "s",
            )
            for problem in exc.problems:
                log.error("%s", problem)
            return self._rules
        self._rules = rules
        self._signature = signature
        self._failed_signature = None
        log.info("rules reloaded: %d rules from %d files", len(rules.rules), len(rules.files))
        return rules

    def _files_signature(self) -> Signature:
        files, _ = rule_files(self.settings)
        watched: list[Path] = list(files)
        # a configured path that is missing now may appear later; a folder may gain files
        watched.extend(self.settings.rules.paths)
        if self.settings.rules.use_shipped:
            watched.append(shipped_rules_dir())
        return stamps(watched)
