"""`docharness replay`: replay the examples of documentation pages against a target.

``docharness replay [PATH...] [--target URL] [--dry-run] [-k EXPR] [--report FILE]
[--junit FILE] [--html FILE] [--annotations FORMAT] [--allow-writes] [-x] [--shard K/N]``; the last
line is the summary. Exit 0 when everything passed or was
skipped, 1 on failures or errors, 2 on usage or configuration errors, 5 when
nothing was selected (no page, no example, ``-k`` matching none), 130 when
interrupted (the reports are still written, marked partial).
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

from harness.commands.cache_options import add_cache_arguments, cache_note, extraction_cache
from harness.commands.ci_outputs import CiOutputs, add_ci_arguments, ci_outputs
from harness.config import (
    CONFIG_NAME,
    EMBEDDED,
    Config,
    ConfigError,
    embedded_config,
    find_config,
    load_config,
)
from harness.model import Document
from harness.parsers.loader import load
from harness.parsers.source_lines import PAGE_CREDENTIALS
from harness.replay import Replay, Step
from harness.replay import run as replay_run
from harness.replay.run import document_diagnostics
from harness.replay.shard import Shard, ShardError, document_weight, parse_shard, select_shard
from harness.replay.prepare import PrepareError, Prepared
from harness.replay.select import keyword_filter
from harness.report.atomic import OutputError, is_stream
from harness.report.color import use_color
from harness.report.redact import MASK, mask_userinfo
from harness.report.terminal import TerminalReporter
from harness.results import Outcome, RunResult

if TYPE_CHECKING:  # made by cache_options.extraction_cache, which imports it only when a cache is used
    from harness.parsers.cache import ExtractCache

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOTHING, EXIT_INTERRUPTED = 0, 1, 2, 5, 130


class UsageError(Exception):
    """A command-line or configuration problem: exit status 2 with this message."""


class NothingSelected(Exception):
    """No test was selected (no page, no example, or ``-k`` matched none): exit status 5, as pytest's."""


def cannot_write(exc: OSError) -> str:
    """A report that could not be written, said with the path and what to do."""
    if isinstance(exc, OutputError):  # already says which file and why
        return str(exc)
    return (f"cannot write {exc.filename or 'a report'}: {exc.strerror or exc}\n"
            "  hint: choose a path in a folder this user can create and write")


def nothing_selected(documents: Sequence[Document], keyword: str, paths: Sequence[str]) -> NothingSelected:
    """Why nothing ran, and what to do about it."""
    if not documents:
        where = ", ".join(paths) or "the configured sources"
        return NothingSelected(f"no documentation pages found in {where}: nothing was replayed\n"
                               "  hint: pages end in .asciidoc, .adoc, .rst or .html; check the paths given or "
                               "`sources` in docharness.toml")
    if keyword:
        return NothingSelected(f"no test matched -k {keyword!r} in {len(documents)} document"
                               f"{'s' * (len(documents) != 1)}: nothing was replayed\n"
                               "  hint: node ids read page.asciidoc::line_42; `--dry-run` lists them")
    several = len(documents) != 1
    return NothingSelected(f"the {len(documents)} document{'s hold' if several else ' holds'} no examples: "
                           "nothing was replayed\n  hint: examples are // CONSOLE snippets (AsciiDoc) or "
                           "request/response sections (RST, HTML)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``replay``'s arguments."""
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the config's sources)")
    add_target_arguments(parser)
    parser.add_argument("--dry-run", action="store_true", help="print every request as it would be sent; send nothing")
    parser.add_argument("-k", dest="keyword", metavar="EXPR", default="", help="only tests whose id matches EXPR")
    parser.add_argument("--report", metavar="FILE", type=Path, help="write the JSON results file here")
    parser.add_argument("--junit", metavar="FILE", type=Path, help="write JUnit XML here")
    parser.add_argument("-x", "--exitfirst", action="store_true", help="stop after the first failure or error")
    add_ci_arguments(parser)


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    """The options `replay` and `run` share."""
    parser.add_argument("--config", metavar="FILE", type=Path, help=f"the project config (default: the nearest {CONFIG_NAME})")
    parser.add_argument("--target", metavar="URL", type=target_url,
                        help="send every example here ('embedded' = the reference server)")
    parser.add_argument("--allow-writes", action="store_true",
                        help="send state-changing requests to a target that is not on loopback")
    parser.add_argument("--var", dest="variables", metavar="NAME=VALUE", action="append", default=[],
                        help="a placeholder value, over [variables] and $DOCHARNESS_VAR_NAME (repeatable)")
    parser.add_argument("--shard", metavar="K/N", type=_shard, default=None,
                        help="run only shard K of N: a deterministic, balanced share of whole documents "
                             "(for CI matrices; join the results with `docharness merge`)")
    add_cache_arguments(parser)


def _shard(value: str) -> Shard:
    try:
        return parse_shard(value)
    except ShardError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def shard_documents(documents: Sequence[Document], shard: Shard | None) -> list[Document]:
    """The documents of ``shard`` (all of them without one), balanced by number of tests."""
    if shard is None:
        return list(documents)
    return select_shard(documents, shard, path=lambda d: d.path, weight=document_weight)


def shard_left_empty(args: argparse.Namespace, loaded: Sequence[Document], command: str) -> bool:
    """Whether nothing was selected only because the split left this shard empty (the tree has tests,
    no ``-k`` chose none): then the command says so and exits 0, so a CI matrix does not fail on it."""
    if args.shard is None or getattr(args, "keyword", None) or not any(d.tests for d in loaded):
        return False
    print(f"docharness {command}: shard {args.shard}: nothing to replay (the reports are written)", file=sys.stderr)
    return True


def parse_variables(items: Sequence[str]) -> dict[str, str]:
    """``--var NAME=VALUE`` items as a mapping; ``UsageError`` for an item without ``=``."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--var {item!r}: write --var NAME=VALUE (for example --var jar_id=abc.jar)")
        values[name.strip()] = value
    return values


def target_url(value: str) -> str:
    """``--target``: ``embedded`` or an http(s) URL with a host (argparse turns a refusal into exit 2)."""
    # a password in the URL is never echoed: everything from // to the last @ (a password may hold / ? #)
    scheme, slashes, rest = value.partition("//")
    shown = f"{scheme}{slashes}***@{rest.rpartition('@')[2]}" if slashes and "@" in rest else value
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:  # urlsplit's message may quote part of the password: not shown
        raise argparse.ArgumentTypeError(f"{shown!r} is not a URL (its host or port cannot be read)") from exc
    if value != EMBEDDED and (parts.scheme not in ("http", "https") or not parts.hostname):
        raise argparse.ArgumentTypeError(f"expected 'embedded' or an http(s) URL such as http://127.0.0.1:9200, "
                                         f"not {shown!r}")
    return value


def find_project(paths: Sequence[Path], explicit: Path | None) -> Config:
    """The configuration for these paths: ``--config``, else the nearest one, else all-embedded."""
    if explicit is not None:
        return load_config(explicit)
    starts = [*paths, Path.cwd() / "docs_src", Path.cwd()]
    for start in starts:
        found = find_config(start.resolve()) if start.exists() else None
        if found is not None:
            return load_config(found)
    return embedded_config(Path.cwd() / CONFIG_NAME)


def load_documents(paths: Sequence[Path], config: Config, cache: ExtractCache | None = None) -> list[Document]:
    """The documents under ``paths`` (default: the config's sources), paths relative to the cwd; parsed pages
    kept in ``cache`` (``cache_options.extraction_cache``)."""
    chosen = list(paths) or config.source_paths()
    missing = [p for p in chosen if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")
    try:
        # a configured project's pages are confined to its sources (symlinks leaving them are not read)
        documents = load(chosen, root=Path.cwd(), sources=config.source_paths() if config.path.is_file() else (),
                         dialect=config.dialect_at, cache=cache)
    except OSError as exc:  # a folder that cannot be listed
        raise UsageError(str(exc)) from exc
    cache_note(cache)
    return documents


def render_plan(documents: Sequence[Document], replay: Replay, select: Callable[[str], bool], out: TextIO) -> int:
    """The dry run: every request of every selected test, as it would be sent (the real run's
    write-safety rule applied: a test it would skip is listed as skipped, not as to be sent);
    the number of tests selected."""
    count = skipped = selected = 0
    for document in documents:
        runner = replay.runner(document)
        for test in replay.plan(document):
            if not select(test.node_id):
                continue
            selected += 1
            out.write(f"{test.node_id}\n")
            if test.skip is not None or test.problem is not None:
                label = "skipped" if test.skip is not None else "error"
                out.write(f"  {label}: {test.skip if test.skip is not None else test.problem.message}\n")  # type: ignore[union-attr]
                continue
            if runner.target.unavailable:
                out.write(f"  not run: {runner.target.unavailable}\n")
                continue
            steps = test.steps + runner.reset_steps
            prepared: list[Prepared | PrepareError] = []
            for step in steps:
                try:
                    prepared.append(runner.prepare(step))
                except PrepareError as exc:
                    prepared.append(exc)
            refusal = runner.refusal(test, [p for p in prepared if isinstance(p, Prepared)])
            if refusal is not None:
                skipped += 1
                out.write(f"  skipped: {refusal}\n")
                continue
            count += _render_steps(list(zip(steps, prepared)), runner.target.secret_headers | PAGE_CREDENTIALS, out)
        replay.finish(document)
    note = f"; {skipped} test{'s' * (skipped != 1)} would be skipped (state-changing, not on loopback)" \
        if skipped else ""
    out.write(f"\n{count} requests planned, none sent{note}\n")
    return selected


def _render_steps(work: list[tuple[Step, Prepared | PrepareError]], secret_headers: frozenset[str],
                  out: TextIO) -> int:
    """One test's requests as the dry run prints them; the number of requests."""
    count = 0
    for step, prepared in work:
        if isinstance(prepared, PrepareError):
            out.write(f"  {step.phase:<9} error: {prepared}\n")
            continue
        count += 1
        note = f"   ({step.origin})" if step.phase != "test" else ""
        out.write(f"  {step.phase:<9} {prepared.method} {prepared.url}{note}\n")
        for name, value in prepared.headers:
            shown = MASK if name.lower() in secret_headers else value
            out.write(f"  {'':<9}   {name}: {shown}\n")
        if prepared.body_text:
            out.write("".join(f"  {'':<9}   {line}\n" for line in prepared.body_text.splitlines()))
        if step.retry is not None:
            wanted = " and ".join(f"{subject}={value}" for subject, value in step.retry.conditions)
            out.write(f"  {'':<9}   (sent again every {step.retry.every:g}s until {wanted}, "
                      f"for at most {step.retry.timeout:g}s)\n")
        for capture in step.captures:
            out.write(f"  {'':<9}   (captures {{{capture.name}}} = {capture.source})\n")
    return count


def execute(args: argparse.Namespace, documents: Sequence[Document], config: Config, *,
            report: Path | None, junit: Path | None, keyword: str = "", exitfirst: bool = False,
            dry_run: bool = False, out: TextIO | None = None, ci: CiOutputs | None = None,
            totals: bool = True) -> RunResult | None:
    """Replay the documents, writing progress to ``out`` (stdout) and the reports; ``None`` for a dry run.

    ``totals=False`` leaves the summary line to the caller, which writes it last.
    """
    out = out or sys.stdout
    try:
        select = keyword_filter(keyword)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    variables = parse_variables(getattr(args, "variables", []))
    with Replay(config, target_url=args.target, allow_writes=args.allow_writes, dry_run=dry_run,
                variables=variables) as replay:
        redactor = replay.targets.redactor
        if dry_run:
            plan = io.StringIO()
            selected = render_plan(documents, replay, select, plan)
            out.write(redactor.text(plan.getvalue()))
            if not selected:
                raise nothing_selected(documents, keyword, [str(p) for p in getattr(args, "paths", [])])
            return None
        total = sum(select(f"{d.path}::{t.name}") for d in documents for t in d.tests)
        reporter = TerminalReporter(out, redactor, color=use_color(out), total=total)
        count = f"{len(documents)} document{'s' * (len(documents) != 1)}"
        shard = getattr(args, "shard", None)
        count += f" (shard {shard})" if shard is not None else ""
        reporter.write(f"docharness replay: {count} against {', '.join(replay.targets.labels)}\n")
        reporter.notes(document_diagnostics(documents), tuple(replay.targets.notices))
        if report is not None:  # the writers are imported only when asked for: a bare replay starts lighter
            from harness.report.json_report import write_json_report
        if junit is not None:
            from harness.report.junit import write_junit
        partial = RunResult(targets=replay.targets.labels, complete=False)
        if report is not None and not is_stream(report):  # a stream (/dev/stdout, a FIFO) gets one document
            _write(lambda: write_json_report(partial, report, redactor))
        result = replay_run(documents, replay, select=select, exitfirst=exitfirst, on_document=reporter.document_done)
        if shard is not None:  # merge checks that every shard of the split is there
            result = replace(result, shard=str(shard))
        problems = [problem for problem in (
            report and _write(lambda: write_json_report(result, report, redactor), raise_it=False),
            junit and _write(lambda: write_junit(result, junit, redactor), raise_it=False),
            ci and _write(lambda: ci.write(result, redactor, reporter), raise_it=False)) if problem]
        reporter.finish(result, totals=totals)
        if problems:
            raise UsageError("\n".join(problems))
        if not result.results and result.complete:
            raise nothing_selected(documents, keyword, [str(p) for p in getattr(args, "paths", [])])
        if result.complete and all(r.outcome is Outcome.NOT_RUN for r in result.results):
            raise NothingSelected(f"no test ran ({len(result.results)} selected, none run): "
                                  f"{result.results[0].reason}\n  hint: set the target's URL (or pass --target "
                                  "URL); a run that tested nothing does not pass")
        return redactor.data(result)  # what the caller publishes carries no secret either


def _write(write: Callable[[], None], *, raise_it: bool = True) -> str:
    """Run one report write; its failure as a message (raised as a usage error when ``raise_it``)."""
    try:
        write()
    except OutputError as exc:
        if raise_it:
            raise UsageError(str(exc)) from exc
        return str(exc)
    return ""


def exit_status(result: RunResult) -> int:
    """0 all passed or skipped, 1 failures or errors, 130 interrupted."""
    if not result.complete:
        return EXIT_INTERRUPTED
    return EXIT_OK if result.ok else EXIT_FAILED


def run(args: argparse.Namespace) -> int:
    """Replay and report; the exit status."""
    paths = [Path(p) for p in args.paths]
    loaded: list[Document] = []
    try:
        config = find_project(paths, args.config)
        loaded = load_documents(paths, config, extraction_cache(args, config))
        documents = shard_documents(loaded, args.shard)
        result = execute(args, documents, config, report=args.report, junit=args.junit, keyword=args.keyword,
                         exitfirst=args.exitfirst, dry_run=args.dry_run,
                         ci=ci_outputs(args.annotations, args.html))
    except (ConfigError, UsageError) as exc:
        print(f"docharness replay: {mask_userinfo(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except NothingSelected as exc:
        if shard_left_empty(args, loaded, "replay"):
            return EXIT_OK
        print(f"docharness replay: {exc}", file=sys.stderr)
        return EXIT_NOTHING
    except OSError as exc:  # a report that cannot be written where it was asked for
        print(f"docharness replay: {cannot_write(exc)}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK if result is None else exit_status(result)
