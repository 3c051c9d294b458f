"""Stateful workflows on a live target: CAPTURE, RETRY, multipart setups and teardowns, end to end.

Every test replays real pages (AsciiDoc, RST, HTML) through the command line against a
real loopback job server (``tests/live_server.py``) and checks what the server really
received and what the reports say.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest
from fault_servers import answer, fault_server, reset
from live_server import LiveServer, live_server

from harness.cli import main

JAR = b"PK\x03\x04 a tiny jar \x00\xff bytes"

CONFIG = """\
[targets.live]
url = "{url}"
timeout = 5

[[sources]]
paths = ["**"]
family = "cloud"
match = "exact"

[setups.upload_job_jar]
console = "POST /jars/upload"
multipart = {{ jarfile = {{ file = "../generated/job.jar", content_type = "application/x-java-archive" }}, note = "hi" }}
capture = {{ jar_id = "$body.filename~[^/]+$" }}

[teardowns]
delete_jar = "DELETE /jars/{{jar_id}}"
"""

ASCIIDOC = """\
= Jobs

[source,js]
----
POST /jars/{jar_id}/run
----
// CONSOLE
// TEST[setup:upload_job_jar teardown:delete_jar]
// CAPTURE[job_id=$body.jobid]

[source,js]
----
GET /jobs/{job_id}
----
// CONSOLE
// RETRY[until:$body.state=RUNNING every:20ms timeout:5s]

[source,js]
----
{"jid": "x", "name": "docharness-job", "state": "RUNNING", "start-time": 1, "now": 2}
----
// TESTRESPONSE[volatile:$.jid,$.start-time,$.now]
"""

RST = """\
Run a JAR
=========

Function
--------

Runs an uploaded JAR.

URI
---

POST /jars/{jar_id}/run

Example Request
---------------

.. code-block:: text

   POST /jars/{jar_id}/run

.. TEST[setup:upload_job_jar teardown:delete_jar]
.. CAPTURE[job_id=$body.jobid]

.. code-block:: text

   GET /jobs/{job_id}

.. RETRY[until:$body.state=RUNNING every:20ms timeout:5s]

Example Response
----------------

Status code: 200

.. code-block:: json

   {"jobid": "7f0c"}

.. TESTRESPONSE[shape]

.. code-block:: json

   {"jid": "x", "name": "docharness-job", "state": "RUNNING", "start-time": 1, "now": 2}

.. TESTRESPONSE[volatile:$.jid,$.start-time,$.now]
"""

HTML = """\
<html><body>
<h1>Run a JAR</h1>
<h4 class="sectiontitle">Function</h4>
<p>Runs an uploaded JAR.</p>
<h4 class="sectiontitle">URI</h4>
<p>POST /jars/{jar_id}/run</p>
<h4 class="sectiontitle">Example Request</h4>
<pre class="screen">POST /jars/{jar_id}/run</pre>
<!-- TEST[setup:upload_job_jar teardown:delete_jar] -->
<!-- CAPTURE[job_id=$body.jobid] -->
<pre class="screen">GET /jobs/{job_id}</pre>
<!-- RETRY[until:$body.state=RUNNING every:20ms timeout:5s] -->
<h4 class="sectiontitle">Example Response</h4>
<p>Status code: 200</p>
<pre class="screen">{"jobid": "7f0c"}</pre>
<!-- TESTRESPONSE[shape] -->
<pre class="screen">{"jid": "x", "name": "docharness-job", "state": "RUNNING", "start-time": 1, "now": 2}</pre>
<!-- TESTRESPONSE[volatile:$.jid,$.start-time,$.now] -->
</body></html>
"""
PAGES = {"jobs.asciidoc": ASCIIDOC, "jobs.rst": RST, "jobs.html": HTML}


def project(tmp_path: Path, server: LiveServer, pages: dict[str, str], config: str = CONFIG) -> Path:
    docs = tmp_path / "docs_src"
    docs.mkdir()
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "job.jar").write_bytes(JAR)
    (docs / "docharness.toml").write_text(config.format(url=server.url), encoding="utf-8")
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    return tmp_path


def report(path: str = "out.json") -> dict:  # type: ignore[type-arg]
    return json.loads(Path(path).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", list(PAGES))
def test_capture_retry_and_a_multipart_setup_run_a_workflow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            name: str) -> None:
    with live_server(ready_after=2) as server:
        monkeypatch.chdir(project(tmp_path, server, {name: PAGES[name]}))
        assert main(["replay", "--report", "out.json"]) == 0, report()
        received = [(r.method, r.path) for r in server.state.received]
        upload = server.state.received[0]
    results = report()["results"]
    assert [r["outcome"] for r in results] == ["passed", "passed"]
    jar_id = "0001_job.jar"
    job_id = f"{2:032x}"
    # the file's bytes arrived under the configured field name, with the plain field beside it
    assert upload.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert JAR in upload.body and b'name="jarfile"; filename="job.jar"' in upload.body
    assert b"application/x-java-archive" in upload.body and b'name="note"\r\n\r\nhi' in upload.body
    # captures filled the later paths (the config's teardown included); the retry polled until RUNNING
    assert received == [("POST", "/jars/upload"), ("POST", f"/jars/{jar_id}/run"), ("DELETE", f"/jars/{jar_id}"),
                        ("GET", f"/jobs/{job_id}"), ("GET", f"/jobs/{job_id}"), ("GET", f"/jobs/{job_id}")]
    assert results[0]["captures"] == [["jar_id", jar_id], ["job_id", job_id]]
    assert results[1]["polled_ms"] > 0 and results[1]["checked"] == "exact"
    # the report shows the upload's fields, never its bytes
    assert results[0]["exchanges"][0]["request_body"] == (
        f"multipart/form-data: jarfile=@job.jar (application/x-java-archive, {len(JAR)} bytes); note=hi")


def test_a_retry_that_never_holds_fails_with_the_last_value_and_the_tries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    page = ASCIIDOC.replace("every:20ms timeout:5s", "every:50ms timeout:300ms")
    with live_server(ready_after=1000) as server:
        monkeypatch.chdir(project(tmp_path, server, {"jobs.asciidoc": page}))
        assert main(["replay", "--report", "out.json"]) == 1
        polls = [r for r in server.state.received if r.path.startswith("/jobs/")]
    failure = report()["results"][1]["failures"][0]
    assert failure["kind"] == "retry" and len(polls) >= 3
    assert failure["message"] == (f"RETRY until $body.state=RUNNING: still not met after {len(polls)} tries in 0.3s; "
                                  "last seen $body.state=CREATED")
    assert failure["span"]["line"] == 16  # the RETRY line
    assert len(report()["results"][1]["exchanges"]) == 2  # the first and the last try
    assert "The retry condition never held" in capsys.readouterr().out


def test_a_missing_capture_path_fails_naming_the_path_and_showing_the_answer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = ASCIIDOC.replace("CAPTURE[job_id=$body.jobid]", "CAPTURE[job_id=$body.job.id]")
    with live_server() as server:
        monkeypatch.chdir(project(tmp_path, server, {"jobs.asciidoc": page}))
        assert main(["replay", "--report", "out.json"]) == 1
        deleted = [r.path for r in server.state.received if r.method == "DELETE"]
    first, second = report()["results"]
    failure = first["failures"][0]
    assert failure["kind"] == "capture" and "$body.job.id" in failure["message"]
    assert '"jobid"' in failure["actual"] and failure["span"]["line"] == 9
    assert deleted == ["/jars/0001_job.jar"]  # the teardown still ran, with the captured jar id
    # the later example that needs {job_id} says why it has none, and sends nothing
    assert second["outcome"] == "error" and "captured by a CAPTURE of this document" in second["reason"]


def test_teardowns_run_after_a_failure_and_see_captures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = ASCIIDOC.replace("// CAPTURE[job_id=$body.jobid]", "// CAPTURE[job_id=$body.jobid]\n\n"
                            "[source,js]\n----\n{\"jobid\": \"wrong\"}\n----\n// TESTRESPONSE")
    with live_server() as server:
        monkeypatch.chdir(project(tmp_path, server, {"jobs.asciidoc": page}))
        assert main(["replay", "--report", "out.json"]) == 1
        deleted = [r.path for r in server.state.received if r.method == "DELETE"]
        jars = dict(server.state.jars)
    assert report()["results"][0]["outcome"] == "failed"
    assert deleted == ["/jars/0001_job.jar"] and jars == {}


def test_a_missing_upload_file_is_an_error_that_sends_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with live_server() as server:
        root = project(tmp_path, server, {"jobs.asciidoc": ASCIIDOC})
        (root / "generated" / "job.jar").unlink()
        monkeypatch.chdir(root)
        assert main(["replay", "--report", "out.json"]) == 1
        sent = list(server.state.received)
    result = report()["results"][0]
    assert result["outcome"] == "error" and "cannot read the file to upload" in result["reason"]
    assert "job.jar" in result["reason"] and sent == []


def test_dry_run_shows_captures_unresolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    with live_server() as server:
        monkeypatch.chdir(project(tmp_path, server, {"jobs.asciidoc": ASCIIDOC}))
        assert main(["replay", "--dry-run"]) == 0
        assert server.state.received == []
    out = capsys.readouterr().out
    assert f"POST {server.url}/jars/{{jar_id}}/run" in out and f"GET {server.url}/jobs/{{job_id}}" in out
    assert f"DELETE {server.url}/jars/{{jar_id}}   (teardown:delete_jar)" in out
    assert "(captures {job_id} = $body.jobid)" in out and "(captures {jar_id} = $body.filename~[^/]+$)" in out
    assert "(sent again every 0.02s until $body.state=RUNNING, for at most 5s)" in out
    assert "jarfile=@job.jar (application/x-java-archive" in out


def test_a_page_teardown_waits_for_its_capture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = ("[source,js]\n----\nDELETE /jars/{jar_id}\n----\n// CONSOLE\n// TEARDOWN\n\n"
            "[source,js]\n----\nGET /jars\n----\n// CONSOLE\n\n"
            "[source,js]\n----\nGET /jars\n----\n// CONSOLE\n// TEST[setup:upload_job_jar]\n")
    with live_server() as server:
        monkeypatch.chdir(project(tmp_path, server, {"jobs.asciidoc": page}))
        assert main(["replay", "--report", "out.json"]) == 0
        received = [(r.method, r.path) for r in server.state.received]
    # after the first test nothing was uploaded, so there is nothing to delete yet
    assert received == [("GET", "/jars"), ("POST", "/jars/upload"), ("GET", "/jars"), ("DELETE", "/jars/0001_job.jar")]
    assert [r["outcome"] for r in report()["results"]] == ["passed", "passed"]


# A workflow that runs a job, as the Flink pages do: its teardown must end the job whatever happened. Flink's
# stop is accepted (202) but leaves running a job whose tasks do not all run yet; only a cancel
# (PATCH /jobs/ID?mode=cancel) ends it, and a cancel of a job that has already ended is a 409.
CANCEL_CONFIG = CONFIG + """
[teardowns.cancel_job]
console = "PATCH /jobs/{{job_id}}?mode=cancel"
ignore = [409]
"""

WORKFLOW = """\
= Jobs

[source,js]
----
POST /jars/{jar_id}/run
----
// CONSOLE
// TEST[setup:upload_job_jar teardown:cancel_job,delete_jar]
// CAPTURE[job_id=$body.jobid]

[source,js]
----
GET /jobs/{job_id}
----
// CONSOLE
// TEST[continued]
// RETRY[until:$body.state=RUNNING every:20ms timeout:5s]

[source,js]
----
POST /jobs/{job_id}/stop
----
// CONSOLE
// TEST[continued]
"""


def cancel_config(family: str) -> str:
    return CANCEL_CONFIG.replace('family = "cloud"', f'family = "{family}"')


def job_states(server: LiveServer) -> list[str]:
    return [job["state"] for job in server.state.jobs.values()]


@pytest.mark.parametrize("family", ["elasticsearch", "cloud"])
def test_a_named_teardown_cancels_with_patch_the_job_a_failed_workflow_left(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, family: str) -> None:
    page = WORKFLOW.replace(" every:20ms timeout:5s", " every:20ms timeout:60ms")  # fails before the job runs
    with live_server(ready_after=1000) as server:
        monkeypatch.chdir(project(tmp_path, server, {"jobs.asciidoc": page}, cancel_config(family)))
        assert main(["replay", "--report", "out.json"]) == 1
        sent = [(r.method, r.path) for r in server.state.received if r.method in ("PATCH", "DELETE")]
        states = job_states(server)
    job_id = f"{2:032x}"
    assert report()["results"][0]["failures"][0]["kind"] == "retry"
    trace = "error_trace=true" if family == "elasticsearch" else ""  # the Elasticsearch runner's own parameter
    assert sent == [("PATCH", f"/jobs/{job_id}?mode=cancel{'&' * bool(trace)}{trace}"),
                    ("DELETE", f"/jars/0001_job.jar{'?' * bool(trace)}{trace}")]
    assert states == ["CANCELED"]  # nothing left running


def test_a_cancel_teardown_takes_its_ignored_409_as_done_after_a_workflow_that_passed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with live_server(ready_after=1) as server:
        monkeypatch.chdir(project(tmp_path, server, {"jobs.asciidoc": WORKFLOW}, cancel_config("cloud")))
        assert main(["replay", "--report", "out.json"]) == 0, report()
        cancels = [r for r in server.state.received if r.method == "PATCH"]
        states = job_states(server)
    assert len(cancels) == 1 and states == ["FINISHED"]  # the stop ended it; the cancel answered 409
    assert report()["results"][0]["exchanges"][-2]["status"] == 409
    assert "teardown" not in capsys.readouterr().out


def test_a_teardown_that_fails_after_the_test_failed_is_a_warning_naming_the_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Before, the test's own failure hid it: nothing said the job was left behind."""
    config = CONFIG.replace('delete_jar = "DELETE', 'end_job = "DELETE /jobs/{{job_id}}"\ndelete_jar = "DELETE')
    page = WORKFLOW.replace(" every:20ms timeout:5s", " every:20ms timeout:60ms").replace("cancel_job", "end_job")
    with live_server(ready_after=1000) as server:
        monkeypatch.chdir(project(tmp_path, server, {"jobs.asciidoc": page}, config))
        assert main(["replay", "--report", "out.json"]) == 1
        states = job_states(server)
    assert states == ["CREATED"]  # the teardown could not end it (the server has no DELETE /jobs/ID)
    result = report()["results"][0]
    assert [f["kind"] for f in result["failures"]] == ["retry", "setup_failed"]
    assert result["failures"][1]["message"].startswith("teardown teardown:end_job: DELETE ")
    assert "answered 404" in result["failures"][1]["message"]
    (warning,) = [d for d in report()["diagnostics"] if d["code"] == "teardown-failed"]
    assert warning["level"] == "warning" and warning["message"].startswith("docs_src/jobs.asciidoc::line_4: a teardown did not")
    assert warning["span"]["path"].endswith("jobs.asciidoc")
    out = capsys.readouterr().out
    assert "warning[teardown-failed]" in out and "may still be on the target" in out
    assert out.index("may still be on the target") < out.index("0 passed, 1 failed")


def test_a_teardown_left_out_because_a_successful_answer_lacked_its_capture_is_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The run answered 200 and created a job, but the page captures a path the answer does not hold: the cancel
    cannot name the job. Before, it was left out as if nothing had been created, and nothing said so."""
    page = WORKFLOW.replace("CAPTURE[job_id=$body.jobid]", "CAPTURE[job_id=$body.job.id]")
    with live_server(ready_after=1000) as server:
        monkeypatch.chdir(project(tmp_path, server, {"jobs.asciidoc": page}, cancel_config("cloud")))
        assert main(["replay", "--report", "out.json"]) == 1
        states = job_states(server)
        methods = [r.method for r in server.state.received]
    assert states == ["CREATED"] and "PATCH" not in methods and "DELETE" in methods  # the JAR was still deleted
    (warning,) = [d for d in report()["diagnostics"] if d["code"] == "teardown-failed"]
    assert "teardown teardown:cancel_job: not sent, {job_id} was never captured (CAPTURE job_id=$body.job.id" \
        in warning["message"] and f"though POST {server.url}/jars/upload was accepted" in warning["message"]
    assert "may still be on the target" in capsys.readouterr().out


def test_a_teardown_left_out_because_its_capture_is_unbound_names_an_accepted_earlier_request(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run is refused (400), but the upload setup was accepted: the JAR is deleted (its id was captured), and
    the cancel, left out, is said with the accepted request (it may have created something nothing ends)."""
    page = WORKFLOW.replace("POST /jars/{jar_id}/run", "POST /jars/{jar_id}x/run")
    with live_server() as server:
        monkeypatch.chdir(project(tmp_path, server, {"jobs.asciidoc": page}, cancel_config("cloud")))
        assert main(["replay", "--report", "out.json"]) == 1
        jars = dict(server.state.jars)
    assert jars == {}
    (warning,) = [d for d in report()["diagnostics"] if d["code"] == "teardown-failed"]
    assert "{job_id} was never captured (CAPTURE job_id=$body.jobid: the answer holds no value" in warning["message"]
    assert f"though POST {server.url}/jars/upload was accepted" in warning["message"]


def test_a_teardown_left_out_because_nothing_was_created_says_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    page = WORKFLOW.replace("POST /jars/{jar_id}/run", "POST /jars/none/run").replace(
        "setup:upload_job_jar teardown:cancel_job,delete_jar", "teardown:cancel_job")  # 400: nothing created
    with live_server() as server:
        monkeypatch.chdir(project(tmp_path, server, {"jobs.asciidoc": page}, cancel_config("cloud")))
        assert main(["replay", "--report", "out.json"]) == 1
        states = job_states(server)
    assert states == [] and not [d for d in report()["diagnostics"] if d["code"] == "teardown-failed"]
    assert "teardown-failed" not in capsys.readouterr().out


def test_a_teardown_left_out_because_the_capturing_request_never_ran_is_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The uploaded JAR is named by a capture of a request the test never reached (it failed first)."""
    page = ("[source,js]\n----\nGET /nowhere\n----\n// CONSOLE\n// TEST[setup:upload_job_jar teardown:delete_jar]\n\n"
            "[source,js]\n----\nGET /jars\n----\n// CONSOLE\n// TEST[continued]\n// CAPTURE[jar_id=$body.files.0.id]\n")
    config = CONFIG.replace('capture = {{ jar_id = "$body.filename~[^/]+$" }}\n', "")
    with live_server() as server:
        monkeypatch.chdir(project(tmp_path, server, {"jobs.asciidoc": page}, config))
        assert main(["replay", "--report", "out.json"]) == 1
        jars = list(server.state.jars)
    assert jars == ["0001_job.jar"]  # left: nothing could name it
    (warning,) = [d for d in report()["diagnostics"] if d["code"] == "teardown-failed"]
    assert "teardown teardown:delete_jar: not sent, {jar_id} was never captured (the test failed before binding " \
        f"it) though POST {server.url}/jars/upload was accepted" in warning["message"]


def test_teardowns_not_sent_because_the_target_stopped_answering_are_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run is accepted, then the target resets every connection: the cancel can never be sent."""
    answered: list[bytes] = []

    def accept_then_reset(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        if not answered:
            answered.append(head)
            conn.sendall(answer(200, b'{"jobid": "0123"}'))
        else:
            reset(conn, head, stop)

    page = ("[source,js]\n----\nPOST /jars/x/run\n----\n// CONSOLE\n// TEST[teardown:cancel_job]\n"
            "// CAPTURE[job_id=$body.jobid]\n\n[source,js]\n----\nGET /jobs/{job_id}\n----\n// CONSOLE\n"
            "// TEST[continued]\n")
    with fault_server(accept_then_reset) as server:
        monkeypatch.chdir(project(tmp_path, server, {"jobs.asciidoc": page}, cancel_config("cloud")))  # type: ignore[arg-type]
        assert main(["replay", "--report", "out.json"]) == 1
    result = report()["results"][0]
    assert result["failures"][0]["kind"] == "connection"
    (warning,) = [d for d in report()["diagnostics"] if d["code"] == "teardown-failed"]
    assert f"teardown teardown:cancel_job: not sent, the target stopped answering after POST {server.url}/jars/x/run " \
        "was accepted" in warning["message"]
