"""The ``docharness`` command line: argument parsing and dispatch, nothing else.

Each sub-command lives in its own module under ``harness.commands`` with two
functions, ``add_arguments(parser)`` and ``run(args) -> int``, so the command
line stays a thin adapter over the core. Only the module of the command being
run is imported (``--help`` imports none), so ``extract`` and ``--help`` start
without loading replay, requests, Sphinx or the server.

Exit codes: 0 all good, 1 examples failed or documents have errors, 2 usage or
configuration error (argparse already exits 2 on bad usage), 130 interrupted by
Ctrl-C or SIGTERM (what CI runners, ``timeout``, docker and Kubernetes send): both
end the run the same way, with the partial reports written.
"""

from __future__ import annotations

import argparse
import importlib
import re
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from typing import NoReturn

from harness import __version__

# name -> (module under harness.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("extract", "parse documents and print the model (JSON) or a summary"),
    "replay": ("replay", "replay the examples against a target"),
    "publish": ("publish", "build the unified, verified API reference with Sphinx"),
    "serve": ("serve", "run the reference server on its own"),
    "run": ("run", "extract + replay on the default target + publish"),
    "merge": ("merge", "join the results files of sharded runs (--shard K/N) into one"),
}

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with a hint on bad usage: the closest command or option ("did you mean `replay`?")."""

    def error(self, message: str) -> NoReturn:
        hint = _usage_hint(self, message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n" + (f"  hint: {hint}\n" if hint else ""))


def _usage_hint(parser: argparse.ArgumentParser, message: str) -> str:
    from harness.config_keys import suggestion  # only on bad usage: `--help` starts without it

    choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if choice:
        return suggestion(choice.group(1), re.findall(r"'([^']*)'", choice.group(2)))
    unknown = re.search(r"unrecognized arguments: (\S+)", message)
    if unknown and unknown.group(1).startswith("-"):
        return suggestion(unknown.group(1).split("=")[0], sorted(_option_strings(parser)))
    return ""


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every option of the parser and of its sub-commands (argparse reports strays on the top parser)."""
    found = {o for o in parser._option_string_actions if o.startswith("--")}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _option_strings(sub)
    return found


def build_parser(command: str | None = "*") -> argparse.ArgumentParser:
    """The parser; only ``command``'s arguments are declared (``"*"``: every command's, ``None``: none)."""
    parser = _Parser(
        prog="docharness",
        description="Keep HTTP API documentation honest: every documented example becomes a test.",
    )
    parser.add_argument("--version", action="version", version=f"docharness {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if command in ("*", name):
            module = importlib.import_module(f"harness.commands.{module_name}")
            module.add_arguments(command_parser)
            command_parser.set_defaults(_module=module)
    return parser


def _command_named(argv: Sequence[str]) -> str | None:
    """The sub-command in ``argv``: the first word not an option (the top level's options take no value)."""
    first = next((word for word in argv if not word.startswith("-")), None)
    return first if first in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_named(words))
    args = parser.parse_args(words)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        with sigterm_as_interrupt():
            return int(args._module.run(args))
    except KeyboardInterrupt:
        print("docharness: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: stop as Ctrl-C stops, so every command's interruption path runs."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated(f"signal {signum}")


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises ``Terminated`` (a ``KeyboardInterrupt``); the previous handler after.

    Only the main thread can handle signals: elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
