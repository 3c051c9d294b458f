"""A token set in the environment never appears in any output: terminal, JSON, JUnit, dry run."""

from __future__ import annotations

from pathlib import Path

import fault_servers as fs
import pytest

from harness.cli import main

TOKEN = "tok-9f8e7d6c5b4a-secret"
PAGE = """\
[source,js]
----
GET _leaky
----
// CONSOLE

[source,js]
----
{"ok": true}
----
// TESTRESPONSE
"""
CONFIG = """
[targets.leaky]
url = "{url}"
timeout = 2

[targets.leaky.headers]
X-Auth-Token = { env = "DOCHARNESS_TOKEN" }
"""


def test_the_token_is_redacted_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs_src"
    docs.mkdir()
    (docs / "leak.asciidoc").write_text(PAGE, encoding="utf-8")
    monkeypatch.setenv("DOCHARNESS_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    with fs.fault_server(fs.echo_headers) as leaky:
        (docs / "docharness.toml").write_text(CONFIG.replace("{url}", leaky.url), encoding="utf-8")
        status = main(["replay", "--report", "out/results.json", "--junit", "out/junit.xml"])
        dry = main(["replay", "--dry-run"])
        assert leaky.requests == 1  # the dry run sent nothing
    captured = capsys.readouterr()
    assert (status, dry) == (1, 0)
    outputs = {"stdout": captured.out, "stderr": captured.err}
    outputs |= {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out").iterdir()}
    assert set(outputs) == {"stdout", "stderr", "results.json", "junit.xml"}
    for name, text in outputs.items():
        assert TOKEN not in text, f"the token leaked into {name}"
    # the server did echo it: the masked value shows where it would have leaked
    assert "X-Auth-Token: ***" in outputs["results.json"]
    assert "X-Auth-Token: ***" in outputs["junit.xml"]
    assert "X-Auth-Token: ***" in captured.out  # dry run and failure output


def test_a_missing_secret_for_a_live_target_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs_src"
    docs.mkdir()
    (docs / "leak.asciidoc").write_text(PAGE, encoding="utf-8")
    (docs / "docharness.toml").write_text(CONFIG.replace("{url}", "http://127.0.0.1:9"), encoding="utf-8")
    monkeypatch.delenv("DOCHARNESS_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["replay"]) == 2
    err = capsys.readouterr().err
    assert "environment variable DOCHARNESS_TOKEN is not set" in err and "export DOCHARNESS_TOKEN" in err
