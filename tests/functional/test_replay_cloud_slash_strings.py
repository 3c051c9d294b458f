"""A cloud page's ``"/data/wang/"`` is a path and ``"$LATEST"`` a value: Elasticsearch's conventions stay there.

``/regex/`` strings are Elasticsearch's convention (its runner's ``match``). On a cloud page (ModelArts
documents ``"mount_path" : "/data/wang/"``) the subset check read the value as the pattern
``data/wang`` and passed ``"/mnt/old/data/wang/backup"`` as "verified (subset)". Real loopback server,
real pages; the Elasticsearch family keeps its patterns.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import cloud_config

from harness.cli import main

PAGE = """\
Querying a Notebook
===================

URI
---

GET /v1/{project_id}/notebooks/{id}

Example Request
---------------

.. code-block:: text

   GET https://{endpoint}/v1/{project_id}/notebooks/nb1

Example Response
----------------

Status code: 200

.. code-block::

   {
     "id": "nb1",
     "mount_path": "/data/wang/"
   }
"""
ES_PAGE = """= Notebook

[source,js]
----
GET /v1/p1/notebooks/nb1
----
// CONSOLE

[source,js]
----
{"id": "nb1", "mount_path": "/data/wang/"}
----
// TESTRESPONSE[subset]
"""


def _replay(tmp_path: Path, mount_path: str, config: str) -> dict[str, object]:
    body = json.dumps({"id": "nb1", "mount_path": mount_path}).encode()

    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(fs.answer(200, body))

    with fs.fault_server(answer) as server:
        (tmp_path / "docharness.toml").write_text(config.replace("URL", server.url), encoding="utf-8")
        main(["replay", "--no-cache", "--report", "results.json"])
    (result,) = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["results"]
    return dict(result)


@pytest.mark.parametrize("mount_path,outcome", [("/data/wang/", "passed"), ("/mnt/old/data/wang/backup", "failed")])
def test_a_slash_string_on_a_cloud_page_is_compared_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str], mount_path: str,
                                                               outcome: str) -> None:
    (tmp_path / "notebook.rst").write_text(PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = _replay(tmp_path, mount_path, cloud_config("URL", "rst", "subset"))
    capsys.readouterr()
    assert (result["outcome"], result["checked"]) == (outcome, "subset")
    if outcome == "failed":
        assert result["failures"][0]["diff"][0]["path"] == "$.mount_path"  # type: ignore[index]


def test_an_elasticsearch_page_keeps_its_patterns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notebook.asciidoc").write_text(ES_PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = ('[docharness]\nsources = ["."]\ndefault_target = "t"\n\n[targets.t]\nurl = "URL"\n\n'
              '[[sources]]\npaths = ["*.asciidoc"]\nfamily = "elasticsearch"\nmatch = "exact"\n')
    result = _replay(tmp_path, "/mnt/old/data/wang/backup", config)
    capsys.readouterr()
    assert result["outcome"] == "passed"  # "/data/wang/" is the pattern data/wang there, found unanchored


DOLLAR_PAGE = PAGE.replace('"mount_path": "/data/wang/"', '"mount_path": "$LATEST"')


@pytest.mark.parametrize("mount_path,outcome", [("$LATEST", "passed"), ("1", "failed")])
def test_a_dollar_value_on_a_cloud_page_is_a_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str], mount_path: str,
                                                   outcome: str) -> None:
    """``"$LATEST"`` (a FunctionGraph version) was read as the runner's stash key ``LATEST``: the page's own
    answer failed ("the response holds no value here") and the badge counted it as only checked present."""
    (tmp_path / "notebook.rst").write_text(DOLLAR_PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = _replay(tmp_path, mount_path, cloud_config("URL", "rst", "subset"))
    capsys.readouterr()
    assert (result["outcome"], result["documented_values"], result["presence_only"]) == (outcome, 2, 0)
    if outcome == "failed":
        assert result["failures"][0]["diff"][0]["message"] == "values differ"  # type: ignore[index]


def test_a_volatile_root_compares_no_value_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """``volatile = ["$"]`` compares nothing (every matcher returns at once); before, the result still
    counted both documented values as compared, so the badge read "verified (subset: ...)"."""
    (tmp_path / "notebook.rst").write_text(PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = cloud_config("URL", "rst", "subset") + 'volatile = ["$"]\n'
    result = _replay(tmp_path, "/somewhere/else", config)
    capsys.readouterr()
    assert (result["outcome"], result["documented_values"], result["presence_only"]) == ("passed", 2, 2)
