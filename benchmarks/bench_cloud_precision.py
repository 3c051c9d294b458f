"""Precision benchmark: cloud RST/HTML extraction against a hand-labelled truth set.

Run:  python benchmarks/bench_cloud_precision.py [--verbose] [--truth FILE --root DIR]

``benchmarks/truth/cloud_truth.json`` lists, for each labelled page, the examples a
reader finds on it (method, path with query, headers, request body, expected status,
expected response) and a verdict on every warning docharness gives for it (true: the
writer should fix the page; false: it should not have fired). Pages are read from two
roots: ``corpus`` (``../shared/corpus-sample``, only when present beside the project)
and ``samples`` (``tests/samples``, the project's own regression pages).

Bodies and responses are labelled by their line range on the page, not copied: the
benchmark reads those lines (dedented; for HTML, the text inside the tags) and compares
them with what the parser extracted, as JSON when both sides parse, else as text with
whitespace collapsed.

Prints, per format: precision (examples fully right / examples emitted), recall (fully
right / documented) and false warnings (warnings judged false / warnings given; a warning
with no verdict counts as false). ``--verbose`` lists every miss. Figures only; the test
suite checks the ``samples`` part (tests/unit/test_cloud_truth.py).

``--truth FILE --root DIR`` scores another labelled set the same way: every page list
of FILE (same form) is read from DIR. Pages nobody here wrote (a wider crawl of
cloud reference pages) stay outside the repository with their labels; this is how
their figure is measured.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.model import Document, Example, Level, Role  # noqa: E402
from harness.parsers.html import parse_html  # noqa: E402
from harness.parsers.rst import parse_rst  # noqa: E402

TRUTH = ROOT / "benchmarks" / "truth" / "cloud_truth.json"


def shared_corpus() -> Path | None:
    """``../shared/corpus-sample`` beside the project (or beside its worktree folder), if present."""
    for base in (ROOT.parent, ROOT.parent.parent):
        found = base / "shared" / "corpus-sample"
        if found.is_dir():
            return found
    return None


def roots() -> dict[str, Path | None]:
    return {"corpus": shared_corpus(), "samples": ROOT / "tests" / "samples"}


def normalise(text: str | None) -> str:
    """JSON re-serialised with sorted keys when it parses, else the text with whitespace collapsed."""
    if text is None or not text.strip():
        return ""
    try:
        return json.dumps(json.loads(text), sort_keys=True)
    except ValueError:
        return " ".join(text.split())


def lines_text(lines: list[str], span: list[int], is_html: bool) -> str:
    """The text of page lines ``span[0]..span[1]`` as a reader sees it."""
    chunk = "\n".join(lines[span[0] - 1:span[1]])
    if is_html:
        chunk = re.sub(r"^.*?<pre[^>]*>", "", chunk, count=1, flags=re.S)
        chunk = re.sub(r"</pre>.*$", "", chunk, flags=re.S)
        chunk = html.unescape(re.sub(r"<[^>]+>", "", chunk))
    return textwrap.dedent(chunk)


@dataclass(frozen=True)
class Found:
    """One example, reduced to what the truth set labels."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: str
    status: int | None
    response: str


def emitted(document: Document) -> list[Found | str]:
    """The document's test examples; one sending several requests is kept as a description (never right)."""
    found: list[Found | str] = []
    for example in document.examples:
        if example.role is not Role.TEST or example.continued:
            continue
        if len(example.requests) != 1:
            found.append(f"{example.name}: {len(example.requests)} requests in one example")
            continue
        found.append(_found(example))
    return found


def _found(example: Example) -> Found:
    request = example.requests[0]
    expected = example.expected[0] if example.expected else None
    return Found(request.method, request.path, tuple(sorted(request.headers)), normalise(request.body),
                 expected.status if expected else None, normalise(expected.body if expected else None))


def labelled(entry: dict[str, Any], lines: list[str], is_html: bool) -> Found:
    def text(key: str) -> str:
        value = entry.get(key)
        return normalise(lines_text(lines, value, is_html)) if isinstance(value, list) else normalise(value)
    return Found(entry["method"], entry["path"], tuple(sorted(entry.get("headers", {}).items())), text("body"),
                 entry.get("status"), text("response"))


@dataclass
class Score:
    """Counts for one format (or one root and format)."""

    emitted: int = 0
    documented: int = 0
    right: int = 0
    warnings: int = 0
    false_warnings: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.emitted += other.emitted
        self.documented += other.documented
        self.right += other.right
        self.warnings += other.warnings
        self.false_warnings += other.false_warnings
        self.misses += other.misses

    def line(self, name: str) -> str:
        precision = self.right / self.emitted if self.emitted else 1.0
        recall = self.right / self.documented if self.documented else 1.0
        false = self.false_warnings / self.warnings if self.warnings else 0.0
        return (f"{name:<14} precision {precision:6.1%} ({self.right}/{self.emitted})   recall {recall:6.1%} "
                f"({self.right}/{self.documented})   false warnings {self.false_warnings}/{self.warnings} "
                f"({false:.0%})")


def _short(item: Found | str) -> str:
    text = str(item)
    return text if len(text) <= 300 else f"{text[:300]}..."


def score_page(page: dict[str, Any], folder: Path) -> Score:
    """Compare one page's extraction with its labels."""
    path = folder / page["page"]
    text = path.read_text(encoding="utf-8")
    is_html = path.suffix in (".html", ".htm")
    document = (parse_html if is_html else parse_rst)(text, page["page"])
    lines = text.split("\n")
    truth = [labelled(entry, lines, is_html) for entry in page["examples"]]
    score = Score(documented=len(truth))
    left = list(truth)
    for item in emitted(document):
        score.emitted += 1
        if isinstance(item, Found) and item in left:
            left.remove(item)
            score.right += 1
        else:
            score.misses.append(f"{page['page']}: wrong example {_short(item)}")
    score.misses += [f"{page['page']}: not found {_short(item)}" for item in left]
    verdicts = {(w["code"], w["line"]): w["true"] for w in page.get("warnings", [])}
    for diagnostic in document.diagnostics:
        if diagnostic.level is Level.INFO:
            continue
        score.warnings += 1
        verdict = verdicts.get((diagnostic.code, diagnostic.span.line))
        if verdict is not True:
            score.false_warnings += 1
            label = "false" if verdict is False else "unlabelled"
            score.misses.append(f"{page['page']}:{diagnostic.span.line}: {label} warning {diagnostic.code}: "
                                f"{diagnostic.message}")
    return score


def run(truth: dict[str, Any], only: str | None = None,
        folders: dict[str, Path | None] | None = None) -> dict[tuple[str, str], Score]:
    """Scores keyed by (root, format) for every root present (or just ``only``)."""
    scores: dict[tuple[str, str], Score] = {}
    for root, folder in (folders if folders is not None else roots()).items():
        if folder is None or (only and root != only):
            continue
        for page in truth[root]:
            fmt = "html" if page["page"].endswith((".html", ".htm")) else "rst"
            scores.setdefault((root, fmt), Score()).add(score_page(page, folder))
    return scores


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="list every wrong, missing or false item")
    parser.add_argument("--truth", type=Path, default=TRUTH, help="the labels (default: %(default)s)")
    parser.add_argument("--root", type=Path, help="read every page list of --truth from this folder")
    args = parser.parse_args(argv)
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    folders = {name: args.root for name in truth} if args.root else None
    scores = run(truth, folders=folders)
    if folders is None and roots()["corpus"] is None:
        print("../shared/corpus-sample is absent: scoring the project's own sample pages only")
    totals: dict[str, Score] = {}
    for (root, fmt), score in sorted(scores.items()):
        print(score.line(f"{root}/{fmt}"))
        totals.setdefault(fmt, Score()).add(score)
    for fmt, score in sorted(totals.items()):
        print(score.line(f"all/{fmt}"))
        if args.verbose:
            for miss in score.misses:
                print(f"    {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
