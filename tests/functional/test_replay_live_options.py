"""Live-run options of the command line: --var and DOCHARNESS_VAR_*, the dry run's write safety,
and captured secrets masked in every output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from live_server import live_server

from harness.cli import main

PAGE = """\
[source,js]
----
GET /jobs/{job_id}
----
// CONSOLE

[source,js]
----
POST /jars/{jar_id}/run
----
// CONSOLE
// TEST[catch:bad_request]
"""


def project(tmp_path: Path, url: str, page: str = PAGE, variables: str = "") -> Path:
    docs = tmp_path / "docs_src"
    docs.mkdir()
    (docs / "page.asciidoc").write_text(page, encoding="utf-8")
    (docs / "docharness.toml").write_text(f'[targets.live]\nurl = "{url}"\n[[sources]]\npaths = ["**"]\n'
                                          f'family = "cloud"\n[variables]\n{variables}', encoding="utf-8")
    return tmp_path


def test_var_and_environment_variables_bind_live_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with live_server() as server:
        server.state.jobs["abc"] = {"jid": "abc", "state": "RUNNING"}
        monkeypatch.chdir(project(tmp_path, server.url, variables='job_id = "configured"\njar_id = "configured"\n'))
        monkeypatch.setenv("DOCHARNESS_VAR_JAR_ID", "from-env.jar")
        monkeypatch.setenv("DOCHARNESS_VAR_JOB_ID", "from-env")
        assert main(["replay", "--var", "job_id=abc"]) == 0
        sent = [r.path for r in server.state.received]
        assert main(["replay", "--var", "job_id"]) == 2
    assert sent == ["/jobs/abc", "/jars/from-env.jar/run"]  # --var over the environment over [variables]


def test_a_missing_variable_suggests_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with live_server() as server:
        monkeypatch.chdir(project(tmp_path, server.url))
        assert main(["replay", "--report", "out.json"]) == 1
    reason = json.loads(Path("out.json").read_text())["results"][0]["reason"]
    assert "{job_id}" in reason and "--var NAME=VALUE" in reason


def test_the_dry_run_applies_the_write_safety_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    url = "http://flink.example.invalid:8081"  # never contacted: a dry run sends nothing
    monkeypatch.chdir(project(tmp_path, url, variables='job_id = "j"\njar_id = "a.jar"\n'))
    assert main(["replay", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"GET {url}/jobs/j" in out and f"POST {url}/jars" not in out
    assert f"skipped: POST changes state and {url} is not on loopback" in out
    assert "1 requests planned, none sent; 1 test would be skipped (state-changing, not on loopback)" in out
    assert main(["replay", "--dry-run", "--allow-writes"]) == 0
    out = capsys.readouterr().out
    assert f"POST {url}/jars/a.jar/run" in out and "skipped" not in out


def test_a_captured_secret_is_masked_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    page = ("[source,js]\n----\nPOST /login\n----\n// CONSOLE\n// CAPTURE[session_token=$body.token user=$body.user]"
            "\n\n[source,js]\n----\nGET /jobs/{session_token}\n----\n// CONSOLE\n")
    with live_server() as server:
        monkeypatch.chdir(project(tmp_path, server.url, page=page))
        assert main(["replay", "--report", "out.json", "--junit", "junit.xml"]) == 1
        assert server.state.received[1].path == "/jobs/tok-5ecret-4f1d9a"  # the real value was sent
    outputs = [capsys.readouterr().out, Path("out.json").read_text(), Path("junit.xml").read_text()]
    assert all("tok-5ecret-4f1d9a" not in text for text in outputs)
    report = json.loads(outputs[1])
    assert report["results"][0]["captures"] == [["session_token", "***"], ["user", "docs"]]
    assert report["results"][1]["exchanges"][0]["url"].endswith("/jobs/***")


def test_status_conditions_and_header_captures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = ("[source,js]\n----\nGET /jobs/overview\n----\n// CONSOLE\n"
            "// RETRY[until:status=200 every:10ms timeout:1s]\n// CAPTURE[kind=$header.Content-Type~/(\\w+)$]\n\n"
            "[source,js]\n----\nGET /jobs/{kind}\n----\n// CONSOLE\n// TEST[catch:missing]\n")
    with live_server() as server:
        monkeypatch.chdir(project(tmp_path, server.url, page=page))
        assert main(["replay", "--report", "out.json"]) == 0
        sent = [r.path for r in server.state.received]
    assert sent == ["/jobs/overview", "/jobs/json"]
    assert json.loads(Path("out.json").read_text())["results"][0]["captures"] == [["kind", "json"]]
