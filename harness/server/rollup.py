"""Elasticsearch 6.x rollup jobs: create, get, delete, ``_start`` and ``_stop``.

Semantics as the 6.x pages state them: a job is created stopped; starting a started
job or stopping a stopped one changes nothing and still answers ``{"started": true}`` /
``{"stopped": true}``; an unknown job answers 404 ``resource_not_found_exception``
"Task for Rollup Job [x] not found"; a started job cannot be deleted.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from harness.server.errors import EsError
from harness.server.routing import Call, Router, json_response
from harness.server.schema import Spec, check_es
from harness.server.state import RollupJob, State
from harness.server.wire import HttpResponse

__all__ = ["register"]

BASE = "/_xpack/rollup/job"

JOB_SPEC: Spec = {
    "index_pattern": ((str,), True), "rollup_index": ((str,), True), "cron": ((str,), True),
    "page_size": ((int,), True), "groups": ((dict,), True), "metrics": ((list,), False),
    "timeout": ((str,), False), "id": ((str,), False),
}
GROUPS_SPEC: Spec = {"date_histogram": ((dict,), True), "terms": ((dict,), False), "histogram": ((dict,), False)}
DATE_HISTOGRAM_SPEC: Spec = {
    "field": ((str,), True), "interval": ((str,), True), "delay": ((str,), False), "time_zone": ((str,), False),
}
METRIC_SPEC: Spec = {"field": ((str,), True), "metrics": ((list,), True)}
METRICS = {"min", "max", "sum", "avg", "value_count"}


def register(router: Router) -> None:
    """Add the rollup routes to ``router``."""
    router.add("PUT", BASE + "/{job_id}", put_job)
    router.add("GET", BASE + "/{job_id}", get_jobs)
    router.add("GET", BASE, get_jobs)
    router.add("DELETE", BASE + "/{job_id}", delete_job)
    router.add("POST", BASE + "/{job_id}/_start", start_job)
    router.add("POST", BASE + "/{job_id}/_stop", stop_job)


def not_found(job_id: str) -> EsError:
    """The 404 Elasticsearch answers for a job with no task."""
    return EsError(404, "resource_not_found_exception", f"Task for Rollup Job [{job_id}] not found")


def _config(job_id: str, body: Any) -> dict[str, Any]:
    config = check_es(body, JOB_SPEC, "job_config")
    groups = check_es(config["groups"], GROUPS_SPEC, "groups")
    date_histogram = check_es(groups["date_histogram"], DATE_HISTOGRAM_SPEC, "date_histogram")
    date_histogram.setdefault("time_zone", "UTC")
    groups["date_histogram"] = date_histogram
    metrics = config.get("metrics", [])
    for metric in metrics:
        names = check_es(metric, METRIC_SPEC, "metrics")["metrics"]
        unknown = [n for n in names if n not in METRICS]
        if unknown:
            raise EsError(400, "illegal_argument_exception",
                          f"Unsupported metric [{unknown[0]}]. Supported metrics include: {sorted(METRICS)}")
    if config.get("page_size", 1) <= 0:
        raise EsError(400, "action_request_validation_exception",
                      "Validation Failed: 1: Parameter [page_size] is mandatory and must be a positive long number;")
    if config.get("id", job_id) != job_id:
        raise EsError(400, "illegal_argument_exception",
                      f"Inconsistent id; [{config['id']}] specified in the body differs from [{job_id}] "
                      "specified as a URL argument")
    config.update({"id": job_id, "groups": groups, "metrics": metrics})
    config.setdefault("timeout", "20s")
    return config


def _check_indices(state: State, config: dict[str, Any]) -> None:
    pattern, rollup_index = config["index_pattern"], config["rollup_index"]
    if fnmatch.fnmatchcase(rollup_index, pattern):
        raise EsError(400, "action_request_validation_exception",
                      "Validation Failed: 1: Index pattern would match rollup index name which is not allowed.;")
    matched = [index for name, index in state.indices.items() if fnmatch.fnmatchcase(name, pattern)]
    field = config["groups"]["date_histogram"]["field"]
    for index in matched:
        for mapping in index.mappings.values():
            if mapping.get("properties", {}).get(field, {}).get("type") == "date":
                return
    raise EsError(400, "action_request_validation_exception",
                  f"Validation Failed: 1: Could not find a [date] field with name [{field}] in any of the "
                  "indices matching the index pattern.;")


def put_job(call: Call) -> HttpResponse:
    """``PUT _xpack/rollup/job/<id>``: create a stopped job."""
    job_id = call.params["job_id"]
    config = _config(job_id, call.json())
    with call.state.lock:
        if job_id in call.state.rollup_jobs:
            raise EsError(400, "resource_already_exists_exception", f"The job [{job_id}] already exists.")
        _check_indices(call.state, config)
        call.state.rollup_jobs[job_id] = RollupJob(config)
    return json_response({"acknowledged": True})


def _describe(job: RollupJob) -> dict[str, Any]:
    return {
        "config": job.config,
        "status": {"job_state": "started" if job.started else "stopped"},
        "stats": {"pages_processed": 0, "documents_processed": 0, "rollups_indexed": 0, "trigger_count": 0},
    }


def get_jobs(call: Call) -> HttpResponse:
    """``GET _xpack/rollup/job/<id>``, ``_all`` or none: the jobs; an unknown id gives an empty list."""
    job_id = call.params.get("job_id", "_all")
    with call.state.lock:
        jobs = call.state.rollup_jobs
        chosen = list(jobs.values()) if job_id == "_all" else [jobs[job_id]] if job_id in jobs else []
        return json_response({"jobs": [_describe(job) for job in chosen]})


def delete_job(call: Call) -> HttpResponse:
    """``DELETE _xpack/rollup/job/<id>``: remove a stopped job."""
    job_id = call.params["job_id"]
    with call.state.lock:
        job = call.state.rollup_jobs.get(job_id)
        if job is None:
            raise EsError(404, "resource_not_found_exception", f"the task with id [{job_id}] doesn't exist")
        if job.started:
            raise EsError(409, "status_exception", f"Could not delete job [{job_id}] because indexer state is "
                                                   "[STARTED].  Job must be [STOPPED] before deletion.")
        del call.state.rollup_jobs[job_id]
    return json_response({"acknowledged": True})


def _set_started(call: Call, started: bool) -> None:
    job_id = call.params["job_id"]
    with call.state.lock:
        job = call.state.rollup_jobs.get(job_id)
        if job is None:
            raise not_found(job_id)
        job.started = started


def start_job(call: Call) -> HttpResponse:
    """``POST _xpack/rollup/job/<id>/_start``: start it (a no-op on a started job)."""
    _set_started(call, True)
    return json_response({"started": True})


def stop_job(call: Call) -> HttpResponse:
    """``POST _xpack/rollup/job/<id>/_stop``: stop it (a no-op on a stopped job)."""
    call.flag("wait_for_completion")  # accepted as in 6.6+: stopping here is immediate
    _set_started(call, False)
    return json_response({"stopped": True})
