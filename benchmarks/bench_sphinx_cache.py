"""The Sphinx extension's extraction cache: ``sphinx-build`` of a project showing generated pages, cold
and warm (a benchmark, not a test; it prints figures and asserts nothing).

Usage::

    python benchmarks/bench_sphinx_cache.py                       # 300 pages (100 per format), -j 1
    python benchmarks/bench_sphinx_cache.py --pages 600 --jobs 2 --repeat 3

The project has one document per generated page (``bench_extract``'s generators: AsciiDoc, RST,
HTML), each a ``.. docharness-examples::`` of it. Every build is a real ``sphinx-build -E`` (a fresh
environment: Sphinx reads every document again, as a fresh CI checkout does) in its own process:
without the cache (``docharness_cache_dir = ""``), with an empty cache (cold) and with the cache the
cold build filled (warm), after one untimed build. The HTML of the three is compared byte for byte. The load average is
printed too: on a shared machine, read the figures with it and use ``--repeat`` (the best of N).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import GENERATORS  # noqa: E402


def make_project(folder: Path, pages: int) -> Path:
    """``folder/src``: conf.py, an index and one document per generated page (spread over the formats)."""
    source = folder / "src"
    rnd = random.Random(14)
    names: list[str] = []
    for fmt, generate in GENERATORS.items():
        target = source / "pages" / fmt
        target.mkdir(parents=True)
        generate(target, pages // len(GENERATORS), rnd)
        names += sorted(p.relative_to(source).as_posix() for p in target.iterdir())
    (source / "conf.py").write_text('project = "bench"\nextensions = ["harness.sphinx"]\nexclude_patterns = ["pages"]\n'
                                    'suppress_warnings = ["docharness.no_examples"]\n', encoding="utf-8")
    docs = [f"doc{n:05d}" for n in range(len(names))]
    (source / "index.rst").write_text("Bench\n=====\n\n.. toctree::\n\n" + "".join(f"   {d}\n" for d in docs),
                                      encoding="utf-8")
    for doc, name in zip(docs, names):
        (source / f"{doc}.rst").write_text(f"{doc}\n{'=' * len(doc)}\n\n.. docharness-examples:: {name}\n",
                                           encoding="utf-8")
    return source


def sphinx_build(source: Path, out: Path, jobs: int, cache: str) -> tuple[float, float]:
    """Wall time and CPU time (user + system, its reader processes included) of one ``sphinx-build -E`` in a
    fresh process."""
    command = [sys.executable, "-m", "sphinx", "-E", "-q", "-b", "html", "-j", str(jobs), "-D",
               f"docharness_cache_dir={cache}", "-d", str(out / "doctrees"), str(source), str(out / "html")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"sphinx-build failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def parse_alone(source: Path) -> float:
    """CPU time of ``loader.load`` of the shown pages, without a cache, in a fresh process after importing the
    parsers: what a warm cache can spare at most."""
    code = ("import resource, sys\nfrom pathlib import Path\nfrom harness.parsers.loader import load\n"
            "pages = Path(sys.argv[1])\n"
            "for fmt in ('asciidoc', 'rst', 'html'):\n    load([next((pages / fmt).iterdir())])\n"
            "before = resource.getrusage(resource.RUSAGE_SELF)\nload([pages])\n"
            "after = resource.getrusage(resource.RUSAGE_SELF)\n"
            "print(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)\n")
    done = subprocess.run([sys.executable, "-c", code, str(source / "pages")], capture_output=True, text=True,
                          check=True)
    return float(done.stdout)


def same_html(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.glob("doc*.html"))
    _, differ, missing = filecmp.cmpfiles(a, b, names, shallow=False)
    return bool(names) and names == sorted(p.name for p in b.glob("doc*.html")) and not differ and not missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300, help="generated pages, spread over the three formats")
    parser.add_argument("--jobs", type=int, default=1, help="sphinx-build -j")
    parser.add_argument("--repeat", type=int, default=1, help="time each build this many times, keep the best")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sphinx-cache-") as temporary:
        folder = Path(temporary)
        source = make_project(folder, args.pages)
        cache = folder / "cache"
        sphinx_build(source, folder / "warm-up", args.jobs, "")  # untimed: bytecode, the theme, the disk cache
        wall: dict[str, float] = {}
        cpu: dict[str, float] = {}
        for _ in range(args.repeat):
            shutil.rmtree(cache, ignore_errors=True)
            for label, where in (("no cache", ""), ("cold cache", str(cache)), ("warm cache", str(cache))):
                elapsed, used = sphinx_build(source, folder / label.replace(" ", "-"), args.jobs, where)
                wall[label] = min(wall.get(label, elapsed), elapsed)
                cpu[label] = min(cpu.get(label, used), used)
        documents = len(list(source.glob("doc*.rst")))
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"sphinx-build -E -j {args.jobs} of {documents} documents, each showing one generated page "
              f"(best of {args.repeat}; load average {load}; on a busy machine read the CPU figures):")
        for label in wall:
            print(f"  {label:10s} wall {wall[label]:6.2f} s   CPU {cpu[label]:6.2f} s   "
                  f"{documents / cpu[label]:5.1f} documents per CPU second")
        print(f"  parsing the {documents} shown pages alone (load(), no cache): CPU {parse_alone(source):.2f} s")
        for figures, name in ((cpu, "CPU"), (wall, "wall")):
            print(f"  {name}: warm / no cache {figures['warm cache'] / figures['no cache']:.2f}x, "
                  f"cold / no cache {figures['cold cache'] / figures['no cache']:.2f}x")
        identical = all(same_html(folder / "no-cache" / "html", folder / label / "html")
                        for label in ("cold-cache", "warm-cache"))
        print(f"  HTML of every document identical with and without the cache: {'yes' if identical else 'NO'}")
        return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
