"""``docharness extract PATH... [--json] [-j N]``: parse pages and print the model or a summary.

Diagnostics go to stderr, rendered Hurl-style; stdout carries only the JSON
model (``--json``) or the summary. Exit 0 when no document has an error, 1 when
one has, 2 for usage errors (a path that does not exist).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Literal

from harness.model import Document, Level, to_json
from harness.parsers.loader import load
from harness.report.render import render_diagnostics

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``extract``'s arguments."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to parse (.asciidoc, .adoc, "
                        ".rst, .html, .htm; other files are skipped)")
    parser.add_argument("--json", action="store_true", help="print the model as a JSON list of Documents")
    parser.add_argument("--quiet", "-q", action="store_true", help="show only error diagnostics")
    parser.add_argument("--root", type=_folder, default=None,
                        help="make document paths relative to this folder (default: the current folder)")
    parser.add_argument("-j", "--jobs", type=_jobs, default="auto", metavar="N",
                        help="parse with N worker processes, or 'auto' (default): one per available CPU "
                        "when there are enough files to pay for starting them; 1 parses in this process")


def run(args: argparse.Namespace) -> int:
    """Parse ``args.paths``, print the model or a summary, render diagnostics to stderr."""
    try:
        documents = load(args.paths, root=args.root, jobs=args.jobs)
    except OSError as exc:  # no such path, or a folder that cannot be listed
        print(f"docharness extract: {exc}", file=sys.stderr)
        return EXIT_USAGE
    color = _use_color()
    minimum = Level.ERROR if args.quiet else Level.WARNING
    for document in documents:
        rendered = render_diagnostics(document.diagnostics, color=color, minimum=minimum)
        if rendered:
            print(rendered + "\n", file=sys.stderr)
    if args.json:
        sys.stdout.write(to_json(documents) + "\n")
    else:
        sys.stdout.write(summary(documents))
    return EXIT_ERRORS if any(d.has_errors for d in documents) else EXIT_OK


def _folder(value: str) -> Path:
    """``--root``: an existing folder."""
    if not Path(value).is_dir():
        raise argparse.ArgumentTypeError(f"{value!r} is not a folder")
    return Path(value)


def _jobs(value: str) -> int | Literal["auto"]:
    """``-j`` values: a positive number or ``auto``."""
    if value == "auto":
        return "auto"
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number or 'auto', not {value!r}")
    return int(value)


def _use_color() -> bool:
    return sys.stderr.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


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
