"""``docharness serve`` as a user runs it: a real process, a real port, Ctrl-C to stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import requests


def start_serve(*extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "harness", "serve", "--port", "0", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def test_serve_prints_its_url_answers_and_stops_cleanly_on_ctrl_c() -> None:
    process = start_serve(env={"DOCHARNESS_TOKEN": "serve-secret"})
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(url + "/_xpack/rollup/job/_all", timeout=5).json() == {"jobs": []}
        cloud = url + "/v1.0/p/streaming/jobs"
        assert requests.get(cloud, headers={"X-Auth-Token": "other"}, timeout=5).status_code == 401
        assert requests.get(cloud, headers={"X-Auth-Token": "serve-secret"}, timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "stopped" in err and "GET /_xpack/rollup/job/_all 200" in err
    assert "serve-secret" not in out + err


def test_serve_on_a_busy_port_is_a_usage_error() -> None:
    first = start_serve("--quiet")
    try:
        assert first.stdout is not None
        port = first.stdout.readline().strip().rsplit(":", 1)[1]
        second = subprocess.run([sys.executable, "-m", "harness", "serve", "--port", port],
                                capture_output=True, text=True, timeout=20, check=False)
        assert second.returncode == 2
        assert f"cannot listen on 127.0.0.1:{port}" in second.stderr and "--port" in second.stderr
    finally:
        first.terminate()
        first.communicate(timeout=10)
    assert first.returncode == 0
