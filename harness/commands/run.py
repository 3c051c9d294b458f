"""`docharness run`: extract, replay on the default target, write reports, publish.

The whole pipeline in one command: the config's sources are parsed, replayed
against the default target (the embedded reference server unless configured
otherwise), ``generated/results.json``, ``generated/junit.xml`` and
``generated/report.html`` are written, and the verified reference is built by
``harness.commands.publish.build`` when the publisher is available. The last
line is the summary (``N passed, N failed, N error, N skipped in X s``). Exit 0
all good, 1 failures, errors or document errors, 2 configuration errors, 5 nothing
to replay, 130 interrupted (Ctrl-C or SIGTERM: partial reports written, no site).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from harness.commands.cache_options import extraction_cache
from harness.commands.ci_outputs import add_ci_arguments, ci_outputs
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
    shard_documents,
    shard_left_empty,
)
from harness.config import ConfigError
from harness.model import Document
from harness.report.redact import mask_userinfo
from harness.report.terminal import summary_line
from harness.sourcefiles import mark_output


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``run``'s arguments."""
    add_target_arguments(parser)
    parser.add_argument("--out", metavar="DIR", type=Path, default=Path("generated"),
                        help="where results, reports and the site go (default: generated)")
    add_ci_arguments(parser, html=False)
    parser.add_argument("--source-url", default="", metavar="TEMPLATE",
                        help="link template for source lines, with {path} and {line} "
                             "(default: [publish] source_url of the config, else no link)")


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _say(text: str) -> None:
    print(text, flush=True)  # each phase shows as it starts, also when stdout is a pipe


def run(args: argparse.Namespace) -> int:
    """Extract, replay, report and publish; the exit status."""
    out: Path = args.out
    started = time.perf_counter()
    everything_loaded: list[Document] = []
    try:
        config = find_project([], args.config)
        mark_output(out, config.source_paths())  # before reading: a previous run's report and site under the sources are not pages
        sources = ", ".join(_shown(p) for p in config.source_paths()) or "no sources"
        _say(f"docharness run: extracting {sources}")
        clock = time.perf_counter()
        documents = everything_loaded = load_documents([], config, extraction_cache(args, config))
        if args.shard is not None:
            everything, documents = len(documents), shard_documents(documents, args.shard)
            _say(f"docharness run: shard {args.shard}: {len(documents)} of {everything} documents")
        examples = sum(len(d.examples) for d in documents)
        tests = sum(len(d.tests) for d in documents)
        errors = sum(d.has_errors for d in documents)
        _say(f"docharness run: extracted {len(documents)} documents, {examples} examples ({tests} tests)"
             + (f", {errors} with errors" if errors else "") + f" in {time.perf_counter() - clock:.1f}s")
        _say(f"docharness run: replaying {tests} tests")
        result = execute(args, documents, config, report=out / "results.json", junit=out / "junit.xml",
                         ci=ci_outputs(args.annotations, out / "report.html"), totals=False)
    except (ConfigError, UsageError) as exc:
        print(f"docharness run: {mask_userinfo(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except NothingSelected as exc:  # the reports are written; a site of nothing is not built
        if shard_left_empty(args, everything_loaded, "run"):
            return EXIT_OK
        print(f"docharness run: {exc}", file=sys.stderr)
        return EXIT_NOTHING
    except OSError as exc:
        print(f"docharness run: {cannot_write(exc)}", file=sys.stderr)
        return EXIT_USAGE
    assert result is not None  # not a dry run
    print(f"results: {out / 'results.json'}\njunit:   {out / 'junit.xml'}\nhtml:    {out / 'report.html'}")
    status = exit_status(result)
    if not result.complete:  # Ctrl-C or SIGTERM: the partial reports are written, the site is not
        print("publish: skipped: the run was interrupted", file=sys.stderr)
        print(summary_line(result, time.perf_counter() - started), flush=True)  # still the last line
        return status
    if status == EXIT_OK and errors:
        status = EXIT_FAILED
    if args.shard is not None:  # one site for all shards: merge their results, then publish once
        print(f"publish: skipped: shard {args.shard}; build the site once with `docharness merge` of every "
              f"shard's results.json, then `docharness publish --results MERGED.json`", file=sys.stderr)
        print(summary_line(result, time.perf_counter() - started), flush=True)
        return status
    _say(f"docharness run: publishing {len(documents)} documents to {out / 'site'} (Sphinx)")
    clock = time.perf_counter()
    try:
        index = build(documents, result, out, config=config, source_url=args.source_url)
        _say(f"site:    {index} ({time.perf_counter() - clock:.1f}s)")
    except Exception as exc:  # a failed site build must not hide the replay's outcome
        print(f"publish: failed: {mask_userinfo(str(exc))}", file=sys.stderr)
        status = EXIT_FAILED
    print(summary_line(result, time.perf_counter() - started), flush=True)  # the last line, for CI to read
    return status
