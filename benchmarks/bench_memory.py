"""Peak memory of extraction and replay on large trees (a benchmark, not a test).

Usage::

    python benchmarks/bench_memory.py                       # 2,000 pages per format, -j 1 and -j 2
    python benchmarks/bench_memory.py --pages 500 --formats rst --jobs 1
    python benchmarks/bench_memory.py --replay 200 1000     # replay: peak RSS for 200 and 1,000 examples

Each format's tree is written by ``bench_extract.GENERATORS`` into a temporary folder and
extracted by the real command (``docharness extract DIR -j N -q``) in a fresh child
interpreter; the child prints its own peak RSS and the largest of its pool workers'. The
replay figures come from ``docharness replay`` on generated AsciiDoc pages against the embedded
reference server: flat memory means the peak barely moves with the number of examples.
Target (issue 12): peak RSS <= 300 MB on a 2,000-page tree, -j 1 and -j 2, every format.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_extract import GENERATORS  # noqa: E402  (the benchmarks share their page generators)

# a write and a read with a body each, against the embedded server (reset after every test)
EXAMPLE = ('[source,js]\n----\nPUT my-index\n{"settings": {"number_of_shards": 1}}\n----\n// CONSOLE\n\n'
           '[source,js]\n----\nPOST _xpack/rollup/job/does_not_exist/_stop\n----\n// CONSOLE\n// TEST[catch:missing]\n\n')


def child(command: list[str]) -> None:
    """Run one docharness command in this fresh interpreter; print peak RSS (self, workers) as JSON."""
    from harness.cli import main

    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        status = main(command)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"status": status, "rss_mb": own, "workers_mb": workers,
                      "seconds": time.perf_counter() - started}))


def measure(command: list[str], cwd: Path) -> dict[str, float]:
    """The figures of one command run in a child interpreter."""
    done = subprocess.run([sys.executable, __file__, "--child", *command], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the child failed: {done.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(lines[-1])
    return figures


def extraction(formats: list[str], pages: int, jobs: list[int], seed: int) -> int:
    worst = 0.0
    for fmt in formats:
        with tempfile.TemporaryDirectory(prefix=f"docharness-mem-{fmt}-") as tmp:
            GENERATORS[fmt](Path(tmp), pages, random.Random(seed))
            for job in jobs:
                # cold: every page parsed (a warm extraction cache would measure the cache, not the parsers)
                figures = measure(["extract", tmp, "--no-cache", "-j", str(job), "-q"], Path(tmp))
                peak = max(figures["rss_mb"], figures["workers_mb"])
                worst = max(worst, peak)
                print(f"extract {fmt:<9} {pages:>6} pages  -j {job}  peak RSS {figures['rss_mb']:7.1f} MB (main), "
                      f"{figures['workers_mb']:7.1f} MB (largest worker)  {figures['seconds']:6.1f} s", flush=True)
    print(f"worst peak RSS: {worst:.1f} MB (target <= 300 MB)")
    return 0 if worst <= 300 else 1


def replay(counts: list[int]) -> int:
    peaks = []
    for count in counts:
        with tempfile.TemporaryDirectory(prefix="docharness-mem-replay-") as tmp:
            docs = Path(tmp) / "docs_src"
            docs.mkdir()
            per_page = 50  # examples, two per EXAMPLE
            for page in range(max(count // per_page, 1)):
                (docs / f"page{page:04d}.asciidoc").write_text(EXAMPLE * (per_page // 2), encoding="utf-8")
            (docs / "docharness.toml").write_text("[targets.reference]\nurl = 'embedded'\nreset = 'POST /_reference/reset'\n",
                                                  encoding="utf-8")
            figures = measure(["replay", "--report", "results.json"], Path(tmp))
            peaks.append(figures["rss_mb"])
            print(f"replay  {count:>6} examples  peak RSS {figures['rss_mb']:7.1f} MB  {figures['seconds']:6.1f} s "
                  f"(exit {int(figures['status'])})", flush=True)
    if len(counts) > 1:
        growth = (peaks[-1] - peaks[0]) * 1024 / max(counts[-1] - counts[0], 1)
        print(f"replay growth: {growth:.1f} KB per example between {counts[0]} and {counts[-1]} examples")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", nargs="*", default=sorted(GENERATORS), choices=sorted(GENERATORS))
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--replay", type=int, nargs="*", default=None, metavar="N",
                        help="measure replay with N examples instead (for example 200 1000)")
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return 0
    args = parser.parse_args()
    if args.replay:
        return replay(args.replay)
    return extraction(args.formats, args.pages, args.jobs, args.seed)


if __name__ == "__main__":
    sys.exit(main())
