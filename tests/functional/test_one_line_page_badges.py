"""Two examples that start on one line (a minified HTML page) keep their own results and badges.

Examples are named by their first line; exported HTML often holds a whole section on
one line, so two request blocks shared ``line_3``: results are keyed by name, and the
passing example's badge showed the other's failure (or the failure was hidden).
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from lxml import html
from replay_project import cloud_config

from harness.cli import main

PAGE = """\
<html><body><h1 class="topictitle1">Querying Flavors</h1>
<div class="section"><h4 class="sectiontitle">URI</h4><p>GET /v2.1/{project_id}/flavors</p></div>
<div class="section"><h4 class="sectiontitle">Example Request</h4><pre class="screen">GET https://{endpoint}/v2.1/{project_id}/flavors?limit=1</pre><pre class="screen">GET https://{endpoint}/v2.1/{project_id}/flavors?limit=2</pre></div>
<div class="section"><h4 class="sectiontitle">Example Response</h4><pre class="screen">{"flavors": []}</pre></div>
</body></html>
"""


def test_each_example_of_one_line_has_its_own_result_and_badge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    def by_limit(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        body = b'{"flavors": []}' if b"limit=1 " in head else b'{"flavors": ["extra"]}'
        conn.sendall(fs.answer(200, body))

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "flavors.html").write_text(PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with fs.fault_server(by_limit) as server:
        (docs / "docharness.toml").write_text(cloud_config(server.url, "html", "exact"), encoding="utf-8")
        status = main(["replay", "--no-cache", "--config", "docs/docharness.toml", "--report", "results.json"])
    assert status == 1
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["results"]
    assert [(r["name"], r["outcome"]) for r in results] == [("line_3", "passed"), ("line_3_2", "failed")]
    capsys.readouterr()
    assert main(["publish", "--config", "docs/docharness.toml", "--results", "results.json", "--out", "out"]) == 0
    (page,) = (tmp_path / "out" / "site" / "ops").glob("*.html")
    badges = [" ".join(b.text_content().split()) for b in html.parse(str(page)).getroot().xpath(
        "//*[contains(concat(' ', @class, ' '), ' docharness-badge ')]")]
    assert len(badges) == 2
    assert badges[0].startswith("verified (exact match)") and badges[1].startswith("failed")
