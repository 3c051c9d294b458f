"""The JSON results file: the whole ``RunResult``, secrets masked, written atomically.

The file is ``harness.model.to_json`` of the ``RunResult`` (so
``from_json(RunResult, text)`` reads it back, and ``docharness publish
--results`` can be fed from it) plus a ``counts`` object. It is written at the
start of a run (empty, ``complete: false``), and again at the end or on Ctrl-C,
so a partial file is always valid JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.model import to_data
from harness.report.atomic import write_atomically
from harness.report.redact import Redactor
from harness.results import RunResult

__all__ = ["json_report", "write_json_report"]


def json_report(result: RunResult, redactor: Redactor | None = None) -> str:
    """The report text: the run result as JSON with per-outcome counts."""
    if redactor is not None:
        result = redactor.data(result)
    data = to_data(result)
    data["counts"] = result.counts()
    text = json.dumps(data, indent=2, ensure_ascii=False)
    # by value as well: a secret echoed inside some text field is masked too
    return redactor.text(text) if redactor is not None else text


def write_json_report(result: RunResult, path: Path, redactor: Redactor | None = None) -> None:
    """Write the report to ``path`` atomically."""
    write_atomically(path, json_report(result, redactor) + "\n")
