"""`docharness replay` and `docharness run` as users call them: exit codes, -k, -x, Ctrl-C, safety."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import fault_servers as fs
import pytest
from remote_names import closed_port, remote_name_on_loopback

from harness.cli import main
from harness.server import ReferenceServer

REPO = Path(__file__).resolve().parents[2]
THREE = """\
[source,js]
----
POST _xpack/rollup/job/sensor/_start
----
// CONSOLE

[source,js]
----
POST _xpack/rollup/job/does_not_exist/_stop
----
// CONSOLE
// TEST[catch:missing]

[source,js]
----
GET _xpack/rollup/job/does_not_exist
----
// CONSOLE
"""


def project(tmp_path: Path, page: str = THREE, config: str = "") -> Path:
    docs = tmp_path / "docs_src"
    docs.mkdir()
    (docs / "page.asciidoc").write_text(page, encoding="utf-8")
    (docs / "docharness.toml").write_text(config, encoding="utf-8")
    return tmp_path


def test_a_config_error_exits_2_with_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project(tmp_path, config="[targets.x]\nurl = 'gopher://x'\n"))
    assert main(["replay"]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'docs_src' / 'docharness.toml'}:2: targets.x.url must be 'embedded', an http(s) URL" in err
    assert "hint:" in err


def test_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project(tmp_path))
    assert main(["replay", "nowhere/"]) == 2
    assert main(["replay", "-k", "a and (b"]) == 2
    err = capsys.readouterr().err
    assert "no such file or folder: nowhere" in err and "invalid -k expression" in err


def test_k_selects_and_x_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               fresh_reference_server: ReferenceServer) -> None:
    monkeypatch.chdir(project(tmp_path))
    url = fresh_reference_server.url
    assert main(["replay", "--target", url, "-k", "line_8 or line_15", "--report", "k.json"]) == 0
    assert [r["name"] for r in json.loads(Path("k.json").read_text())["results"]] == ["line_8", "line_15"]
    assert main(["replay", "--target", url, "-x", "--report", "x.json"]) == 1
    report = json.loads(Path("x.json").read_text())
    assert [r["outcome"] for r in report["results"]] == ["failed", "not_run", "not_run"]
    assert report["counts"]["not_run"] == 2 and report["complete"] is True


def test_ctrl_c_writes_a_partial_report(tmp_path: Path) -> None:
    root = project(tmp_path)
    with fs.fault_server(fs.silent) as silent:
        (root / "docs_src" / "docharness.toml").write_text(f"[targets.t]\nurl = '{silent.url}'\ntimeout = 60\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        process = subprocess.Popen([sys.executable, "-m", "harness", "replay", "--report", "out.json"], cwd=root,
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while silent.requests == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    report = json.loads((root / "out.json").read_text(encoding="utf-8"))
    assert report["complete"] is False
    assert [r["outcome"] for r in report["results"]] == ["not_run"] * 3
    assert "interrupted" in out


def test_writes_to_a_remote_target_need_an_opt_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    host = remote_name_on_loopback(monkeypatch)
    url = f"http://{host}:{closed_port()}"
    config = f"[targets.live]\nurl = '{url}'\ntimeout = 0.3\n"
    monkeypatch.chdir(project(tmp_path, config=config))
    assert main(["replay", "--report", "safe.json"]) == 1  # the GET could not reach the target
    results = json.loads(Path("safe.json").read_text())["results"]
    assert [r["outcome"] for r in results] == ["skipped", "skipped", "error"]  # the GET was sent (and refused)
    assert results[0]["reason"].startswith(f"POST changes state and {url} is not on loopback")
    assert "--allow-writes" in results[0]["reason"] and results[0]["exchanges"] == []
    assert main(["replay", "--allow-writes", "--report", "opt-in.json"]) == 1
    assert [r["outcome"] for r in json.loads(Path("opt-in.json").read_text())["results"]] == ["error"] * 3


def test_run_extracts_replays_reports_and_publishes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(REPO / "docs_src", tmp_path / "docs_src")
    monkeypatch.chdir(tmp_path)
    status = main(["run"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert out.startswith("docharness run: extracting ") and "\ndocharness run: extracted " in out
    report = json.loads((tmp_path / "generated" / "results.json").read_text(encoding="utf-8"))
    assert report["complete"] is True and report["counts"]["failed"] == 0 and report["counts"]["passed"] >= 6
    assert (tmp_path / "generated" / "junit.xml").is_file()
    assert "site:    " in out or "publish: skipped" in out
