"""``catch: param`` sends nothing (reference spec §9.3): a response block after it is matched against
the stash's ``$body`` (§9.4), the test's previous answer, and fails when there is none.

Before, the block was never compared, yet the test passed as an exact match (``checked: exact``,
one documented value): a "verified" claim for a value nobody looked at.
"""

from __future__ import annotations

from pathlib import Path

from test_replay_catch import by_line, replay

from harness.results import FailureKind, Outcome
from harness.server import ReferenceServer

PAGE = """= Catch param

[source,js]
----
POST _xpack/rollup/job/never_sent/_start
----
// CONSOLE
// TEST[catch:param]

[source,js]
----
{"started": true}
----
// TESTRESPONSE

[source,js]
----
GET _xpack/rollup/job/sensor
POST _xpack/rollup/job/never_sent/_start
----
// CONSOLE
// TEST[setup:sensor_rollup_job catch:param]

[source,js]
----
{"started": true}
----
// TESTRESPONSE

[source,js]
----
POST _xpack/rollup/job/never_sent/_start
----
// CONSOLE
// TEST[catch:param]
"""


def test_a_response_block_after_catch_param_is_never_a_silent_pass(
        tmp_path: Path, fresh_reference_server: ReferenceServer) -> None:
    docs = tmp_path / "docs_src"
    (docs / "elasticsearch").mkdir(parents=True)
    config = (Path(__file__).resolve().parents[2] / "docs_src" / "docharness.toml").read_text(encoding="utf-8")
    (docs / "docharness.toml").write_text(config, encoding="utf-8")
    (docs / "elasticsearch" / "param.asciidoc").write_text(PAGE, encoding="utf-8")
    results = by_line(replay(tmp_path, fresh_reference_server))
    assert {line: r.outcome for line, r in results.items()} == {
        4: Outcome.ERROR, 17: Outcome.FAILED, 31: Outcome.SKIPPED}
    alone = results[4]
    assert alone.failures[0].kind is FailureKind.INVALID_EXAMPLE
    assert "catch:param sends no request" in alone.failures[0].message
    assert alone.failures[0].span is not None and alone.failures[0].span.line == 11  # the response block
    assert [e.phase for e in alone.exchanges] == ["reset"]  # still nothing sent
    # with an earlier request in the test, the block is compared with that answer (the job, not {"started": true})
    after_get = results[17]
    assert after_get.failures[0].kind is FailureKind.BODY
    assert [(e.phase, e.method) for e in after_get.exchanges if e.phase == "test"] == [("test", "GET")]
    # without a response block nothing is sent and nothing checked: skipped with the reason, never a pass
    # "checked by status code only" (there was no status)
    assert [e.phase for e in results[31].exchanges] == ["reset"]
    assert results[31].reason.startswith("catch: param: the client refuses the request before sending it")
