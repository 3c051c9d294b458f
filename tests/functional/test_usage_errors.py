"""Bad configuration and bad command lines: `file:line: what` and a hint, exit 2, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_replay_cli import project

from harness.cli import main


def test_a_misspelt_config_key_exits_2_with_its_line_and_a_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    config = "[targets.live]\nurl = 'embedded'\ntimout = 3\n"
    monkeypatch.chdir(project(tmp_path, config=config))
    assert main(["replay", "--dry-run"]) == 2
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    where = tmp_path / "docs_src" / "docharness.toml"
    assert err.count(f"{where}:3: unknown key `timout` in [targets.live]\n  hint: did you mean `timeout`?") == 2


@pytest.mark.parametrize("argv,hint", [
    (["replya"], "did you mean `replay`?"),
    (["replay", "--taget", "embedded"], "did you mean `--target`?"),
    (["replay", "--dry-run", "--reprot=x.json"], "did you mean `--report`?"),
])
def test_a_misspelt_command_or_option_exits_2_with_a_hint(argv: list[str], hint: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project(tmp_path))
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    assert f"  hint: {hint}" in capsys.readouterr().err


@pytest.mark.parametrize("argv,message", [
    (["replay", "--target", "ftp://x"], "expected 'embedded' or an http(s) URL"),
    (["run", "--target", "http://user:s3cret@[bad"], "'http://***@[bad' is not a URL"),
    (["extract", "docs_src", "--root", "nowhere"], "'nowhere' is not a folder"),
])
def test_bad_option_values_exit_2(argv: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project(tmp_path))
    with pytest.raises(SystemExit) as done:
        main(argv)
    err = capsys.readouterr().err
    assert done.value.code == 2 and message in err and "s3cret" not in err


def test_a_report_that_cannot_be_written_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project(tmp_path))
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert main(["run", "--out", "file/generated"]) == 2
    err = capsys.readouterr().err
    assert "cannot write file/generated" in err and "hint:" in err and "Traceback" not in err


def test_an_unreadable_folder_exits_2_naming_it(tmp_path: Path) -> None:
    root = project(tmp_path)
    locked = root / "docs_src" / "locked"
    locked.mkdir()
    (locked / "page.asciidoc").write_text("[source,js]\n----\nGET /\n----\n// CONSOLE\n", encoding="utf-8")
    prefix: list[str] = []
    if os.geteuid() == 0:  # root reads every folder: run without the capabilities that allow it
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: no folder can be made unreadable")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    locked.chmod(0)
    try:
        runs = [subprocess.run([*prefix, sys.executable, "-m", "harness", *argv], cwd=root, text=True, env=env,
                               capture_output=True, check=False)
                for argv in (["extract", "docs_src"], ["replay", "--dry-run"])]
    finally:
        locked.chmod(0o755)
    for run in runs:
        assert run.returncode == 2, run.stderr
        assert "docs_src/locked: cannot read the folder: Permission denied" in run.stderr
        assert "hint: give this user read and execute permission" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("url", ["http://admin:s3cr/etPW@127.0.0.1:9200", "http://admin:s3cr?etPW@127.0.0.1:9200",
                                 "http://admin:s3cretPW@127.0.0.1:notaport"])
def test_a_bad_target_url_never_echoes_its_password(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from harness.commands.replay import target_url

    try:
        target_url(url)
        message = ""
    except argparse.ArgumentTypeError as exc:
        message = str(exc)
    assert "s3cr" not in message and "etPW" not in message
