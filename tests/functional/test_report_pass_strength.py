"""A pass says what it compared, in every report of a real run.

Three examples pass against one loopback server: one whose page shows no response
(only its 2xx status is checked), one compared value for value, one whose only
documented value is a ``$body`` reference (taken from the response, so never
compared). The terminal, the JUnit file and the HTML run report must tell them
apart; before, all three read "passed" (only shape passes were counted).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import fault_servers as fs
import pytest

from harness.cli import main

PAGE = """\
[source,js]
----
GET /status-only
----
// CONSOLE

[source,js]
----
GET /compared
----
// CONSOLE

[source,js]
----
{"acknowledged": true}
----
// TESTRESPONSE

[source,js]
----
GET /presence
----
// CONSOLE

[source,js]
----
{"acknowledged": $body.acknowledged}
----
// TESTRESPONSE
"""


def test_status_only_and_presence_only_passes_are_said_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs_src"
    docs.mkdir()
    (docs / "page.asciidoc").write_text(PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with fs.fault_server(fs.ok_json) as server:
        (docs / "docharness.toml").write_text(f"[targets.t]\nurl = '{server.url}'\n", encoding="utf-8")
        status = main(["replay", "--no-cache", "--junit", "junit.xml", "--html", "report.html"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "1 of the passed examples was checked by status code only (no body compared)" in out
    assert "1 of the passed examples was presence-checked (every documented value taken from the response, " \
           "none compared)" in out
    assert out.strip().splitlines()[-1].startswith("3 passed, 0 failed")  # the summary stays the last line

    cases = {c.get("name"): c for c in ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")}
    said = {name: (case.findtext("system-out") or "") for name, case in cases.items()}
    assert said == {"line_2": "checked: any 2xx status only: no body compared",  # the page shows no status
                    "line_8": "checked: exact match",
                    "line_20": "checked: presence only: all 1 documented values taken from the response, none "
                               "compared"}

    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    for text in said.values():
        assert f"<td>{text}</td>" in report
    assert "<p class=\"checks\">1 of the passed examples was checked by status code only" in report
