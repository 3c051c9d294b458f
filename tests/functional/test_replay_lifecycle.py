"""TESTSETUP and TEARDOWN around every test, in order, against the real reference server."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness.config import load_config
from harness.parsers.loader import load
from harness.replay import Replay, run
from harness.results import Outcome
from harness.server import ReferenceServer

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "tests" / "samples" / "replay" / "setup-teardown.asciidoc"


def test_testsetup_runs_before_and_teardown_after_each_test(tmp_path: Path,
                                                             fresh_reference_server: ReferenceServer) -> None:
    docs = tmp_path / "docs_src"
    docs.mkdir()
    shutil.copy(REPO / "docs_src" / "docharness.toml", docs / "docharness.toml")
    shutil.copy(SAMPLE, docs / "setup-teardown.asciidoc")
    config = load_config(docs / "docharness.toml")
    # --target URL: the configured reset stays behind, so only TEARDOWN can clean up between tests
    with Replay(config, target_url=fresh_reference_server.url, document_root=tmp_path) as session:
        result = run(load([docs], root=tmp_path), session)
    steps = {r.name: [(e.phase, e.method, e.url.split("?")[0].split("/", 3)[-1], e.status) for e in r.exchanges]
             for r in result.results}
    assert steps == {
        "line_16": [("setup", "PUT", "scratch-index", 200), ("test", "GET", "scratch-index", 200),
                    ("teardown", "DELETE", "scratch-index", 200)],
        # a failing test is still followed by the teardown
        "line_22": [("setup", "PUT", "scratch-index", 200), ("test", "GET", "no-such-index", 404),
                    ("teardown", "DELETE", "scratch-index", 200)],
        # the setup's PUT succeeds again only because the teardown deleted the index
        "line_28": [("setup", "PUT", "scratch-index", 200), ("test", "PUT", "scratch-index/_doc/1", 201),
                    ("teardown", "DELETE", "scratch-index", 200)],
    }
    assert [r.outcome for r in result.results] == [Outcome.PASSED, Outcome.FAILED, Outcome.PASSED]
    assert "scratch-index" not in fresh_reference_server.state.indices
