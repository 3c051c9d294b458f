"""Results recorded before a page changed never badge the example now at that line.

Results are keyed by example name (``line_2``). Replay a page, edit it so another request
stands at that line, publish with the old results file: the example must show "not run"
with the reason and the command must warn, not show the old example's "passed".
"""

from __future__ import annotations

from pathlib import Path

import fault_servers as fs
import pytest
from lxml import html

from harness.cli import main

PAGE = "[source,js]\n----\n{method} /jobs/1\n----\n// CONSOLE\n\n[source,js]\n----\nGET /jobs\n----\n// CONSOLE\n"


def test_an_old_result_for_another_request_is_not_shown_as_its_badge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs_src"
    docs.mkdir()
    page = docs / "jobs.asciidoc"
    page.write_text(PAGE.format(method="GET"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with fs.fault_server(fs.ok_json) as server:
        (docs / "docharness.toml").write_text(f"[targets.t]\nurl = '{server.url}'\n", encoding="utf-8")
        assert main(["replay", "--no-cache", "--report", "results.json"]) == 0
    page.write_text(PAGE.format(method="DELETE"), encoding="utf-8")  # another request at line 3 now
    capsys.readouterr()
    assert main(["publish", "--no-cache", "--results", "results.json", "--out", "out"]) == 0
    err = capsys.readouterr().err
    assert "1 result(s) were recorded for requests or responses the pages no longer have" in err and "jobs.asciidoc::line_2" in err
    (built,) = (tmp_path / "out" / "site" / "ops").glob("*.html")
    badges = [" ".join(b.text_content().split()) for b in html.parse(str(built)).getroot().xpath(
        "//*[contains(concat(' ', @class, ' '), ' docharness-badge ')]")]
    assert badges[0].startswith("not run: the page changed after this result was recorded")
    assert badges[1].startswith("status-checked")  # the unchanged example keeps its result


RESPONSE_PAGE = ("[source,js]\n----\nGET /jobs/1\n----\n// CONSOLE\n\n[source,js]\n----\n{body}\n----\n// TESTRESPONSE\n\n"
                 "[source,js]\n----\nGET /jobs\n----\n// CONSOLE\n")


def test_an_old_pass_never_badges_a_response_edited_since(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Only the documented response changed (same requests, same lines): before, the old pass badged the
    new values "verified (exact match)", though nobody compared them."""
    docs = tmp_path / "docs_src"
    docs.mkdir()
    page = docs / "jobs.asciidoc"
    page.write_text(RESPONSE_PAGE.format(body='{"acknowledged": true}'), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with fs.fault_server(fs.ok_json) as server:
        (docs / "docharness.toml").write_text(f"[targets.t]\nurl = '{server.url}'\n", encoding="utf-8")
        assert main(["replay", "--no-cache", "--report", "results.json"]) == 0
    page.write_text(RESPONSE_PAGE.format(body='{"acknowledged": false}'), encoding="utf-8")
    capsys.readouterr()
    assert main(["publish", "--no-cache", "--results", "results.json", "--out", "out"]) == 0
    err = capsys.readouterr().err
    assert "1 result(s) were recorded for requests or responses the pages no longer have" in err
    assert "jobs.asciidoc::line_2" in err
    (built,) = (tmp_path / "out" / "site" / "ops").glob("*.html")
    badges = [" ".join(b.text_content().split()) for b in html.parse(str(built)).getroot().xpath(
        "//*[contains(concat(' ', @class, ' '), ' docharness-badge ')]")]
    assert badges[0].startswith("not run: the page changed after this result was recorded")
    assert badges[-1].startswith("status-checked")  # the unchanged example keeps its result
