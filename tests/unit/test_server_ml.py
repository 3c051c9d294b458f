"""ML anomaly detectors and datafeeds, over real HTTP on loopback."""

from __future__ import annotations

from typing import Any

import pytest
from server_client import Es

JOB = {
    "description": "Total sum of requests",
    "analysis_config": {"bucket_span": "10m", "detectors": [
        {"detector_description": "Sum of total", "function": "sum", "field_name": "total"}]},
    "data_description": {"time_field": "timestamp", "time_format": "epoch_ms"},
}
JOBS = "_xpack/ml/anomaly_detectors"
FEEDS = "_xpack/ml/datafeeds"


@pytest.fixture()
def job(es: Es) -> Es:
    status, body = es("PUT", f"{JOBS}/total-requests", JOB)
    assert status == 200, body
    return es


@pytest.fixture()
def feed(job: Es) -> Es:
    status, body = job("PUT", f"{FEEDS}/datafeed-total-requests", {"job_id": "total-requests",
                                                                   "indexes": ["server-metrics"]})
    assert status == 200, body
    return job


def state(es: Es, job_id: str = "total-requests") -> str:
    return str(es("GET", f"{JOBS}/{job_id}/_stats")[1]["jobs"][0]["state"])


def test_create_answers_the_full_configuration(es: Es) -> None:
    status, body = es("PUT", f"{JOBS}/total-requests", JOB)
    assert status == 200
    assert body["job_id"] == "total-requests" and body["job_type"] == "anomaly_detector"
    assert isinstance(body["create_time"], int)
    assert body["analysis_config"]["detectors"][0]["detector_index"] == 0
    assert body["analysis_limits"] == {"model_memory_limit": "1024mb", "categorization_examples_limit": 4}
    assert es("GET", f"{JOBS}/total-requests")[1] == {"count": 1, "jobs": [body]}
    assert es("GET", JOBS)[1]["count"] == 1


def test_open_and_close_are_idempotent_and_change_the_state(job: Es) -> None:
    assert state(job) == "closed"
    for _ in range(2):
        assert job("POST", f"{JOBS}/total-requests/_open") == (200, {"opened": True})
    assert state(job) == "opened"
    for _ in range(2):
        assert job("POST", f"{JOBS}/total-requests/_close", close_timeout="10m") == (200, {"closed": True})
    assert state(job) == "closed"


def test_close_timeout_must_be_a_time_value(job: Es) -> None:
    status, body = job("POST", f"{JOBS}/total-requests/_close", close_timeout="soon")
    assert status == 400 and body["error"]["type"] == "parse_exception"
    assert "close_timeout" in body["error"]["reason"]


@pytest.mark.parametrize("call", ["_open", "_close"])
def test_unknown_job_is_404(es: Es, call: str) -> None:
    status, body = es("POST", f"{JOBS}/nope/{call}")
    assert status == 404 and body["error"]["reason"] == "No known job with id 'nope'"


def test_a_started_datafeed_blocks_close_unless_forced(feed: Es) -> None:
    status, body = feed("POST", f"{FEEDS}/datafeed-total-requests/_start")
    assert status == 409 and "is closed" in body["error"]["reason"]
    feed("POST", f"{JOBS}/total-requests/_open")
    assert feed("POST", f"{FEEDS}/datafeed-total-requests/_start") == (200, {"started": True})
    assert feed("POST", f"{FEEDS}/datafeed-total-requests/_start")[0] == 409
    assert feed("GET", f"{FEEDS}/datafeed-total-requests/_stats")[1]["datafeeds"][0]["state"] == "started"
    status, body = feed("POST", f"{JOBS}/total-requests/_close")
    assert status == 409 and body["error"]["reason"] == ("cannot close job [total-requests], datafeed hasn't "
                                                         "been stopped")
    assert feed("POST", f"{JOBS}/total-requests/_close", force="true") == (200, {"closed": True})
    assert feed("GET", f"{FEEDS}/_stats")[1]["datafeeds"][0]["state"] == "stopped"


def test_delete_rules(feed: Es) -> None:
    assert feed("DELETE", f"{JOBS}/total-requests")[0] == 409  # the datafeed refers to it
    feed("POST", f"{JOBS}/total-requests/_open")
    feed("POST", f"{FEEDS}/datafeed-total-requests/_start")
    assert feed("DELETE", f"{FEEDS}/datafeed-total-requests")[0] == 409
    assert feed("POST", f"{FEEDS}/datafeed-total-requests/_stop") == (200, {"stopped": True})
    assert feed("DELETE", f"{FEEDS}/datafeed-total-requests") == (200, {"acknowledged": True})
    status, body = feed("DELETE", f"{JOBS}/total-requests")
    assert status == 409 and "the job is opened" in body["error"]["reason"]
    assert feed("DELETE", f"{JOBS}/total-requests", force="true") == (200, {"acknowledged": True})
    assert feed("GET", f"{JOBS}/total-requests")[0] == 404
    assert feed("DELETE", f"{FEEDS}/datafeed-total-requests")[0] == 404


def test_datafeed_needs_a_job_and_one_per_job(job: Es) -> None:
    assert job("PUT", f"{FEEDS}/feed-a", {"job_id": "nope", "indices": ["x"]})[0] == 404
    assert job("PUT", f"{FEEDS}/feed-a", {"job_id": "total-requests"})[0] == 400
    status, body = job("PUT", f"{FEEDS}/feed-a", {"job_id": "total-requests", "indices": "x"})
    assert status == 200 and body["indices"] == ["x"] and body["query"] == {"match_all": {"boost": 1.0}}
    assert job("PUT", f"{FEEDS}/feed-b", {"job_id": "total-requests", "indices": ["x"]})[0] == 409
    assert job("PUT", f"{FEEDS}/feed-a", {"job_id": "total-requests", "indices": ["x"]})[0] == 400
    assert job("GET", f"{FEEDS}/feed-a")[1]["count"] == 1
    assert job("GET", f"{FEEDS}/feed-z")[0] == 404


@pytest.mark.parametrize("job_id, change, words", [
    ("Bad_Name", {}, "Invalid job_id"),
    ("ok", {"analysis_config": {"bucket_span": "10m", "detectors": []}}, "No detectors configured"),
    ("ok", {"analysis_config": {"bucket_span": "ten", "detectors": [{"function": "count"}]}}, "bucket_span"),
    ("ok", {"analysis_config": {"bucket_span": "10m", "detectors": [{"function": "sum"}]}}, "field_name"),
    ("ok", {"data_description": None}, "[data_description] is required"),
    ("ok", {"job_id": "other"}, "Inconsistent job_id"),
    ("ok", {"colour": 1}, "unknown field [colour]"),
])
def test_invalid_jobs_are_400(es: Es, job_id: str, change: dict[str, Any], words: str) -> None:
    body = {k: v for k, v in {**JOB, **change}.items() if v is not None}
    status, answer = es("PUT", f"{JOBS}/{job_id}", body)
    assert status == 400 and words in answer["error"]["reason"], answer


def test_creating_a_job_twice_is_400(job: Es) -> None:
    status, body = job("PUT", f"{JOBS}/total-requests", JOB)
    assert status == 400 and body["error"]["type"] == "resource_already_exists_exception"


def test_boolean_flags_reject_other_words(job: Es) -> None:
    status, body = job("DELETE", f"{JOBS}/total-requests", force="maybe")
    assert status == 400 and "only [true] or [false]" in body["error"]["reason"]
