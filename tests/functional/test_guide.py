"""The user guide (docs_src/guide/) builds with ``sphinx-build -W``, its HTTP examples are real pages that
pass on the reference server, it documents every flag and config key, and the README stays a front page.

What ``tox -e docs`` does, run for real: the guide's examples replayed through the CLI on the embedded
reference server, and a real Sphinx build of the guide with warnings as errors.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import build_parser
from harness.config import load_config
from harness.config_keys import KNOWN

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs_src" / "guide"
EXAMPLES = GUIDE / "examples"
README = ROOT / "README.md"


def docharness(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


def test_the_guide_builds_with_warnings_as_errors(tmp_path: Path) -> None:
    out = tmp_path / "guide"
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(GUIDE),
                           str(out)], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    pages = {p.stem for p in GUIDE.glob("*.rst")}
    assert {p.stem for p in out.glob("*.html")} >= pages
    # the examples are shown from their files, not retyped
    started = (out / "getting-started.html").read_text(encoding="utf-8")
    assert "TEST[catch:missing]" in started and "docs_src/guide/examples/stop-job.asciidoc" in started
    assert (out / "_images" / "verified-page.png").is_file()


def test_the_guide_examples_pass_on_the_reference_server(tmp_path: Path) -> None:
    report = tmp_path / "results.json"
    done = docharness("replay", "docs_src/guide/examples", "--report", str(report))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.match(r"\d+ passed, 0 failed, 0 error, 0 skipped in ", done.stdout.splitlines()[-1]), done.stdout
    assert "warning[" not in done.stdout + done.stderr  # the guide's pages are clean pages
    results = json.loads(report.read_text(encoding="utf-8"))["results"]
    assert results and {r["outcome"] for r in results} == {"passed"}
    pages = {p.relative_to(ROOT).as_posix() for p in EXAMPLES.iterdir() if p.suffix in (".asciidoc", ".rst", ".html")}
    assert {r["document"] for r in results} == pages  # every example page holds tests, and all of them ran
    assert {"exact", "shape"} <= {r["checked"] for r in results}


def test_every_example_page_is_shown_in_the_guide() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in GUIDE.glob("*.rst"))
    for page in EXAMPLES.iterdir():
        assert f".. literalinclude:: examples/{page.name}" in text, page.name


def test_the_guide_prose_is_not_taken_for_pages_to_test() -> None:
    # docs_src/guide sits inside docs_src: `extract docs_src` and `pytest docs_src` read its .rst files too
    prose = sorted(str(p.relative_to(ROOT)) for p in GUIDE.glob("*.rst"))
    done = docharness("extract", *prose)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines()[-1] == f"{len(prose)} documents: 0 examples, 0 tests, 0 errors, 0 warnings"


def test_docharness_run_does_not_pick_up_the_guide() -> None:
    config = load_config(ROOT / "docs_src" / "docharness.toml")
    for source in config.source_paths():
        assert not (GUIDE.is_relative_to(source.resolve()) or source.resolve().is_relative_to(GUIDE)), source
    done = docharness("replay", "--dry-run")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "docs_src/elasticsearch/" in done.stdout and "guide/" not in done.stdout


def _sections(text: str) -> dict[str, str]:
    """The guide page's sections by title (RST titles underlined with '-')."""
    parts = re.split(r"^(.+)\n-{3,}\n", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


INDEX = _sections((GUIDE / "flags-and-keys.rst").read_text(encoding="utf-8"))


def _commands() -> dict[str, argparse.ArgumentParser]:
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("the CLI has no sub-commands")


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_cli_flag_is_in_the_index(command: str) -> None:
    section = INDEX.get(f"``docharness {command}``")
    assert section is not None, f"flags-and-keys.rst has no section for docharness {command}"
    options = {o for a in _commands()[command]._actions for o in a.option_strings} - {"-h", "--help"}
    missing = sorted(o for o in options if not re.search(rf"``{re.escape(o)}[ `]", section))
    assert not missing, f"docharness {command}: {missing} not in docs_src/guide/flags-and-keys.rst"


def test_every_pytest_option_is_in_the_index() -> None:
    source = (ROOT / "harness" / "pytest_plugin.py").read_text(encoding="utf-8")
    options = re.findall(r'addoption\(\s*"(--[a-z-]+)"', source)
    assert len(options) >= 5
    section = INDEX["``pytest`` (the plugin)"]
    assert [o for o in options if f"``{o}" not in section] == []
    plugin_page = (GUIDE / "pytest-plugin.rst").read_text(encoding="utf-8")
    assert [o for o in options if o not in plugin_page] == []


def test_every_sphinx_config_value_is_in_the_index() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "harness" / "sphinx").glob("*.py"))
    values = re.findall(r'add_config_value\(\s*"(docharness_[a-z_]+)"', source)
    assert "docharness_cache_dir" in values
    section = INDEX["Sphinx extension (``conf.py``)"]
    assert [v for v in values if f"``{v}``" not in section] == []
    publishing = (GUIDE / "publishing.rst").read_text(encoding="utf-8")
    assert [v for v in values if v not in publishing] == []


def test_every_config_key_is_documented() -> None:
    section = INDEX["Configuration keys"]
    explained = "\n".join((GUIDE / name).read_text(encoding="utf-8") for name in ("configuration.rst", "publishing.rst"))
    for table, keys in KNOWN.items():
        for key in keys:
            assert f"``{key}``" in section or table == "", f"[{table}] {key} is not in flags-and-keys.rst"
            assert key in explained, f"[{table}] {key} is explained neither in configuration.rst nor publishing.rst"


def test_the_readme_is_a_short_sample_led_front_page() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 6500
    for marker, command in (("readme-main-command", ".venv/bin/docharness run"),
                            ("readme-test-command", ".venv/bin/python -m pytest")):
        after = text.split(f"<!-- {marker} -->\n", 1)[1].splitlines()
        assert after[0] == "```sh" and after[1].startswith("python3 -m venv .venv && ") and after[1].endswith(command)
    # the sample page is the real, replayed one, character for character
    sample = (EXAMPLES / "stop-job.asciidoc").read_text(encoding="utf-8")
    assert f"```asciidoc\n{sample}```" in text
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert (ROOT / image).is_file(), image
    for page in re.findall(r"\]\((docs_src/guide/[^)#]+)", text):
        assert (ROOT / page).is_file(), page


def _normalized(output: str) -> list[str]:
    """Replay's output without what changes from run to run: the reference server's port, the time."""
    text = re.sub(r"http://127\.0\.0\.1:\d+", "http://127.0.0.1:PORT", output)
    return re.sub(r" in \d+\.\d+s$", " in Ts", text.strip(), flags=re.M).splitlines()


def test_the_output_shown_for_the_sample_is_what_replay_prints() -> None:
    command = ".venv/bin/docharness replay docs_src/guide/examples/stop-job.asciidoc"
    done = docharness("replay", "docs_src/guide/examples/stop-job.asciidoc")
    assert done.returncode == 0, done.stdout + done.stderr
    printed = _normalized(done.stdout)
    readme = README.read_text(encoding="utf-8").split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    assert _normalized(readme) == printed
    started = (GUIDE / "getting-started.rst").read_text(encoding="utf-8").split(f"$ {command}\n", 1)[1]
    shown = [line.removeprefix("   ") for line in started.split("\n\n\n", 1)[0].split("\nIn the published")[0].splitlines()]
    assert _normalized("\n".join(shown)) == printed


def test_the_run_summary_the_readme_quotes_is_what_run_prints(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "harness", "run", "--out", str(tmp_path / "out")], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False,
                          env={k: v for k, v in os.environ.items() if k != "DOCHARNESS_FLINK_URL"})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    counts = re.sub(r" in \d+\.\d+s$", "", done.stdout.splitlines()[-1])
    assert f"`{counts}`" in README.read_text(encoding="utf-8")
    assert f"   {counts} in " in (GUIDE / "getting-started.rst").read_text(encoding="utf-8")
