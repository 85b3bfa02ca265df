"""Line and column of every key and value in a TOML text, and of TOML syntax errors.

Shared by the config, rule files and network files, so all three point at problems the
same way (``FILE:LINE:COL``).

``tomllib`` parses without positions, and an error that says only "rule 3, when.kind" makes
the user count ``[[rule]]`` headers by hand. This scanner walks a text that ``tomllib``
has already accepted and records where each key path (``("rule", 2, "when", "kind")``)
starts, so every problem can be reported as ``FILE:LINE:COL``. It trusts the text to be
valid TOML and never raises: on anything it does not follow it stops and keeps what it has.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass, field

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")
_BASIC_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


@dataclass(frozen=True)
class Position:
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


@dataclass
class TomlPositions:
    """Where keys and values start; ``at`` falls back to the nearest enclosing path."""

    keys: dict[KeyPath, Position] = field(default_factory=dict)
    values: dict[KeyPath, Position] = field(default_factory=dict)

    def key(self, path: KeyPath) -> Position:
        return self._nearest(path, self.keys)

    def value(self, path: KeyPath) -> Position:
        return self._nearest(path, self.values)

    def _nearest(self, path: KeyPath, first: dict[KeyPath, Position]) -> Position:
        path = self._written(path)
        for end in range(len(path), 0, -1):
            prefix = path[:end]
            found = first.get(prefix) or self.keys.get(prefix) or self.values.get(prefix)
            if found is not None:
                return found
        return Position(1, 1)

    def _written(self, path: KeyPath) -> KeyPath:
        """``path`` as the file wrote it: a checker may see ``x = "a"`` as the list ``["a"]``
        and name its item ``x[0]``, which the text does not have."""
        written: KeyPath = ()
        for part in path:
            candidate = (*written, part)
            if part == 0 and candidate not in self.keys and candidate not in self.values:
                continue
            written = candidate
        return written


class _StopScanning(Exception):
    """The text has something this scanner does not follow: keep what was found."""


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.positions = TomlPositions()
        self.array_counts: dict[KeyPath, int] = {}

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.line_starts, offset)
        return Position(line, offset - self.line_starts[line - 1] + 1)

    def remember(self, table: dict[KeyPath, Position], path: KeyPath, offset: int) -> None:
        table.setdefault(path, self.position(offset))

    # -- whitespace and comments -----------------------------------------------------

    def skip(self, i: int, newlines: bool) -> int:
        text = self.text
        while i < len(text):
            char = text[i]
            if char in " \t\r" or (newlines and char == "\n"):
                i += 1
            elif char == "#":
                end = text.find("\n", i)
                i = len(text) if end < 0 else end
            else:
                break
        return i

    # -- keys ------------------------------------------------------------------------

    def key(self, i: int) -> tuple[list[tuple[str, int]], int]:
        """A dotted key: its parts with the offset where each starts."""
        parts: list[tuple[str, int]] = []
        while True:
            i = self.skip(i, newlines=False)
            start = i
            if self.text.startswith('"', i):
                name, i = self.basic_string(i)
            elif self.text.startswith("'", i):
                end = self.text.index("'", i + 1)
                name, i = self.text[i + 1 : end], end + 1
            else:
                match = _BARE_KEY.match(self.text, i)
                if match is None:
                    raise _StopScanning
                name, i = match.group(), match.end()
            parts.append((name, start))
            i = self.skip(i, newlines=False)
            if not self.text.startswith(".", i):
                return parts, i
            i += 1

    def basic_string(self, i: int) -> tuple[str, int]:
        j = i + 1
        text = self.text
        while j < len(text) and text[j] != '"':
            j += 2 if text[j] == "\\" else 1
        return _unescape(text[i + 1 : j]), j + 1

    # -- values ----------------------------------------------------------------------

    def value(self, i: int, path: KeyPath) -> int:
        self.remember(self.positions.values, path, i)
        text = self.text
        if text.startswith('"""', i) or text.startswith("'''", i):
            quote = text[i : i + 3]
            j = i + 3
            while True:
                if quote == '"""' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    j += 3
                    extra = 0
                    while extra < 2 and text.startswith(quote[0], j):
                        j, extra = j + 1, extra + 1
                    return j
                j += 1
        if text.startswith('"', i):
            return self.basic_string(i)[1]
        if text.startswith("'", i):
            return text.index("'", i + 1) + 1
        if text.startswith("[", i):
            return self.array(i + 1, path)
        if text.startswith("{", i):
            return self.inline_table(i + 1, path)
        match = _SCALAR_END.search(text, i)
        return len(text) if match is None else match.start()

    def array(self, i: int, path: KeyPath) -> int:
        index = 0
        while True:
            i = self.skip(i, newlines=True)
            if self.text.startswith("]", i):
                return i + 1
            i = self.value(i, (*path, index))
            index += 1
            i = self.skip(i, newlines=True)
            if self.text.startswith(",", i):
                i += 1
            elif self.text.startswith("]", i):
                return i + 1
            else:
                raise _StopScanning

    def inline_table(self, i: int, path: KeyPath) -> int:
        while True:
            i = self.skip(i, newlines=True)
            if self.text.startswith("}", i):
                return i + 1
            i = self.key_value(i, path)
            i = self.skip(i, newlines=True)
            if self.text.startswith(",", i):
                i += 1
            elif self.text.startswith("}", i):
                return i + 1
            else:
                raise _StopScanning

    def key_value(self, i: int, table: KeyPath) -> int:
        parts, i = self.key(i)
        path = table
        for name, start in parts:
            path = (*path, name)
            self.remember(self.positions.keys, path, start)
        if not self.text.startswith("=", i):
            raise _StopScanning
        i = self.skip(i + 1, newlines=False)
        return self.value(i, path)

    # -- tables ----------------------------------------------------------------------

    def resolve(self, parts: list[tuple[str, int]]) -> KeyPath:
        """A header's key path, with the newest index of every array of tables on it."""
        path: KeyPath = ()
        for name, start in parts:
            path = (*path, name)
            self.remember(self.positions.keys, path, start)
            count = self.array_counts.get(path)
            if count is not None:
                path = (*path, count - 1)
        return path

    def document(self) -> TomlPositions:
        table: KeyPath = ()
        i = 0
        text = self.text
        while True:
            i = self.skip(i, newlines=True)
            if i >= len(text):
                return self.positions
            if text.startswith("[[", i):
                parts, i = self.key(i + 2)
                parent = self.resolve(parts[:-1])
                name, start = parts[-1]
                array = (*parent, name)
                self.remember(self.positions.keys, array, start)
                index = self.array_counts.get(array, 0)
                self.array_counts[array] = index + 1
                table = (*array, index)
                self.remember(self.positions.keys, table, start - 2)
                self.remember(self.positions.values, table, start - 2)
                i = i + 2
            elif text.startswith("[", i):
                header_start = i
                parts, i = self.key(i + 1)
                table = self.resolve(parts)
                self.remember(self.positions.values, table, header_start)
                i = i + 1
            else:
                i = self.key_value(i, table)


def _unescape(body: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU":
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, code)

    return _BASIC_ESCAPE.sub(replace, body)


def locate(text: str) -> TomlPositions:
    """Positions of every key and value in ``text`` (valid TOML); partial if it gets lost."""
    scanner = _Scanner(text)
    try:
        return scanner.document()
    except (_StopScanning, IndexError, ValueError):
        return scanner.positions


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")
_TABLE_TWICE = re.compile(r"Cannot declare \((.*?),?\) twice")
_KEY_ON_LINE = re.compile(r"\s*(.+?)\s*=")


def syntax_error_place(text: str, exc: tomllib.TOMLDecodeError) -> tuple[int, int, str]:
    """Line, column and a message for a TOML syntax error, in the words of the file.

    ``tomllib`` says ``Cannot overwrite a value (at line 3, column 11)``, pointing past
    the value; the user reads ``duplicate key "name"`` at the key instead.
    """
    message = str(exc)
    match = _TOML_POSITION.search(message)
    if match is None:
        line = max(1, text.count("\n") + 1)
        return line, 1, "not valid TOML: " + _TOML_AT_END.sub(" at the end of the file", message)
    line, column = int(match.group(1)), int(match.group(2))
    message = message[: match.start()]
    lines = text.splitlines()
    written = lines[line - 1] if 0 < line <= len(lines) else ""
    twice = _TABLE_TWICE.fullmatch(message)
    if twice is not None:
        table = ".".join(part.strip().strip("'\"") for part in twice.group(1).split(","))
        start = len(written) - len(written.lstrip())
        return line, start + 1, f"duplicate table [{table}]"
    if message == "Cannot overwrite a value":
        key = _KEY_ON_LINE.match(written)
        if key is None:
            return line, column, "duplicate key"
        name = key.group(1)
        shown = name if name.startswith(('"', "'")) else f'"{name}"'
        return line, key.start(1) + 1, f"duplicate key {shown}"
    return line, column, f"not valid TOML: {message}"
