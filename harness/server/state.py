"""What the reference server remembers: indices, jobs and datafeeds, behind one lock.

One lock for everything: every request is a handful of dictionary operations, so a
single lock costs nothing measurable and makes "no lost updates under concurrent
clients" a property of the structure rather than of each handler. Handlers hold
``state.lock`` for the whole read-check-write of a request.

``reset()`` empties everything and then installs the demo data the cloud seed pages
assume (they name concrete jobs and run with no setup): in project
``1551c7f6c808414d8e9f3c514a170f2e``, cluster ``6ec9a0a4-76be-4262-8697-e7af1fac7920``,
the running CDM job ``jdbc2hive`` and the never-run ``obs2dws``; and the DLI streaming
jobs 128 and 137 (running), 130 and 131 (not yet run).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DEMO_CLUSTER",
    "DEMO_PROJECT",
    "CdmJob",
    "Datafeed",
    "DliJob",
    "Index",
    "MlJob",
    "RollupJob",
    "State",
    "now_ms",
]

DEMO_PROJECT = "1551c7f6c808414d8e9f3c514a170f2e"
DEMO_CLUSTER = "6ec9a0a4-76be-4262-8697-e7af1fac7920"


def now_ms() -> int:
    """Milliseconds since the epoch, as Elasticsearch and the cloud APIs report times."""
    return int(time.time() * 1000)


@dataclass(slots=True)
class Index:
    """An Elasticsearch index: settings, mappings and documents by id."""

    name: str
    uuid: str
    created: int
    shards: int = 5
    replicas: int = 1
    mappings: dict[str, Any] = field(default_factory=dict)
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    seq_no: int = 0


@dataclass(slots=True)
class RollupJob:
    """A rollup job: its configuration and whether it is started."""

    config: dict[str, Any]
    started: bool = False


@dataclass(slots=True)
class MlJob:
    """An anomaly-detection job: its configuration (as GET shows it) and open/closed state."""

    config: dict[str, Any]
    opened: bool = False


@dataclass(slots=True)
class Datafeed:
    """A datafeed feeding one ML job, started or stopped."""

    config: dict[str, Any]
    started: bool = False


@dataclass(slots=True)
class CdmJob:
    """A CDM (cloud data migration) job in one cluster.

    :param status: ``NEVER_EXECUTED``, ``RUNNING`` or ``STOPPED``.
    :param submissions: how many times it was started (the last submission id).
    """

    config: dict[str, Any]
    status: str = "NEVER_EXECUTED"
    submissions: int = 0
    created: int = field(default_factory=now_ms)
    updated: int = field(default_factory=now_ms)


@dataclass(slots=True)
class DliJob:
    """A DLI streaming (Flink SQL) job.

    :param status: ``job_init``, ``job_running`` or ``job_cancel_success``.
    :param savepoints: savepoint paths taken when the job was stopped with ``trigger_savepoint``.
    """

    job_id: int
    config: dict[str, Any]
    status: str = "job_init"
    created: int = field(default_factory=now_ms)
    started: int | None = None
    savepoints: list[str] = field(default_factory=list)


class State:
    """All the server's data, reset to the demo state; ``lock`` guards every change."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.indices: dict[str, Index] = {}
        self.rollup_jobs: dict[str, RollupJob] = {}
        self.ml_jobs: dict[str, MlJob] = {}
        self.datafeeds: dict[str, Datafeed] = {}
        self.cdm_jobs: dict[tuple[str, str, str], CdmJob] = {}
        self.dli_jobs: dict[tuple[str, int], DliJob] = {}
        self.next_dli_id = 1000
        self.reset()

    def reset(self) -> None:
        """Forget everything, then install the demo data the cloud seed pages assume."""
        with self.lock:
            self.indices.clear()
            self.rollup_jobs.clear()
            self.ml_jobs.clear()
            self.datafeeds.clear()
            self.cdm_jobs.clear()
            self.dli_jobs.clear()
            self.next_dli_id = 1000
            self._install_demo()

    def _install_demo(self) -> None:
        for name, status in (("jdbc2hive", "RUNNING"), ("obs2dws", "NEVER_EXECUTED")):
            config: dict[str, Any] = {"job_type": "NORMAL_JOB", "name": name, "from-connector-name": "generic-jdbc-connector",
                      "to-connector-name": "hive-connector", "from-link-name": "mysql_link",
                      "to-link-name": "hive_link", "from-config-values": {"configs": []},
                      "to-config-values": {"configs": []}, "driver-config-values": {"configs": []}}
            if name == "obs2dws":
                config.update({"from-connector-name": "obs-connector", "to-connector-name": "generic-jdbc-connector",
                               "from-link-name": "obs_link", "to-link-name": "dws_link"})
            self.cdm_jobs[(DEMO_PROJECT, DEMO_CLUSTER, name)] = CdmJob(
                config, status=status, submissions=1 if status == "RUNNING" else 0)
        for job_id, status in ((128, "job_running"), (137, "job_running"), (130, "job_init"), (131, "job_init")):
            config = {"name": f"demo_job_{job_id}", "desc": "Demo streaming job of the reference server",
                      "queue_name": "flinksql", "sql_body": "select * from source_table",
                      "run_mode": "shared_cluster", "cu_number": 2, "parallel_number": 1,
                      "checkpoint_enabled": False}
            job = DliJob(job_id, config, status=status)
            if status == "job_running":
                job.started = job.created
            self.dli_jobs[(DEMO_PROJECT, job_id)] = job
