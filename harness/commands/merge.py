"""`docharness merge`: join the results files of a sharded run into one.

``docharness merge A.json B.json ... [--report FILE] [--junit FILE] [--html FILE]``
reads the ``results.json`` every ``--shard K/N`` runner wrote and writes one results
file (counts recomputed, complete only if every shard was), JUnit XML and the HTML
report from it; ``docharness publish --results FILE`` then builds one site. The last
line is the summary. Exit 0 when everything passed or was skipped, 1 on failures,
errors or a partial shard, 2 when the files cannot be joined (unreadable, another
schema, overlapping documents).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.report.html_report import write_html_report
from harness.report.json_report import write_json_report
from harness.report.junit import write_junit
from harness.report.merge import MergeError, merge_results, missing_shards, read_results
from harness.report.redact import Redactor
from harness.report.terminal import summary_line

__all__ = ["add_arguments", "run"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``merge``'s arguments."""
    parser.add_argument("files", nargs="+", metavar="RESULTS", type=Path,
                        help="the results.json files of the shards (one per shard)")
    parser.add_argument("--report", metavar="FILE", type=Path, help="write the merged JSON results file here")
    parser.add_argument("--junit", metavar="FILE", type=Path, help="write the merged JUnit XML here")
    parser.add_argument("--html", metavar="FILE", type=Path, help="write the merged HTML run report here")


def run(args: argparse.Namespace) -> int:
    """Merge, write the outputs asked for, print the summary; the exit status."""
    try:
        runs = [(str(path), read_results(path)) for path in args.files]
        merged, missing = merge_results(runs), missing_shards(runs)
    except MergeError as exc:
        print(f"docharness merge: {exc}", file=sys.stderr)
        return EXIT_USAGE
    redactor = Redactor()
    if args.report is not None:
        write_json_report(merged, args.report, redactor)
    if args.junit is not None:
        write_junit(merged, args.junit, redactor)
    if args.html is not None:
        write_html_report(merged, args.html, redactor)
    documents = len({r.document for r in merged.results})
    print(f"docharness merge: {len(args.files)} files, {documents} documents, {len(merged.results)} tests")
    if missing:
        print(f"docharness merge: shard{'s' * (len(missing) > 1)} {', '.join(missing)} of the split "
              "wrote no results: the merged results are partial\n  hint: rerun the missing shards, or "
              "check why their job wrote no results.json", file=sys.stderr)
    elif not merged.complete:
        print("docharness merge: at least one shard was interrupted: the merged results are partial",
              file=sys.stderr)
    print(summary_line(merged))
    return EXIT_OK if merged.ok else EXIT_FAILED
