"""Replay throughput against the reference server, compared with a bare ``requests`` loop.

Generates N examples (default 5,000) in Elasticsearch-style AsciiDoc pages, starts
``docharness serve`` in its own process, and measures in the same run:

1. the bare loop: a ``requests.Session`` per page sending exactly the requests
   replay sends (taken from replay's own plan) and checking each answer as a
   hand-written test would: the status, and the body decoded as JSON and compared
   with the page's (the values the page's ``$body.$_path`` substitution leaves open
   accepted as they come). Every check must hold, or the benchmark stops;
2. ``harness.replay.run`` over the same page (parse excluded: timed from plan to
   ``RunResult``), interleaved page by page with (1), the order swapped every round,
   so both see the same load;
3. ``pytest`` with the docharness plugin alone (``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1
   -p docharness``: other plugins installed next to it are not docharness's cost), the
   whole process (start-up and parsing included; bytecode written by a first run, as an
   installed package has it, even under ``PYTHONDONTWRITEBYTECODE``), timed in pairs with
   the bare loop over the whole corpus (``plugin_pairs``: the median of the per-pair ratios),
   next to the pytest floor: as many empty test functions as examples; then with
   ``-n 2 --dist loadfile``;
4. peak RSS of ``docharness replay`` and of the plugin at N/4 and at N examples, and
   the growth per example between them.

Prints requests/s, client CPU per request and the ratios. Run:
``python benchmarks/bench_replay.py [--examples N] [--rounds R] [--no-xdist]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from harness.config import load_config
from harness.model import Document
from harness.parsers.loader import load
from harness.replay import Replay, run

PER_PAGE = 100
EXAMPLES = [
    # a read with an exact body
    ("GET _xpack/rollup/job/job_{i}", "", '{"jobs": []}', ""),
    # an error caught, its stack traces matched by the path wildcard (the seed pages' pattern)
    ("POST _xpack/rollup/job/job_{i}/_stop", "// TEST[catch:missing]\n",
     '{"error": {"root_cause": [{"type": "resource_not_found_exception", "reason": "Task for Rollup Job [job_{i}] '
     'not found", "stack_trace": "x"}], "type": "resource_not_found_exception", "reason": "Task for Rollup Job '
     '[job_{i}] not found", "stack_trace": "x"}, "status": 404}',
     '// TESTRESPONSE[s/"stack_trace": "x"/"stack_trace": $body.$_path/]\n'),
]
Wire = list[tuple[str, str, dict[str, str], bytes | None, int, Any]]
ANY = object()  # a value the page leaves open (``$body.$_path``): any answer is right


def plugin_only(root: Path) -> dict[str, str]:
    """pytest's environment: no plugin autoloaded, and bytecode on, as an installed package has it (the
    first run writes it to a private folder below ``root``; the tree is left as it is): under
    ``PYTHONDONTWRITEBYTECODE`` every run would compile docharness from source, which no installed
    plugin does, and pytest would rewrite the floor's test files again."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONPYCACHEPREFIX": str(root / "bytecode")}


def page(first: int, count: int) -> str:
    out = []
    for i in range(first, first + count):
        request, test, response, response_directive = EXAMPLES[i % len(EXAMPLES)]
        out.append(f"[source,js]\n----\n{request.format(i=i)}\n----\n// CONSOLE\n{test}\n"
                   f"[source,js]\n----\n{response.replace('{i}', str(i))}\n----\n// TESTRESPONSE\n{response_directive}\n")
    return "\n".join(out)


def make_corpus(root: Path, examples: int, url: str) -> Path:
    docs = root / "docs"
    docs.mkdir()
    (docs / "docharness.toml").write_text(f'[targets.bench]\nurl = "{url}"\ntimeout = 10\n', encoding="utf-8")
    for number, first in enumerate(range(0, examples, PER_PAGE)):
        text = page(first, min(PER_PAGE, examples - first))
        (docs / f"page_{number:04d}.asciidoc").write_text(text, encoding="utf-8")
    return docs


def start_server() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "harness", "serve", "--port", "0", "--quiet"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def same(actual: Any, expected: Any) -> bool:
    """The page's JSON against the answer's, as a hand-written check compares them."""
    if expected is ANY:
        return True
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and actual.keys() == expected.keys()
                and all(same(actual[k], v) for k, v in expected.items()))
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(map(same, actual, expected))
    return bool(actual == expected)


def bare_loop(wire: Wire) -> tuple[float, float]:
    """Wall and CPU seconds for a plain session sending the wire requests and checking each answer."""
    session = requests.Session()  # like replay: one session (one connection) per document
    session.trust_env = False
    wrong = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for method, url, headers, body, status, expected in wire:
        response = session.request(method, url, headers=headers, data=body, timeout=10)
        if response.status_code != status or (expected is not None and not same(response.json(), expected)):
            wrong += 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    session.close()
    assert not wrong, f"{wrong} answers differ from the pages: the bare loop checks the wrong thing"
    return wall, cpu


def _open_values(value: Any) -> Any:
    """The page's JSON with the values its substitution leaves open (``stack_trace``) accepting anything."""
    if isinstance(value, dict):
        return {k: ANY if k == "stack_trace" else _open_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_open_values(v) for v in value]
    return value


def wire_of(documents: list[Document], replay: Replay) -> Wire:
    """Exactly the requests replay sends, from its own plan, with what each answer must be."""
    wire: Wire = []
    for document in documents:
        runner = replay.runner(document)
        for test in replay.plan(document):
            for step in test.steps + runner.reset_steps:
                prepared = runner.prepare(step)
                status = 404 if step.catch == "missing" else 200  # the corpus' two kinds of example
                expected = _open_values(json.loads(step.expected[0].source)) if step.expected else None
                wire.append((prepared.method, prepared.url, dict(prepared.headers), prepared.body, status, expected))
        replay.finish(document)
    return wire


def _replay_one(document: Document, replay: Replay) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run([document], replay)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    counts = result.counts()
    assert counts["passed"] == len(result.results), counts  # every generated example must hold
    return wall, cpu


def corpus_wires(docs: Path, root: Path) -> list[Wire]:
    """The wire requests of each page of the corpus (``wire_of``), page by page."""
    documents = load([docs], root=root)
    with Replay(load_config(docs / "docharness.toml"), document_root=root) as replay:
        return [wire_of([document], replay) for document in documents]


def bare_corpus(wires: list[Wire]) -> tuple[float, float]:
    """Wall and CPU seconds of the bare loop over every page, one session per page (as replay)."""
    times = [bare_loop(wire) for wire in wires]
    return sum(t[0] for t in times), sum(t[1] for t in times)


Pair = tuple[tuple[float, float], tuple[float, float]]  # ((bare wall, bare CPU), (plugin wall, plugin CPU))


def plugin_pairs(docs: Path, root: Path, url: str, rounds: int) -> list[Pair]:
    """``rounds`` pairs of the bare loop over the corpus and the plugin over it (``pytest_run``), back to
    back, the order flipping every pair: a pair shares its moment's load (the machine is shared), so the
    median of the per-pair ratios is what reruns reproduce. Best-of each side, timed at different
    moments, gave 0.79x, 1.05x and 1.15x on the same code. A first plugin run, not counted, fills the
    extraction cache and writes the bytecode (``plugin_only``)."""
    wires = corpus_wires(docs, root)
    pytest_run(docs, root, url)
    pairs: list[Pair] = []
    for round_number in range(rounds):
        if round_number % 2:
            plugin = pytest_run(docs, root, url)[:2]
            pairs.append((bare_corpus(wires), plugin))
        else:
            bare = bare_corpus(wires)
            pairs.append((bare, pytest_run(docs, root, url)[:2]))
    return pairs


def measure(docs: Path, root: Path, rounds: int) -> dict[str, list[float]]:
    """Bare loop and replay interleaved page by page (the machine is shared: both see the same load)."""
    documents = load([docs], root=root)
    config = load_config(docs / "docharness.toml")
    times: dict[str, list[float]] = {"bare": [], "bare_cpu": [], "replay": [], "replay_cpu": []}
    with Replay(config, document_root=root) as replay:
        wires = [wire_of([document], replay) for document in documents]
        for round_number in range(rounds):
            totals = dict.fromkeys(times, 0.0)
            for document, wire in zip(documents, wires):
                if round_number % 2:
                    mine, bare = _replay_one(document, replay), bare_loop(wire)
                else:
                    bare, mine = bare_loop(wire), _replay_one(document, replay)
                for key, (wall, cpu) in (("bare", bare), ("replay", mine)):
                    totals[key] += wall
                    totals[f"{key}_cpu"] += cpu
            for key, value in totals.items():
                times[key].append(value)
    times["requests"] = [float(sum(len(w) for w in wires))]
    times["tests"] = [float(sum(len(replay.plan(d)) for d in documents))]
    return times


# runs ``python -m MODULE ARGS`` and, at exit, writes the process's own peak RSS (VmHWM, KB) to the
# file $BENCH_PEAK_FILE: ru_maxrss of a child also counts the parent's memory it was forked from
PEAK_LAUNCHER = (
    "import atexit, os, runpy, sys\n"
    "def peak():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            open(os.environ['BENCH_PEAK_FILE'], 'w').write(line.split()[1])\n"
    "atexit.register(peak)\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
)


def child(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (KB; 0 where /proc is missing) of ``python -m ...``,
    which must exit 0."""
    assert command[:2] == [sys.executable, "-m"], command
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run([sys.executable, "-c", PEAK_LAUNCHER, *command[2:]], cwd=cwd,
                              env={**(env or os.environ), "BENCH_PEAK_FILE": peak.name}, capture_output=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:].decode()}"
                             f"{done.stderr[-2000:].decode()}")
        rss = peak.read().strip()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, int(rss) if rss.isdigit() else 0


def pytest_run(docs: Path, root: Path, url: str, workers: int = 0, *extra: str) -> tuple[float, float, int]:
    """The plugin alone over the corpus: wall, CPU and peak RSS (KB) of the whole pytest process."""
    args = [sys.executable, "-m", "pytest", str(docs), "-q", "-p", "no:cacheprovider", "-p", "docharness",
            "--docharness-target", url, *extra]
    if workers:
        args += ["-p", "xdist.plugin", "-n", str(workers), "--dist", "loadfile"]
    return child(args, root, plugin_only(root))


def pytest_floor(root: Path, count: int) -> tuple[float, float, int]:
    """What pytest costs for ``count`` items at the least: as many empty test functions, same options."""
    folder = root / "empty"
    if not folder.exists():
        folder.mkdir()
        for number, first in enumerate(range(0, count, PER_PAGE)):
            tests = "".join(f"def test_{i}():\n    pass\n\n\n" for i in range(first, min(first + PER_PAGE, count)))
            (folder / f"test_{number:04d}.py").write_text(tests, encoding="utf-8")
        child([sys.executable, "-m", "pytest", str(folder), "-q", "--co"], root, plugin_only(root))  # bytecode cached
    return child([sys.executable, "-m", "pytest", str(folder), "-q", "-p", "no:cacheprovider"], root, plugin_only(root))


def memory(root: Path, url: str, examples: int) -> dict[str, tuple[tuple[int, int], tuple[int, int]]]:
    """Peak RSS (KB) of ``docharness replay``, of the plugin and of the pytest floor (empty tests),
    ``((size, rss), (size, rss))`` at a quarter of ``examples`` and at all of them."""
    found: dict[str, list[tuple[int, int]]] = {"replay": [], "plugin": [], "pytest floor": []}
    for size in (max(examples // 4, PER_PAGE), examples):
        folder = root / f"memory_{size}"
        folder.mkdir()
        docs = make_corpus(folder, size, url)
        found["replay"].append((size, child([sys.executable, "-m", "harness", "replay", str(docs), "--target", url],
                                            folder)[2]))
        found["plugin"].append((size, pytest_run(docs, folder, url)[2]))
        found["pytest floor"].append((size, pytest_floor(folder, size)[2]))
    return {name: (values[0], values[1]) for name, values in found.items()}


def print_memory(root: Path, url: str, examples: int) -> None:
    """Peak RSS at both sizes and the growth per example between them."""
    for name, ((small, low), (large, high)) in memory(root, url, examples).items():
        print(f"  peak RSS {name:<12}: {low / 1024:6.1f} MB at {small} examples, {high / 1024:6.1f} MB at {large}: "
              f"{(high - low) / max(large - small, 1):.2f} KB more per example", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5, help="alternating bare/replay rounds; best and median reported")
    parser.add_argument("--no-xdist", action="store_true", help="skip the pytest / xdist measurement")
    args = parser.parse_args()
    server, url = start_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            docs = make_corpus(root, args.examples, url)
            print(f"{args.examples} examples in {len(list(docs.glob('*.asciidoc')))} pages; server {url}; "
                  f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
            times = measure(docs, root, args.rounds)
            sent, tests = times["requests"][0], times["tests"][0]
            bare, replayed = min(times["bare"]), min(times["replay"])
            bare_cpu, replay_cpu = min(times["bare_cpu"]), min(times["replay_cpu"])
            median = statistics.median(b / r for b, r in zip(times["bare"], times["replay"]))
            print(f"bare requests loop : {sent / bare:8.0f} requests/s (best of {args.rounds}: {bare:.2f}s; "
                  f"client CPU {bare_cpu / sent * 1e6:.0f} us/request)")
            print(f"docharness replay  : {sent / replayed:8.0f} requests/s (best of {args.rounds}: {replayed:.2f}s; "
                  f"client CPU {replay_cpu / sent * 1e6:.0f} us/request; {tests / replayed:.0f} examples/s)")
            print(f"ratio replay/bare  : {bare / replayed:8.2f} wall best-to-best, {median:.2f} median of rounds, "
                  f"{bare_cpu / replay_cpu:.2f} client CPU (goal >= 1.3)")
            if not args.no_xdist:
                pairs = plugin_pairs(docs, root, url, max(args.rounds, 3))
                one, one_cpu = min(p[0] for _, p in pairs), min(p[1] for _, p in pairs)
                paired = sorted(b[0] / p[0] for b, p in pairs)
                floor, floor_cpu, _ = pytest_floor(root, int(tests))
                two, two_cpu, _ = pytest_run(docs, root, url, 2)
                print(f"pytest plugin      : {tests / one:8.0f} examples/s (best of {len(pairs)}: {one:.2f}s wall, "
                      f"{one_cpu:.2f} CPU-s, start-up included); ratio to the bare loop {statistics.median(paired):.2f} "
                      f"wall median of {len(pairs)} pairs ({paired[0]:.2f}-{paired[-1]:.2f}), {bare / one:.2f} "
                      f"best-to-best, {bare_cpu / one_cpu:.2f} CPU (goal >= 0.8)")
                print(f"pytest floor       : {tests / floor:8.0f} empty tests/s ({floor:.2f}s wall, {floor_cpu:.2f} CPU-s)")
                listed, listed_cpu, _ = pytest_run(docs, root, url, 0, "--collect-only")
                print(f"plugin --collect-only: {listed:.2f}s wall, {listed_cpu:.2f} CPU-s (start-up, pages through the "
                      f"extraction cache, plans, items): what the plugin costs before its first request")
                print(f"pytest -n 2 loadfile: {tests / two:7.0f} examples/s ({two:.2f}s wall, {two_cpu:.2f} CPU-s with the "
                      f"workers), speed-up {one / two:.2f}x")
            print_memory(root, url, args.examples)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
