"""Joining the results of the shards of one run (``docharness merge``) into one ``RunResult``.

Each shard replayed whole documents, so a document's results come from exactly one
file: a document found in two files is refused (the same shard given twice, or shards
of two different splits). The merged run is complete only when every shard was;
counts are recomputed when the file is written, and every value passes the redactor
again (a file from elsewhere may still hold a password in a target URL).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from harness.model import from_data
from harness.report.redact import Redactor
from harness.results import RESULTS_SCHEMA_VERSION, ExampleResult, RunResult

__all__ = ["MergeError", "merge_results", "missing_shards", "read_results"]


class MergeError(ValueError):
    """Shard results that cannot be joined; the message names the files and what to do."""


def read_results(path: Path) -> RunResult:
    """One shard's results file; ``MergeError`` when it is unreadable or of another schema."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise MergeError(f"{path}: cannot read the results: {exc}\n"
                         "  hint: pass the results.json each shard wrote (--report FILE)") from exc
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise MergeError(f"{path}: not a docharness results file (no 'results' list)\n"
                         "  hint: pass the results.json each shard wrote (--report FILE)")
    schema = data.get("schema")
    if schema != RESULTS_SCHEMA_VERSION:
        raise MergeError(f"{path}: results schema {schema!r}, this docharness reads schema "
                         f"{RESULTS_SCHEMA_VERSION}\n  hint: run every shard and the merge with the same "
                         "docharness version")
    try:
        return from_data(RunResult, data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MergeError(f"{path}: malformed results file: {exc!r}") from exc


def missing_shards(runs: Sequence[tuple[str, RunResult]]) -> list[str]:
    """The shards ``K/N`` of the split that no file holds; ``MergeError`` when the files are of different
    splits or hold one shard twice. Files without a shard (an unsharded run) are not checked."""
    shards = [(name, run.shard) for name, run in runs if run.shard]
    counts = {shard.partition("/")[2] for _, shard in shards}
    if len(counts) > 1:
        raise MergeError(f"the files come from different splits ({', '.join(sorted(counts))} shards)\n"
                         "  hint: merge the results of one split, --shard 1/N ... N/N with the same N")
    seen: dict[str, str] = {}
    for name, shard in shards:
        if shard in seen:
            raise MergeError(f"{seen[shard]} and {name} are both shard {shard}\n  hint: give each shard's file once")
        seen[shard] = name
    total = int(counts.pop()) if counts else 0
    return [f"{k}/{total}" for k in range(1, total + 1) if f"{k}/{total}" not in seen]


def merge_results(runs: Sequence[tuple[str, RunResult]]) -> RunResult:
    """The shards' runs as one: documents sorted by path, each with its own results in run order.

    :param runs: (file name, run) pairs, for the messages.
    :raises MergeError: when a document has results in two files.
    """
    owner: dict[str, int] = {}
    by_document: dict[str, list[ExampleResult]] = {}
    for index, (name, run) in enumerate(runs):
        for result in run.results:
            first = owner.setdefault(result.document, index)
            if first != index:
                raise MergeError(f"{result.document} has results in both {runs[first][0]} (file {first + 1}) and "
                                 f"{name} (file {index + 1}): the shards overlap\n"
                                 "  hint: merge the outputs of one split (--shard 1/N ... N/N of the same tree), "
                                 "each shard once")
            by_document.setdefault(result.document, []).append(result)
    targets = tuple(dict.fromkeys(t for _, run in runs for t in run.targets))
    diagnostics = tuple(dict.fromkeys(d for _, run in runs for d in run.diagnostics))
    starts = [run.started for _, run in runs if run.started]
    ends = [run.finished for _, run in runs if run.finished]
    versions = [run.tool_version for _, run in runs if run.tool_version]
    missing = missing_shards(runs)
    merged = RunResult(
        results=tuple(r for document in sorted(by_document) for r in by_document[document]),
        targets=targets,
        started=min(starts, default=""),
        finished=max(ends, default="") if all(run.finished for _, run in runs) else "",
        complete=all(run.complete for _, run in runs) and not missing,  # a lost shard: its tests never ran
        tool_version=versions[0] if versions else "",
        diagnostics=diagnostics,
    )
    return replace(Redactor().data(merged), schema=RESULTS_SCHEMA_VERSION)
