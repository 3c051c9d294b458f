#!/usr/bin/env python3
"""The live lane: replay the Flink pages of docs_src against a real Apache Flink cluster.

Steps, each failing loudly (never a silent skip):

1. a JDK: ``java`` and ``javac`` on PATH, else Debian's OpenJDK headless (``apt-get``);
2. Apache Flink from PyPI (``apache-flink`` and ``apache-flink-libraries``, installed with
   ``--no-deps`` into this interpreter's environment: only the bundled jars and ``bin/``
   scripts are used, never pyflink itself);
3. the job of ``tests/live/flink/`` compiled against the bundled jars into
   ``generated/flink/docharness-job.jar`` (the JAR the pages upload);
4. a Flink configuration in ``generated/flink/conf`` that binds REST, RPC, blob and data
   ports to 127.0.0.1 only, with small memory and savepoints under ``generated/flink``;
5. a standalone cluster (one JobManager, one TaskManager) started with Flink's own scripts,
   ``GET /overview`` awaited until a TaskManager has registered;
6. ``docharness replay`` of ``docs_src/flink`` with ``DOCHARNESS_FLINK_URL`` set to the
   cluster's REST address;
7. after the replay (and again after the ``--then`` commands) ``GET /jobs/overview`` and ``GET /jars``: a job
   not ended or a JAR left is named, cancelled or deleted, and fails the lane (a teardown did not end what
   its test started);
8. the cluster stopped whatever happened (``finally`` and SIGTERM), the logs kept in
   ``generated/flink/log``.

Exit status: replay's status, or 1 when something was left on the cluster; 3 when the lane itself could not
get a cluster going.

    python tests/live/flink_lane.py               # the whole lane
    python tests/live/flink_lane.py --hold        # start the cluster, print its URL, wait for Ctrl-C
    python tests/live/flink_lane.py -- -k upload  # extra arguments go to docharness replay
    python tests/live/flink_lane.py --then "python benchmarks/live_campaign.py --quick"
                                                  # after the replay, on the same cluster
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

FLINK_VERSION = "2.3.0"
PACKAGES = (f"apache-flink=={FLINK_VERSION}", f"apache-flink-libraries=={FLINK_VERSION}")
JDK_PACKAGE = "default-jdk-headless"  # Debian's OpenJDK (17 on bookworm)
URL_VARIABLE = "DOCHARNESS_FLINK_URL"
LOOPBACK = "127.0.0.1"
START_TIMEOUT = 120.0

ROOT = Path(__file__).resolve().parents[2]
JOB_SOURCES = ROOT / "tests" / "live" / "flink"
WORK = ROOT / "generated" / "flink"
JAR = WORK / "docharness-job.jar"
JOB_MAIN_CLASS = "org.docharness.live.TickerJob"
PAGES = ROOT / "docs_src" / "flink"


class LaneError(Exception):
    """The lane could not get a cluster going: the message says what and what to do."""


def say(message: str) -> None:
    print(f"live: {message}", file=sys.stderr, flush=True)


# --- 1. Java ------------------------------------------------------------------------------

def ensure_jdk() -> None:
    """``java`` and ``javac`` on PATH, installing Debian's headless JDK when one is missing."""
    if shutil.which("java") and shutil.which("javac") and shutil.which("jar"):
        return
    if not shutil.which("apt-get"):
        raise LaneError("java/javac are missing and apt-get is not available: install a JDK 17 (or 11/21) "
                        "and put java, javac and jar on PATH")
    say(f"java/javac missing: apt-get install {JDK_PACKAGE}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", JDK_PACKAGE]):
        if subprocess.run(command, env=env).returncode != 0:
            raise LaneError(f"`{' '.join(command)}` failed: install a JDK by hand (apt-get install {JDK_PACKAGE})")
    if not (shutil.which("java") and shutil.which("javac") and shutil.which("jar")):
        raise LaneError(f"{JDK_PACKAGE} is installed but java/javac/jar are still not on PATH")


# --- 2. Flink -----------------------------------------------------------------------------

def flink_home() -> Path | None:
    """The folder holding Flink's ``bin/`` and ``lib/`` in this environment, if installed."""
    for entry in map(Path, sys.path):
        candidate = entry / "pyflink"
        if (candidate / "bin" / "jobmanager.sh").is_file() and list((candidate / "lib").glob("flink-dist-*.jar")):
            return candidate
    return None


def installed_version(home: Path) -> str:
    found = list((home / "lib").glob("flink-dist-*.jar"))
    match = re.search(r"flink-dist-(.+)\.jar$", found[0].name) if found else None
    return match.group(1) if match else ""


def ensure_flink() -> Path:
    """Flink's home (pyflink's folder), installed from PyPI when missing or of another version."""
    home = flink_home()
    if home is None or installed_version(home) != FLINK_VERSION:
        say(f"pip install --no-deps {' '.join(PACKAGES)}")
        command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", *PACKAGES]
        if subprocess.run(command).returncode != 0:
            raise LaneError(f"could not install {' '.join(PACKAGES)} from PyPI (see pip's output above)")
        home = flink_home()
    if home is None:
        raise LaneError("apache-flink is installed but pyflink/bin/jobmanager.sh or pyflink/lib/flink-dist-*.jar "
                        "was not found: the package layout changed")
    return home


# --- 3. The job ---------------------------------------------------------------------------

def build_job(home: Path) -> Path:
    """Compile the job against the bundled jars into ``generated/flink/docharness-job.jar``."""
    sources = sorted(JOB_SOURCES.rglob("*.java"))
    classes = WORK / "classes"
    shutil.rmtree(classes, ignore_errors=True)
    classes.mkdir(parents=True)
    classpath = str(home / "lib" / "*")
    javac = ["javac", "-nowarn", "-encoding", "UTF-8", "-d", str(classes), "-cp", classpath, *map(str, sources)]
    if subprocess.run(javac).returncode != 0:
        raise LaneError(f"javac failed on {JOB_SOURCES.relative_to(ROOT)} (see its output above)")
    JAR.unlink(missing_ok=True)
    if subprocess.run(["jar", "--create", "--file", str(JAR), "--main-class", JOB_MAIN_CLASS,
                       "-C", str(classes), "."]).returncode != 0:
        raise LaneError("jar failed to package the job")
    return JAR


# --- 4. Configuration ---------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def java_options(home: Path) -> str:
    """The ``env.java.opts.all`` of the bundled configuration (the JDK 17 module openings)."""
    text = (home / "conf" / "config.yaml").read_text(encoding="utf-8")
    match = re.search(r"^\s+all:\s*(--add-\S.*)$", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def cluster_config(home: Path, rest_port: int, rpc_port: int, work: Path) -> dict[str, str]:
    """The cluster's settings: every listener on loopback, small memory, state under ``work``."""
    settings = {
        "jobmanager.rpc.address": LOOPBACK,
        "jobmanager.rpc.port": str(rpc_port),
        "jobmanager.bind-host": LOOPBACK,
        "jobmanager.memory.process.size": "800m",
        "taskmanager.host": LOOPBACK,
        "taskmanager.bind-host": LOOPBACK,
        "taskmanager.numberOfTaskSlots": "2",
        "taskmanager.memory.process.size": "1024m",
        "taskmanager.memory.managed.fraction": "0.1",
        "rest.address": LOOPBACK,
        "rest.bind-address": LOOPBACK,
        "rest.port": str(rest_port),
        "blob.server.port": "0",
        "parallelism.default": "1",
        "execution.checkpointing.dir": (work / "checkpoints").as_uri(),
        "execution.checkpointing.savepoint-dir": (work / "savepoints").as_uri(),
        "web.upload.dir": str(work / "uploads"),
        "web.tmpdir": str(work / "web-tmp"),
        "io.tmp.dirs": str(work / "tmp"),
    }
    options = java_options(home)
    if options:
        settings["env.java.opts.all"] = options
    return settings


def write_config(home: Path, settings: dict[str, str], conf: Path) -> None:
    """A Flink configuration folder: ``config.yaml`` (flat keys) and the bundled log4j files."""
    shutil.rmtree(conf, ignore_errors=True)
    conf.mkdir(parents=True)
    for name in ("log4j.properties", "log4j-console.properties", "log4j-cli.properties", "logback.xml"):
        if (home / "conf" / name).is_file():
            shutil.copy(home / "conf" / name, conf / name)
    lines = [f"{key}: {json.dumps(value)}" for key, value in settings.items()]
    (conf / "config.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (conf / "masters").write_text(f"{LOOPBACK}:{settings['rest.port']}\n", encoding="utf-8")
    (conf / "workers").write_text(f"{LOOPBACK}\n", encoding="utf-8")


# --- 5. The cluster -----------------------------------------------------------------------

def is_loopback_socket(hex_address: str) -> bool:
    """Whether a ``/proc/net/tcp{,6}`` local address (``0100007F:1F90``) is on loopback."""
    host = hex_address.split(":")[0]
    if len(host) == 8:  # IPv4, little-endian bytes
        return host.endswith("7F")  # 127.x.x.x
    ipv6 = bytes.fromhex(host)
    # the kernel stores IPv6 as four little-endian 32-bit words
    address = b"".join(ipv6[i:i + 4][::-1] for i in range(0, 16, 4))
    if address == bytes(15) + b"\x01":  # ::1
        return True
    return address[:12] == bytes(10) + b"\xff\xff" and address[12] == 127  # ::ffff:127.x.x.x


def listening_addresses(pids: Sequence[int]) -> list[str]:
    """The local addresses the processes listen on (``/proc``; Linux only), as hex pairs."""
    inodes: set[str] = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # LISTEN
                found.append(fields[1])
    return found


class Cluster:
    """A standalone Flink cluster on loopback, started and stopped with Flink's scripts."""

    def __init__(self, home: Path, work: Path) -> None:
        self.home, self.work = home, work
        self.rest_port, self.rpc_port = free_port(), free_port()
        self.url = f"http://{LOOPBACK}:{self.rest_port}"
        self.conf, self.log = work / "conf", work / "log"
        self.env = dict(os.environ, FLINK_CONF_DIR=str(self.conf), FLINK_LOG_DIR=str(self.log),
                        FLINK_PID_DIR=str(work / "pid"))
        self.started: list[str] = []

    def script(self, name: str, action: str) -> int:
        command = ["bash", str(self.home / "bin" / name), action]
        return subprocess.run(command, env=self.env, stdout=subprocess.DEVNULL).returncode

    def start(self) -> None:
        for folder in ("log", "pid", "uploads", "web-tmp", "tmp", "savepoints", "checkpoints"):
            shutil.rmtree(self.work / folder, ignore_errors=True)
            (self.work / folder).mkdir(parents=True)
        write_config(self.home, cluster_config(self.home, self.rest_port, self.rpc_port, self.work), self.conf)
        for name in ("jobmanager.sh", "taskmanager.sh"):
            if self.script(name, "start") != 0:
                raise LaneError(f"{name} start failed; see {self.log}")
            self.started.append(name)
        self.wait_ready()
        self.check_loopback_only()

    def pids(self) -> list[int]:
        return [int(p) for f in (self.work / "pid").glob("*.pid") for p in f.read_text().split() if p.isdigit()]

    def check_loopback_only(self) -> None:
        """Every socket the cluster listens on is on loopback, or ``LaneError``."""
        addresses = listening_addresses(self.pids())
        exposed = [a for a in addresses if not is_loopback_socket(a)]
        if exposed or not addresses:
            raise LaneError(f"the cluster listens beyond loopback ({', '.join(exposed)})" if exposed else
                            "no listening socket of the cluster was found in /proc")
        say(f"all {len(addresses)} listening sockets of the cluster are on loopback")

    def wait_ready(self) -> None:
        """``GET /overview`` answers with a TaskManager and free slots, or ``LaneError``."""
        deadline, last = time.monotonic() + START_TIMEOUT, "no answer yet"
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/overview", timeout=5) as answer:
                    overview = json.loads(answer.read())
                if overview.get("taskmanagers", 0) >= 1 and overview.get("slots-available", 0) >= 1:
                    say(f"Flink {overview.get('flink-version')} ready at {self.url} ({overview['taskmanagers']} "
                        f"TaskManager, {overview['slots-available']} slots)")
                    return
                last = f"overview {overview}"
            except (OSError, ValueError) as exc:
                last = str(exc)
            if not self.running():
                break
            time.sleep(1)
        raise LaneError(f"Flink did not become ready at {self.url} within {START_TIMEOUT:.0f}s (last: {last}); "
                        f"see the logs in {self.log}{self.log_tail()}")

    def running(self) -> bool:
        """Whether every started daemon still has a live process."""
        for pid in self.pids():
            try:
                os.kill(pid, 0)
            except OSError:
                return False
        return True

    def log_tail(self) -> str:
        logs = sorted(self.log.glob("*.log")) + sorted(self.log.glob("*.out"))
        tails = []
        for log in logs:
            lines = [l for l in log.read_text(errors="replace").splitlines() if "ERROR" in l or "Exception" in l]
            if lines:
                tails.append(f"\n--- {log.name} ---\n" + "\n".join(lines[-8:]))
        return "".join(tails)

    def stop(self) -> None:
        """Stop what was started, newest first; the logs stay in ``generated/flink/log``."""
        for name in reversed(self.started):
            if self.script(name, "stop") != 0:
                say(f"{name} stop failed; check for a leftover java process (pid files in {self.work / 'pid'})")
        self.started.clear()


@contextmanager
def running_cluster(home: Path) -> Iterator[Cluster]:
    cluster = Cluster(home, WORK)

    def on_signal(number: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {number}")

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        cluster.start()
        yield cluster
    finally:
        say("stopping the Flink cluster")
        cluster.stop()
        signal.signal(signal.SIGTERM, previous)


# --- 6. Replay ----------------------------------------------------------------------------

def replay(cluster: Cluster, extra: Sequence[str]) -> int:
    """``docharness replay docs_src/flink`` with the cluster's URL; its exit status."""
    docharness = Path(sys.executable).with_name("docharness")
    command = [str(docharness) if docharness.exists() else "docharness", "replay", str(PAGES),
               "--report", str(WORK / "results.json"), "--junit", str(WORK / "junit.xml"), *extra]
    env = dict(os.environ, **{URL_VARIABLE: cluster.url})
    say(f"{URL_VARIABLE}={cluster.url} {' '.join(command[1:])}")
    return subprocess.run(command, env=env, cwd=ROOT).returncode


def then(cluster: Cluster, commands: Sequence[str]) -> int:
    """Each ``--then`` command, on the cluster still up, with its URL in ``DOCHARNESS_FLINK_URL``; the first
    non-zero exit status (every command runs)."""
    env = dict(os.environ, **{URL_VARIABLE: cluster.url})
    status = 0
    for command in commands:
        clock = time.monotonic()
        say(f"then: {command}")
        code = subprocess.run(command, shell=True, env=env, cwd=ROOT).returncode
        say(f"then: exit status {code} in {time.monotonic() - clock:.1f}s")
        status = status or code
    return status


# --- 7. Nothing left behind --------------------------------------------------------------

TERMINAL = ("FINISHED", "CANCELED", "FAILED")  # Flink's globally terminal job states
ENDING = ("CANCELLING", "FAILING")  # a teardown's cancel is asynchronous: the job ends a moment later
ENDING_WAIT = 15.0


def _get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        found = json.loads(answer.read())
    return found if isinstance(found, dict) else {}


def left_behind(cluster: Cluster) -> list[str]:
    """The jobs not ended (``GET /jobs/overview``) and the JARs (``GET /jars``) on the cluster, each cancelled or
    deleted once listed: the pages' teardowns must leave none, whatever happened to their examples."""
    def jobs() -> list[dict[str, object]]:
        listed = _get(cluster.url + "/jobs/overview").get("jobs", [])
        return [j for j in listed if isinstance(j, dict)] if isinstance(listed, list) else []

    deadline = time.monotonic() + ENDING_WAIT  # a cancelled job counts as left only if it does not end
    while any(j.get("state") in ENDING for j in jobs()) and time.monotonic() < deadline:
        time.sleep(0.2)
    found: list[str] = []
    for job in jobs():
        if job.get("state") not in TERMINAL:
            found.append(f"job {job.get('jid')} {job.get('name')!r} {job.get('state')}")
            request = urllib.request.Request(f"{cluster.url}/jobs/{job.get('jid')}?mode=cancel", method="PATCH")
            try:
                urllib.request.urlopen(request, timeout=10).close()
            except urllib.error.HTTPError as exc:  # 409: it ended meanwhile
                if exc.code != 409:
                    raise
    files = _get(cluster.url + "/jars").get("files", [])
    for jar in files if isinstance(files, list) else []:
        found.append(f"JAR {jar.get('id')}")
        urllib.request.urlopen(urllib.request.Request(f"{cluster.url}/jars/{jar.get('id')}", method="DELETE"),
                               timeout=10).close()
    return found


def check_clean(cluster: Cluster, after: str) -> int:
    """1 (and every leftover named) when ``after`` left a job running or a JAR on the cluster, else 0."""
    try:
        found = left_behind(cluster)
    except (OSError, ValueError) as exc:
        say(f"error: could not list the jobs and JARs left after {after} at {cluster.url}: {exc}")
        return 1
    if not found:
        say(f"after {after}: no job running and no JAR left on the cluster (GET /jobs/overview, GET /jars)")
        return 0
    say(f"error: {after} left {len(found)} thing(s) on the cluster (now cancelled or deleted): a teardown did not "
        "end what its test started")
    for line in found:
        say(f"  {line}")
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hold", action="store_true", help="start the cluster and wait for Ctrl-C (no replay)")
    parser.add_argument("--then", action="append", default=[], metavar="COMMAND",
                        help="a shell command run after the replay while the cluster is up, with DOCHARNESS_FLINK_URL "
                             "set (repeatable); the lane fails when one fails")
    parser.add_argument("replay_args", nargs="*", help="arguments for docharness replay (after --)")
    args = parser.parse_args(argv)
    clock = time.monotonic()
    try:
        ensure_jdk()
        home = ensure_flink()
        build_job(home)
        say(f"built {JAR.relative_to(ROOT)} in {time.monotonic() - clock:.1f}s since start")
        with running_cluster(home) as cluster:
            if args.hold:
                print(cluster.url, flush=True)
                while True:
                    time.sleep(3600)
            status = replay(cluster, args.replay_args)
            status = check_clean(cluster, "the replay") or status
            if args.then:
                status = then(cluster, args.then) or status
                status = check_clean(cluster, "the --then commands") or status
    except LaneError as exc:
        say(f"error: {exc}")
        say("the live lane did not run: Flink could not be set up or started")
        return 3
    except KeyboardInterrupt:
        return 130
    say(f"done in {time.monotonic() - clock:.1f}s, replay exit status {status}")
    return status


if __name__ == "__main__":
    sys.exit(main())
