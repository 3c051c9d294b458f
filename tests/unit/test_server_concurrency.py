"""Concurrent clients: storms of start/stop, writes and creates, with the final state checked.

Each worker has its own keep-alive session; the pool is bounded. "No lost updates"
is checked with counters the server exposes: CDM submission ids, bulk sequence
numbers and document counts, DLI job ids.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import requests

from harness.server import ReferenceServer

WORKERS, ROUNDS = 8, 25
CDM = "/v1.1/1551c7f6c808414d8e9f3c514a170f2e/clusters/6ec9a0a4-76be-4262-8697-e7af1fac7920/cdm/job"
DLI = "/v1.0/1551c7f6c808414d8e9f3c514a170f2e/streaming"
T = TypeVar("T")


def storm(work: Callable[[requests.Session, int], T]) -> list[T]:
    """Run ``work(session, worker)`` on every worker at once; each worker keeps one connection."""
    def run(worker: int) -> T:
        with requests.Session() as session:
            session.headers["X-Auth-Token"] = "storm-token"
            return work(session, worker)

    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(run, range(WORKERS)))


def test_rollup_start_stop_storm_answers_every_call_and_ends_consistent(fresh_reference_server: ReferenceServer) -> None:
    url = fresh_reference_server.url
    requests.put(url + "/sensor-1", json={"mappings": {"_doc": {"properties": {"timestamp": {"type": "date"}}}}},
                 timeout=5)
    job = {"index_pattern": "sensor-*", "rollup_index": "rollup", "cron": "* * * * * ?", "page_size": 10,
           "groups": {"date_histogram": {"field": "timestamp", "interval": "1h"}}}
    assert requests.put(url + "/_xpack/rollup/job/sensor", json=job, timeout=5).status_code == 200

    def flip(session: requests.Session, worker: int) -> list[tuple[int, Any]]:
        answers = []
        for round_ in range(ROUNDS):
            action = "_start" if (worker + round_) % 2 else "_stop"
            response = session.post(f"{url}/_xpack/rollup/job/sensor/{action}", timeout=5)
            answers.append((response.status_code, response.json()))
        return answers

    answers = [a for batch in storm(flip) for a in batch]
    assert len(answers) == WORKERS * ROUNDS
    assert all(status == 200 and body in ({"started": True}, {"stopped": True}) for status, body in answers)
    requests.post(url + "/_xpack/rollup/job/sensor/_stop", timeout=5)
    [described] = requests.get(url + "/_xpack/rollup/job/sensor", timeout=5).json()["jobs"]
    assert described["status"]["job_state"] == "stopped"


def test_cdm_start_stop_storm_loses_no_submission(fresh_reference_server: ReferenceServer) -> None:
    url = fresh_reference_server.url + CDM + "/obs2dws"

    def cycle(session: requests.Session, worker: int) -> list[int]:
        ids = []
        for _ in range(ROUNDS):
            started = session.put(url + "/start", timeout=5)
            if started.status_code == 200:
                ids.append(started.json()["submissions"][0]["submission-id"])
            else:
                assert (started.status_code, started.json()["error_code"]) == (409, "CDM.0004")
            stopped = session.put(url + "/stop", timeout=5)
            assert stopped.status_code == 200 and stopped.json() in (
                {}, {"validation-result": [{"message": "Job [obs2dws] is not running, so it cannot be stopped.",
                                            "status": "ERROR"}]})
        return ids

    ids = [i for batch in storm(cycle) for i in batch]
    assert ids, "no start succeeded"
    assert sorted(ids) == list(range(1, len(ids) + 1))  # every start got its own, consecutive submission
    status = requests.get(url + "/status", headers={"X-Auth-Token": "t"}, timeout=5).json()["submissions"][0]
    assert status["submission-id"] == len(ids) and status["status"] == "STOPPED"


def test_concurrent_bulk_writes_are_all_kept(fresh_reference_server: ReferenceServer) -> None:
    url = fresh_reference_server.url
    per_request = 10

    def write(session: requests.Session, worker: int) -> list[int]:
        seq = []
        for round_ in range(ROUNDS):
            lines = "".join(json.dumps({"index": {}}) + "\n" + json.dumps({"w": worker, "r": round_, "i": i}) + "\n"
                            for i in range(per_request))
            answer = session.post(url + "/storm/_doc/_bulk?refresh", data=lines,
                                  headers={"Content-Type": "application/x-ndjson"}, timeout=5).json()
            assert answer["errors"] is False
            seq.extend(item["index"]["_seq_no"] for item in answer["items"])
        return seq

    seq = [s for batch in storm(write) for s in batch]
    total = WORKERS * ROUNDS * per_request
    assert sorted(seq) == list(range(total))
    assert requests.get(url + "/storm/_count", timeout=5).json()["count"] == total


def test_concurrent_dli_creates_get_distinct_ids(fresh_reference_server: ReferenceServer) -> None:
    url = fresh_reference_server.url + DLI

    def create(session: requests.Session, worker: int) -> list[int]:
        return [session.post(url + "/sql-jobs", json={"name": f"w{worker}_{n}"}, timeout=5).json()["job"]["job_id"]
                for n in range(ROUNDS)]

    ids = [i for batch in storm(create) for i in batch]
    assert len(set(ids)) == WORKERS * ROUNDS
    listed = requests.get(url + "/jobs", headers={"X-Auth-Token": "t"}, timeout=5).json()["job_list"]
    assert listed["total_count"] == WORKERS * ROUNDS + 4  # plus the four demo jobs
