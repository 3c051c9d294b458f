"""Fault injection: misbehaving loopback targets give error outcomes; the run goes on; reports are written."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import fault_servers as fs
import pytest

from harness.cli import main
from harness.server import ReferenceServer

REPO = Path(__file__).resolve().parents[2]
PAGE = """\
[source,js]
----
GET _cluster/health
----
// CONSOLE

[source,js]
----
{"acknowledged": true}
----
// TESTRESPONSE

[source,js]
----
GET _cluster/health
----
// CONSOLE
"""
CONFIG = """
[docharness]
sources = ["bad", "good"]
default_target = "good"

[targets.bad]
url = "{bad}"
timeout = 0.5

[targets.good]
url = "{good}"
reset = "POST /_reference/reset"

[[sources]]
paths = ["bad/**"]
target = "bad"

[[sources]]
paths = ["good/**"]
"""


def project(tmp_path: Path, bad_url: str, good_url: str) -> Path:
    docs = tmp_path / "docs_src"
    (docs / "bad").mkdir(parents=True)
    (docs / "good").mkdir()
    (docs / "bad" / "health.asciidoc").write_text(PAGE, encoding="utf-8")
    shutil.copy(REPO / "docs_src/elasticsearch/rollup/stop-job.asciidoc", docs / "good" / "stop-job.asciidoc")
    real = (REPO / "docs_src" / "docharness.toml").read_text(encoding="utf-8")
    setups = real[real.index("\n[setups]\n"):]  # the named setups the seed pages use
    config = CONFIG.replace("{bad}", bad_url).replace("{good}", good_url) + setups
    (docs / "docharness.toml").write_text(config, encoding="utf-8")
    return tmp_path


def replay(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, object], ET.Element]:
    monkeypatch.chdir(root)
    status = main(["replay", "--report", "out/results.json", "--junit", "out/junit.xml"])
    report = json.loads((root / "out" / "results.json").read_text(encoding="utf-8"))
    return status, report, ET.parse(root / "out" / "junit.xml").getroot()


@pytest.mark.parametrize("behaviour,kind", [
    (fs.reset, "connection"),
    (fs.silent, "timeout"),
    (fs.drip, "timeout"),
    (fs.server_error, "server_error"),
    (fs.not_json, "not_json"),
    (fs.deeply_nested, "not_json"),
    (fs.huge_chunked, "too_large"),
    (fs.redirect_loop, "redirect"),
    (fs.garbage, "protocol"),
])
def test_each_fault_is_an_error_and_the_run_goes_on(behaviour: fs.Behaviour, kind: str, tmp_path: Path,
                                                    fresh_reference_server: ReferenceServer,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    with fs.fault_server(behaviour) as bad:
        status, report, junit = replay(project(tmp_path, bad.url, fresh_reference_server.url), monkeypatch)
    assert status == 1
    results = {r["document"] + "::" + r["name"]: r for r in report["results"]}  # type: ignore[attr-defined]
    first = results["docs_src/bad/health.asciidoc::line_2"]
    assert first["outcome"] == "error"
    assert first["failures"][0]["kind"] == kind
    # the request line, or the response block that promised JSON
    assert first["failures"][0]["span"]["line"] == (8 if kind == "not_json" else 3)
    # the other documents still ran, against the good target
    assert results["docs_src/good/stop-job.asciidoc::line_42"]["outcome"] == "passed"
    assert results["docs_src/good/stop-job.asciidoc::line_61"]["outcome"] == "passed"
    assert report["complete"] is True
    assert junit.get("errors") in ("1", "2") and junit.get("failures") == "0"


def test_connection_refused(tmp_path: Path, fresh_reference_server: ReferenceServer,
                            monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    status, report, _ = replay(project(tmp_path, fs.refused_url(), fresh_reference_server.url), monkeypatch)
    out = capsys.readouterr().out
    assert status == 1
    kinds = [r["failures"][0]["kind"] for r in report["results"] if r["outcome"] == "error"]  # type: ignore[attr-defined]
    assert kinds == ["connection", "connection"]
    assert "connection refused: is the target running at this address?" in out
    assert "error[connection]: Could not talk to the target" in out
