"""The live lane's cheap parts: the cluster it configures binds loopback only, and the Flink pages parse.

The lane itself (a real Flink cluster) runs in CI through ``.ci/run`` / ``tox -e live``.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
from pathlib import Path
from types import ModuleType

import pytest
from live_server import live_server

from harness.config import load_config
from harness.model import Level, Role
from harness.parsers.loader import load

REPO = Path(__file__).resolve().parents[2]


def _lane() -> ModuleType:
    spec = importlib.util.spec_from_file_location("flink_lane", REPO / "tests" / "live" / "flink_lane.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["flink_lane"] = module
    spec.loader.exec_module(module)
    return module


lane = _lane()


@pytest.fixture
def fake_home(tmp_path: Path) -> Path:
    """A Flink home with the bundled config's JDK 17 options line, as pyflink ships it."""
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "config.yaml").write_text(
        "env:\n  java:\n    opts:\n      all: --add-opens=java.base/java.lang=ALL-UNNAMED\n"
        "jobmanager:\n  bind-host: localhost\n", encoding="utf-8")
    (tmp_path / "conf" / "log4j.properties").write_text("rootLogger.level = INFO\n", encoding="utf-8")
    return tmp_path


def test_the_cluster_config_binds_every_listener_to_loopback(fake_home: Path, tmp_path: Path) -> None:
    settings = lane.cluster_config(fake_home, 18081, 16123, tmp_path / "work")
    hosts = {k: v for k, v in settings.items() if k.endswith(("address", "host", "bind-host", "bind-address"))}
    assert set(hosts) == {"jobmanager.rpc.address", "jobmanager.bind-host", "taskmanager.host",
                          "taskmanager.bind-host", "rest.address", "rest.bind-address"}
    assert set(hosts.values()) == {"127.0.0.1"}
    assert (settings["rest.port"], settings["jobmanager.rpc.port"]) == ("18081", "16123")
    assert settings["execution.checkpointing.savepoint-dir"] == (tmp_path / "work" / "savepoints").as_uri()
    assert settings["env.java.opts.all"] == "--add-opens=java.base/java.lang=ALL-UNNAMED"


def test_the_written_config_holds_those_settings_and_the_bundled_logging(fake_home: Path, tmp_path: Path) -> None:
    settings = lane.cluster_config(fake_home, 18081, 16123, tmp_path / "work")
    conf = tmp_path / "work" / "conf"
    lane.write_config(fake_home, settings, conf)
    lines = (conf / "config.yaml").read_text(encoding="utf-8").splitlines()
    assert 'rest.bind-address: "127.0.0.1"' in lines and 'jobmanager.bind-host: "127.0.0.1"' in lines
    assert not any("localhost" in line or "0.0.0.0" in line for line in lines)
    assert (conf / "log4j.properties").is_file()
    assert (conf / "workers").read_text(encoding="utf-8") == "127.0.0.1\n"


@pytest.mark.parametrize("address,loopback", [
    ("0100007F:1F90", True),                                   # 127.0.0.1:8080
    ("0101007F:1F90", True),                                   # 127.0.1.1
    ("00000000:1F90", False),                                  # 0.0.0.0
    ("0A00020F:1F90", False),                                  # 15.2.0.10
    ("0000000000000000FFFF00000100007F:B275", True),           # ::ffff:127.0.0.1
    ("00000000000000000000000001000000:0016", True),           # ::1
    ("00000000000000000000000000000000:0016", False),          # ::
    ("0000000000000000FFFF00000A00020F:0016", False),          # ::ffff:15.2.0.10
])
def test_proc_net_addresses_are_judged_loopback_or_not(address: str, loopback: bool) -> None:
    assert lane.is_loopback_socket(address) is loopback


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
def test_a_real_loopback_listener_is_found_and_judged_loopback() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        mine = [a for a in lane.listening_addresses([os.getpid()]) if int(a.split(":")[1], 16) == port]
    assert mine == [f"0100007F:{port:04X}"] and lane.is_loopback_socket(mine[0])


def test_the_flink_pages_parse_without_errors_in_all_three_formats() -> None:
    documents = load([REPO / "docs_src" / "flink"], root=REPO)
    problems = [(d.path, x.span.line, x.message) for d in documents for x in d.diagnostics
                if x.level is not Level.INFO]
    assert problems == []
    assert {d.format.value for d in documents} == {"asciidoc", "rst", "html"}
    examples = [e for d in documents for e in d.examples if e.role is Role.TEST]
    assert len(examples) == 29
    assert sum(not e.continued for e in examples) == 15
    workflow = next(d for d in documents if d.path.endswith("run-jar-workflow.asciidoc"))
    assert [r.method + " " + r.path for e in workflow.examples for r in e.requests] == [
        "GET /jars", "POST /jars/{jar_id}/run", "GET /jobs/{job_id}", "POST /jobs/{job_id}/stop",
        "GET /jobs/{job_id}/savepoints/{trigger_id}", "GET /jobs/{job_id}/status"]
    # every workflow ends its job with a cancel (a stop leaves running a job whose tasks do not all run yet)
    assert {d.path.rsplit("/", 1)[1]: e.teardowns for d in documents for e in d.examples if "cancel_job" in e.teardowns} \
        == {"run-jar-workflow.asciidoc": ("cancel_job", "delete_job_jar"),
            "cancelling_a_job.html": ("cancel_job", "delete_job_jar"),
            "stopping_a_job.html": ("cancel_job", "delete_job_jar")}


def test_the_flink_pages_go_to_a_target_whose_url_comes_from_the_environment() -> None:
    config = load_config(REPO / "docs_src" / "docharness.toml")
    assert config.target_for("flink/rest/run-jar-workflow.asciidoc").url_env == lane.URL_VARIABLE
    assert config.target_for("flink/jobs/stopping_a_job.html").url_env == lane.URL_VARIABLE
    assert config.rule_for("flink/rest/error-responses.asciidoc").family == "elasticsearch"
    assert config.rule_for("flink/jars/listing_jars.rst").family == "cloud"


def test_a_cluster_that_cannot_start_is_a_clear_error_with_exit_status_3(
        fake_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Flink's own start script failing (a real script here): the lane says so and exits 3, never skips."""
    (fake_home / "bin").mkdir()
    (fake_home / "bin" / "jobmanager.sh").write_text("echo 'cannot start' >&2\nexit 1\n", encoding="utf-8")
    monkeypatch.setattr(lane, "WORK", tmp_path / "work")
    monkeypatch.setattr(lane, "ensure_jdk", lambda: None)
    monkeypatch.setattr(lane, "ensure_flink", lambda: fake_home)
    monkeypatch.setattr(lane, "build_job", lambda home: tmp_path / "job.jar")
    assert lane.main([]) == 3
    err = capsys.readouterr().err
    assert f"live: error: jobmanager.sh start failed; see {tmp_path / 'work' / 'log'}" in err
    assert "the live lane did not run: Flink could not be set up or started" in err
    config = (tmp_path / "work" / "conf" / "config.yaml").read_text(encoding="utf-8")
    assert 'rest.bind-address: "127.0.0.1"' in config  # the configuration it tried to start with


def test_then_commands_run_with_the_cluster_url_and_the_first_failure_is_the_status(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    class Up:  # what ``then`` reads of a running cluster
        url = "http://127.0.0.1:8081"

    seen = tmp_path / "seen.txt"
    status = lane.then(Up(), [f'echo "$DOCHARNESS_FLINK_URL" > {seen}', "exit 4", f"echo second >> {seen}", "exit 5"])
    assert status == 4  # every command ran; the first failure is the lane's
    assert seen.read_text().split() == ["http://127.0.0.1:8081", "second"]
    assert "then: exit status 4" in capsys.readouterr().err


def test_the_lane_fails_naming_every_job_not_ended_and_every_jar_left_and_removes_them(
        capsys: pytest.CaptureFixture[str]) -> None:
    """After the replay a teardown must have ended what its test started: a job still running or a JAR left is
    named, cancelled or deleted, and fails the lane (a real loopback server shaped like Flink's REST API)."""
    with live_server() as server:
        server.state.jobs = {"a" * 32: {"jid": "a" * 32, "name": "docharness-ticker", "state": "RUNNING"},
                             "b" * 32: {"jid": "b" * 32, "name": "done", "state": "FINISHED"}}
        server.state.jars = {"0001_job.jar": ("jarfile", "job.jar", b"PK")}
        cluster = lane.Cluster.__new__(lane.Cluster)
        cluster.url = server.url
        assert lane.check_clean(cluster, "the replay") == 1
        err = capsys.readouterr().err
        assert f"job {'a' * 32} 'docharness-ticker' RUNNING" in err and "JAR 0001_job.jar" in err
        assert "b" * 32 not in err
        assert [j["state"] for j in server.state.jobs.values()] == ["CANCELED", "FINISHED"] and not server.state.jars
        assert lane.check_clean(cluster, "the replay") == 0
    assert "no job running and no JAR left" in capsys.readouterr().err
