"""The change cache of the generated sources: unchanged inputs are neither rendered nor read again."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

from harness.model import Document, Example, Format, Operation, Request, Span
from harness.publish.manifest import MANIFEST_NAME, Deferred, SourceText, input_key
from harness.publish.site import publish, write_sources
from harness.publish.sources import GENERATED_MARK, Placement, plan_sources, site_sources
from harness.results import ExampleResult, Outcome, RunResult

CODE = ("harness.model", "harness.publish.sources")


def document(title: str = "Stop a job") -> Document:
    path = "cloud/jobs/stop.rst"
    return Document(path, Format.RST, title, operations=(Operation("POST", "/v1/{project_id}/jobs/{id}/stop", title),),
                    examples=(Example("line_9", Span(path, 9), requests=(Request("POST", "/v1/p/jobs/7/stop"),)),))


class Renders:
    """A deferred text that counts how often it was rendered."""

    def __init__(self, text: str) -> None:
        self.text, self.calls = text, 0

    def __call__(self) -> str:
        self.calls += 1
        return self.text


def test_unchanged_inputs_are_not_rendered_and_files_are_not_rewritten(tmp_path: Path) -> None:
    manifest = tmp_path / "state" / MANIFEST_NAME
    page = Renders(f'{{"generator": "{GENERATED_MARK}", "n": 1}}\n')
    files: dict[str, SourceText] = {"ops/a.json": Deferred("k1", page), "ops/a.rst": f".. {GENERATED_MARK}\n"}
    assert sorted(write_sources(files, tmp_path / "src", manifest).written) == ["ops/a.json", "ops/a.rst"]
    assert page.calls == 1 and manifest.is_file()
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "src" / "ops").iterdir()}

    stats = write_sources(files, tmp_path / "src", manifest)
    assert stats.written == [] and sorted(stats.unchanged) == ["ops/a.json", "ops/a.rst"]
    assert page.calls == 1  # the key matched and the file is untouched: nothing rendered
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "src" / "ops").iterdir()} == before

    changed = Renders(f'{{"generator": "{GENERATED_MARK}", "n": 2}}\n')
    stats = write_sources(dict(files, **{"ops/a.json": Deferred("k2", changed)}), tmp_path / "src", manifest)
    assert stats.written == ["ops/a.json"] and changed.calls == 1
    assert (tmp_path / "src" / "ops" / "a.json").read_text(encoding="utf-8") == changed.text


def test_a_file_edited_by_hand_is_regenerated_even_when_its_key_matches(tmp_path: Path) -> None:
    manifest = tmp_path / MANIFEST_NAME
    page = Renders(f"{GENERATED_MARK} page\n")
    files = {"ops/a.json": Deferred("k", page)}
    write_sources(files, tmp_path / "src", manifest)
    target = tmp_path / "src" / "ops" / "a.json"
    target.write_text("edited by a person\n", encoding="utf-8")
    stats = write_sources(files, tmp_path / "src", manifest)
    assert stats.written == ["ops/a.json"] and target.read_text(encoding="utf-8") == page.text
    target.unlink()
    assert write_sources(files, tmp_path / "src", manifest).written == ["ops/a.json"] and target.is_file()


def test_an_unreadable_manifest_only_means_comparing_again(tmp_path: Path) -> None:
    manifest = tmp_path / MANIFEST_NAME
    page = Renders(f"{GENERATED_MARK} page\n")
    files = {"ops/a.json": Deferred("k", page)}
    write_sources(files, tmp_path / "src", manifest)
    for garbage in ("{not json", '{"schema": 1, "files": {"ops/a.json": "k"}}', "[]", "\x00\x01"):
        manifest.write_text(garbage, encoding="utf-8")
        stats = write_sources(files, tmp_path / "src", manifest)
        assert stats.written == [] and stats.unchanged == ["ops/a.json"]  # compared, found equal
    assert page.calls == 5


def test_removed_pages_leave_the_manifest_too(tmp_path: Path) -> None:
    manifest = tmp_path / MANIFEST_NAME
    files = {"ops/a.rst": f".. {GENERATED_MARK}\n", "ops/b.rst": f".. {GENERATED_MARK}\nb\n"}
    write_sources(files, tmp_path / "src", manifest)
    stats = write_sources({"ops/a.rst": files["ops/a.rst"]}, tmp_path / "src", manifest)
    assert stats.removed == ["ops/b.rst"] and "ops/b.rst" not in manifest.read_text(encoding="utf-8")
    assert write_sources(files, tmp_path / "src", manifest).written == ["ops/b.rst"]


def test_the_key_follows_every_input_value_and_type() -> None:
    base = input_key(CODE, document(), (), True)
    assert input_key(CODE, document(), (), True) == base  # equal values, other objects
    assert input_key(CODE, document("Stop a job."), (), True) != base
    assert input_key(CODE, document(), (), False) != base
    span = dataclasses.replace(document().examples[0].span, line=10)
    moved = dataclasses.replace(document(), examples=(dataclasses.replace(document().examples[0], span=span),))
    assert input_key(CODE, moved, (), True) != base
    assert len({input_key(CODE, value) for value in (1, 1.0, True, "1", None)}) == 5
    assert input_key(("harness.model",), document(), (), True) != base  # other rendering code


def test_unpicklable_inputs_get_a_key_that_matches_nothing() -> None:
    assert input_key(CODE, lambda: 1) != input_key(CODE, lambda: 1)


def test_the_key_is_the_same_in_another_process() -> None:
    script = ("import sys; sys.path.insert(0, sys.argv[1]); from test_publish_manifest import CODE, document; "
              "import harness.publish.sources; from harness.publish.manifest import input_key; "
              "print(input_key(CODE, document(), (), True))")
    for seed in ("1", "2"):
        shown = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)], capture_output=True,
                               text=True, check=True, env=dict(os.environ, PYTHONHASHSEED=seed)).stdout.strip()
        assert shown == input_key(CODE, document(), (), True)


def test_deferred_sources_render_to_exactly_the_site_sources() -> None:
    run = RunResult(results=(ExampleResult("cloud/jobs/stop.rst", "line_9", Span("cloud/jobs/stop.rst", 9),
                                           Outcome.PASSED, started="2026-11-22T10:00:00Z"),))
    placements = {"cloud/jobs/stop.rst": Placement("cloud")}
    planned = plan_sources([document()], run, placements)
    first = planned["ops/cloud-jobs-stop.json"]
    assert isinstance(first, Deferred)
    rendered = {name: source.render() if isinstance(source, Deferred) else source for name, source in planned.items()}
    assert rendered == site_sources([document()], run, placements)
    again = plan_sources([document()], run, placements)["ops/cloud-jobs-stop.json"]
    other = plan_sources([document()], None, placements)["ops/cloud-jobs-stop.json"]
    assert isinstance(again, Deferred) and isinstance(other, Deferred)
    assert again.key == first.key != other.key


def test_publish_keeps_the_manifest_with_sphinx_state_and_not_in_the_site(tmp_path: Path) -> None:
    publish([document()], None, tmp_path, placements={"cloud/jobs/stop.rst": Placement("cloud")})
    assert (tmp_path / "site-doctrees" / MANIFEST_NAME).is_file()
    assert not list((tmp_path / "site").rglob(MANIFEST_NAME)) and not list((tmp_path / "site-src").rglob(MANIFEST_NAME))
