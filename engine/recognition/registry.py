"""The loaded networks: who they are (id and label) comes from their data files only.

Recognition, rule loading, drafts and the drafts table all ask this registry, so a
network's name is written in exactly one place: ``name`` and ``label`` in its file.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from introgate.config import Settings
from introgate.errors import FileProblem
from introgate.recognition.network import CompiledNetwork
from introgate.recognition.network_audits import NetworkAudits
from introgate.recognition.network_file import NetworkFileErrors, Register, read_network_file
from introgate.resources import shipped_networks_dir

log = logging.getLogger("introgate.recognition")

_WORD = re.compile(r"[^\W\d_]{2,}")
_REGEX_SYNTAX = re.compile(r"\(\?P<\w+>|\(\?[:=!]|\\[A-Za-z]")


def network_files(paths: list[Path]) -> tuple[list[Path], list[FileProblem]]:
    """The ``*.toml`` files named by ``paths`` (files, or folders of files), in order."""
    files: list[Path] = []
    problems: list[FileProblem] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.toml") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            problems.append(FileProblem(path, None, None, "", "network file or folder not found"))
    return files, problems


@dataclass(frozen=True)
class NetworkRegistry:
    """Every network file, compiled once; a user file replaces a shipped one of its name."""

    networks: tuple[CompiledNetwork, ...]

    @classmethod
    def read(
        cls, settings: Settings, audits: NetworkAudits | None = None
    ) -> tuple[NetworkRegistry, list[FileProblem]]:
        """The networks whose files are valid, and one located problem per broken file.

        A file whose text passed before is not audited again (``NetworkAudits``; by
        default the record in the user's cache folder).
        """
        audits = audits or NetworkAudits.in_cache_folder()
        shipped, problems = network_files([shipped_networks_dir()])
        user, user_problems = network_files(list(settings.recognition.networks_paths))
        problems.extend(user_problems)
        by_name: dict[str, CompiledNetwork] = {}
        for path in shipped + user:
            spec, file_problems = read_network_file(path, audits)
            problems.extend(file_problems)
            if spec is not None:
                if spec.name in by_name:
                    log.info(
                        "network %s: %s replaces %s", spec.name, path, by_name[spec.name].source
                    )
                by_name[spec.name] = CompiledNetwork.compile(spec, path)
        audits.save()
        return cls(tuple(by_name.values())), problems

    @classmethod
    def load(cls, settings: Settings) -> NetworkRegistry:
        """Like ``read``, but raises ``NetworkFileErrors`` listing every problem."""
        registry, problems = cls.read(settings)
        if problems:
            raise NetworkFileErrors(problems)
        return registry

    def ids(self) -> frozenset[str]:
        return frozenset(network.name for network in self.networks)

    def label(self, network_id: str) -> str:
        """The file's ``label``; the id as written for a network no file defines any more
        (an old draft record), rather than a guess at its spelling."""
        for network in self.networks:
            if network.name == network_id.lower():
                return network.label
        return network_id

    def register(self, network_id: str, language: str) -> Register:
        """How a reply in ``language`` addresses a requester from this network (the
        file's ``register``): "formal" unless the file says "informal"."""
        for network in self.networks:
            if network.name == network_id.lower():
                return network.spec.reply_register.get(language, "formal")
        return "formal"

    def language_of_words(self) -> dict[str, str]:
        """Word -> language, for the plain words of every phrase the network files file
        under exactly one language.

        Enough to tell the language of a notification whose exact phrases the files lack:
        a network rewords its subjects more often than its footers and labels.
        """
        words: dict[str, set[str]] = {}
        for network in self.networks:
            for language, phrase in network.worded_phrases():
                plain = _REGEX_SYNTAX.sub(" ", phrase)
                words.setdefault(language, set()).update(w.lower() for w in _WORD.findall(plain))
        # a word of two languages ("LinkedIn", "Tweet") tells neither
        shared = {
            word
            for language, found in words.items()
            for other, more in words.items()
            if other != language
            for word in found & more
        }
        return {
            word: language
            for language, found in sorted(words.items())
            for word in sorted(found - shared)
        }
