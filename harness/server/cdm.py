"""Cloud Data Migration (CDM) jobs of one cluster: create, get, start, stop, status, delete.

Paths live under ``/v1.1/{project_id}/clusters/{cluster_id}/cdm/job``. A job is
``NEVER_EXECUTED`` when created, ``RUNNING`` once started and ``STOPPED`` once
stopped. Stopping a running job answers ``{}``; a job that is not running cannot be
stopped, which the API reports the documented way: 200 with
``{"validation-result": [{"message": ..., "status": "ERROR"}]}``. Errors use the cloud
envelope ``{"error_code", "error_msg"}``: CDM.0001 invalid request (400), CDM.0002
unknown job (404), CDM.0003 name already used (409), CDM.0004 job running (409).
"""

from __future__ import annotations

import re
from typing import Any

from harness.server.errors import CloudError
from harness.server.routing import CLOUD, Call, Router, json_response
from harness.server.schema import Spec, check_cloud
from harness.server.state import CdmJob, now_ms
from harness.server.wire import HttpResponse

__all__ = ["register"]

BASE = "/v1.1/{project_id}/clusters/{cluster_id}/cdm/job"
_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,240}$")
JOB_SPEC: Spec = {
    "name": ((str,), True), "job_type": ((str,), False), "from-connector-name": ((str,), True),
    "to-connector-name": ((str,), True), "from-link-name": ((str,), True), "to-link-name": ((str,), True),
    "from-config-values": ((dict,), False), "to-config-values": ((dict,), False),
    "driver-config-values": ((dict,), False),
}
JOB_TYPES = {"NORMAL_JOB", "BATCH_JOB", "SCENARIO_JOB"}


def register(router: Router) -> None:
    """Add the CDM job routes to ``router``."""
    router.add("POST", BASE, create_jobs)
    router.add("GET", BASE + "/{job_name}", get_jobs)
    router.add("DELETE", BASE + "/{job_name}", delete_job)
    router.add("PUT", BASE + "/{job_name}/start", start_job)
    router.add("PUT", BASE + "/{job_name}/stop", stop_job)
    router.add("GET", BASE + "/{job_name}/status", job_status)


def _key(call: Call, name: str | None = None) -> tuple[str, str, str]:
    return call.params["project_id"], call.params["cluster_id"], name or call.params["job_name"]


def _job(call: Call) -> CdmJob:
    job = call.state.cdm_jobs.get(_key(call))
    if job is None:
        raise CloudError(404, "CDM.0002", f"Job [{call.params['job_name']}] does not exist.")
    return job


def _submission(name: str, job: CdmJob) -> dict[str, Any]:
    return {"job-name": name, "submission-id": job.submissions, "status": job.status,
            "creation-date": job.created, "last-update-date": job.updated,
            "progress": 100 if job.status == "STOPPED" else 0}


def _checked_job(raw: Any) -> dict[str, Any]:
    job = check_cloud(raw, JOB_SPEC, "CDM.0001")
    if not _NAME.match(job["name"]):
        raise CloudError(400, "CDM.0001", f"Invalid job name [{job['name']}]: use letters, digits, '-' and '_'.")
    job.setdefault("job_type", "NORMAL_JOB")
    if job["job_type"] not in JOB_TYPES:
        raise CloudError(400, "CDM.0001", f"Invalid job_type [{job['job_type']}]: use one of {sorted(JOB_TYPES)}.")
    return job


def create_jobs(call: Call) -> HttpResponse:
    """``POST .../cdm/job``: create the jobs of ``{"jobs": [...]}`` (all or none)."""
    body = check_cloud(call.json(family=CLOUD), {"jobs": ((list,), True)}, "CDM.0001")
    if not body["jobs"]:
        raise CloudError(400, "CDM.0001", "Invalid request body: [jobs] must hold at least one job.")
    jobs = [_checked_job(raw) for raw in body["jobs"]]
    with call.state.lock:
        for job in jobs:
            if _key(call, job["name"]) in call.state.cdm_jobs:
                raise CloudError(409, "CDM.0003", f"Job [{job['name']}] already exists.")
        for job in jobs:
            call.state.cdm_jobs[_key(call, job["name"])] = CdmJob(job)
    return json_response({"name": jobs[-1]["name"], "validation-result": []})


def get_jobs(call: Call) -> HttpResponse:
    """``GET .../cdm/job/{job_name}``: one job, or every job of the cluster for ``all``."""
    with call.state.lock:
        if call.params["job_name"] == "all":
            prefix = _key(call, "")[:2]
            jobs = [job for key, job in sorted(call.state.cdm_jobs.items()) if key[:2] == prefix]
        else:
            jobs = [_job(call)]
        listed = [{**job.config, "status": job.status, "creation-date": job.created,
                   "last-update-date": job.updated} for job in jobs]
    return json_response({"total": len(listed), "jobs": listed, "page_no": 1, "page_size": 10})


def start_job(call: Call) -> HttpResponse:
    """``PUT .../cdm/job/{job_name}/start``: start it; a running job is a 409."""
    with call.state.lock:
        job = _job(call)
        if job.status == "RUNNING":
            raise CloudError(409, "CDM.0004", f"Job [{call.params['job_name']}] is already running.")
        job.status, job.updated = "RUNNING", now_ms()
        job.submissions += 1
        return json_response({"submissions": [_submission(call.params["job_name"], job)]})


def stop_job(call: Call) -> HttpResponse:
    """``PUT .../cdm/job/{job_name}/stop``: ``{}`` when stopped, a validation result when it was not running."""
    with call.state.lock:
        job = _job(call)
        if job.status != "RUNNING":
            message = f"Job [{call.params['job_name']}] is not running, so it cannot be stopped."
            return json_response({"validation-result": [{"message": message, "status": "ERROR"}]})
        job.status, job.updated = "STOPPED", now_ms()
    return json_response({})


def job_status(call: Call) -> HttpResponse:
    """``GET .../cdm/job/{job_name}/status``: the latest submission."""
    with call.state.lock:
        job = _job(call)
        return json_response({"submissions": [_submission(call.params["job_name"], job)]})


def delete_job(call: Call) -> HttpResponse:
    """``DELETE .../cdm/job/{job_name}``: remove a job that is not running."""
    with call.state.lock:
        job = _job(call)
        if job.status == "RUNNING":
            raise CloudError(409, "CDM.0004", f"Job [{call.params['job_name']}] is running; stop it before "
                                              "deleting it.")
        del call.state.cdm_jobs[_key(call)]
    return json_response({})
