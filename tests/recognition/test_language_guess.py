"""The last-resort language guess knows the languages the network files have phrases in."""

from __future__ import annotations

from pathlib import Path

from introgate.config import RecognitionSettings, Settings
from introgate.recognition.language import guess_language
from introgate.recognition.registry import NetworkRegistry

FRENCH_NETWORK = """
name = "exemple"
label = "Exemple"
domains = ["exemple.test"]
language_phrases.fr = ['Voir le profil de', 'Gérer vos notifications']

[[requests]]
kind = "follow"
subjects.fr = ['vous suit désormais']
"""


def test_a_network_file_with_french_phrases_makes_french_guessable(tmp_path: Path) -> None:
    (tmp_path / "exemple.toml").write_text(FRENCH_NETWORK, encoding="utf-8")
    shipped = NetworkRegistry.load(Settings()).language_of_words()
    with_french = NetworkRegistry.load(
        Settings(recognition=RecognitionSettings(networks_paths=[tmp_path]))
    ).language_of_words()
    text = "Camille vous suit désormais. Gérer vos notifications"
    assert "fr" not in set(shipped.values())
    assert guess_language(with_french, text) == "fr"


def test_german_and_english_come_from_the_shipped_network_files() -> None:
    words = NetworkRegistry.load(Settings()).language_of_words()
    assert [
        guess_language(words, "Eva möchte sich mit Ihnen vernetzen. Profil anzeigen"),
        guess_language(words, "Eva wants to connect. View profile"),
    ] == ["de", "en"]
