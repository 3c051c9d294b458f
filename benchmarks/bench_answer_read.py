"""How an answer is read for a body check: one hooked read, or a plain read then a hooked one.

``Reply.json()`` and ``Reply.repeated`` come from one read (``loads_with_repeats``): the values and the
first object giving a key twice. Before, the body check read the answer with ``json.loads`` and again
with the hook (``repeated_key``). A read that no body check follows (the shard check alone) pays the
hook where ``json.loads`` alone would do. This prints, per answer size, the median time of each way,
timed in alternating pairs (the two ways take turns, so both see the same load)::

    python benchmarks/bench_answer_read.py [--rounds 9]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

from harness.parsers.repeated_keys import loads_with_repeats, repeated_key

SMALL = '{"acknowledged": true}'
JOB = json.dumps({"jobs": [{"config": {"id": f"job{i}", "cron": "*/30 * * * * ?", "page_size": 1000,
                                       "groups": {"date_histogram": {"interval": "1h", "field": "timestamp"}},
                                       "metrics": [{"field": "temperature", "metrics": ["min", "max", "sum"]}]},
                            "status": {"job_state": "stopped"}, "stats": {"pages_processed": 0}} for i in range(3)]})
SEARCH = json.dumps({"hits": {"total": 1000, "hits": [{"_index": "i", "_id": str(i), "_source": {
    "a": i, "b": "x" * 20, "c": [1, 2, 3]}} for i in range(200)]}})
WAYS: dict[str, Callable[[str], object]] = {
    "plain read, then hooked read (before)": lambda text: (json.loads(text), repeated_key(text)),
    "one hooked read (now)": loads_with_repeats,
    "plain read alone (no body check, before)": json.loads,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    for label, text, count in (("small", SMALL, 20000), ("job", JOB, 4000), ("search", SEARCH, 200)):
        times: dict[str, list[float]] = {way: [] for way in WAYS}
        for _ in range(args.rounds):
            for way, read in WAYS.items():
                start = time.perf_counter()
                for _ in range(count):
                    read(text)
                times[way].append((time.perf_counter() - start) / count * 1e6)
        shown = "; ".join(f"{way}: {statistics.median(t):.1f} us" for way, t in times.items())
        print(f"{label} ({len(text)} bytes): {shown}")


if __name__ == "__main__":
    main()
