"""`docharness run`: extract, replay on the default target, write reports, publish.

The whole pipeline in one command: the config's sources are parsed, replayed
against the default target (the embedded reference server unless configured
otherwise), ``generated/results.json`` and ``generated/junit.xml`` are written,
and the verified reference is built by ``harness.commands.publish.build`` when
the publisher is available. Exit 0 all good, 1 failures, errors or document
errors, 2 configuration errors, 5 nothing to replay, 130 interrupted (Ctrl-C or SIGTERM: partial
reports written, no site).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.commands.publish import build
from harness.commands.replay import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_NOTHING,
    EXIT_USAGE,
    NothingSelected,
    UsageError,
    add_target_arguments,
    cannot_write,
    execute,
    exit_status,
    find_project,
    load_documents,
)
from harness.config import ConfigError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``run``'s arguments."""
    add_target_arguments(parser)
    parser.add_argument("--out", metavar="DIR", type=Path, default=Path("generated"),
                        help="where results, reports and the site go (default: generated)")


def run(args: argparse.Namespace) -> int:
    """Extract, replay, report and publish; the exit status."""
    out: Path = args.out
    try:
        config = find_project([], args.config)
        documents = load_documents([], config)
        examples = sum(len(d.examples) for d in documents)
        errors = sum(d.has_errors for d in documents)
        print(f"docharness run: extracted {len(documents)} documents, {examples} examples"
              + (f", {errors} with errors" if errors else ""))
        result = execute(args, documents, config, report=out / "results.json", junit=out / "junit.xml")
    except (ConfigError, UsageError) as exc:
        print(f"docharness run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NothingSelected as exc:  # the reports are written; a site of nothing is not built
        print(f"docharness run: {exc}", file=sys.stderr)
        return EXIT_NOTHING
    except OSError as exc:
        print(f"docharness run: {cannot_write(exc)}", file=sys.stderr)
        return EXIT_USAGE
    assert result is not None  # not a dry run
    print(f"results: {out / 'results.json'}\njunit:   {out / 'junit.xml'}")
    status = exit_status(result)
    if not result.complete:  # Ctrl-C or SIGTERM: the partial reports are written, the site is not
        print("publish: skipped: the run was interrupted", file=sys.stderr)
        return status
    if status == EXIT_OK and errors:
        status = EXIT_FAILED
    try:
        index = build(documents, result, out, config=config)
    except Exception as exc:  # a failed site build must not hide the replay's outcome
        print(f"publish: failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"site:    {index}")
    return status
