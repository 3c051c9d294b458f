"""Issue 14's speed goals, each as a ratio to its baseline measured side by side in this run.

Every extract and start-up figure is the median over ``--rounds`` pairs of the ratio of two commands
timed back to back, so both sides of a ratio see the same load (the spread of the pair ratios is
printed with it; the load average before and after is printed too). Ratios
use the children's CPU seconds (what a command costs on one core, robust on a shared
machine) and show the wall ratio next to it; the 2-worker speed-up is wall time and only
means something on 2 free cores. A benchmark, never a test: it prints, it asserts nothing.
At the small default sizes each extract ratio includes docharness's start-up (~0.25 CPU-s)
against a floor that starts in ~0.03 s, so it reads higher than at the issue's sizes.

    python benchmarks/bench_goals.py                  # small sizes: a couple of minutes on 2 busy cores
    python benchmarks/bench_goals.py --pages 1400 --examples 2000 --rounds 5   # the issue's sizes
    python benchmarks/bench_goals.py --only extract                            # one group of goals
    python benchmarks/bench_goals.py --only asciidoc --pages 1400              # one goal: asciidoc, html, rst, incremental

Goals (issue 14): 1 AsciiDoc ``extract --json`` <= 2.5x a bare line loop with the scanner's
rules (benchmarks/asciidoc_floor.py); 2 HTML ``extract --json`` <= 2x a bare lxml parse; 3 RST
``extract`` <= 1x a plain docutils ``publish_doctree`` loop, and >= 1.8x faster with 2 workers (goals 1-3
are measured cold, ``--no-cache``); 4 ``extract`` of a 2,000-page RST tree with a warm extraction cache after
one page changed <= 1 s;
5 ``docharness replay ONE_PAGE`` start-up <= 2x ``python -c "import requests"``; 6 ``docharness run``
on docs_src <= 1.5x extract + replay + a bare ``sphinx-build`` of the same generated sources; 8 replay
>= 1.3x the speed of a bare ``requests.Session`` loop sending and checking the same examples, and the
pytest plugin >= 0.8x (goal 8 is judged on wall time, the client CPU ratio shown next to it; the plugin
runs alone, ``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 -p docharness``, beside the pytest floor of as many
empty tests; peak RSS at a quarter and all of the examples shows the memory per example).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_extract import generate_asciidoc, generate_html, generate_rst  # noqa: E402

PY = sys.executable
FLOORS = {
    "lxml": "import sys, pathlib, lxml.html\n"
            "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.html')):\n"
            "    lxml.html.document_fromstring(p.read_bytes())\n",
    "docutils": "import io, sys, pathlib\nfrom docutils.core import publish_doctree\n"
                "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.rst')):\n"
                "    publish_doctree(p.read_text(encoding='utf-8'), source_path=str(p), settings_overrides={\n"
                "        'report_level': 5, 'halt_level': 5, 'warning_stream': io.StringIO(),\n"
                "        'file_insertion_enabled': False})\n",
}


def timed(command: Sequence[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one child process; its output is discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(list(command), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-1500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


class Ratio(NamedTuple):
    """Ours / the baseline over pairs timed back to back: the median of the per-pair ratios (CPU and
    wall), the lowest and highest CPU pair ratio (the spread a reader should allow for), and our median
    CPU seconds."""

    cpu: float
    wall: float
    low: float
    high: float
    own: float

    def spread(self) -> str:
        return f"pairs {self.low:.2f}-{self.high:.2f}x"


def side_by_side(ours: Sequence[str], floor: Sequence[str], cwd: Path, rounds: int) -> Ratio:
    """``rounds`` pairs, each ours and the floor back to back (the order flips every pair, so a load that
    rises or falls through the run favours neither): a pair shares its moment's load, so the median of
    the per-pair ratios is what reruns reproduce; best-of each side, taken at different moments, swung
    by a third between runs on the same code."""
    pairs: list[tuple[tuple[float, float], tuple[float, float]]] = []
    for round_ in range(rounds):
        if round_ % 2:
            base = timed(floor, cwd)
            pairs.append((timed(ours, cwd), base))
        else:
            mine = timed(ours, cwd)
            pairs.append((mine, timed(floor, cwd)))
    cpu = sorted(m[1] / b[1] for m, b in pairs)
    return Ratio(statistics.median(cpu), statistics.median(m[0] / b[0] for m, b in pairs), cpu[0], cpu[-1],
                 statistics.median(m[1] for m, _ in pairs))


def line(goal: str, ratio: float, target: str, met: bool, detail: str) -> None:
    print(f"{goal:<44} {ratio:6.2f}x  goal {target:<8} {'met' if met else 'NOT MET':<8} {detail}", flush=True)


def make_corpora(root: Path, pages: int) -> None:
    rng = random.Random(14)
    for name, generate in (("asciidoc", generate_asciidoc), ("html", generate_html), ("rst", generate_rst)):
        (root / name).mkdir()
        generate(root / name, pages if name == "asciidoc" else max(pages // 2, 10), rng)
    for folder in ("asciidoc", "html", "rst"):
        size = sum(p.stat().st_size for p in (root / folder).iterdir()) / 1e6
        print(f"  corpus {folder}: {len(list((root / folder).iterdir()))} pages, {size:.1f} MB")


EXTRACT = [PY, "-m", "harness", "extract", "--no-cache", "--json", "-j", "1"]  # cold: every page parsed


def asciidoc_goal(root: Path, rounds: int) -> None:
    ratio = side_by_side([*EXTRACT, "asciidoc"], [PY, str(HERE / "asciidoc_floor.py"), "asciidoc"], root, rounds)
    line("1 AsciiDoc extract --json / line-loop floor", ratio.cpu, "<= 2.5x", ratio.cpu <= 2.5,
         f"(wall {ratio.wall:.2f}x; {ratio.spread()}; extract {ratio.own:.2f} CPU-s)")


def html_goal(root: Path, rounds: int) -> None:
    ratio = side_by_side([*EXTRACT, "html"], [PY, "-c", FLOORS["lxml"], "html"], root, rounds)
    line("2 HTML extract --json / bare lxml parse", ratio.cpu, "<= 2x", ratio.cpu <= 2.0,
         f"(wall {ratio.wall:.2f}x; {ratio.spread()}; extract {ratio.own:.2f} CPU-s)")


def rst_goals(root: Path, rounds: int) -> None:
    ratio = side_by_side([PY, "-m", "harness", "extract", "--no-cache", "-j", "1", "rst"],
                         [PY, "-c", FLOORS["docutils"], "rst"], root, rounds)
    line("3 RST extract (1 core) / docutils doctree", ratio.cpu, "<= 1x", ratio.cpu <= 1.0,
         f"(wall {ratio.wall:.2f}x; {ratio.spread()}; extract {ratio.own:.2f} CPU-s)")
    cold = [PY, "-m", "harness", "extract", "--no-cache"]
    workers = side_by_side([*cold, "-j", "1", "rst"], [*cold, "-j", "2", "rst"], root, rounds)
    line("3 RST extract speed-up with 2 workers", workers.wall, ">= 1.8x", workers.wall >= 1.8,
         f"(wall, median of pairs; one worker {workers.own:.2f} CPU-s; needs 2 free cores, "
         f"load {os.getloadavg()[0]:.2f})")


@contextmanager
def environment(**changes: str | None) -> Iterator[None]:
    """Children started inside see these variables set (a value) or unset (``None``)."""
    saved = os.environ.copy()
    for name, value in changes.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def incremental_goal(root: Path, pages: int, rounds: int) -> None:
    """4: ``extract`` of an RST tree whose cache is warm, after one page changed, against the 1 s goal."""
    folder = root / "incremental"
    folder.mkdir()
    generate_rst(folder, pages, random.Random(4))
    command = [PY, "-m", "harness", "extract", "--cache-dir", "incremental-cache", "incremental"]
    cold = timed(command, root)  # fills the cache (-j auto)
    page = folder / "page-00007.rst"
    runs = []
    for round_ in range(rounds):
        page.write_text(page.read_text(encoding="utf-8") + f"\nChanged in round {round_}.\n", encoding="utf-8")
        runs.append(timed(command, root))
    page.write_text(page.read_text(encoding="utf-8") + "\nChanged once more.\n", encoding="utf-8")
    as_json = timed([*command[:4], "--json", *command[4:]], root)
    wall, cpu = min(w for w, _ in runs), min(c for _, c in runs)
    line(f"4 RST re-extract, 1 of {pages} pages changed / 1 s", cpu, "<= 1x", cpu <= 1.0,
         f"(wall {wall:.2f}s; cold {cold[0]:.1f}s wall {cold[1]:.1f} CPU-s; with --json {as_json[0]:.2f}s wall "
         f"{as_json[1]:.2f} CPU-s; load {os.getloadavg()[0]:.2f})")


def startup_goal(root: Path, url: str, rounds: int) -> None:
    """Goal 5 with bytecode on both sides, as an installed package has it (written to a private cache
    folder by a first start: the tree is left as it is); below it, docharness compiled from source on
    every start (a copy run under PYTHONDONTWRITEBYTECODE, as an editable install where that is set)
    against requests' installed bytecode."""
    import harness

    page = root / "one" / "page.asciidoc"
    page.parent.mkdir()
    page.write_text("[source,js]\n----\nGET _xpack/rollup/job/one\n----\n// CONSOLE\n", encoding="utf-8")
    replay, floor = [PY, "-m", "harness", "replay", "one/page.asciidoc", "--target", url], [PY, "-c", "import requests"]
    with environment(PYTHONPYCACHEPREFIX=str(root / "bytecode"), PYTHONDONTWRITEBYTECODE=None):
        timed(replay, root), timed(floor, root), timed([PY, "-m", "harness", "--help"], root)  # write the bytecode
        ratio = side_by_side(replay, floor, root, max(rounds, 5))
        line("5 replay ONE_PAGE start-up / import requests", ratio.cpu, "<= 2x", ratio.cpu <= 2.0,
             f"(wall {ratio.wall:.2f}x; {ratio.spread()}; replay {ratio.own:.2f} CPU-s)")
        helped = side_by_side([PY, "-m", "harness", "--help"], [PY, "-c", "pass"], root, max(rounds, 5))
    source = root / "source"
    shutil.copytree(Path(harness.__file__).parent, source / "harness", ignore=shutil.ignore_patterns("__pycache__"))
    with environment(PYTHONPATH=str(source), PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=None):
        source_ratio = side_by_side(replay, floor, root, max(rounds, 5))
    print(f"{'  (the same, docharness from source)':<44} {source_ratio.cpu:6.2f}x  (wall {source_ratio.wall:.2f}x; "
          f"replay {source_ratio.own:.2f} CPU-s)")
    print(f"{'  (docharness --help / python -c pass)':<44} {helped.cpu:6.2f}x  (wall {helped.wall:.2f}x; "
          f"--help {helped.own:.2f} CPU-s)")


def replay_goals(root: Path, url: str, examples: int, rounds: int) -> None:
    import bench_replay

    folder = root / "replay"
    folder.mkdir()
    docs = bench_replay.make_corpus(folder, examples, url)
    times = bench_replay.measure(docs, folder, rounds)
    bare, replayed = min(times["bare"]), min(times["replay"])
    bare_cpu, replay_cpu = min(times["bare_cpu"]), min(times["replay_cpu"])
    sent = times["requests"][0]
    line("8 replay speed / bare requests.Session loop", bare / replayed, ">= 1.3x", bare / replayed >= 1.3,
         f"(wall; client CPU {bare_cpu / replay_cpu:.2f}x: {replay_cpu / sent * 1e6:.0f} vs "
         f"{bare_cpu / sent * 1e6:.0f} us/request; {sent / replayed:.0f} vs {sent / bare:.0f} requests/s)")
    # the bare loop over the corpus and the whole pytest process back to back (bench_replay.plugin_pairs):
    # the median of the per-pair ratios, with their spread and the best-of ratio
    pairs = bench_replay.plugin_pairs(docs, folder, url, max(rounds, 7))  # pairs spread 0.6-1.4x under load
    wall = sorted(b[0] / p[0] for b, p in pairs)
    paired, cpu = statistics.median(wall), statistics.median(b[1] / p[1] for b, p in pairs)
    best = min(b[0] for b, _ in pairs) / min(p[0] for _, p in pairs)
    plugin = statistics.median(p[0] for _, p in pairs), statistics.median(p[1] for _, p in pairs)
    floor = bench_replay.pytest_floor(folder, int(times["tests"][0]))
    line("8 pytest plugin speed / bare loop", paired, ">= 0.8x", paired >= 0.8,
         f"(wall, median of {len(pairs)} pairs, pairs {wall[0]:.2f}-{wall[-1]:.2f}x, best-of {best:.2f}x; pytest "
         f"start-up included; CPU {cpu:.2f}x; {plugin[0]:.2f}s, {plugin[1]:.2f} CPU-s; "
         f"{int(times['tests'][0])} empty pytest tests: {floor[0]:.2f}s, {floor[1]:.2f} CPU-s)")
    bench_replay.print_memory(folder, url, examples)


def run_goal(root: Path, rounds: int) -> None:
    """Goal 6: ``docharness run`` on a copy of docs_src against extract + replay + a bare ``sphinx-build``
    of the site sources ``run`` generates (its conf.py and its ``-D`` override), each run separately:
    cold (fresh output folders) and warm (the same commands again on the same folders)."""
    project = root / "project"
    shutil.copytree(HERE.parent / "docs_src", project / "docs_src")
    harness = [PY, "-m", "harness"]
    timed([*harness, "run", "--out", "sources"], project)  # the generated site sources the bare build reads
    steps = ([*harness, "extract", "docs_src"], [*harness, "replay"])
    times: dict[str, list[tuple[float, float]]] = {"run": [], "rerun": [], "apart": [], "apart again": []}
    for round_ in range(rounds):
        times["run"].append(timed([*harness, "run", "--out", f"run{round_}"], project))
        times["rerun"].append(timed([*harness, "run", "--out", f"run{round_}"], project))
        sphinx = [PY, "-m", "sphinx", "-q", "-b", "html", "-D", "docharness_source_url=", "sources/site-src",
                  f"bare{round_}/html", "-d", f"bare{round_}/doctrees"]
        for key in ("apart", "apart again"):
            parts = [timed(step, project) for step in (*steps, sphinx)]
            times[key].append((sum(w for w, _ in parts), sum(c for _, c in parts)))
    best = {key: (min(w for w, _ in runs), min(c for _, c in runs)) for key, runs in times.items()}
    for ours, apart, label in (("run", "apart", "6 run / extract+replay+sphinx-build"),
                               ("rerun", "apart again", "6 run rerun / the three again (warm)")):
        cpu, wall = best[ours][1] / best[apart][1], best[ours][0] / best[apart][0]
        line(label, cpu, "<= 1.5x", cpu <= 1.5,
             f"(wall {wall:.2f}x; run {best[ours][1]:.2f} vs {best[apart][1]:.2f} CPU-s)")


GROUPS = ("extract", "asciidoc", "html", "rst", "incremental", "startup", "replay", "run")
EXTRACT_GROUPS = {"asciidoc": asciidoc_goal, "html": html_goal, "rst": rst_goals}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="AsciiDoc pages generated (HTML and RST: half)")
    parser.add_argument("--examples", type=int, default=1000, help="examples replayed for goal 8")
    parser.add_argument("--incremental-pages", type=int, default=2000, help="RST pages of goal 4's cached tree")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the best of each is kept")
    parser.add_argument("--only", nargs="+", choices=GROUPS, default=list(GROUPS),
                        help="measure only these groups of goals (default: all; extract = asciidoc html rst "
                             "incremental)")
    args = parser.parse_args()
    print(f"docharness goals (issue 14); {os.cpu_count()} CPUs, load average before "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    import bench_replay

    server, url = bench_replay.start_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            formats = [name for name in EXTRACT_GROUPS if name in args.only or "extract" in args.only]
            if formats:
                make_corpora(root, args.pages)
            for name in formats:
                EXTRACT_GROUPS[name](root, args.rounds)
            if "incremental" in args.only or "extract" in args.only:
                incremental_goal(root, args.incremental_pages, args.rounds)
            if "startup" in args.only:
                startup_goal(root, url, args.rounds)
            if "replay" in args.only:
                replay_goals(root, url, args.examples, args.rounds)
            if "run" in args.only:
                run_goal(root, args.rounds)
    finally:
        server.terminate()
        server.wait(10)
    print(f"load average after {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
