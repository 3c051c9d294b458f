"""Every ``catch`` value, ``continued`` followers and setups, against the real reference server."""

from __future__ import annotations

import shutil
from pathlib import Path

from replay_project import resetting

from harness.config import load_config
from harness.parsers.loader import load
from harness.replay import Replay, run
from harness.results import ExampleResult, FailureKind, Outcome, RunResult
from harness.server import ReferenceServer

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "tests" / "samples" / "replay"
BROKEN_SETUP = '''
broken_setup = """
POST _xpack/rollup/job/ghost/_start
"""
'''


def project(tmp_path: Path, *samples: str) -> Path:
    docs = tmp_path / "docs_src"
    (docs / "elasticsearch").mkdir(parents=True)
    config = (REPO / "docs_src" / "docharness.toml").read_text(encoding="utf-8")
    assert "\n[setups]\n" in config
    (docs / "docharness.toml").write_text(config.replace("\n[setups]\n", "\n[setups]\n" + BROKEN_SETUP), encoding="utf-8")
    for sample in samples:
        shutil.copy(SAMPLES / sample, docs / "elasticsearch" / sample)
    return tmp_path


def replay(root: Path, server: ReferenceServer) -> RunResult:
    config = resetting(load_config(root / "docs_src" / "docharness.toml"))
    with Replay(config, target_url=server.url, environ={"DOCHARNESS_TOKEN": "t0ken-abc"}, document_root=root) as session:
        return run(load([root / "docs_src"], root=root), session)


def by_line(result: RunResult) -> dict[int, ExampleResult]:
    return {r.span.line: r for r in result.results}


def test_each_catch_value(tmp_path: Path, fresh_reference_server: ReferenceServer) -> None:
    before = fresh_reference_server.request_count
    results = by_line(replay(project(tmp_path, "catch.asciidoc"), fresh_reference_server))
    assert {line: r.outcome.value for line, r in results.items()} == {
        6: "passed",   # missing: 404
        13: "passed",  # bad_request: 400
        20: "passed",  # request: 405 is "another error"
        27: "passed",  # /regex/ on the error object
        34: "skipped",  # param: nothing sent, so nothing checked
        41: "failed",  # conflict, but 404
        48: "failed",  # missing, but the job exists (200)
        56: "error",   # bogus: not a catch value
    }
    assert results[41].failures[0].kind is FailureKind.CATCH
    assert "expected [409] status code (conflict) but got [404]" in results[41].failures[0].message
    assert "got [200]" in results[48].failures[0].message
    assert results[56].failures[0].kind is FailureKind.INVALID_EXAMPLE
    assert "catch value [bogus] not supported" in results[56].failures[0].message
    assert results[56].exchanges == ()  # rejected before anything was sent
    assert [e.phase for e in results[34].exchanges] == ["reset"]  # catch:param sends nothing
    assert fresh_reference_server.request_count > before


def test_continued_setups_teardown_and_reset(tmp_path: Path, fresh_reference_server: ReferenceServer) -> None:
    results = by_line(replay(project(tmp_path, "continued.asciidoc"), fresh_reference_server))
    assert {line: r.outcome.value for line, r in results.items()} == {10: "passed", 36: "passed", 43: "error",
                                                                       50: "error"}
    joined = results[10]
    assert [(e.phase, e.method, e.url.split("?")[0].rsplit("/", 2)[-1]) for e in joined.exchanges] == [
        ("setup", "PUT", "scratch-index"),  # TESTSETUP
        ("setup", "PUT", "sensor-1"), ("setup", "PUT", "sensor"),  # setup:sensor_rollup_job
        ("test", "POST", "_start"), ("test", "POST", "_stop"),  # the test and its continued follower
        ("reset", "POST", "reset"),
    ]
    # line 36 expects the job to be gone: the reset step ran after the first test
    setup_failure = results[43].failures[0]
    assert setup_failure.kind is FailureKind.SETUP_FAILED
    assert "setup:broken_setup" in setup_failure.message and "_xpack/rollup/job/ghost/_start" in setup_failure.message
    assert "answered 404" in setup_failure.message
    assert results[43].exchanges[-1].phase == "reset"  # cleaned up after the failure
    assert results[50].failures[0].kind is FailureKind.UNKNOWN_SETUP
    assert results[50].outcome is Outcome.ERROR and results[50].exchanges == ()
