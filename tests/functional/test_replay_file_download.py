"""A cloud page that documents a file download shows a stand-in body: only the status is checked.

The response table's only field is typed ``File`` and the example response is the file's name
(``"chart-file.tgz"``). A loopback server answers with real bytes; the example passes, and the
results say it was checked by status only (not that a body was compared).
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest

from harness.cli import main

PAGE = """\
Downloading a Chart
===================

URI
---

GET /v2/charts/{chart_id}/archive

Response Parameters
-------------------

**Status code: 200**

.. table:: **Table 1** Response body parameters

   ========= ==== ==================================
   Parameter Type Description
   ========= ==== ==================================
   ``-``     File File name of the downloaded chart.
   ========= ==== ==================================

Example Requests
----------------

.. code-block:: text

   GET /v2/charts/c1/archive

Example Responses
-----------------

**Status code: 200**

OK

.. code-block::

   "chart-file.tgz"
"""


def archive(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(fs.answer(200, b"\x1f\x8b\x08\x00binary", content_type="application/octet-stream"))


def test_a_file_download_is_checked_by_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "chart.rst").write_text(PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with fs.fault_server(archive) as server:
        status = main(["replay", "chart.rst", "--target", server.url, "--report", "results.json"])
    [result] = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["results"]
    assert status == 0 and result["outcome"] == "passed" and result["checked"] == "status"
