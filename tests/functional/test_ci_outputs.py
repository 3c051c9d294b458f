"""What CI reads from a run: annotations, the code-quality file, colour by convention, the last line.

Replays run for real against loopback servers; the colour checks run the installed
command in a subprocess, so its stdout is a real pipe (or a real pseudo-terminal).
"""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import ci_project as cp
import fault_servers as fs
import pytest

from harness.cli import main

REPO = Path(__file__).resolve().parents[2]
ANSI = "\x1b["
SUMMARY = re.compile(r"^\d+ passed, \d+ failed, \d+ error, \d+ skipped(, \d+ not run)? in \d+\.\d\ds$")


@pytest.fixture()
def planted_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The CI project against the planted server, as the current folder; yields the server URL."""
    with fs.fault_server(cp.planted) as server:
        cp.write_project(tmp_path, server.url)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("CI_TOKEN", cp.TOKEN)
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
        monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
        yield server.url


def test_github_annotations_put_each_failure_on_its_line(planted_project: str, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")  # automatic in GitHub Actions
    assert main(["replay"]) == 1
    lines = capsys.readouterr().out.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 2
    assert commands[0].startswith(f"::error file=docs_src/page.asciidoc,line={cp.DIFF_LINE},col=3,"
                                  "title=docharness%3A Response body differs from the page::"
                                  f"docs_src/page.asciidoc::{cp.FAILED}: the response differs from the page")
    assert "%0Aat $.acknowledged: values differ (expected true, actual false)%0A" in commands[0]
    assert cp.TOKEN not in commands[0]
    assert commands[1].startswith(f"::error file=docs_src/page.asciidoc,line={cp.ERROR_LINE},"
                                  "title=docharness%3A Unknown named setup or teardown::")
    assert SUMMARY.match(lines[-1]) and lines[-1].startswith("1 passed, 1 failed, 1 error, 1 skipped in ")
    assert lines.index(commands[-1]) < len(lines) - 1


def test_annotations_only_when_asked_or_in_github(planted_project: str, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay"]) == 1
    assert "::error" not in capsys.readouterr().out
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["replay", "--annotations", "none"]) == 1
    assert "::error" not in capsys.readouterr().out
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert main(["replay", "--annotations", "github"]) == 1
    assert capsys.readouterr().out.count("\n::error ") == 2


def test_gitlab_code_quality_report(planted_project: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--annotations", "gitlab:out/codequality.json"]) == 1
    assert "::error" not in capsys.readouterr().out
    text = Path("out/codequality.json").read_text(encoding="utf-8")
    assert cp.TOKEN not in text
    issues = json.loads(text)
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("docharness/body", "major", {"path": "docs_src/page.asciidoc", "lines": {"begin": cp.DIFF_LINE}}),
        ("docharness/unknown_setup", "critical", {"path": "docs_src/page.asciidoc", "lines": {"begin": cp.ERROR_LINE}}),
    ]


def test_a_bad_annotation_format_is_a_usage_error(planted_project: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["replay", "--annotations", "jenkins"])
    assert exit_info.value.code == 2
    assert "expected github, gitlab:FILE or none" in capsys.readouterr().err


def command(args: list[str], cwd: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    """``docharness ARGS`` in a subprocess with pipes for stdout and stderr."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "GITHUB_ACTIONS") and not k.startswith("PYTEST")}
    env.update(environ, CI_TOKEN=cp.TOKEN)
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("args", [["extract", "docs_src"], ["replay"], ["run", "--out", "out"]],
                         ids=["extract", "replay", "run"])
def test_no_color_and_force_color(args: list[str], tmp_path: Path) -> None:
    with fs.fault_server(cp.planted) as server:
        cp.write_project(tmp_path, server.url)
        piped = command(args, tmp_path)
        forced = command(args, tmp_path, FORCE_COLOR="1")
        disabled = command(args, tmp_path, FORCE_COLOR="1", NO_COLOR="1")
    # extract too exits 1: the page names an unknown setup, an error once the config is known
    assert piped.returncode == forced.returncode == disabled.returncode == 1
    assert ANSI not in piped.stdout + piped.stderr  # not a terminal: no colour
    assert ANSI in forced.stdout + forced.stderr
    assert ANSI not in disabled.stdout + disabled.stderr
    if args[0] != "extract":
        assert SUMMARY.match(piped.stdout.splitlines()[-1]), piped.stdout[-500:]
        assert SUMMARY.match(re.sub(r"\x1b\[[0-9;]*m", "", forced.stdout.splitlines()[-1]))


def test_a_terminal_gets_colour_unless_no_color(tmp_path: Path) -> None:
    with fs.fault_server(cp.planted) as server:
        cp.write_project(tmp_path, server.url)
        assert ANSI in replay_on_a_terminal(tmp_path, {})
        assert ANSI not in replay_on_a_terminal(tmp_path, {"NO_COLOR": "1"})


def replay_on_a_terminal(cwd: Path, extra: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR") and not k.startswith("PYTEST")}
    env.update(extra, CI_TOKEN=cp.TOKEN, TERM="xterm")
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "harness", "replay"], cwd=cwd, env=env, stdout=follower,
                                   stderr=subprocess.DEVNULL)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 1
    finally:
        os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_run_writes_the_html_report_and_ends_with_the_summary(tmp_path: Path) -> None:
    shutil.copytree(REPO / "docs_src", tmp_path / "docs_src")
    done = command(["run"], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "html:    generated/report.html" in lines
    assert SUMMARY.match(lines[-1]) and " 0 failed, 0 error, " in lines[-1]
    report = (tmp_path / "generated" / "report.html").read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and "docharness run report" in report
