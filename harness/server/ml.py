"""Elasticsearch 6.x machine-learning anomaly detectors and their datafeeds.

Jobs: create, get, ``_stats``, delete, ``_open``, ``_close`` (``timeout``, and
the deprecated ``close_timeout`` answered with a ``Warning`` header as 6.x does;
``force``). Datafeeds: create, get, ``_stats``, delete, ``_start``, ``_stop``. States:
a job is ``opened`` or ``closed``; a datafeed ``started`` or ``stopped``. Opening an
open job and closing a closed one are no-ops; a job with a started datafeed cannot be
closed (409) unless forced; an open job cannot be deleted unless forced.
"""

from __future__ import annotations

import re
from typing import Any

from harness.server.errors import EsError
from harness.server.routing import Call, Router, json_response
from harness.server.schema import Spec, check_es
from harness.server.state import Datafeed, MlJob, State, now_ms
from harness.server.wire import HttpResponse

__all__ = ["DEPRECATED_CLOSE_TIMEOUT", "deprecation_warning", "no_job", "register"]

JOBS, FEEDS = "/_xpack/ml/anomaly_detectors", "/_xpack/ml/datafeeds"
_ID = re.compile(r"^[a-z0-9](?:[a-z0-9_\-]*[a-z0-9])?$")
_TIME = re.compile(r"^-?\d+(?:nanos|micros|ms|s|m|h|d)$")
JOB_SPEC: Spec = {
    "description": ((str,), False), "analysis_config": ((dict,), True), "data_description": ((dict,), True),
    "analysis_limits": ((dict,), False), "model_plot_config": ((dict,), False), "groups": ((list,), False),
    "results_index_name": ((str,), False), "model_snapshot_retention_days": ((int,), False),
    "job_id": ((str,), False), "custom_settings": ((dict,), False),
}
ANALYSIS_SPEC: Spec = {
    "bucket_span": ((str,), True), "detectors": ((list,), True), "influencers": ((list,), False),
    "summary_count_field_name": ((str,), False), "categorization_field_name": ((str,), False),
    "latency": ((str,), False),
}
DETECTOR_SPEC: Spec = {
    "function": ((str,), True), "field_name": ((str,), False), "by_field_name": ((str,), False),
    "over_field_name": ((str,), False), "partition_field_name": ((str,), False),
    "detector_description": ((str,), False), "exclude_frequent": ((str,), False),
    "use_null": ((bool,), False),
}
DATA_SPEC: Spec = {"time_field": ((str,), False), "time_format": ((str,), False), "format": ((str,), False)}
FEED_SPEC: Spec = {
    "job_id": ((str,), True), "indexes": ((list, str), False), "indices": ((list, str), False),
    "types": ((list,), False), "query": ((dict,), False), "scroll_size": ((int,), False),
    "frequency": ((str,), False), "query_delay": ((str,), False), "datafeed_id": ((str,), False),
}
COUNT_FUNCTIONS = {"count", "high_count", "low_count", "non_zero_count", "rare", "time_of_day", "time_of_week"}


ES_VERSION = "6.8.13"
DEPRECATED_CLOSE_TIMEOUT = "Deprecated field [close_timeout] used, expected [timeout] instead"


def deprecation_warning(message: str) -> str:
    """A ``Warning`` header value as Elasticsearch 6.x writes it: code 299, agent, quoted text."""
    escaped = message.replace("\\", "\\\\").replace('"', '\\"')
    return f'299 Elasticsearch-{ES_VERSION} "{escaped}"'


def register(router: Router) -> None:
    """Add the job and datafeed routes to ``router``."""
    for base, put, get, stats, delete in ((JOBS, put_job, get_jobs, job_stats, delete_job),
                                          (FEEDS, put_datafeed, get_datafeeds, datafeed_stats, delete_datafeed)):
        router.add("GET", base + "/_stats", stats)  # before /{id}: "_stats" is not an id
        router.add("GET", base + "/{id}/_stats", stats)
        router.add("PUT", base + "/{id}", put)
        router.add("GET", base + "/{id}", get)
        router.add("GET", base, get)
        router.add("DELETE", base + "/{id}", delete)
    router.add("POST", JOBS + "/{id}/_open", open_job)
    router.add("POST", JOBS + "/{id}/_close", close_job)
    router.add("POST", FEEDS + "/{id}/_start", start_datafeed)
    router.add("POST", FEEDS + "/{id}/_stop", stop_datafeed)


def no_job(job_id: str) -> EsError:
    """The 404 for an unknown job."""
    return EsError(404, "resource_not_found_exception", f"No known job with id '{job_id}'")


def no_datafeed(feed_id: str) -> EsError:
    """The 404 for an unknown datafeed."""
    return EsError(404, "resource_not_found_exception", f"No datafeed with id [{feed_id}] exists")


def _check_id(kind: str, value: str) -> None:
    if not _ID.match(value) or len(value) > 64:
        raise EsError(400, "illegal_argument_exception",
                      f"Invalid {kind}; '{value}' can contain lowercase alphanumeric (a-z and 0-9), hyphens or "
                      "underscores; must start and end with alphanumeric")


def _check_time(name: str, value: str) -> None:
    if not _TIME.match(value):
        raise EsError(400, "parse_exception", f"failed to parse setting [{name}] with value [{value}] as a time "
                                              "value: unit is missing or unrecognized")


def _job_config(job_id: str, body: Any) -> dict[str, Any]:
    config = check_es(body, JOB_SPEC, "job_details")
    analysis = check_es(config["analysis_config"], ANALYSIS_SPEC, "analysis_config")
    _check_time("bucket_span", analysis["bucket_span"])
    if not analysis["detectors"]:
        raise EsError(400, "status_exception", "No detectors configured")
    detectors = []
    for number, raw in enumerate(analysis["detectors"]):
        detector = check_es(raw, DETECTOR_SPEC, "detector")
        fields = ("field_name", "by_field_name", "over_field_name")
        if detector["function"] not in COUNT_FUNCTIONS and not any(detector.get(f) for f in fields):
            raise EsError(400, "status_exception", "Unless a count or temporal function is used one of "
                                                   "field_name, by_field_name or over_field_name must be set")
        detectors.append({**detector, "detector_index": number})
    data = check_es(config["data_description"], DATA_SPEC, "data_description")
    if config.get("job_id", job_id) != job_id:
        raise EsError(400, "illegal_argument_exception",
                      f"Inconsistent job_id; '{config['job_id']}' specified in the body differs from '{job_id}' "
                      "specified as a URL argument")
    return {
        "job_id": job_id, "job_type": "anomaly_detector", "job_version": "6.8.13",
        **({"description": config["description"]} if "description" in config else {}),
        "create_time": now_ms(),
        "analysis_config": {**analysis, "detectors": detectors, "influencers": analysis.get("influencers", [])},
        "analysis_limits": config.get("analysis_limits", {"model_memory_limit": "1024mb",
                                                          "categorization_examples_limit": 4}),
        "data_description": {"time_field": "time", "time_format": "epoch_ms", **data},
        "model_snapshot_retention_days": config.get("model_snapshot_retention_days", 1),
        "results_index_name": config.get("results_index_name", "shared"),
    }


def put_job(call: Call) -> HttpResponse:
    """``PUT _xpack/ml/anomaly_detectors/<id>``: create a closed job; answers its full configuration."""
    job_id = call.params["id"]
    _check_id("job_id", job_id)
    config = _job_config(job_id, call.json())
    with call.state.lock:
        if job_id in call.state.ml_jobs:
            raise EsError(400, "resource_already_exists_exception",
                          f"The job cannot be created with the Id '{job_id}'. The Id is already used.")
        call.state.ml_jobs[job_id] = MlJob(config)
    return json_response(config)


def _pick(items: dict[str, Any], wanted: str, missing: Any) -> list[str]:
    if wanted in ("_all", "*", ""):
        return sorted(items)
    if wanted not in items:
        raise missing
    return [wanted]


def get_jobs(call: Call) -> HttpResponse:
    """``GET _xpack/ml/anomaly_detectors[/<id>]``: ``{"count", "jobs"}``."""
    job_id = call.params.get("id", "_all")
    with call.state.lock:
        names = _pick(call.state.ml_jobs, job_id, no_job(job_id))
        jobs = [call.state.ml_jobs[n].config for n in names]
    return json_response({"count": len(jobs), "jobs": jobs})


def job_stats(call: Call) -> HttpResponse:
    """``GET _xpack/ml/anomaly_detectors[/<id>]/_stats``: each job's state and data counts."""
    job_id = call.params.get("id", "_all")
    with call.state.lock:
        names = _pick(call.state.ml_jobs, job_id, no_job(job_id))
        jobs = [{"job_id": n, "data_counts": {"job_id": n, "processed_record_count": 0, "input_record_count": 0},
                 "state": "opened" if call.state.ml_jobs[n].opened else "closed"} for n in names]
    return json_response({"count": len(jobs), "jobs": jobs})


def _feed_of(state: State, job_id: str) -> Datafeed | None:
    return next((f for f in state.datafeeds.values() if f.config["job_id"] == job_id), None)


def delete_job(call: Call) -> HttpResponse:
    """``DELETE _xpack/ml/anomaly_detectors/<id>``: remove a closed job (``force`` for an open one)."""
    job_id, force = call.params["id"], call.flag("force")
    with call.state.lock:
        job = call.state.ml_jobs.get(job_id)
        if job is None:
            raise no_job(job_id)
        feed = _feed_of(call.state, job_id)
        if feed is not None:
            raise EsError(409, "status_exception", f"Cannot delete job [{job_id}] because datafeed "
                                                   f"[{feed.config['datafeed_id']}] refers to it")
        if job.opened and not force:
            raise EsError(409, "status_exception", f"Cannot delete job [{job_id}] because the job is opened")
        del call.state.ml_jobs[job_id]
    return json_response({"acknowledged": True})


def open_job(call: Call) -> HttpResponse:
    """``POST _xpack/ml/anomaly_detectors/<id>/_open``: open it (a no-op when open)."""
    job_id = call.params["id"]
    if "timeout" in call.request.query:
        _check_time("timeout", call.request.query["timeout"])
    with call.state.lock:
        job = call.state.ml_jobs.get(job_id)
        if job is None:
            raise no_job(job_id)
        job.opened = True  # opening an opened job changes nothing
    return json_response({"opened": True})


def close_job(call: Call) -> HttpResponse:
    """``POST _xpack/ml/anomaly_detectors/<id>/_close``: close it; a started datafeed blocks unless ``force``."""
    job_id, force = call.params["id"], call.flag("force")
    call.flag("allow_no_jobs", True)
    for name in ("timeout", "close_timeout"):
        if name in call.request.query:
            _check_time(name, call.request.query[name])
    with call.state.lock:
        job = call.state.ml_jobs.get(job_id)
        if job is None:
            raise no_job(job_id)
        feed = _feed_of(call.state, job_id)
        if feed is not None and feed.started:
            if not force:
                raise EsError(409, "status_exception",
                              f"cannot close job [{job_id}], datafeed hasn't been stopped")
            feed.started = False
        job.opened = False
    response = json_response({"closed": True})
    if "close_timeout" in call.request.query:
        # 6.x renamed the parameter; the old name still works, with a deprecation header
        response.headers.append(("Warning", deprecation_warning(DEPRECATED_CLOSE_TIMEOUT)))
    return response


def put_datafeed(call: Call) -> HttpResponse:
    """``PUT _xpack/ml/datafeeds/<id>``: create a stopped datafeed for an existing job."""
    feed_id = call.params["id"]
    _check_id("datafeed_id", feed_id)
    body = check_es(call.json(), FEED_SPEC, "datafeed_config")
    indices = body.get("indices", body.get("indexes"))
    if not indices:
        raise EsError(400, "action_request_validation_exception", "Validation Failed: 1: indices must be set;")
    config = {
        "datafeed_id": feed_id, "job_id": body["job_id"], "query_delay": body.get("query_delay", "60s"),
        "indices": [indices] if isinstance(indices, str) else indices, "types": body.get("types", []),
        "query": body.get("query", {"match_all": {"boost": 1.0}}), "scroll_size": body.get("scroll_size", 1000),
        "chunking_config": {"mode": "auto"},
    }
    with call.state.lock:
        if feed_id in call.state.datafeeds:
            raise EsError(400, "resource_already_exists_exception",
                          f"A datafeed with id [{feed_id}] already exists")
        if body["job_id"] not in call.state.ml_jobs:
            raise no_job(body["job_id"])
        other = _feed_of(call.state, body["job_id"])
        if other is not None:
            raise EsError(409, "resource_already_exists_exception", f"A datafeed [{other.config['datafeed_id']}] "
                                                                   f"already exists for job [{body['job_id']}]")
        call.state.datafeeds[feed_id] = Datafeed(config)
    return json_response(config)


def get_datafeeds(call: Call) -> HttpResponse:
    """``GET _xpack/ml/datafeeds[/<id>]``: ``{"count", "datafeeds"}``."""
    feed_id = call.params.get("id", "_all")
    with call.state.lock:
        names = _pick(call.state.datafeeds, feed_id, no_datafeed(feed_id))
        feeds = [call.state.datafeeds[n].config for n in names]
    return json_response({"count": len(feeds), "datafeeds": feeds})


def datafeed_stats(call: Call) -> HttpResponse:
    """``GET _xpack/ml/datafeeds[/<id>]/_stats``: each datafeed's state."""
    feed_id = call.params.get("id", "_all")
    with call.state.lock:
        names = _pick(call.state.datafeeds, feed_id, no_datafeed(feed_id))
        feeds = [{"datafeed_id": n, "state": "started" if call.state.datafeeds[n].started else "stopped"}
                 for n in names]
    return json_response({"count": len(feeds), "datafeeds": feeds})


def delete_datafeed(call: Call) -> HttpResponse:
    """``DELETE _xpack/ml/datafeeds/<id>``: remove a stopped datafeed (``force`` for a started one)."""
    feed_id, force = call.params["id"], call.flag("force")
    with call.state.lock:
        feed = call.state.datafeeds.get(feed_id)
        if feed is None:
            raise no_datafeed(feed_id)
        if feed.started and not force:
            raise EsError(409, "status_exception",
                          f"Cannot delete datafeed [{feed_id}] while its status is started")
        del call.state.datafeeds[feed_id]
    return json_response({"acknowledged": True})


def start_datafeed(call: Call) -> HttpResponse:
    """``POST _xpack/ml/datafeeds/<id>/_start``: start it; its job must be open."""
    feed_id = call.params["id"]
    with call.state.lock:
        feed = call.state.datafeeds.get(feed_id)
        if feed is None:
            raise no_datafeed(feed_id)
        job = call.state.ml_jobs[feed.config["job_id"]]
        if not job.opened:
            raise EsError(409, "status_exception", f"cannot start datafeed [{feed_id}] because job "
                                                   f"[{job.config['job_id']}] is closed")
        if feed.started:
            raise EsError(409, "status_exception", f"cannot start datafeed [{feed_id}] because it has already "
                                                   "been started")
        feed.started = True
    return json_response({"started": True})


def stop_datafeed(call: Call) -> HttpResponse:
    """``POST _xpack/ml/datafeeds/<id>/_stop``: stop it (a no-op when stopped)."""
    feed_id = call.params["id"]
    call.flag("force")
    with call.state.lock:
        feed = call.state.datafeeds.get(feed_id)
        if feed is None:
            raise no_datafeed(feed_id)
        feed.started = False
    return json_response({"stopped": True})
