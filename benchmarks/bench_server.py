"""Requests per second of the reference server, with 1 and with many keep-alive clients.

The load comes from another process: Debian's ``wrk`` when it is installed, else a
Python generator (threads holding ``http.client`` keep-alive connections) in a
separate process, so the generator never shares the server's interpreter.

    python benchmarks/bench_server.py                       # 3 s per run, 1 and 16 clients
    python benchmarks/bench_server.py --duration 10 --clients 1 4 16 64 --generator python

Two calls are measured: ``GET /_reference/stats`` (the simplest answer) and
``POST /_xpack/rollup/job/sensor/_stop`` (takes the state lock, as replay's calls do).
The target for replay benchmarks is >= 2,000 requests/s for one keep-alive client.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness.server import ReferenceServer

CALLS = {"GET stats": ("GET", "/_reference/stats"), "POST rollup _stop": ("POST", "/_xpack/rollup/job/sensor/_stop")}


def prepare(server: ReferenceServer) -> None:
    """Create the index and rollup job the stateful call needs."""
    connection = http.client.HTTPConnection(server.host, server.port)
    body = '{"mappings": {"_doc": {"properties": {"timestamp": {"type": "date"}}}}}'
    connection.request("PUT", "/sensor-1", body, {"Content-Type": "application/json"})
    connection.getresponse().read()
    job = ('{"index_pattern": "sensor-*", "rollup_index": "sensor_rollup", "cron": "* * * * * ?", "page_size": 10,'
           ' "groups": {"date_histogram": {"field": "timestamp", "interval": "1h"}}}')
    connection.request("PUT", "/_xpack/rollup/job/sensor", job, {"Content-Type": "application/json"})
    assert connection.getresponse().status == 200
    connection.close()


def run_wrk(url: str, method: str, path: str, clients: int, duration: float) -> tuple[float, str]:
    """Requests/s and mean latency measured by wrk."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.method = "{method}"\n')
    threads = max(1, min(clients, 2))
    command = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{duration:g}s", "-s", script.name, url + path]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    Path(script.name).unlink()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latency = re.search(r"Latency\s+(\S+)", output).group(1)  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", output)
    return rate, latency + (f" ({errors.group(0)})" if errors else "")


def _python_worker(host: str, port: int, method: str, path: str, clients: int, duration: float,
                   queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    counts = [0] * clients
    deadline = time.monotonic() + duration

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(host, port)
        while time.monotonic() < deadline:
            connection.request(method, path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"unexpected status {response.status}")
            counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(sum(counts) / (time.monotonic() - started))


def run_python(server: ReferenceServer, method: str, path: str, clients: int, duration: float) -> tuple[float, str]:
    """Requests/s measured by a Python generator in a separate process."""
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    process = multiprocessing.Process(target=_python_worker,
                                      args=(server.host, server.port, method, path, clients, duration, queue))
    process.start()
    rate = queue.get(timeout=duration + 30)
    process.join()
    return rate, f"{1000 * clients / rate:.2f}ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per measurement (default 3)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 16], help="concurrent keep-alive clients")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args()
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    print(f"reference server benchmark: generator={generator}, {args.duration:g}s per run, "
          f"python {sys.version.split()[0]}, {multiprocessing.cpu_count()} cpu(s)")
    print(f"{'call':<20} {'clients':>7} {'requests/s':>11}  mean latency")
    with ReferenceServer(log=None) as server:
        prepare(server)
        for name, (method, path) in CALLS.items():
            for clients in args.clients:
                if generator == "wrk":
                    rate, latency = run_wrk(server.url, method, path, clients, args.duration)
                else:
                    rate, latency = run_python(server, method, path, clients, args.duration)
                print(f"{name:<20} {clients:>7} {rate:>11,.0f}  {latency}", flush=True)
        print(f"requests served: {server.request_count:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
