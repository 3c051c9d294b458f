"""Replay throughput against the reference server, compared with a bare ``requests`` loop.

Generates N examples (default 5,000) in Elasticsearch-style AsciiDoc pages, starts
``docharness serve`` in its own process, and measures in the same run:

1. the bare loop: a ``requests.Session`` per page sending exactly the requests
   replay sends (taken from replay's own plan), reading each body;
2. ``harness.replay.run`` over the same page (parse excluded: timed from plan to
   ``RunResult``), interleaved page by page with (1) so both see the same load;
3. ``pytest`` with the docharness plugin, without and with ``-n 2 --dist loadfile``.

Prints requests/s for each and the ratio replay / bare (target >= 0.9). Run:
``python benchmarks/bench_replay.py [--examples N] [--no-xdist]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def bare_loop(wire: list[tuple[str, str, dict[str, str], bytes | None]]) -> tuple[float, float]:
    """Wall and CPU seconds for a plain session sending the wire requests and reading each body."""
    session = requests.Session()  # like replay: one session (one connection) per document
    session.trust_env = False
    wall, cpu = time.perf_counter(), time.process_time()
    for method, url, headers, body in wire:
        session.request(method, url, headers=headers, data=body, timeout=10).content
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    session.close()
    return wall, cpu


def wire_of(documents: list[Document], replay: Replay) -> list[tuple[str, str, dict[str, str], bytes | None]]:
    """Exactly the requests replay sends, from its own plan."""
    wire = []
    for document in documents:
        runner = replay.runner(document)
        for test in replay.plan(document):
            for step in test.steps + runner.reset_steps:
                prepared = runner.prepare(step)
                wire.append((prepared.method, prepared.url, dict(prepared.headers), prepared.body))
        replay.finish(document)
    return wire


def measure(docs: Path, root: Path, rounds: int) -> dict[str, list[float]]:
    """Bare loop and replay interleaved page by page (the machine is shared: both see the same load)."""
    documents = load([docs], root=root)
    config = load_config(docs / "docharness.toml")
    times: dict[str, list[float]] = {"bare": [], "bare_cpu": [], "replay": [], "replay_cpu": []}
    with Replay(config, document_root=root) as replay:
        wires = [wire_of([document], replay) for document in documents]
        for _ in range(rounds):
            totals = dict.fromkeys(times, 0.0)
            for document, wire in zip(documents, wires):
                wall, cpu = bare_loop(wire)
                totals["bare"] += wall
                totals["bare_cpu"] += cpu
                wall, cpu = time.perf_counter(), time.process_time()
                result = run([document], replay)
                totals["replay"] += time.perf_counter() - wall
                totals["replay_cpu"] += time.process_time() - cpu
                counts = result.counts()
                assert counts["passed"] == len(result.results), counts  # every generated example must hold
            for key, value in totals.items():
                times[key].append(value)
    times["requests"] = [float(sum(len(w) for w in wires))]
    times["tests"] = [float(sum(len(replay.plan(d)) for d in documents))]
    return times


def pytest_time(docs: Path, root: Path, url: str, workers: int) -> float:
    args = [sys.executable, "-m", "pytest", str(docs), "-q", "-p", "no:cacheprovider", "--docharness-target", url]
    if workers:
        args += ["-n", str(workers), "--dist", "loadfile"]
    started = time.perf_counter()
    done = subprocess.run(args, cwd=root, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"pytest failed:\n{done.stdout[-2000:]}")
    return elapsed


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
                  f"{os.cpu_count()} CPUs")
            times = measure(docs, root, args.rounds)
            sent, tests = times["requests"][0], times["tests"][0]
            bare, replayed = min(times["bare"]), min(times["replay"])
            median = statistics.median(b / r for b, r in zip(times["bare"], times["replay"]))
            print(f"bare requests loop : {sent / bare:8.0f} requests/s (best of {args.rounds}: {bare:.2f}s; "
                  f"client CPU {min(times['bare_cpu']) / sent * 1e6:.0f} us/request)")
            print(f"docharness replay  : {sent / replayed:8.0f} requests/s (best of {args.rounds}: {replayed:.2f}s; "
                  f"client CPU {min(times['replay_cpu']) / sent * 1e6:.0f} us/request; {tests / replayed:.0f} examples/s)")
            print(f"ratio replay/bare  : {bare / replayed:8.2f} best-to-best, {median:.2f} median of rounds "
                  "(target >= 0.90)")
            if not args.no_xdist:
                one = pytest_time(docs, root, url, 0)
                two = pytest_time(docs, root, url, 2)
                print(f"pytest plugin      : {tests / one:8.0f} examples/s ({one:.2f}s wall, incl. startup)")
                print(f"pytest -n 2 loadfile: {tests / two:7.0f} examples/s ({two:.2f}s wall), speed-up {one / two:.2f}x")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
