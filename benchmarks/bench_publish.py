"""Publish benchmark: build times of the docs_src site, a generated large site, incremental rebuilds.

Prints figures; asserts nothing (speed goals are read here, not in tests).
Targets: docs_src site <= 10 s, 2,000-operation site <= 5 min, incremental rebuild after
one page changes <= 3 s.

    python benchmarks/bench_publish.py                 # docs_src + 2,000 operations, -j 2
    python benchmarks/bench_publish.py --operations 200 --jobs 1   # a quick run while developing
    python benchmarks/bench_publish.py --repeat 3      # time three one-page rebuilds (shared machines vary)
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from harness.commands.publish import build
from harness.model import BodyKind, Document, Example, ExpectedResponse, Format, Operation, Parameter, Request, Span, \
    StatusCode
from harness.parsers.loader import load
from harness.results import ExampleResult, Outcome, RunResult

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs_src"
FAMILIES = ("elasticsearch", "cloud")


def synthetic_document(number: int) -> Document:
    """One generated page: an operation with tables and two examples (no real page text)."""
    family = FAMILIES[number % 2]
    path = f"{family}/area{number % 40:02d}/operation-{number:04d}.rst"
    resource = f"/v1.0/{{project_id}}/resources{number}/{{item_id}}/action"
    parameters = (Parameter("project_id", "path", True, "String", "Project ID."),
                  Parameter("item_id", "path", True, "String", f"Item of resource {number}."),
                  Parameter("limit", "query", False, "Integer", "How many to return."),
                  Parameter("X-Auth-Token", "header", True, "String", "User token."),
                  Parameter("name", "body", True, "String", "New name."),
                  Parameter("tags", "body", False, "Array of Tag", "Tags.", object_ref="Tag"))
    fields = (Parameter("id", "response", None, "String", "Identifier."),
              Parameter("status", "response", None, "String", "State of the item."))
    operation = Operation("POST", resource, f"Operation {number}", f"Performs action {number} on an item.",
                          parameters, fields, status_codes=(StatusCode(200, "OK"), StatusCode(400, "Bad request")),
                          authorization="Needs the manage privilege.", span=Span(path, 5))
    examples = tuple(
        Example(f"line_{40 + 20 * k}", Span(path, 40 + 20 * k, end_line=45 + 20 * k), language="json",
                source=f'{{"name": "item-{k}"}}',
                requests=(Request("POST", f"/v1.0/{{project_id}}/resources{number}/i{k}/action",
                                  f'{{"name": "item-{k}", "tags": [{{"key": "k", "value": "v"}}]}}', BodyKind.JSON,
                                  span=Span(path, 41 + 20 * k)),),
                expected=(ExpectedResponse(f'{{"id": "i{k}", "status": "done"}}', f'{{"id": "i{k}", "status": "done"}}',
                                           status=200, span=Span(path, 50 + 20 * k)),))
        for k in range(2))
    return Document(path, Format.RST, f"Operation {number}", f"Performs action {number}.", (operation,), examples)


def synthetic_results(documents: Sequence[Document]) -> RunResult:
    results = []
    for index, document in enumerate(documents):
        for example in document.examples:
            outcome = Outcome.PASSED if index % 5 else Outcome.FAILED
            results.append(ExampleResult(document.path, example.name, example.span, outcome,
                                         reason="" if outcome is Outcome.PASSED else "status 500, expected 200",
                                         target="reference=http://127.0.0.1:1", started="2026-11-22T12:00:00Z"))
    return RunResult(results=tuple(results))


def timed(label: str, action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    print(f"{label:<58} {elapsed:8.2f} s", flush=True)
    return elapsed


def retitled(documents: Sequence[Document], index: int, suffix: str) -> list[Document]:
    """The same documents with one page's description changed (a writer's one-page edit)."""
    changed = list(documents)
    document = changed[index]
    operations = tuple(dataclasses.replace(op, description=op.description + suffix) for op in document.operations)
    changed[index] = dataclasses.replace(document, description=document.description + suffix, operations=operations)
    return changed


def bench_site(label: str, documents: list[Document], results: RunResult | None, root: Path | None,
               jobs: int, repeat: int = 1) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as folder:
        out = Path(folder)
        timed(f"{label}: fresh build (-j {jobs})", lambda: build(documents, results, out, source_root=root, jobs=jobs))
        timed(f"{label}: rebuild, nothing changed", lambda: build(documents, results, out, source_root=root, jobs=jobs))
        for number in range(repeat):  # each round edits the same page again: again a one-page change
            edited = retitled(documents, len(documents) // 2, " Edited." if number == 0 else f" Edited {number}.")
            timed(f"{label}: incremental rebuild, one page changed",
                  lambda: build(edited, results, out, source_root=root, jobs=jobs))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--operations", type=int, default=2000, help="size of the generated site (0 to skip)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel Sphinx processes for the generated site")
    parser.add_argument("--repeat", type=int, default=1, help="one-page rebuilds to time (the machine may be shared)")
    args = parser.parse_args(argv)
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    documents = load([DOCS / "elasticsearch", DOCS / "cloud"], root=DOCS)
    print(f"docs_src: {len(documents)} documents, {sum(len(d.operations) for d in documents)} operations")
    bench_site("docs_src site", documents, None, DOCS, 1)
    if args.operations > 0:
        generated = [synthetic_document(n) for n in range(args.operations)]
        print(f"generated: {len(generated)} operations, {2 * len(generated)} examples")
        bench_site(f"{args.operations}-operation site", generated, synthetic_results(generated), None, args.jobs,
                   args.repeat)
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
