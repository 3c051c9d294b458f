"""The cloud families (CDM jobs, DLI streaming jobs) and their token auth, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from harness.server import ReferenceServer
from harness.testing import running_reference_server

PROJECT = "1551c7f6c808414d8e9f3c514a170f2e"
CLUSTER = "6ec9a0a4-76be-4262-8697-e7af1fac7920"
CDM = f"/v1.1/{PROJECT}/clusters/{CLUSTER}/cdm/job"
DLI = f"/v1.0/{PROJECT}/streaming"
NEW_JOB = {"job_type": "NORMAL_JOB", "name": "mysql2hive", "from-connector-name": "generic-jdbc-connector",
           "to-connector-name": "hive-connector", "from-link-name": "mysql_link", "to-link-name": "hive_link",
           "from-config-values": {"configs": []}, "to-config-values": {"configs": []},
           "driver-config-values": {"configs": []}}


class Cloud:
    """A client sending ``X-Auth-Token`` with every request."""

    def __init__(self, server: ReferenceServer, token: str | None = "user-token") -> None:
        self.base = server.url
        self.session = requests.Session()
        if token is not None:
            self.session.headers["X-Auth-Token"] = token

    def __call__(self, method: str, path: str, body: Any = None, raw: str | None = None) -> tuple[int, Any]:
        response = self.session.request(method, self.base + path, json=body, data=raw, timeout=5)
        return response.status_code, response.json()


@pytest.fixture()
def cloud(fresh_reference_server: ReferenceServer) -> Cloud:
    return Cloud(fresh_reference_server)


@pytest.fixture()
def guarded() -> Iterator[ReferenceServer]:
    with running_reference_server(token="the-one-token") as server:
        yield server


# --- auth ------------------------------------------------------------------------------

@pytest.mark.parametrize("token", [None, ""])
def test_cloud_calls_without_a_token_are_401(cloud: Cloud, token: str | None) -> None:
    client = Cloud.__new__(Cloud)
    client.base, client.session = cloud.base, requests.Session()
    if token is not None:
        client.session.headers["X-Auth-Token"] = token
    for method, path in (("PUT", f"{CDM}/jdbc2hive/stop"), ("POST", f"{DLI}/jobs/stop"), ("GET", f"{DLI}/nope")):
        status, body = client(method, path, {"job_ids": [128]})
        assert status == 401
        assert body == {"error_code": "APIGW.0301",
                        "error_msg": "Incorrect IAM authentication information: x-auth-token not found"}
    assert client("GET", f"{CDM}/jdbc2hive")[1]["error_code"] == "APIGW.0301"


def test_with_a_configured_token_only_that_token_is_accepted(guarded: ReferenceServer) -> None:
    status, body = Cloud(guarded, "wrong")("GET", f"{CDM}/jdbc2hive")
    assert status == 401 and "the-one-token" not in str(body)
    assert Cloud(guarded, "the-one-token")("GET", f"{CDM}/jdbc2hive")[0] == 200


def test_without_a_configured_token_any_non_empty_token_is_accepted(cloud: Cloud) -> None:
    assert cloud("GET", f"{CDM}/jdbc2hive")[0] == 200


def test_elasticsearch_calls_need_no_token(guarded: ReferenceServer) -> None:
    assert requests.get(guarded.url + "/_xpack/rollup/job/_all", timeout=5).status_code == 200


# --- CDM -------------------------------------------------------------------------------

def test_the_seed_example_stops_the_demo_job_with_an_empty_object(cloud: Cloud) -> None:
    assert cloud("PUT", f"{CDM}/jdbc2hive/stop") == (200, {})
    status, body = cloud("PUT", f"{CDM}/jdbc2hive/stop")
    assert status == 200
    assert body == {"validation-result": [{"message": "Job [jdbc2hive] is not running, so it cannot be stopped.",
                                           "status": "ERROR"}]}
    assert cloud("GET", f"{CDM}/jdbc2hive/status")[1]["submissions"][0]["status"] == "STOPPED"


def test_cdm_job_lifecycle(cloud: Cloud) -> None:
    assert cloud("POST", CDM, {"jobs": [NEW_JOB]}) == (200, {"name": "mysql2hive", "validation-result": []})
    status, body = cloud("GET", f"{CDM}/mysql2hive")
    assert status == 200 and body["total"] == 1 and body["jobs"][0]["status"] == "NEVER_EXECUTED"
    status, body = cloud("PUT", f"{CDM}/mysql2hive/start")
    assert status == 200
    [submission] = body["submissions"]
    assert submission["status"] == "RUNNING" and submission["submission-id"] == 1
    assert cloud("PUT", f"{CDM}/mysql2hive/start")[1]["error_code"] == "CDM.0004"
    assert cloud("DELETE", f"{CDM}/mysql2hive")[0] == 409
    assert cloud("PUT", f"{CDM}/mysql2hive/stop") == (200, {})
    assert cloud("GET", f"{CDM}/mysql2hive/status")[1]["submissions"][0]["status"] == "STOPPED"
    assert cloud("PUT", f"{CDM}/mysql2hive/start")[1]["submissions"][0]["submission-id"] == 2
    cloud("PUT", f"{CDM}/mysql2hive/stop")
    assert cloud("DELETE", f"{CDM}/mysql2hive") == (200, {})
    assert cloud("GET", f"{CDM}/mysql2hive")[0] == 404
    assert [j["name"] for j in cloud("GET", f"{CDM}/all")[1]["jobs"]] == ["jdbc2hive", "obs2dws"]


def test_cdm_unknown_job_and_duplicate_name(cloud: Cloud) -> None:
    for method, suffix in (("GET", ""), ("PUT", "/start"), ("PUT", "/stop"), ("GET", "/status"), ("DELETE", "")):
        status, body = cloud(method, f"{CDM}/ghost{suffix}")
        assert (status, body["error_code"]) == (404, "CDM.0002"), suffix
    status, body = cloud("POST", CDM, {"jobs": [{**NEW_JOB, "name": "jdbc2hive"}]})
    assert (status, body["error_code"]) == (409, "CDM.0003")


@pytest.mark.parametrize("body, raw", [
    (None, "{broken"),
    ({"jobs": []}, None),
    ({"jobs": "x"}, None),
    ({"jobs": [{**NEW_JOB, "name": 5}]}, None),
    ({"jobs": [{**NEW_JOB, "name": "bad name!"}]}, None),
    ({"jobs": [{**NEW_JOB, "job_type": "ODD"}]}, None),
    ({"jobs": [{"name": "x"}]}, None),
    (None, ""),
])
def test_cdm_invalid_create_bodies_are_400(cloud: Cloud, body: Any, raw: str | None) -> None:
    status, answer = cloud("POST", CDM, body, raw)
    assert status == 400 and answer["error_code"] == "CDM.0001" and answer["error_msg"], answer


def test_cdm_wrong_method_and_unknown_route(cloud: Cloud) -> None:
    assert cloud("POST", f"{CDM}/jdbc2hive/stop")[0] == 405
    assert cloud("GET", f"/v1.1/{PROJECT}/elsewhere")[1]["error_code"] == "APIGW.0101"


# --- DLI -------------------------------------------------------------------------------

def test_the_seed_batch_stop_answers_the_documented_types(cloud: Cloud) -> None:
    status, body = cloud("POST", f"{DLI}/jobs/stop", {"job_ids": [128, 137], "trigger_savepoint": False})
    assert (status, body) == (200, [{"is_success": "true",
                                     "message": "The request for stopping DLI jobs is delivered successfully."}])
    assert cloud("GET", f"{DLI}/jobs/128")[1]["job_detail"]["status"] == "job_cancel_success"


def test_dli_job_lifecycle_with_savepoints(cloud: Cloud) -> None:
    status, body = cloud("POST", f"{DLI}/sql-jobs", {"name": "orders", "queue_name": "flinksql",
                                                     "sql_body": "select 1", "cu_number": 2})
    assert status == 200 and body["is_success"] == "true" and body["job"]["status_name"] == "job_init"
    job_id = body["job"]["job_id"]
    assert cloud("POST", f"{DLI}/jobs/run", {"job_ids": [job_id]})[1][0]["is_success"] == "true"
    assert cloud("GET", f"{DLI}/jobs/{job_id}")[1]["job_detail"]["status"] == "job_running"
    assert cloud("DELETE", f"{DLI}/jobs/{job_id}")[1]["error_code"] == "DLI.0003"
    cloud("POST", f"{DLI}/jobs/stop", {"job_ids": [job_id], "trigger_savepoint": True})
    detail = cloud("GET", f"{DLI}/jobs/{job_id}")[1]["job_detail"]
    assert detail["status"] == "job_cancel_success"
    assert detail["savepoint_path"] == f"obs://dli-reference/savepoints/{job_id}/1"
    cloud("POST", f"{DLI}/jobs/stop", {"job_ids": [job_id], "trigger_savepoint": True})  # not running: no savepoint
    assert cloud("GET", f"{DLI}/jobs/{job_id}")[1]["job_detail"]["savepoint_path"].endswith("/1")
    listed = cloud("GET", f"{DLI}/jobs")[1]["job_list"]
    assert listed["total_count"] == 5 and listed["jobs"][0]["job_id"] == job_id
    assert cloud("DELETE", f"{DLI}/jobs/{job_id}") == (200, {"is_success": "true",
                                                             "message": "The job is deleted successfully."})
    assert cloud("GET", f"{DLI}/jobs/{job_id}")[0] == 404


def test_dli_batch_with_an_unknown_job_changes_nothing(cloud: Cloud) -> None:
    status, body = cloud("POST", f"{DLI}/jobs/stop", {"job_ids": [128, 999]})
    assert status == 200 and body[0]["is_success"] == "false" and "999" in body[0]["message"]
    assert cloud("GET", f"{DLI}/jobs/128")[1]["job_detail"]["status"] == "job_running"
    assert cloud("POST", f"{DLI}/jobs/run", {"job_ids": [998]})[1][0]["is_success"] == "false"


@pytest.mark.parametrize("path, body, raw", [
    ("/jobs/stop", None, "{"),
    ("/jobs/stop", {"job_ids": []}, None),
    ("/jobs/stop", {"job_ids": ["128"]}, None),
    ("/jobs/stop", {"job_ids": [True]}, None),
    ("/jobs/stop", {"job_ids": [128], "trigger_savepoint": "yes"}, None),
    ("/jobs/stop", {"job_ids": [128], "extra": 1}, None),
    ("/jobs/stop", {}, None),
    ("/jobs/run", {"job_ids": 128}, None),
    ("/sql-jobs", {"desc": "no name"}, None),
    ("/sql-jobs", {"name": "x", "run_mode": "somewhere"}, None),
    ("/sql-jobs", {"name": "x", "cu_number": 0}, None),
    ("/sql-jobs", {"name": "bad name"}, None),
])
def test_dli_invalid_bodies_are_400(cloud: Cloud, path: str, body: Any, raw: str | None) -> None:
    status, answer = cloud("POST", DLI + path, body, raw)
    assert status == 400 and answer["error_code"] == "DLI.0001", answer


def test_dli_unknown_and_non_numeric_job_ids_are_404(cloud: Cloud) -> None:
    assert cloud("GET", f"{DLI}/jobs/abc")[1]["error_code"] == "DLI.0002"
    assert cloud("DELETE", f"{DLI}/jobs/4242")[0] == 404


def test_projects_are_separate(cloud: Cloud) -> None:
    status, body = cloud("POST", "/v1.0/other-project/streaming/jobs/stop", {"job_ids": [128]})
    assert status == 200 and body[0]["is_success"] == "false"
