"""SIGTERM ends replay, run and the pytest plugin as Ctrl-C does: partial reports written, exit as interrupted.

A real subprocess, a real signal, a real slow loopback target.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import fault_servers as fs
import pytest

EXAMPLE = "[source,js]\n----\nGET _cluster/health\n----\n// CONSOLE\n\n"
PAGE = EXAMPLE * 30


def project(tmp_path: Path, url: str) -> Path:
    docs = tmp_path / "docs_src"
    docs.mkdir()
    (docs / "health.asciidoc").write_text(PAGE, encoding="utf-8")
    (docs / "docharness.toml").write_text(f"[targets.slow]\nurl = '{url}'\ntimeout = 30\n", encoding="utf-8")
    return tmp_path


def terminate_mid_run(command: list[str], root: Path, server: fs.FaultServer) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while server.requests < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(command, process.returncode, out, err)


@pytest.mark.parametrize("command,reports", [
    (["replay", "--report", "out/results.json", "--junit", "out/junit.xml"], "out"),
    (["run", "--out", "out"], "out"),
])
def test_sigterm_writes_the_partial_reports(command: list[str], reports: str, tmp_path: Path) -> None:
    with fs.fault_server(fs.slow_ok) as slow:
        root = project(tmp_path, slow.url)
        (root / "out").mkdir()
        (root / "out" / "junit.xml").write_text("<old/>", encoding="utf-8")  # a previous run's report
        done = terminate_mid_run([sys.executable, "-m", "harness", *command], root, slow)
    assert done.returncode == 130, done.stderr
    assert "interrupted" in done.stdout + done.stderr and "Traceback" not in done.stderr
    report = json.loads((root / reports / "results.json").read_text(encoding="utf-8"))
    assert report["complete"] is False
    outcomes = [r["outcome"] for r in report["results"]]
    assert len(outcomes) == 30 and outcomes.count("passed") >= 2 and outcomes[-1] == "not_run"
    junit = ET.parse(root / reports / "junit.xml").getroot()
    assert int(junit.get("tests") or junit[0].get("tests") or 0) == 30
    assert not (root / "out" / "site").exists()  # run publishes nothing after an interruption
    summary = r"\d+ passed, 0 failed, 0 error, 0 skipped, \d+ not run in \d+\.\d\ds \(interrupted: partial results\)"
    assert re.fullmatch(summary, done.stdout.splitlines()[-1]), done.stdout[-500:]  # still the last line


def test_sigterm_ends_a_pytest_session_with_its_junit_written(tmp_path: Path) -> None:
    with fs.fault_server(fs.slow_ok) as slow:
        root = project(tmp_path, slow.url)
        command = [sys.executable, "-m", "pytest", "docs_src", "-p", "no:cacheprovider", "-p", "no:randomly",
                   "--junitxml", "junit.xml"]
        done = terminate_mid_run(command, root, slow)
    assert done.returncode == 2, done.stdout[-2000:]  # pytest's "interrupted"
    junit = ET.parse(root / "junit.xml").getroot()
    suite = junit if junit.tag == "testsuite" else junit[0]
    assert 2 <= int(suite.get("tests") or 0) < 30
