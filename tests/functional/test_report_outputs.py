"""``--report`` / ``--junit`` never replace what is at their path (issue 12, item 3).

A regular file is replaced atomically; a symlink is written through (the link
stays); a device or FIFO is opened and written, never renamed over; a write
error (``/dev/full``: no space left, a FIFO nobody reads) is a clear message and
exit status 2, not a traceback.
"""

from __future__ import annotations

import json
import os
import select
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli import main

PAGE = "[source,js]\n----\nPUT my-index\n----\n// CONSOLE\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    docs = tmp_path / "docs_src"
    docs.mkdir()
    (docs / "page.asciidoc").write_text(PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_symlinked_report_is_written_through_and_stays_a_link(project: Path) -> None:
    (project / "real").mkdir()
    (project / "results.json").symlink_to(project / "real" / "results.json")  # dangling until written
    (project / "junit.xml").symlink_to(project / "real" / "junit.xml")
    (project / "real" / "junit.xml").write_text("old", encoding="utf-8")
    assert main(["replay", "docs_src", "--report", "results.json", "--junit", "junit.xml"]) == 0
    assert (project / "results.json").is_symlink() and (project / "junit.xml").is_symlink()
    assert json.loads((project / "real" / "results.json").read_text(encoding="utf-8"))["complete"] is True
    assert (project / "real" / "junit.xml").read_text(encoding="utf-8").startswith("<?xml")


def test_a_fifo_gets_one_report_and_is_not_replaced(project: Path) -> None:
    fifo = project / "report.fifo"
    os.mkfifo(fifo)
    # the read end is open before the replay opens the FIFO (a reader thread that had not reached its
    # open() yet made the report's non-blocking open fail with "no process is reading" under load)
    reading = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    received: list[bytes] = []

    def read() -> None:
        # poll() reports a FIFO's hang-up only once a writer has come and gone: this waits for the report
        while select.select([reading], [], [])[0] and (chunk := os.read(reading, 65536)):
            received.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        status = main(["replay", "docs_src", "--report", str(fifo)])
    finally:
        if not received:  # a writer that comes and goes ends the reader if the replay never wrote
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join()
        os.close(reading)
    assert status == 0 and fifo.is_fifo()
    assert json.loads(b"".join(received))["complete"] is True  # one JSON document: no start-of-run stub first


def test_a_device_behind_a_link_is_written_not_renamed_over(project: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    (project / "null").symlink_to("/dev/null")
    (project / "full").symlink_to("/dev/full")
    assert main(["replay", "docs_src", "--report", "null", "--junit", "null"]) == 0
    assert os.readlink(project / "null") == "/dev/null"
    capsys.readouterr()
    assert main(["replay", "docs_src", "--report", "full"]) == 2
    err = capsys.readouterr().err
    assert os.readlink(project / "full") == "/dev/full"
    assert "cannot write full: no space left on the device" in err and "Traceback" not in err


def test_a_fifo_without_reader_or_a_folder_is_a_clear_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(project / "nobody.fifo")
    assert main(["replay", "docs_src", "--junit", "nobody.fifo"]) == 2
    assert "no process is reading this FIFO" in capsys.readouterr().err
    (project / "folder").mkdir()
    assert main(["replay", "docs_src", "--report", "folder"]) == 2
    assert "cannot write folder: it is a folder" in capsys.readouterr().err


def test_a_regular_report_is_still_replaced_atomically(project: Path) -> None:
    (project / "results.json").write_text("old", encoding="utf-8")
    os.link(project / "results.json", project / "kept")  # keeps the old inode alive (no reuse)
    assert main(["replay", "docs_src", "--report", "results.json"]) == 0
    assert not os.path.samefile(project / "results.json", project / "kept")  # a new file renamed into place
    assert (project / "kept").read_text(encoding="utf-8") == "old"
    assert not [p for p in project.iterdir() if p.name.endswith(".tmp")]


def test_report_to_stdout_through_a_proc_link(project: Path) -> None:
    """What ``--report /dev/stdout`` does (``/dev/stdout`` is this link), in a real process."""
    import subprocess
    import sys

    (project / "stdout").symlink_to("/proc/self/fd/1")
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-m", "harness", "replay", "docs_src", "--report", "stdout"], cwd=project,
                          env={**os.environ, "PYTHONPATH": str(repo)}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert os.readlink(project / "stdout") == "/proc/self/fd/1"
    start = done.stdout.index("{\n")
    report, _ = json.JSONDecoder().raw_decode(done.stdout[start:])
    assert report["complete"] is True and done.stdout.count('"complete"') == 1


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_new_reports_get_the_mode_any_write_gets_and_existing_ones_keep_theirs(project: Path, umask_022: None) -> None:
    """Reports are shared with CI: a new one is 0644 under umask 022 (not mkstemp's 0600), an existing one
    keeps its mode (never widened), and the replace stays atomic."""
    (project / "kept.xml").write_text("old", encoding="utf-8")
    os.chmod(project / "kept.xml", 0o600)
    (project / "group.html").write_text("old", encoding="utf-8")
    os.chmod(project / "group.html", 0o640)
    assert main(["replay", "docs_src", "--report", "out/results.json", "--junit", "kept.xml",
                 "--html", "group.html", "--annotations", "gitlab:quality.json"]) == 0
    modes = {name: stat.S_IMODE(os.stat(project / name).st_mode) for name in ("out/results.json", "kept.xml",
                                                                               "group.html", "quality.json")}
    assert modes == {"out/results.json": 0o644, "kept.xml": 0o600, "group.html": 0o640, "quality.json": 0o644}
    os.umask(0o077)  # a stricter umask is honoured for a new file too
    assert main(["replay", "docs_src", "--report", "private.json"]) == 0
    assert stat.S_IMODE(os.stat(project / "private.json").st_mode) == 0o600
    assert not [p for p in project.rglob("*.tmp")]
