"""`docharness --help` and `docharness extract` start light: no replay, requests, Sphinx or server code.

Checked in a fresh interpreter with ``python -X importtime`` and ``sys.modules`` at exit,
which together list every module the command imported. Replaying one page against a running
target loads no publisher, server, other format's parser or report writer that was not asked for.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.server import ReferenceServer

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("requests", "urllib3", "sphinx", "harness.replay", "harness.server", "harness.publish", "harness.sphinx")


# `python -m harness ARGS`, printing sys.modules at exit: -X importtime does not list the modules
# importlib.import_module loads (the command modules, the format parsers), sys.modules has them all
DRIVER = ("import atexit, runpy, sys\n"
          "atexit.register(lambda: sys.__stderr__.write('\\nmodules: ' + ' '.join(sorted(sys.modules)) + '\\n'))\n"
          "runpy.run_module('harness', run_name='__main__', alter_sys=True)\n")


def imported(*args: str, cwd: Path = ROOT) -> set[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", DRIVER, *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    lines = done.stderr.splitlines()
    at_exit = [line.split()[1:] for line in lines if line.startswith("modules: ")]
    assert len(at_exit) == 1, done.stderr[-2000:]
    return set(at_exit[0]) | {line.rsplit("|", 1)[1].strip() for line in lines
                              if line.startswith("import time:") and line.count("|") >= 2}


@pytest.mark.parametrize(("args", "other_formats"), [
    (("--help",), ("docutils", "lxml", "regex", "harness.parsers.asciidoc")),
    (("extract", "docs_src/elasticsearch/rollup/stop-job.asciidoc"), ("docutils", "lxml")),
    (("extract", "--json", "docs_src/cloud/cdm/stopping_a_job.rst"), ("lxml",)),
    (("extract", "-q", "docs_src/cloud/dli/stopping_jobs_in_batches.html"), ("docutils",))])
def test_help_and_extract_import_no_replay_requests_sphinx_or_server(args: tuple[str, ...],
                                                                     other_formats: tuple[str, ...]) -> None:
    modules = imported(*args)
    assert "harness.cli" in modules  # the listing is real
    unneeded = (*HEAVY, *other_formats)  # and no other format's parser library
    heavy = sorted(m for m in modules if m in unneeded or m.startswith(tuple(f"{h}." for h in unneeded)))
    assert not heavy, heavy


def test_replay_still_loads_what_it_needs() -> None:
    modules = imported("replay", "--help")
    assert "harness.replay" in modules and "http.client" in modules  # replay sends with http.client


# what replaying one AsciiDoc page against a running target needs no part of: the publisher, the
# server (the target runs elsewhere), the other formats' parsers, and the report writers not asked for
NOT_FOR_REPLAY = ("sphinx", "docutils", "lxml", "harness.publish", "harness.sphinx", "harness.server",
                  "harness.report.html_report", "harness.report.annotations", "harness.report.junit",
                  "harness.report.json_report", "xml.etree", "requests", "urllib3")


def test_replay_of_one_page_against_a_running_target_imports_only_what_it_uses(
        reference_server: ReferenceServer, tmp_path: Path) -> None:
    page = tmp_path / "page.asciidoc"
    page.write_text("[source,js]\n----\nGET _cat/health\n----\n// CONSOLE\n", encoding="utf-8")
    modules = imported("replay", "page.asciidoc", "--target", reference_server.url, cwd=tmp_path)
    assert "http.client" in modules and "harness.replay" in modules and "harness.parsers.asciidoc" in modules
    heavy = sorted(m for m in modules if m in NOT_FOR_REPLAY or m.startswith(tuple(f"{h}." for h in NOT_FOR_REPLAY)))
    assert not heavy, heavy


def test_replay_imports_a_report_writer_when_that_report_is_asked_for(
        reference_server: ReferenceServer, tmp_path: Path) -> None:
    page = tmp_path / "page.asciidoc"
    page.write_text("[source,js]\n----\nGET _cat/health\n----\n// CONSOLE\n", encoding="utf-8")
    modules = imported("replay", "page.asciidoc", "--target", reference_server.url, "--junit", "j.xml",
                       "--report", "r.json", "--html", "r.html", cwd=tmp_path)
    assert {"harness.report.junit", "harness.report.json_report", "harness.report.html_report"} <= modules
    assert (tmp_path / "j.xml").is_file() and (tmp_path / "r.json").is_file() and (tmp_path / "r.html").is_file()


def test_the_pytest_plugin_loads_the_regex_package_only_when_a_page_pattern_is_compiled() -> None:
    """Page patterns run under the ``regex`` package's time limit; importing it costs every start about
    13 ms, so the plugin and replay import it with the first page pattern, not before."""
    code = ("import sys\nimport harness.pytest_plugin, harness.replay.run\n"
            "assert 'regex' not in sys.modules, 'imported at start'\n"
            "from harness.replay.match import match_subset\n"
            "assert match_subset({'a': '/b+c/'}, {'a': 'xbbc'}) is None and match_subset({'a': '/b+c/'}, {'a': 'c'})\n"
            "assert 'regex' in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


# what extract of a page with no docharness.toml above it never needs: the TOML reader and the config
# types (imported with a config file only), the results types of replay, the checks against the config
NOT_WITHOUT_CONFIG = ("tomllib", "harness.config", "harness.config_types", "harness.results",
                      "harness.parsers.project_checks")


def test_extract_without_a_config_file_reads_no_toml_and_loads_no_results(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<h4 class='sectiontitle'>URI</h4><p>GET /v1/jobs</p>", encoding="utf-8")
    modules = imported("extract", "--no-cache", "--json", "page.html", cwd=tmp_path)
    assert "harness.parsers.html" in modules and "harness.config_file" in modules
    assert not sorted(m for m in modules if m in NOT_WITHOUT_CONFIG)
    (tmp_path / "docharness.toml").write_text("", encoding="utf-8")  # with one, the config is read
    assert {"tomllib", "harness.config"} <= imported("extract", "--no-cache", "page.html", cwd=tmp_path)
