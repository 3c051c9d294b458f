"""Instructions an HTML page's parse costs, stage by stage, counted by callgrind (a profiling helper, not a test).

On a shared machine CPU seconds move by a fifth from run to run; instruction counts do not. This
runs each stage of ``parse_html`` + ``with_prose`` over the same pages under ``valgrind --tool=callgrind``,
counting only inside the stage: the stage runs inside ``functools.reduce``, and callgrind collects
only while that C function is on the stack (``--toggle-collect=functools_reduce``), so imports and
the set-up of the stage's input are left out. Stages: ``parse`` (lxml's tree), ``walk`` (tree ->
outline: ``html.read_outline``), ``rules`` (outline -> Document: ``cloud.build_document``; its parts alone:
``sections``, ``tables``, ``examples``, ``checks``, each given what build_document gives it), ``prose``
(captions and notices; here it also splits the page's lines, which in ``all`` ``parse_html`` does once for
both) and ``all`` (``parsers.parse``, all of these). Keep in mind that an instruction
of Python costs about twice the time of one of libxml2's, so a ratio of counts understates the ratio of
seconds.

    python benchmarks/profile_html.py                   # 100 generated pages (bench_goals.py's generator)
    python benchmarks/profile_html.py --folder ../shared/corpus-sample/otc-html --stages walk rules
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STAGES = ("parse", "walk", "rules", "prose", "all")
PARTS = ("sections", "tables", "examples", "checks")  # the parts of the rules, measured on their own


def stage(folder: str, name: str) -> None:
    """Run in the child, under callgrind: set up the stage's input for every page, then run the stage."""
    import lxml.etree

    from harness.model import Format
    from harness.parsers import html, parse
    from harness.parsers.cloud import build_document
    from harness.parsers.page import Outline, source_lines
    from harness.parsers.prose import with_prose

    pages = [(p.read_text(encoding="utf-8"), str(p)) for p in sorted(Path(folder).rglob("*.htm*"))]

    def outline(text: str, path: str, walked: bool) -> tuple[Outline, object, bytes]:
        found = Outline(path, lines=source_lines(text))
        data = text.encode("utf-8")
        root = lxml.etree.fromstring(data, html._PARSER)
        if walked:
            html.read_outline(root, data, found)
        return found, root, data

    def run(work: object, items: Sequence[tuple[object, ...]]) -> None:
        functools.reduce(lambda _, item: work(*item), items, None)  # type: ignore[operator]

    if name == "parse":
        run(lambda data: lxml.etree.fromstring(data, html._PARSER), [(t.encode("utf-8"),) for t, _ in pages])
    elif name == "walk":
        run(lambda found, root, data: html.read_outline(root, data, found), [outline(t, p, False) for t, p in pages])
    elif name == "rules":
        run(lambda found: build_document(found, Format.HTML), [(outline(t, p, True)[0],) for t, p in pages])
    elif name in PARTS:
        work, inputs = rule_part(name, [outline(t, p, True)[0] for t, p in pages])
        run(work, inputs)
    elif name == "prose":  # with_prose splits each page's lines again here (parse_html shares its split)
        documents = [(build_document(outline(t, p, True)[0], Format.HTML), t) for t, p in pages]
        run(with_prose, documents)
    else:
        run(parse, pages)


def rule_part(name: str, outlines: Sequence[Any]) -> tuple[Any, list[tuple[object, ...]]]:
    """One part of ``build_document`` and, for every page, the input it gets there (worked out beforehand)."""
    from harness.model import Format
    from harness.parsers import cloud
    from harness.parsers.cloud_checks import check_examples
    from harness.parsers.cloud_examples import read_examples
    from harness.parsers.cloud_sections import split_sections
    from harness.parsers.cloud_tables import read_tables

    inputs: list[tuple[object, ...]] = []
    for found in outlines:
        sections = split_sections(found.blocks)
        lines, documented = cloud._request_lines(sections)
        operation = next(iter(cloud.build_document(found, Format.HTML).operations), None)
        templates = tuple(f"{x.method} {x.path}" for x in lines)
        if name == "sections":
            inputs.append((found.blocks,))
        elif name == "tables":
            inputs.append((sections, lines[0].path if lines else "", found.path, lines[0].method if lines else ""))
        elif name == "examples":
            inputs.append((sections, operation, found.path, templates if documented else ()))
        elif operation is not None:  # checks: of the examples read as build_document reads them
            examples = read_examples(sections, operation, found.path, templates if documented else ())[0]
            walked = () if documented else tuple(f"{r.method} {r.path}" for e in examples for r in e.requests)
            inputs.append((examples, operation, templates + walked, found.lines))
    work = {"sections": split_sections, "tables": read_tables, "examples": read_examples, "checks": check_examples}
    return work[name], inputs


def count(folder: Path, name: str) -> int:
    command = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=functools_reduce",
               "--callgrind-out-file=/dev/null", sys.executable, __file__, "--child", str(folder), name]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no count from callgrind:\n{done.stderr[-1500:]}")
    return int(found[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", help="HTML pages to read (default: generated pages)")
    parser.add_argument("--pages", type=int, default=100, help="generated pages (default 100)")
    parser.add_argument("--stages", nargs="*", default=list(STAGES), choices=STAGES + PARTS,
                        help=f"default: {' '.join(STAGES)}; the parts of the rules: {' '.join(PARTS)}")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        stage(*args.child)
        return
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.folder) if args.folder else Path(scratch)
        if not args.folder:
            sys.path.insert(0, str(HERE))
            from bench_extract import generate_html

            generate_html(folder, args.pages, random.Random(14))
        pages = len(list(folder.rglob("*.htm*")))
        for name in args.stages:
            print(f"{name:<8} {count(folder, name) / max(pages, 1) / 1e6:6.2f} M instructions a page ({pages} pages)",
                  flush=True)


if __name__ == "__main__":
    main()
