"""Options written where a user writes them: before or after the command.

Click reads an option only at its own level: ``introgate run --once -v`` would be an
error because ``-v`` belongs to ``introgate``, and ``introgate --config x.toml check``
because ``--config`` belongs to ``check``. Users write both. The command line is put in
click's order before it is parsed: the top-level flags to the front, the options every
command shares after the command. Anything after ``--`` is left as written.
"""

from __future__ import annotations

# flags of `introgate` itself
TOP_LEVEL_FLAGS = frozenset({"--log-json", "--verbose", "-v"})
# options the commands share, with a value and without
COMMAND_OPTIONS = frozenset({"--config", "-c", "--account", "-a"})
COMMAND_FLAGS = frozenset({"--json"})
_END_OF_OPTIONS = "--"


def in_click_order(args: list[str]) -> list[str]:
    """``args`` with top-level flags first and shared command options after the command."""
    top: list[str] = []
    early: list[str] = []  # command options written before the command
    rest: list[str] = []
    tail: list[str] = []
    command_seen = False
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == _END_OF_OPTIONS:
            tail = args[index:]
            break
        if arg in TOP_LEVEL_FLAGS:
            top.append(arg)
        elif command_seen or arg.startswith("--version") or arg in ("--help", "-h"):
            rest.append(arg)
            command_seen = command_seen or not arg.startswith("-")
        elif arg in COMMAND_OPTIONS and index + 1 < len(args):
            early += [arg, args[index + 1]]
            index += 1
        elif arg in COMMAND_FLAGS or arg.split("=", 1)[0] in COMMAND_OPTIONS:
            early.append(arg)
        else:
            rest.append(arg)
            command_seen = not arg.startswith("-")
        index += 1
    return [*top, *rest, *early, *tail]
