"""``docharness extract PATH... [--json] [-j N]``: parse pages and print the model or a summary.

Diagnostics go to stderr, rendered Hurl-style; stdout carries only the JSON
model (``--json``) or the summary. Exit 0 when no document has an error, 1 when
one has, 2 for usage errors (a path that does not exist).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from harness.commands.cache_options import add_cache_arguments, cache_note, extraction_cache
from harness.config_file import ConfigError, find_config
from harness.model import Document, Level
from harness.parsers.loader import load
from harness.parsers.source_lines import attach_source_lines, without_page_credentials
from harness.report.color import use_color
from harness.report.render import render_diagnostics
from harness.sourcefiles import read_source, source_lines

if TYPE_CHECKING:  # harness.config (tomllib, the config types) is imported only when there is a config file
    from harness.config import Config

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``extract``'s arguments."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to parse (.asciidoc, .adoc, "
                        ".rst, .html, .htm; other files are skipped)")
    parser.add_argument("--json", action="store_true", help="print the model as a JSON list of Documents")
    parser.add_argument("--indent", type=int, default=None, metavar="N",
                        help="indent the JSON by N spaces (default: 2 on a terminal; compact, one line, when "
                        "stdout is a file or a pipe: about twice as fast to write)")
    parser.add_argument("--quiet", "-q", action="store_true", help="show only error diagnostics")
    parser.add_argument("--config", type=Path, default=None, metavar="FILE",
                        help="the project config (default: the nearest docharness.toml above the first path); "
                        "with one, pages are read with its [elasticsearch] rules and checked against its named "
                        "setups and expected_unconverted list")
    parser.add_argument("--root", type=_folder, default=None,
                        help="make document paths relative to this folder (default: the current folder)")
    parser.add_argument("-j", "--jobs", type=_jobs, default="auto", metavar="N",
                        help="parse with N worker processes, or 'auto' (default): one per available CPU "
                        "when there are enough files to pay for starting them; 1 parses in this process")
    add_cache_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Parse ``args.paths``, print the model or a summary, render diagnostics to stderr."""
    try:
        config = _config(args.paths, args.config)
        cache = extraction_cache(args, config)
        documents = load(args.paths, root=args.root, jobs=args.jobs, sources=config.source_paths() if config else (),
                         dialect=config.dialect_at if config is not None else None, cache=cache)
        cache_note(cache)
    except (OSError, ConfigError) as exc:  # no such path, a folder that cannot be listed, a bad config
        print(f"docharness extract: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if config is not None:
        documents = project_checks(documents, config, args.root or Path.cwd())
    color = use_color(sys.stderr)
    minimum = Level.ERROR if args.quiet else Level.WARNING
    for document in documents:
        rendered = render_diagnostics(document.diagnostics, color=color, minimum=minimum)
        if rendered:
            print(rendered + "\n", file=sys.stderr)
    if args.json:
        indent = args.indent if args.indent is not None else (2 if sys.stdout.isatty() else None)
        from harness.commands.json_output import write_json  # orjson: loaded only for --json

        write_json([without_page_credentials(d) for d in documents], sys.stdout, indent)  # never printed
    else:
        sys.stdout.write(summary(documents))
    return EXIT_ERRORS if any(d.has_errors for d in documents) else EXIT_OK


def _folder(value: str) -> Path:
    """``--root``: an existing folder."""
    if not Path(value).is_dir():
        raise argparse.ArgumentTypeError(f"{value!r} is not a folder")
    return Path(value)


def _config(paths: list[str], explicit: Path | None) -> Config | None:
    """``--config``, else the nearest ``docharness.toml`` above the first path, else ``None``."""
    found = explicit
    if found is None:
        first = Path(paths[0])
        if not first.exists():
            raise FileNotFoundError(f"{paths[0]}: no such file or folder")
        found = find_config(first.resolve())
    if found is None:
        return None
    from harness.config import load_config

    return load_config(found)


def project_checks(documents: list[Document], config: Config, root: Path) -> list[Document]:
    """The checks that need the config: unknown named setups, the expected-unconverted list."""
    from harness.parsers.project_checks import check_project  # difflib: only with a config

    base = config.root.resolve()

    def relative(document: Document) -> str:
        try:
            return (root / document.path).resolve().relative_to(base).as_posix()
        except ValueError:
            return document.path

    line = config.lines.get("expected_unconverted", 0)
    checked = check_project(documents, relative=relative, setups=config.setups, teardowns=config.teardowns,
                            expected_unconverted=config.expected_unconverted,
                            config=f"{config.path}:{line}" if line else str(config.path))
    return [_with_source_lines(d, root) if d is not before else d for d, before in zip(checked, documents)]


def _with_source_lines(document: Document, root: Path) -> Document:
    """The page's lines under the new diagnostics, for the renderer's gutter (read again: only pages with
    project errors are)."""
    try:
        where = root / document.path  # the path policy, as for every page read: no symlink out of its folder
        lines = source_lines(document.path, read_source(where, where.parent, page=True).decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return document
    return dataclasses.replace(document, diagnostics=attach_source_lines(document.diagnostics, lines))


def _jobs(value: str) -> int | Literal["auto"]:
    """``-j`` values: a positive number or ``auto``."""
    if value == "auto":
        return "auto"
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number or 'auto', not {value!r}")
    return int(value)


def summary(documents: list[Document]) -> str:
    """One line per document and a total: examples, tests, errors, warnings."""
    lines: list[str] = []
    totals = [0, 0, 0, 0]
    for document in documents:
        counts = [len(document.examples), len(document.tests),
                  sum(d.level is Level.ERROR for d in document.diagnostics),
                  sum(d.level is Level.WARNING for d in document.diagnostics)]
        totals = [a + b for a, b in zip(totals, counts)]
        lines.append(f"{document.path}: {_counts(counts)}")
    lines.append(f"{len(documents)} document{'s' * (len(documents) != 1)}: {_counts(totals)}")
    return "\n".join(lines) + "\n"


def _counts(counts: list[int]) -> str:
    examples, tests, errors, warnings = counts
    return (f"{examples} example{'s' * (examples != 1)}, {tests} test{'s' * (tests != 1)}, "
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
