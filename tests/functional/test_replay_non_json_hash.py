"""A ``#`` in a ``TESTRESPONSE[non_json]`` text is text: every line after it is still compared.

The runner matches the built regex with ``COMMENTS``, where ``#`` starts a comment to the end of
the (folded, one-line) pattern; the build's YAML breaks on it or keeps only the text before it.
Before, docharness compiled it the same way, so a ``_cat`` answer whose lines after the ``#`` all
differed passed as a ``non_json`` match. Real loopback server.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import replay_page

from harness.replay.match import match_non_json

PAGE = """= Cat

[source,js]
----
GET /_cat/indices?v
----
// CONSOLE

[source,txt]
----
id   name
#1   twitter
2    blogs
----
// TESTRESPONSE[non_json]
"""
CONFIG = ('[docharness]\nsources = ["."]\ndefault_target = "t"\n\n[targets.t]\nurl = "URL"\n\n'
          '[[sources]]\npaths = ["*.asciidoc"]\nfamily = "elasticsearch"\nmatch = "exact"\n')


@pytest.mark.parametrize("text,outcome", [("id   name\n#1   twitter\n2    blogs\n", "passed"),
                                          ("id   name\n#1   WRONG\n99   nothing\n", "failed")])
def test_the_lines_after_a_hash_are_compared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str], text: str, outcome: str) -> None:
    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(fs.answer(200, text.encode(), "text/plain"))

    monkeypatch.chdir(tmp_path)
    _, (result,) = replay_page(tmp_path, "cat.asciidoc", PAGE, lambda url: CONFIG.replace("URL", url), answer)
    capsys.readouterr()
    assert (result["outcome"], result["checked"]) == (outcome, "non_json")


def test_an_escaped_hash_stays_one_hash() -> None:
    assert match_non_json("/a \\s+\\#1\\s*/", "a #1") is None
    assert match_non_json("/a \\s+[#]1\\s*/", "a #1") is None
    assert match_non_json("/a\\\\\\\\#1/", "a\\\\#1") is None  # two escaped backslashes, then the "#"
    assert match_non_json("/a \\s+#1 \\s+x/", "a #1 y") is not None
