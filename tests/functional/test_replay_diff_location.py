"""A body difference inside a list is reported at the line of the key that differs, on every format.

Each page documents a list of two objects with the same keys; a loopback server answers
with the second object's ``state`` changed. The failure must point at the second
``"state"`` line of the page (not the first object's, nor a line off by the block's
directive), in ``subset`` and ``exact`` matching.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest

from harness.cli import main

JOBS = ['{', '  "jobs": [', '    {', '      "id": "a",', '      "state": "RUNNING"', '    },', '    {',
        '      "id": "b",', '      "state": "DONE"', '    }', '  ]', '}']
ANSWER = json.dumps({"jobs": [{"id": "a", "state": "RUNNING"}, {"id": "b", "state": "FAILED"}]}).encode()

RST = ["Listing Jobs", "============", "", "URI", "---", "", "GET /v1/{project_id}/jobs", "", "Example Request",
       "---------------", "", ".. code-block:: text", "", "   GET /v1/p1/jobs", "", "Example Response",
       "----------------", "", "Status code: 200", "", ".. code-block:: json", "",
       *[f"   {line}" for line in JOBS], "", ".. TESTRESPONSE[{policy}]", ""]
HTML = ["<html><body><h1>Listing Jobs</h1>", '<div class="section"><h4 class="sectiontitle">URI</h4>',
        "<p>GET /v1/{project_id}/jobs</p></div>",
        '<div class="section"><h4 class="sectiontitle">Example Request</h4>',
        '<pre class="screen">GET /v1/p1/jobs</pre></div>',
        '<div class="section"><h4 class="sectiontitle">Example Response</h4><p>Status code: 200</p>',
        '<pre class="screen">' + JOBS[0], *JOBS[1:-1], JOBS[-1] + "</pre>", "<!-- TESTRESPONSE[{policy}] -->",
        "</div></body></html>", ""]
ASCIIDOC = ["[source,js]", "----", "GET /v1/p1/jobs", "----", "// CONSOLE", "", "[source,js]", "----", *JOBS,
            "----", "// TESTRESPONSE[{policy}]", ""]


def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(fs.answer(200, ANSWER))


@pytest.mark.parametrize("policy", ["subset", "exact"])
@pytest.mark.parametrize(("name", "lines"), [("jobs.rst", RST), ("jobs.html", HTML), ("jobs.asciidoc", ASCIIDOC)])
def test_the_differing_key_of_the_second_list_item_is_located(name: str, lines: list[str], policy: str,
                                                               tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(lines).replace("{policy}", policy)
    (tmp_path / name).write_text(text, encoding="utf-8")
    wanted = [number for number, line in enumerate(text.split("\n"), 1) if '"state": "DONE"' in line]
    monkeypatch.chdir(tmp_path)
    with fs.fault_server(answer) as server:
        status = main(["replay", name, "--target", server.url, "--report", "results.json"])
    assert status == 1
    [result] = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["results"]
    [failure] = result["failures"]
    assert [d["path"] for d in failure["diff"]] == ["$.jobs[1].state"]
    line = text.split("\n")[wanted[0] - 1]
    # AsciiDoc shows the block as written: the key's columns; RST dedents and HTML escapes: the whole line
    column, end = (line.index('"state"') + 1, line.index('"state"') + 7) if name.endswith(".asciidoc") else (1, 0)
    assert (failure["span"]["line"], failure["span"]["column"], failure["span"]["end_column"]) == \
        (wanted[0], column, end)
