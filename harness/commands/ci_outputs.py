"""The CI-facing outputs `replay` and `run` share: the HTML report and the annotations.

``--html FILE`` writes the HTML run report (``run`` always writes one next to
results.json). ``--annotations FORMAT`` (repeatable): ``github`` prints GitHub
Actions workflow commands on stdout, before the summary line; ``gitlab:FILE``
writes a GitLab code-quality JSON report; ``none`` turns annotations off. With
no ``--annotations``, ``github`` is chosen when ``GITHUB_ACTIONS=true``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the writers are imported when an output is asked for: `replay` starts without them
    from harness.report.redact import Redactor
    from harness.report.terminal import TerminalReporter
    from harness.results import RunResult

__all__ = ["CiOutputs", "add_ci_arguments", "ci_outputs"]


@dataclass(frozen=True, slots=True)
class CiOutputs:
    """Which CI outputs a run writes.

    :param html: where the HTML report goes, or ``None``.
    :param github: print GitHub Actions workflow commands.
    :param codequality: where the GitLab code-quality report goes, or ``None``.
    """

    html: Path | None = None
    github: bool = False
    codequality: Path | None = None

    def write(self, result: RunResult, redactor: Redactor, reporter: TerminalReporter) -> None:
        """Write the files, and the workflow commands through ``reporter`` (secrets masked)."""
        if self.html is not None:
            from harness.report.html_report import write_html_report

            write_html_report(result, self.html, redactor)
        if self.codequality is not None:
            from harness.report.annotations import write_codequality

            write_codequality(result, self.codequality, redactor)
        if self.github:
            from harness.report.annotations import github_annotations

            commands = github_annotations(result, redactor, os.environ.get("GITHUB_WORKSPACE"))
            if commands:
                reporter.write(commands)


def _annotation_format(value: str) -> str:
    if value in ("github", "none") or (value.startswith("gitlab:") and len(value) > len("gitlab:")):
        return value
    raise argparse.ArgumentTypeError(f"expected github, gitlab:FILE or none, not {value!r}")


def add_ci_arguments(parser: argparse.ArgumentParser, *, html: bool = True) -> None:
    """Declare ``--annotations`` (and ``--html`` unless the command always writes it)."""
    if html:
        parser.add_argument("--html", metavar="FILE", type=Path, help="write the HTML run report here")
    parser.add_argument("--annotations", metavar="FORMAT", action="append", type=_annotation_format, default=None,
                        help="github: GitHub Actions workflow commands on stdout (default when GITHUB_ACTIONS=true); "
                             "gitlab:FILE: a GitLab code-quality report; none: no annotations. Repeatable")


def ci_outputs(annotations: Sequence[str] | None, html: Path | None,
               environ: Mapping[str, str] | None = None) -> CiOutputs:
    """The outputs chosen by the options and, for GitHub, the environment."""
    env = os.environ if environ is None else environ
    chosen = list(annotations) if annotations else (["github"] if env.get("GITHUB_ACTIONS") == "true" else [])
    if "none" in chosen:
        chosen = []
    gitlab = [Path(value.removeprefix("gitlab:")) for value in chosen if value.startswith("gitlab:")]
    return CiOutputs(html=html, github="github" in chosen, codequality=gitlab[-1] if gitlab else None)
