"""A named setup or TESTSETUP request answered with a ``Warning`` header fails the test, as in the runner.

Reference spec §9.6: every ``do`` section checks its warnings, the setup's too, and a setup never
expects one (a ``warning:`` on a TESTSETUP breaks the suite). Before, only the test's own requests
were checked, so a page whose setup used a deprecated call passed against a live cluster where the
Elasticsearch build fails it. Real loopback server; the reset steps (the runner's own wipe) stay
unchecked.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import replay_page


PAGE = """= Warned setup

[source,js]
----
GET sensor-1/_search
----
// CONSOLE
// TEST[setup:deprecated_index]
"""
TESTSETUP_PAGE = """= Warned TESTSETUP

[source,js]
----
PUT warned-index
----
// CONSOLE
// TESTSETUP

[source,js]
----
GET sensor-1/_search
----
// CONSOLE
"""
CONFIG = """[docharness]
sources = ["."]
default_target = "t"

[targets.t]
url = "URL"
reset = "POST /_wipe"

[[sources]]
paths = ["*.asciidoc"]
family = "elasticsearch"
match = "exact"

[setups]
deprecated_index = "PUT warned-index"
"""
WARNING = '299 Elasticsearch-6.8.0 "[warned-index] the mapping type is deprecated"'


def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    warned = head.startswith((b"PUT /warned-index", b"POST /_wipe"))
    conn.sendall(fs.answer(200, b'{"acknowledged": true}', extra=f"Warning: {WARNING}\r\n" if warned else ""))


@pytest.mark.parametrize("page", [PAGE, TESTSETUP_PAGE], ids=["named-setup", "testsetup"])
def test_a_warning_in_a_setup_fails_the_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str], page: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, (result,) = replay_page(tmp_path, "page.asciidoc", page, lambda url: CONFIG.replace("URL", url), answer)
    capsys.readouterr()
    assert code == 1
    assert result["outcome"] == "failed"
    failure = result["failures"][0]
    assert failure["kind"] == "warnings"
    assert failure["message"].startswith("setup ") and "PUT" in failure["message"]
    assert "got unexpected warning header: [warned-index] the mapping type is deprecated" in failure["message"]
    assert [e["phase"] for e in result["exchanges"]] == ["setup", "reset"]  # the test never ran; the reset did
