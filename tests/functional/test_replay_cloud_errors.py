"""An error example of a cloud page replays as its own test, expecting its own status and body.

A copy of the CDM "querying a job" page gets a second example request (a job that does
not exist) and a "Response to example 2 (status code 404)" block; replayed against the
real reference server on a loopback port, the success example still gets its 200 block
and the error example is checked against 404 and the error body, not against the 2xx block.
"""

from __future__ import annotations

from pathlib import Path

from test_replay_seeds import copy_project, replay_tree

from harness.results import FailureKind
from harness.server import ReferenceServer

PAGE = "docs_src/cloud/cdm/querying_a_job.rst"
REQUEST = """-  Example request 2: a job that does not exist

   .. code-block:: text

      GET /v1.1/1551c7f6c808414d8e9f3c514a170f2e/clusters/6ec9a0a4-76be-4262-8697-e7af1fac7920/cdm/job/no_such_job

"""
RESPONSE = """-  Response to example 2 (status code {status})

   .. code-block::

      {{"error_code": "CDM.0002", "{key}": "The job does not exist."}}

"""


def with_error_example(tmp_path: Path, status: int = 404, key: str = "error_msg") -> Path:
    root = copy_project(tmp_path)
    page = root / PAGE
    text = page.read_text(encoding="utf-8")
    text = text.replace("Example Responses\n-----------------", REQUEST + "Example Responses\n-----------------", 1)
    text = text.replace("Status Codes\n------------", RESPONSE.format(status=status, key=key)
                        + "Status Codes\n------------", 1)
    page.write_text(text, encoding="utf-8")
    return root


def test_the_error_example_expects_its_own_status_and_body(tmp_path: Path,
                                                           fresh_reference_server: ReferenceServer) -> None:
    result = replay_tree(with_error_example(tmp_path), fresh_reference_server, PAGE)
    assert [(r.outcome.value, r.failures) for r in result.results] == [("passed", ()), ("passed", ())]
    error = result.results[1]
    (sent,) = [e for e in error.exchanges if e.phase == "test"]
    assert sent.status == 404 and sent.url.endswith("/cdm/job/no_such_job")


def test_a_wrong_documented_error_status_or_body_fails(tmp_path: Path,
                                                       fresh_reference_server: ReferenceServer) -> None:
    status = replay_tree(with_error_example(tmp_path / "status", status=409), fresh_reference_server, PAGE)
    assert [[f.kind for f in r.failures] for r in status.results] == [[], [FailureKind.STATUS]]
    body = replay_tree(with_error_example(tmp_path / "body", key="wrong_key"), fresh_reference_server, PAGE)
    assert [[f.kind for f in r.failures] for r in body.results] == [[], [FailureKind.BODY]]
