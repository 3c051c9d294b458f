"""Rollup jobs and the index/bulk calls of their setups, over real HTTP on loopback."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from server_client import SENSOR_INDEX, SENSOR_JOB, Es

from harness.server import ReferenceServer


@pytest.fixture()
def sensor_job(es: Es) -> Es:
    assert es("PUT", "sensor-1", SENSOR_INDEX)[0] == 200
    assert es("PUT", "_xpack/rollup/job/sensor", SENSOR_JOB) == (200, {"acknowledged": True})
    return es


def test_created_job_is_stopped_and_get_shows_its_config(sensor_job: Es) -> None:
    status, body = sensor_job("GET", "_xpack/rollup/job/sensor")
    assert status == 200
    [job] = body["jobs"]
    assert job["status"] == {"job_state": "stopped"}
    assert job["config"]["id"] == "sensor" and job["config"]["cron"] == "*/30 * * * * ?"
    assert job["config"]["groups"]["date_histogram"]["time_zone"] == "UTC"
    assert set(job["stats"]) == {"pages_processed", "documents_processed", "rollups_indexed", "trigger_count"}
    assert sensor_job("GET", "_xpack/rollup/job/_all")[1]["jobs"] == [job]
    assert sensor_job("GET", "_xpack/rollup/job/nope") == (200, {"jobs": []})


def test_start_and_stop_are_idempotent(sensor_job: Es) -> None:
    for _ in range(2):
        assert sensor_job("POST", "_xpack/rollup/job/sensor/_start") == (200, {"started": True})
    assert sensor_job("GET", "_xpack/rollup/job/sensor")[1]["jobs"][0]["status"]["job_state"] == "started"
    for _ in range(2):
        assert sensor_job("POST", "_xpack/rollup/job/sensor/_stop") == (200, {"stopped": True})
    assert sensor_job("GET", "_xpack/rollup/job/sensor")[1]["jobs"][0]["status"]["job_state"] == "stopped"
    assert sensor_job("POST", "_xpack/rollup/job/sensor/_stop", wait_for_completion="true")[0] == 200


@pytest.mark.parametrize("action", ["_start", "_stop"])
def test_unknown_job_answers_the_exact_seed_envelope_with_stack_traces(es: Es, action: str) -> None:
    status, body = es("POST", f"_xpack/rollup/job/does_not_exist/{action}", error_trace="true")
    assert status == 404
    reason = "Task for Rollup Job [does_not_exist] not found"
    assert set(body) == {"error", "status"} and body["status"] == 404
    assert set(body["error"]) == {"root_cause", "type", "reason", "stack_trace"}
    assert [set(cause) for cause in body["error"]["root_cause"]] == [{"type", "reason", "stack_trace"}]
    for part in (body["error"], body["error"]["root_cause"][0]):
        assert part["type"] == "resource_not_found_exception" and part["reason"] == reason
        assert isinstance(part["stack_trace"], str) and part["stack_trace"]


def test_without_error_trace_there_is_no_stack_trace(es: Es) -> None:
    status, body = es("POST", "_xpack/rollup/job/x/_stop")
    assert status == 404
    assert "stack_trace" not in body["error"] and "stack_trace" not in body["error"]["root_cause"][0]
    assert "stack_trace" not in es("POST", "_xpack/rollup/job/x/_stop", error_trace="false")[1]["error"]


def test_delete_refuses_a_started_job_then_removes_a_stopped_one(sensor_job: Es) -> None:
    sensor_job("POST", "_xpack/rollup/job/sensor/_start")
    status, body = sensor_job("DELETE", "_xpack/rollup/job/sensor")
    assert status == 409 and body["error"]["type"] == "status_exception"
    sensor_job("POST", "_xpack/rollup/job/sensor/_stop")
    assert sensor_job("DELETE", "_xpack/rollup/job/sensor") == (200, {"acknowledged": True})
    assert sensor_job("GET", "_xpack/rollup/job/sensor")[1] == {"jobs": []}
    status, body = sensor_job("DELETE", "_xpack/rollup/job/sensor")
    assert status == 404 and body["error"]["reason"] == "the task with id [sensor] doesn't exist"


def test_creating_a_job_twice_is_refused(sensor_job: Es) -> None:
    status, body = sensor_job("PUT", "_xpack/rollup/job/sensor", SENSOR_JOB)
    assert status == 400 and body["error"]["type"] == "resource_already_exists_exception"


@pytest.mark.parametrize("change, error_type, words", [
    ({"cron": None}, "action_request_validation_exception", "[cron] is required"),
    ({"page_size": "many"}, "x_content_parse_exception", "[page_size] must be of type number"),
    ({"page_size": True}, "x_content_parse_exception", "[page_size] must be of type number"),
    ({"colour": "red"}, "x_content_parse_exception", "unknown field [colour]"),
    ({"rollup_index": "sensor-rollup"}, "action_request_validation_exception", "would match rollup index"),
    ({"index_pattern": "other-*"}, "action_request_validation_exception", "Could not find a [date] field"),
    ({"metrics": [{"field": "voltage", "metrics": ["median"]}]}, "illegal_argument_exception", "median"),
    ({"groups": {"terms": {"fields": ["node"]}}}, "action_request_validation_exception", "[date_histogram]"),
    ({"id": "other"}, "illegal_argument_exception", "Inconsistent id"),
])
def test_invalid_job_bodies_are_400s_naming_the_problem(es: Es, change: dict[str, Any], error_type: str,
                                                         words: str) -> None:
    es("PUT", "sensor-1", SENSOR_INDEX)
    body = {k: v for k, v in {**SENSOR_JOB, **change}.items() if v is not None}
    status, answer = es("PUT", "_xpack/rollup/job/sensor", body)
    assert status == 400, answer
    assert answer["error"]["type"] == error_type
    assert words in answer["error"]["reason"]
    assert es("GET", "_xpack/rollup/job/sensor")[1] == {"jobs": []}


@pytest.mark.parametrize("raw, error_type", [
    ("{not json", "json_parse_exception"),
    ("", "parse_exception"),
    ("[1, 2]", "x_content_parse_exception"),
])
def test_unparseable_bodies_are_400s(es: Es, raw: str, error_type: str) -> None:
    status, answer = es("PUT", "_xpack/rollup/job/sensor", raw)
    assert (status, answer["error"]["type"], answer["status"]) == (400, error_type, 400)


def test_wrong_method_and_unknown_route(es: Es) -> None:
    status, body = es("GET", "_xpack/rollup/job/sensor/_start")
    assert status == 405 and body == {"error": "Incorrect HTTP method for uri [/_xpack/rollup/job/sensor/_start] "
                                               "and method [GET], allowed: [POST]", "status": 405}
    status, body = es("GET", "_xpack/rollup/nothing/here/at/all")
    assert status == 400 and "no handler found" in body["error"]["reason"]


def test_unsupported_content_type_is_406(reference_server: ReferenceServer) -> None:
    response = requests.put(reference_server.url + "/ct-check", data="settings=1",
                            headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=5)
    assert response.status_code == 406
    assert response.json()["error"] == "Content-Type header [application/x-www-form-urlencoded] is not supported"
