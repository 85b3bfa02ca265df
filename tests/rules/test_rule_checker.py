"""The rule checker on broken files: every problem at once, each at its FILE:LINE:COL."""

from __future__ import annotations

from pathlib import Path

import pytest

from introgate.backends.maildir import MaildirBackend
from introgate.config import Account, Settings
from introgate.resources import shipped_templates_dir
from introgate.rules import RuleFileErrors, check_folders, load_rules
from tests.rules.rules_kit import LoadRules


def problems(load: LoadRules, files: dict[str, str] | str) -> list[str]:
    with pytest.raises(RuleFileErrors) as caught:
        load(files)
    return [str(problem) for problem in caught.value.problems]


def test_bad_toml_points_at_the_character(load: LoadRules, rules_dir: Path) -> None:
    text = '[[rule]]\nname = "unclosed\nwhen = { kind = "follow" }\n'
    assert problems(load, text) == [
        f"{rules_dir / 'rules.toml'}:2:17: not valid TOML: Illegal character '\\n'"
    ]


def test_unknown_keys_get_did_you_mean(load: LoadRules, rules_dir: Path) -> None:
    text = """[[rule]]
name = "typos"
contnue = true
when = { kind = "follow", has_notes = true }
then = { lable = "x" }
"""
    file = rules_dir / "rules.toml"
    assert problems(load, text) == [
        f'{file}:3:1: rule "typos": contnue: unknown key (did you mean "continue"?)',
        f'{file}:4:27: rule "typos": when.has_notes: unknown key (did you mean "has_note"?)',
        f'{file}:5:10: rule "typos": then.lable: unknown key (did you mean "label"?)',
    ]


def test_a_condition_written_under_then_is_pointed_out(load: LoadRules, rules_dir: Path) -> None:
    text = '[[rule]]\nname = "mixed"\nwhen = { kind = "follow" }\nthen = { has_note = true }\n'
    assert problems(load, text) == [
        f'{rules_dir / "rules.toml"}:4:10: rule "mixed": then.has_note: unknown key '
        "(has_note is a condition: it belongs in when)"
    ]


def test_wrong_types_name_the_field_and_the_value(load: LoadRules, rules_dir: Path) -> None:
    text = """[[rule]]
name = "types"
when.has_note = "yes"
when.mutual_at_least = "3"
[rule.then]
archive = 1
label = 5
"""
    file = rules_dir / "rules.toml"
    assert problems(load, text) == [
        f'{file}:3:17: rule "types": when.has_note: expected true or false, got "yes"',
        f'{file}:4:24: rule "types": when.mutual_at_least: expected a whole number, got "3"',
        f'{file}:6:11: rule "types": then.archive: expected true or false, got 1',
        f'{file}:7:9: rule "types": then.label: expected one value or a list [ ... ] of them, '
        "got 5",
    ]


def test_misspelt_values_get_did_you_mean(load: LoadRules, rules_dir: Path) -> None:
    text = """[[rule]]
name = "values"
when.kind = ["friend_request", "conection_request"]
when.network = "linkdin"
when.authenticated = "unknwn"
then.flag = true
"""
    file = rules_dir / "rules.toml"
    assert problems(load, text) == [
        f'{file}:3:32: rule "values": when.kind[1]: "conection_request" is not one of '
        '"connection_request", "friend_request", "follow_request", "follow" '
        '(did you mean "connection_request"?)',
        f'{file}:4:16: rule "values": when.network[0]: unknown network "linkdin" '
        '(did you mean "linkedin"?); known: facebook, instagram, linkedin, mastodon, twitter, xing',
        f'{file}:5:22: rule "values": when.authenticated: expected true, false or "unknown", '
        'got "unknwn" (did you mean "unknown"?)',
    ]


def test_bad_regexes_and_durations_are_refused_at_load(load: LoadRules, rules_dir: Path) -> None:
    text = """[[rule]]
name = "patterns"
when = { subject_matches = "(unclosed", older_than = "2 weeks" }
then.flag = true
[[rule]]
name = "header"
when.header = { name = "List-Id", matches = "[z-a]" }
then.flag = true
"""
    file = rules_dir / "rules.toml"
    assert problems(load, text) == [
        f'{file}:3:28: rule "patterns": when.subject_matches: not a valid regular expression: '
        "missing ), unterminated subpattern at position 0",
        f'{file}:3:54: rule "patterns": when.older_than: "2 weeks" is not a duration: '
        'write a whole number and m, h, d or w, like "30d", "12h", "2w" or "45m"',
        f'{file}:7:45: rule "header": when.header[0].matches: not a valid regular expression: '
        "bad character range z-a at position 1",
    ]


def test_a_missing_template_is_found_at_load(load: LoadRules, rules_dir: Path) -> None:
    text = """[[rule]]
name = "ask"
when = { kind = "connection_request" }
then.draft = { template = "ask-intr", language = "de" }
"""
    assert problems(load, text) == [
        f'{rules_dir / "rules.toml"}:4:27: rule "ask": then.draft.template: '
        f"no template ask-intr.de.txt.j2 in {shipped_templates_dir()} "
        '(did you mean "ask-intro"?)'
    ]


def test_a_duplicate_rule_name_across_files_is_refused(load: LoadRules, rules_dir: Path) -> None:
    rule = '[[rule]]\nname = "same"\nwhen = { kind = "follow" }\nthen = { flag = true }\n'
    assert problems(load, {"a.toml": rule, "b.toml": "\n" + rule}) == [
        f'{rules_dir / "b.toml"}:3:8: rule "same": name: duplicate rule name, '
        f"first used at {rules_dir / 'a.toml'}:2"
    ]


def test_rules_that_could_match_everything_or_move_twice_are_refused(
    load: LoadRules, rules_dir: Path
) -> None:
    text = """[[rule]]
name = "everything"
when = {}
then = { archive = true, move = "Elsewhere" }

[[rule]]
description = "nameless"
when = { kind = "follow", any = [] }
then = { flag = true }
"""
    file = rules_dir / "rules.toml"
    assert problems(load, text) == [
        f'{file}:3:8: rule "everything": when: needs at least one condition',
        f'{file}:4:8: rule "everything": then: move and archive both move the message: keep one',
        f"{file}:6:1: rule #2: name: missing (required)",
        f"{file}:8:33: rule #2: when.any: must not be empty",
    ]


def test_every_problem_in_every_file_is_reported_at_once(load: LoadRules, rules_dir: Path) -> None:
    found = problems(
        load,
        {
            "a.toml": '[[rule]]\nname = "a"\nwhen = { kind = 1 }\nthen = { flag = true }\n',
            "b.toml": "rule = 3\nrules = []\n",
            "c.toml": "[[rule]\n",
        },
    )
    assert found == [
        f'{rules_dir / "a.toml"}:3:17: rule "a": when.kind: '
        "expected one value or a list [ ... ] of them, got 1",
        f"{rules_dir / 'b.toml'}:1:8: rule: expected [[rule]] tables, got 3",
        f'{rules_dir / "b.toml"}:2:1: rules: unknown key (did you mean "rule"?)',
        f"{rules_dir / 'c.toml'}:1:7: not valid TOML: "
        "Expected ']]' at the end of an array declaration",
    ]


def test_configured_paths_and_account_selections_must_exist(
    rules_dir: Path, load: LoadRules
) -> None:
    load('[[rule]]\nname = "a"\nwhen = { kind = "follow" }\nthen = { flag = true }\n')
    settings = Settings(rules={"use_shipped": False, "paths": [rules_dir, rules_dir / "gone.toml"]})
    account = Account(name="work", backend="maildir", maildir=Path("/m"), rules=["a", "rule.toml"])
    with pytest.raises(RuleFileErrors) as caught:
        load_rules(settings, account)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{rules_dir / 'gone.toml'}: rule file or folder not found",
        'configuration: account "work": rules: no rule or rule file named "rule.toml" '
        '(did you mean "rules.toml"?)',
    ]


def test_folders_named_by_move_are_checked_against_the_mailbox(
    load: LoadRules, rules_dir: Path, maildir: MaildirBackend
) -> None:
    rules = load(
        '[[rule]]\nname = "file-it"\nwhen = { kind = "follow" }\n'
        'then = { move = "Archiv" }\n'
        '[[rule]]\nname = "ok"\nwhen = { kind = "follow" }\nthen = { move = "Sent" }\n'
    )
    assert check_folders(rules, maildir.list_folders) == [
        f'{rules_dir / "rules.toml"}:4:17: rule "file-it": then.move: '
        'no folder "Archiv" in the mailbox (did you mean "Archive"?): create it, or write '
        'move = { folder = "Archiv", create = true }'
    ]


def test_the_shipped_rules_check(rules_dir: Path) -> None:
    rules = load_rules(Settings())
    assert rules.names == [
        "introduced-later",
        "introduction",
        "no-answer",
        "suspicious",
        "known",
        "introduced",
        "unexplained",
    ]


def test_a_rule_nested_absurdly_deep_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    depth = 400
    when = "{ not = " * depth + "{ has_note = true }" + " }" * depth
    path = tmp_path / "deep.toml"
    path.write_text(f'[[rule]]\nname = "deep"\nwhen = {when}\nthen = {{ flag = true }}\n')
    with pytest.raises(RuleFileErrors) as error:
        load_rules(Settings(rules={"use_shipped": False, "paths": [path]}))
    assert [str(problem) for problem in error.value.problems] == [
        f"{path}:1:1: rules are nested too deeply to check"
    ]
