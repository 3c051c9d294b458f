"""DLI streaming (Flink SQL) jobs: create, list, get, delete, run and stop in batches.

Paths live under ``/v1.0/{project_id}/streaming``. A job is ``job_init`` when
created, ``job_running`` once run and ``job_cancel_success`` once stopped. The batch
calls answer an array holding one ``{"is_success", "message"}`` object for the
request, with ``is_success`` the *string* ``"true"``/``"false"`` as the DLI pages show
it. A batch naming an unknown job changes nothing and answers ``"false"`` with the
ids. Stopping with ``trigger_savepoint: true`` records a savepoint on each running job
stopped. Errors use ``{"error_code", "error_msg"}``: DLI.0001 invalid request (400),
DLI.0002 unknown job (404), DLI.0003 job running (409).
"""

from __future__ import annotations

import re
from typing import Any

from harness.server.errors import CloudError
from harness.server.routing import CLOUD, Call, Router, json_response
from harness.server.schema import Spec, check_cloud
from harness.server.state import DliJob, now_ms
from harness.server.wire import HttpResponse

__all__ = ["register"]

BASE = "/v1.0/{project_id}/streaming"
_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,57}$")
CREATE_SPEC: Spec = {
    "name": ((str,), True), "desc": ((str,), False), "template_id": ((int,), False),
    "queue_name": ((str,), False), "sql_body": ((str,), False), "run_mode": ((str,), False),
    "cu_number": ((int,), False), "parallel_number": ((int,), False), "checkpoint_enabled": ((bool,), False),
    "checkpoint_interval": ((int,), False), "obs_bucket": ((str,), False), "log_enabled": ((bool,), False),
    "restart_when_exception": ((bool,), False), "idle_state_retention": ((int,), False),
    "job_type": ((str,), False), "tags": ((list,), False),
}
RUN_MODES = {"shared_cluster", "exclusive_cluster", "edge_node"}
RUN_SPEC: Spec = {"job_ids": ((list,), True), "resume_savepoint": ((bool,), False)}
STOP_SPEC: Spec = {"job_ids": ((list,), True), "trigger_savepoint": ((bool,), False)}


def register(router: Router) -> None:
    """Add the DLI streaming-job routes to ``router``."""
    router.add("POST", BASE + "/sql-jobs", create_job)
    router.add("GET", BASE + "/jobs", list_jobs)
    router.add("POST", BASE + "/jobs/run", run_jobs)
    router.add("POST", BASE + "/jobs/stop", stop_jobs)
    router.add("GET", BASE + "/jobs/{job_id}", get_job)
    router.add("DELETE", BASE + "/jobs/{job_id}", delete_job)


def _invalid(message: str) -> CloudError:
    return CloudError(400, "DLI.0001", message)


def create_job(call: Call) -> HttpResponse:
    """``POST .../streaming/sql-jobs``: create a Flink SQL job in ``job_init``."""
    body = check_cloud(call.json(family=CLOUD), CREATE_SPEC, "DLI.0001")
    if not _NAME.match(body["name"]):
        raise _invalid(f"Invalid job name [{body['name']}]: 1 to 57 letters, digits, '-' or '_'.")
    if body.setdefault("run_mode", "shared_cluster") not in RUN_MODES:
        raise _invalid(f"Invalid run_mode [{body['run_mode']}]: use one of {sorted(RUN_MODES)}.")
    for name in ("cu_number", "parallel_number"):
        if body.setdefault(name, 2 if name == "cu_number" else 1) < 1:
            raise _invalid(f"Invalid {name} [{body[name]}]: it must be at least 1.")
    with call.state.lock:
        job_id = call.state.next_dli_id
        call.state.next_dli_id += 1
        call.state.dli_jobs[(call.params["project_id"], job_id)] = DliJob(job_id, body)
    return json_response({"is_success": "true", "message": "A DLI job is created successfully.",
                          "job": {"job_id": job_id, "status_name": "job_init", "status_desc": ""}})


def _summary(job: DliJob) -> dict[str, Any]:
    return {"job_id": job.job_id, "name": job.config["name"], "desc": job.config.get("desc", ""),
            "job_type": "flink_sql_job", "status": job.status, "status_desc": "", "create_time": job.created,
            "start_time": job.started or 0}


def list_jobs(call: Call) -> HttpResponse:
    """``GET .../streaming/jobs``: every job of the project, newest first."""
    with call.state.lock:
        jobs = [_summary(job) for (project, _), job in call.state.dli_jobs.items() if project == call.params["project_id"]]
    jobs.sort(key=lambda j: j["job_id"], reverse=True)
    return json_response({"is_success": "true", "message": "Querying of the job list succeeds.",
                          "job_list": {"total_count": len(jobs), "jobs": jobs}})


def _job(call: Call) -> DliJob:
    text = call.params["job_id"]
    # an id is a Java long: ASCII digits, at most 19 ("²" and 5,000 digits are simply no job)
    number = int(text) if text.isascii() and text.isdigit() and len(text) <= 19 else None
    job = call.state.dli_jobs.get((call.params["project_id"], number)) if number is not None else None
    if job is None:
        raise CloudError(404, "DLI.0002", f"The job [{text}] does not exist.")
    return job


def get_job(call: Call) -> HttpResponse:
    """``GET .../streaming/jobs/{job_id}``: the job's details."""
    with call.state.lock:
        job = _job(call)
        detail = {**_summary(job), "queue_name": job.config.get("queue_name", ""),
                  "sql_body": job.config.get("sql_body", ""), "run_mode": job.config["run_mode"],
                  "cu_number": job.config["cu_number"], "parallel_number": job.config["parallel_number"],
                  "savepoint_path": job.savepoints[-1] if job.savepoints else ""}
    return json_response({"is_success": "true", "message": "Querying of the job details succeeds.",
                          "job_detail": detail})


def delete_job(call: Call) -> HttpResponse:
    """``DELETE .../streaming/jobs/{job_id}``: remove a job that is not running."""
    with call.state.lock:
        job = _job(call)
        if job.status == "job_running":
            raise CloudError(409, "DLI.0003", f"The job [{job.job_id}] is running; stop it before deleting it.")
        del call.state.dli_jobs[(call.params["project_id"], job.job_id)]
    return json_response({"is_success": "true", "message": "The job is deleted successfully."})


def _batch(call: Call, spec: Spec, flag: str) -> tuple[list[DliJob], list[int], bool]:
    """The named jobs, the ids that name no job, and the flag; the caller holds the lock."""
    body = check_cloud(call.json(family=CLOUD), spec, "DLI.0001", allow_unknown=False)
    ids = body["job_ids"]
    if not ids or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise _invalid("Invalid request body: [job_ids] must be a non-empty array of job IDs (integers).")
    project = call.params["project_id"]
    unknown = [i for i in ids if (project, i) not in call.state.dli_jobs]
    jobs = [call.state.dli_jobs[(project, i)] for i in dict.fromkeys(ids) if i not in unknown]
    return jobs, unknown, bool(body.get(flag, False))


def _answer(success: bool, message: str) -> HttpResponse:
    return json_response([{"is_success": "true" if success else "false", "message": message}])


def run_jobs(call: Call) -> HttpResponse:
    """``POST .../streaming/jobs/run``: run every named job that is not running."""
    with call.state.lock:
        jobs, unknown, _ = _batch(call, RUN_SPEC, "resume_savepoint")
        if unknown:
            return _answer(False, f"Jobs {unknown} do not exist; no job was submitted.")
        for job in jobs:
            if job.status != "job_running":
                job.status, job.started = "job_running", now_ms()
    return _answer(True, "The request for submitting DLI jobs is delivered successfully.")


def stop_jobs(call: Call) -> HttpResponse:
    """``POST .../streaming/jobs/stop``: stop every named running job, with a savepoint when asked."""
    with call.state.lock:
        jobs, unknown, savepoint = _batch(call, STOP_SPEC, "trigger_savepoint")
        if unknown:
            return _answer(False, f"Jobs {unknown} do not exist; no job was stopped.")
        for job in jobs:
            if job.status == "job_running":
                job.status = "job_cancel_success"
                if savepoint:
                    job.savepoints.append(f"obs://dli-reference/savepoints/{job.job_id}/{len(job.savepoints) + 1}")
    return _answer(True, "The request for stopping DLI jobs is delivered successfully.")
