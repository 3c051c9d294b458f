"""A key given twice in one object, by the page or by the answer, is never a pass.

A JSON reader keeps the last value. A cloud page documenting ``"status": "RUNNING"`` and then
``"status": "STOPPED"`` passed as "verified (subset)" against a target answering ``STOPPED``: the
first value, shown on the page, was compared with nothing. Now the example is an error naming the key
and the line of its first value. An answer ``{"opened": false, "opened": true}`` passed as an exact
match of ``{"opened": true}``, though readers that keep the first value (and Elasticsearch's runner,
which rejects it) read another answer; now it fails, naming the key. Both found with the
response-mutation campaign (``benchmarks/mutation_campaign.py``). Real pages, real loopback server.
"""

from __future__ import annotations

from pathlib import Path

import fault_servers as fs
import pytest
from replay_project import cloud_config, replay_page

RST = """\
Querying a Job
==============

URI
---

GET /v1/{project_id}/jobs/{id}

Example Request
---------------

.. code-block:: text

   GET https://{endpoint}/v1/{project_id}/jobs/j1

Example Response
----------------

Status code: 200

.. code-block::

   {
     "id": "j1",
     "status": "RUNNING",
     "name": "nightly",
     "status": "STOPPED"
   }
"""
ADOC = """= Job

[source,js]
----
GET /jobs/j1
----
// CONSOLE

[source,js]
----
{
  "job": {"id": "j1", "state": "started", "state": "stopped"}
}
----
// TESTRESPONSE
"""
ES_CONFIG = ('[docharness]\nsources = ["."]\ndefault_target = "t"\n\n[targets.t]\nurl = "URL"\n\n'
             '[[sources]]\npaths = ["*.asciidoc"]\nfamily = "elasticsearch"\nmatch = "exact"\n')


def _answering(body: bytes) -> fs.Behaviour:
    return lambda conn, head, stop: conn.sendall(fs.answer(200, body))


@pytest.mark.parametrize("policy", ["subset", "exact", "shape"])
def test_a_cloud_response_giving_a_key_twice_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         policy: str) -> None:
    monkeypatch.chdir(tmp_path)
    answer = _answering(b'{"id": "j1", "status": "STOPPED", "name": "nightly"}')  # the last value, as read
    code, (result,) = replay_page(tmp_path, "job.rst", RST, lambda url: cloud_config(url, "rst", policy), answer)
    assert (code, result["outcome"]) == (1, "error")
    failure = result["failures"][0]
    assert failure["kind"] == "invalid_example"
    assert "'status' twice in the object at $" in failure["message"] and "remove one" in failure["message"]
    assert failure["span"]["line"] == 25  # the first value, the one nothing compared


def test_an_elasticsearch_response_giving_a_key_twice_is_an_error(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    answer = _answering(b'{"job": {"id": "j1", "state": "stopped"}}')
    code, (result,) = replay_page(tmp_path, "job.asciidoc", ADOC, lambda url: ES_CONFIG.replace("URL", url), answer)
    assert (code, result["outcome"]) == (1, "error")
    assert "'state' twice in the object at $.job" in result["failures"][0]["message"]


def test_the_same_key_in_two_objects_still_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    page = RST.replace('"status": "STOPPED"', '"owner": {"status": "STOPPED"}')
    body = b'{"id": "j1", "status": "RUNNING", "name": "nightly", "owner": {"status": "STOPPED"}}'
    code, (result,) = replay_page(tmp_path, "job.rst", page, lambda url: cloud_config(url, "rst", "subset"),
                                  _answering(body))
    assert (code, result["outcome"], result["checked"]) == (0, "passed", "subset")


OPEN = """= Open

[source,js]
----
POST _xpack/ml/anomaly_detectors/total-requests/_open
----
// CONSOLE

[source,js]
----
{
  "opened": true
}
----
// TESTRESPONSE
"""


@pytest.mark.parametrize("body,outcome", [(b'{"opened": true}', "passed"),
                                          (b'{"opened": false, "opened": true}', "failed"),
                                          (b'{"opened": true, "opened": true}', "failed")])
def test_an_answer_giving_a_key_twice_matches_no_documented_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   body: bytes, outcome: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, (result,) = replay_page(tmp_path, "open.asciidoc", OPEN, lambda url: ES_CONFIG.replace("URL", url),
                                  _answering(body))
    assert result["outcome"] == outcome
    if outcome == "failed":
        failure = result["failures"][0]
        assert failure["kind"] == "body" and "'opened' twice in the object at $" in failure["message"]
        assert failure["span"]["line"] == 12  # the documented key


@pytest.mark.parametrize("policy", ["subset", "shape"])
def test_a_cloud_answer_giving_a_key_twice_fails_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     policy: str) -> None:
    monkeypatch.chdir(tmp_path)
    page = RST.replace('     "status": "STOPPED"\n', "").replace('"name": "nightly",', '"name": "nightly"')
    body = b'{"id": "j1", "status": "FAILED", "status": "RUNNING", "name": "nightly"}'
    code, (result,) = replay_page(tmp_path, "job.rst", page, lambda url: cloud_config(url, "rst", policy),
                                  _answering(body))
    assert (code, result["outcome"]) == (1, "failed")
    assert "'status' twice in the object at $" in result["failures"][0]["message"]


@pytest.mark.parametrize("name,page,line,where", [("job.rst", RST, 25, "$"), ("job.asciidoc", ADOC, 12, "$.job")])
def test_extract_warns_about_a_key_given_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str], name: str, page: str, line: int,
                                               where: str) -> None:
    """``extract`` says what replay would report, at the same place and in the same words (before, only replay
    found it, so a page checked with ``extract`` alone looked clean)."""
    from harness.cli import main
    from harness.parsers.loader import load

    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(page, encoding="utf-8")
    (document,) = load([tmp_path / name], root=tmp_path)
    (warning,) = [d for d in document.diagnostics if d.code == "repeated-key"]
    key = "status" if name.endswith(".rst") else "state"
    assert warning.level.value == "warning" and warning.span.line == line
    assert warning.message == (f"the expected response gives the key {key!r} twice in the object at {where}: a JSON "
                               "reader keeps only the last value, so the other would never be compared; remove one "
                               "of them")
    main(["extract", "--no-cache", name])
    out = capsys.readouterr()
    assert f"{name}:{line}" in out.out + out.err and "repeated-key" in out.out + out.err
    clean = page.replace('"status": "STOPPED"', '"owner": {"status": "STOPPED"}').replace(
        '"state": "stopped"', '"next": {"state": "stopped"}')
    (tmp_path / name).write_text(clean, encoding="utf-8")
    (document,) = load([tmp_path / name], root=tmp_path)
    assert not [d for d in document.diagnostics if d.code == "repeated-key"]
