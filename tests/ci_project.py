"""A small project whose replay has every outcome, against a loopback server that plants markup.

The page has four examples: one passes, one fails (the server answers a different body
holding a ``<script>``, an ``<img onerror>`` and the request head with its secret token),
one is skipped and one errors (an unknown setup); a code block without a language is a
warning diagnostic. Used by the HTML report, annotation and
JUnit tests.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import fault_servers as fs

TOKEN = "ci-secret-token-5b1f0e"
PLANTED = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"
PAGE = """\
= A page for CI reports

[source,js]
----
POST /ok/_start
----
// CONSOLE

[source,js]
----
{
  "acknowledged": true
}
----
// TESTRESPONSE

[source,js]
----
POST /planted/_stop
{"reason": "a, b: 100%"}
----
// CONSOLE

[source,js]
----
{
  "acknowledged": true
}
----
// TESTRESPONSE

[source,js]
----
GET /ok/x
----
// CONSOLE
// TEST[skip:todo]

[source,js]
----
GET /ok/y
----
// CONSOLE
// TEST[setup:nope]

A block without a language (a warning diagnostic):
----
{"closed": true}
----
"""
# where the examples are, as reports name them
FAILED, FAILED_LINE, DIFF_LINE = "line_18", 18, 27
ERROR, ERROR_LINE = "line_40", 44


def planted(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """``/ok...`` answers as documented; anything else answers markup and echoes the request head."""
    if head.split(b" ")[1].startswith(b"/ok"):
        conn.sendall(fs.answer(200, b'{"acknowledged": true}'))
        return
    body = {"acknowledged": False, "note": PLANTED, "echo": head.decode("latin-1")}
    conn.sendall(fs.answer(200, json.dumps(body).encode()))


def write_project(root: Path, url: str) -> Path:
    """``root/docs_src`` with the page and a config sending it to ``url`` with a secret header."""
    docs = root / "docs_src"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "page.asciidoc").write_text(PAGE, encoding="utf-8")
    (docs / "docharness.toml").write_text(
        f'[targets.t]\nurl = "{url}"\n[targets.t.headers]\nX-Auth-Token = {{ env = "CI_TOKEN" }}\n', encoding="utf-8")
    return root
