"""Replay's own overhead on the Flink pages against a live cluster, next to a bare ``requests`` loop.

Starts the live lane's cluster (Java, Flink from PyPI, the job JAR, a loopback-only standalone
cluster: ``tests/live/flink_lane.py``), or uses one already running (``--url``, for example
from ``python tests/live/flink_lane.py --hold``), then measures in the same process:

1. ``harness.replay.run`` over ``docs_src/flink`` (pages parsed first, parse time printed
   apart). Every request replay sends goes through ``Sender.send``, and every pause between
   the tries of a ``RETRY`` through ``time.sleep``; both are timed. Replay's own overhead is
   the wall time minus the time inside ``Sender.send`` (waiting on the target, including the
   HTTP client's own work) minus the time asleep between polls.
2. A bare loop: one ``requests.Session`` sending the very requests replay sent (recorded
   from ``Sender.send``: method, URL, headers, body, in order), reading each body, no checks.
   Its overhead is its wall time minus the time inside ``Session.request``. The ids those
   requests carry are stale by then, so some answers differ (a deleted JAR is a 400): the
   point is the client-side cost per request, not the answers.

Run: ``python benchmarks/bench_live.py [--url URL] [--repeat N]``. Prints both, per run and
per request, with the median over the repeats.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import requests

from harness.config import load_config
from harness.parsers.loader import load
from harness.replay import Replay, run
from harness.replay import send as send_module
from harness.results import Outcome

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO / "docs_src" / "flink"


def lane_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("flink_lane", REPO / "tests" / "live" / "flink_lane.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["flink_lane"] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class Meter:
    """Time spent inside the wrapped calls, and what was sent."""

    sending: float = 0.0
    sleeping: float = 0.0
    sent: list[tuple[str, str, dict[str, str], bytes | None]] = field(default_factory=list)


@contextmanager
def metered() -> Iterator[Meter]:
    """Time ``Sender.send`` and ``time.sleep`` (and record the requests) while the block runs."""
    meter = Meter()
    real_send: Callable[..., Any] = send_module.Sender.send
    real_sleep = time.sleep

    def send(self: Any, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Any:
        meter.sent.append((method, url, dict(headers), body))
        started = time.perf_counter()
        try:
            return real_send(self, method, url, headers, body)
        finally:
            meter.sending += time.perf_counter() - started

    def sleep(seconds: float) -> None:
        started = time.perf_counter()
        real_sleep(seconds)
        meter.sleeping += time.perf_counter() - started

    send_module.Sender.send = send  # type: ignore[method-assign]
    time.sleep = sleep
    try:
        yield meter
    finally:
        send_module.Sender.send = real_send  # type: ignore[method-assign]
        time.sleep = real_sleep


def replay_once(url: str) -> tuple[float, float, Meter, dict[str, int]]:
    """Parse, then replay the Flink pages; (parse seconds, replay wall seconds, meter, outcome counts)."""
    os.environ["DOCHARNESS_FLINK_URL"] = url
    clock = time.perf_counter()
    config = load_config(REPO / "docs_src" / "docharness.toml")
    documents = load([PAGES], root=REPO)
    parsed = time.perf_counter() - clock
    with metered() as meter:
        clock = time.perf_counter()
        with Replay(config, document_root=REPO) as replay:
            result = run(documents, replay)
        wall = time.perf_counter() - clock
    counts = {o.value: sum(r.outcome is o for r in result.results) for o in Outcome}
    return parsed, wall, meter, counts


def bare_loop(sent: list[tuple[str, str, dict[str, str], bytes | None]]) -> tuple[float, float]:
    """Send the recorded requests with one plain session; (wall seconds, seconds inside requests)."""
    inside = 0.0
    with requests.Session() as session:
        session.trust_env = False
        clock = time.perf_counter()
        for method, url, headers, body in sent:
            started = time.perf_counter()
            response = session.request(method, url, headers=headers, data=body, timeout=30)
            response.content  # noqa: B018 (read the whole body, as replay does)
            inside += time.perf_counter() - started
        wall = time.perf_counter() - clock
    return wall, inside


def clean(url: str) -> None:
    """Delete the JARs the bare loop's uploads left behind (its DELETEs carry stale ids)."""
    with requests.Session() as session:
        for jar in session.get(url + "/jars", timeout=10).json().get("files", []):
            session.delete(f"{url}/jars/{jar['id']}", timeout=10)


def measure(url: str, repeat: int) -> None:
    rows = []
    for number in range(1, repeat + 1):
        parsed, wall, meter, counts = replay_once(url)
        bare_wall, bare_inside = bare_loop(meter.sent)
        clean(url)
        requests_sent = len(meter.sent)
        overhead = wall - meter.sending - meter.sleeping
        bare_overhead = bare_wall - bare_inside
        rows.append((overhead, bare_overhead, requests_sent, wall, meter.sending, meter.sleeping, bare_wall, bare_inside))
        print(f"run {number}: {', '.join(f'{k} {v}' for k, v in counts.items() if v)}; parse {parsed * 1000:.0f} ms")
        print(f"  replay: wall {wall:.3f} s = target {meter.sending:.3f} s + polling sleeps {meter.sleeping:.3f} s "
              f"+ own overhead {overhead * 1000:.1f} ms ({requests_sent} requests, "
              f"{overhead / requests_sent * 1000:.2f} ms/request)")
        print(f"  bare requests loop, same {requests_sent} requests: wall {bare_wall:.3f} s = in requests "
              f"{bare_inside:.3f} s + loop overhead {bare_overhead * 1000:.1f} ms "
              f"({bare_overhead / requests_sent * 1000:.3f} ms/request); "
              f"{bare_inside / requests_sent * 1000:.2f} ms/request in requests vs replay's "
              f"{meter.sending / requests_sent * 1000:.2f} ms in Sender.send")
        print(f"  replay wall without the polling sleeps {wall - meter.sleeping:.3f} s vs bare loop wall {bare_wall:.3f} s")
    if repeat > 1:
        print(f"median over {repeat}: replay own overhead {statistics.median(r[0] for r in rows) * 1000:.1f} ms "
              f"({statistics.median(r[0] / r[2] for r in rows) * 1000:.2f} ms/request); bare loop overhead "
              f"{statistics.median(r[1] for r in rows) * 1000:.1f} ms; replay wall "
              f"{statistics.median(r[3] for r in rows):.2f} s, bare wall {statistics.median(r[6] for r in rows):.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running Flink cluster's REST URL (default: start the lane's cluster)")
    parser.add_argument("--repeat", type=int, default=3, help="replay runs (default 3)")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    if args.url:
        measure(args.url.rstrip("/"), args.repeat)
        return 0
    lane = lane_module()
    try:
        lane.ensure_jdk()
        home = lane.ensure_flink()
        lane.build_job(home)
        with lane.running_cluster(home) as cluster:
            measure(cluster.url, args.repeat)
    except lane.LaneError as exc:
        print(f"bench_live: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
