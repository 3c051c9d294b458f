"""Each snippet of a ``TEST[continued]`` sequence has a badge that counts its own values.

A sequence is one test item, so its result counts the values of all its responses. The badge of a
snippet whose own response was made only of ``$body`` references read "verified (exact match) ...;
2 of 5 documented values only checked present": none of its own values had been compared (the server
answered ``took`` 99 and ``id`` "zzz" for a page showing 5 and "abc"). Now it reads
"presence-checked", and the snippet whose values were all compared reads plainly verified. Real page,
real loopback server, the replay command and the publisher's badges.
"""

from __future__ import annotations

from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import replay_page

from harness.model import from_json
from harness.parsers.loader import load
from harness.publish.badges import badge_for, index_results
from harness.results import RunResult

PAGE = """= Sequence

[source,js]
----
GET /a
----
// CONSOLE

[source,js]
----
{"x": 1, "y": 2, "z": 3}
----
// TESTRESPONSE

[source,js]
----
GET /b
----
// CONSOLE
// TEST[continued]

[source,js]
----
{"took": 5, "id": "abc"}
----
// TESTRESPONSE[s/5/$body.took/ s/"abc"/$body.id/]
"""
CONFIG = ('[docharness]\nsources = ["."]\ndefault_target = "t"\n\n[targets.t]\nurl = "URL"\n\n'
          '[[sources]]\npaths = ["*.asciidoc"]\nfamily = "elasticsearch"\nmatch = "exact"\n')


def test_a_snippet_of_a_sequence_is_badged_by_its_own_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    answers = iter([b'{"x": 1, "y": 2, "z": 3}', b'{"took": 99, "id": "zzz"}'])

    def answer(conn: object, head: bytes, stop: object) -> None:
        conn.sendall(fs.answer(200, next(answers, b"{}")))  # type: ignore[attr-defined]

    code, (result,) = replay_page(tmp_path, "seq.asciidoc", PAGE, lambda url: CONFIG.replace("URL", url), answer)
    assert (code, result["outcome"], result["documented_values"], result["presence_only"]) == (0, "passed", 5, 2)
    run = from_json(RunResult, (tmp_path / "results.json").read_text(encoding="utf-8"))
    (document,) = load([tmp_path / "seq.asciidoc"], root=tmp_path)
    head, follower = (badge_for(document, e, index_results(run), have_results=True).text for e in document.examples)
    assert head.startswith("verified (exact match)") and "only checked present" not in head
    assert follower.startswith("presence-checked (all 2 documented values taken from the response; none compared)")
    assert follower.endswith("(as part of line_4)")


def test_the_terminal_junit_and_run_report_count_a_sequence_by_snippet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The terminal's notes, JUnit's ``system-out`` and the HTML run report say what the badges say: the
    follower whose response is only ``$body`` references was presence-checked (before: the test as a whole
    "checked with some documented values only found present", which reads like a verified snippet)."""
    from harness.cli import main

    monkeypatch.chdir(tmp_path)
    answers = iter([b'{"x": 1, "y": 2, "z": 3}', b'{"took": 99, "id": "zzz"}'])

    def answer(conn: object, head: bytes, stop: object) -> None:
        conn.sendall(fs.answer(200, next(answers, b"{}")))  # type: ignore[attr-defined]

    (tmp_path / "seq.asciidoc").write_text(PAGE, encoding="utf-8")
    with fs.fault_server(answer) as server:
        (tmp_path / "docharness.toml").write_text(CONFIG.replace("URL", server.url), encoding="utf-8")
        assert main(["replay", "--no-cache", "--junit", "junit.xml", "--html", "report.html"]) == 0
    out = capsys.readouterr().out
    presence = "1 of the passed examples was presence-checked (every documented value taken from the response, none compared)"
    assert presence in out and "some documented values" not in out
    junit = (tmp_path / "junit.xml").read_text(encoding="utf-8")
    assert ("line_16: presence only: all 2 documented values taken from the response, none compared" in junit)
    assert "2 of 5 documented values" not in junit
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert presence in html and "2 of 5 documented values" not in html
