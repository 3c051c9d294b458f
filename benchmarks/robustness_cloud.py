"""Robustness run for the RST and HTML parsers over real pages (a script, not a test).

Usage::

    python benchmarks/robustness_cloud.py [FOLDER ...]

Defaults to /work/shared/seeds (the scraped seed pages) and /work/shared/corpus-sample
(or ../shared/... next to the repository). Every page must come back as a Document;
a raised exception is a parser bug. Prints one line per page (time, operations,
examples, diagnostics) and a summary of diagnostic codes. Exit 1 if any page raised.
"""

from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.parsers.html import parse_html  # noqa: E402
from harness.parsers.rst import parse_rst  # noqa: E402


def _parser_for(path: Path, text: str):  # type: ignore[no-untyped-def]
    if path.suffix in (".html", ".htm") or (path.suffix == ".txt" and "<h1" in text[:5000]):
        return parse_html
    return parse_rst


def main(argv: list[str]) -> int:
    shared = next((p for p in (Path("/work/shared"), REPO.parent / "shared") if p.is_dir()), None)
    roots = [Path(a) for a in argv] or ([shared / "seeds", shared / "corpus-sample"] if shared else [])
    files = sorted(p for root in roots for p in root.rglob("*")
                   if p.is_file() and p.suffix in (".rst", ".html", ".htm", ".txt") and p.name != "README.md")
    codes: collections.Counter[str] = collections.Counter()
    crashes = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        parse = _parser_for(path, text)
        started = time.perf_counter()
        try:
            document = parse(text, path.as_posix())
        except Exception as exc:  # the point of the script: report instead of stopping
            crashes += 1
            print(f"CRASH {path}: {type(exc).__name__}: {exc}")
            continue
        elapsed = (time.perf_counter() - started) * 1000
        codes.update(f"{d.level.value}:{d.code}" for d in document.diagnostics)
        print(f"{elapsed:7.1f} ms  ops={len(document.operations)} examples={len(document.examples)} "
              f"expected={sum(len(e.expected) for e in document.examples)} "
              f"diagnostics={len(document.diagnostics):2d}  {path}")
    print(f"{len(files)} pages, {crashes} raised; diagnostics: {dict(codes.most_common())}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
