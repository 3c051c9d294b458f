"""The named setups of docs_src/docharness.toml run cleanly against the reference server.

Each setup is parsed with the project's one console grammar and sent as the replay
engine sends Elasticsearch requests (relative path made absolute, NDJSON bodies as
such); every step must succeed and leave the state the seed pages rely on.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import requests

from harness.model import BodyKind, Span
from harness.parsers.console import parse_console
from harness.server import ReferenceServer

CONFIG = Path(__file__).resolve().parents[2] / "docs_src" / "docharness.toml"
_PROJECT = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
# the reference server's setups; the Flink ones (docs_src/flink, the live lane) are for a real cluster
_FOR_FLINK = ("upload_job_jar", "cancel_job", "delete_job_jar")
SETUPS: dict[str, str] = {k: v for k, v in _PROJECT["setups"].items()
                          if isinstance(v, str) and k not in _FOR_FLINK}
TEARDOWNS: dict[str, str] = {k: v for k, v in _PROJECT["teardowns"].items()
                             if isinstance(v, str) and k not in _FOR_FLINK}


def run_snippet(server: ReferenceServer, name: str, text: str) -> None:
    requests_, diagnostics = parse_console(text, Span(str(CONFIG), 1))
    assert not diagnostics, diagnostics
    with requests.Session() as session:
        for request in requests_:
            ndjson = request.body_kind is BodyKind.NDJSON
            content_type = "application/x-ndjson" if ndjson else "application/json"
            body = f"{request.body}\n" if ndjson else request.body  # as Elasticsearch's runner re-serialises it
            response = session.request(request.method, f"{server.url}/{request.path.lstrip('/')}", data=body, headers={"Content-Type": content_type}, timeout=5)
            assert response.status_code < 300, f"{name}: {request.method} {request.path} -> {response.text}"
            if request.body_kind is BodyKind.NDJSON:
                assert response.json()["errors"] is False


@pytest.mark.parametrize("name", sorted(SETUPS))
def test_every_named_setup_runs_cleanly(fresh_reference_server: ReferenceServer, name: str) -> None:
    run_snippet(fresh_reference_server, name, SETUPS[name])


def test_sensor_started_rollup_job_leaves_six_documents_and_a_started_job(
        fresh_reference_server: ReferenceServer) -> None:
    run_snippet(fresh_reference_server, "sensor_started_rollup_job", SETUPS["sensor_started_rollup_job"])
    url = fresh_reference_server.url
    assert requests.get(url + "/sensor-1/_count", timeout=5).json()["count"] == 6
    [job] = requests.get(url + "/_xpack/rollup/job/sensor", timeout=5).json()["jobs"]
    assert job["status"]["job_state"] == "started" and job["config"]["cron"] == "* * * * * ?"
    assert requests.post(url + "/_xpack/rollup/job/sensor/_stop", timeout=5).json() == {"stopped": True}


def test_sensor_rollup_job_leaves_a_stopped_job_that_starts(fresh_reference_server: ReferenceServer) -> None:
    run_snippet(fresh_reference_server, "sensor_rollup_job", SETUPS["sensor_rollup_job"])
    url = fresh_reference_server.url
    [job] = requests.get(url + "/_xpack/rollup/job/sensor", timeout=5).json()["jobs"]
    assert job["status"]["job_state"] == "stopped"
    assert requests.post(url + "/_xpack/rollup/job/sensor/_start", timeout=5).json() == {"started": True}


def test_server_metrics_openjob_leaves_an_open_job_that_closes(fresh_reference_server: ReferenceServer) -> None:
    run_snippet(fresh_reference_server, "server_metrics_openjob", SETUPS["server_metrics_openjob"])
    url = fresh_reference_server.url
    assert requests.get(url + "/server-metrics/_count", timeout=5).json()["count"] == 15
    stats = requests.get(url + "/_xpack/ml/anomaly_detectors/total-requests/_stats", timeout=5).json()
    assert stats["jobs"][0]["state"] == "opened"
    closed = requests.post(url + "/_xpack/ml/anomaly_detectors/total-requests/_close", timeout=5)
    assert closed.json() == {"closed": True}


@pytest.mark.parametrize("setup, teardown", [("sensor_started_rollup_job", "sensor_rollup_cleanup"),
                                             ("server_metrics_startdf", "server_metrics_cleanup")])
def test_teardowns_undo_their_setups(fresh_reference_server: ReferenceServer, setup: str, teardown: str) -> None:
    run_snippet(fresh_reference_server, setup, SETUPS[setup])
    run_snippet(fresh_reference_server, teardown, TEARDOWNS[teardown])
    state = fresh_reference_server.state
    assert not state.indices and not state.rollup_jobs and not state.ml_jobs and not state.datafeeds
