"""The fast path of a small rebuild (one process, cached sources and templates) changes no output."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

from harness.model import Document, Example, Format, Operation, Request, Span
from harness.publish.site import SERIAL_CHANGE, build_html, publish, write_sources
from harness.publish.sources import Placement, site_sources


def document(number: int, suffix: str = "") -> Document:
    path = f"cloud/svc/op{number:02d}.rst"
    return Document(path, Format.RST, f"Operation {number}{suffix}",
                    operations=(Operation("GET", f"/v1/{{project_id}}/things{number}", f"Operation {number}{suffix}"),),
                    examples=(Example("line_9", Span(path, 9), requests=(Request("GET", f"/v1/p/things{number}"),)),))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_small_change_built_in_one_process_matches_a_parallel_build(tmp_path: Path) -> None:
    documents = [document(n) for n in range(12)]
    edited = [document(n, " (revised)" if n == 5 else "") for n in range(12)]
    placements = {d.path: Placement("cloud", d.path) for d in documents}
    for name in ("serial", "parallel"):
        publish(documents, None, tmp_path / name, placements=placements, jobs=2)
    assert publish(edited, None, tmp_path / "serial", placements=placements, jobs=2).ok  # picks one process
    out = tmp_path / "parallel"
    stats = write_sources(site_sources(edited, None, placements), out / "site-src")
    assert 0 < len(stats.written) <= SERIAL_CHANGE
    assert build_html(out / "site-src", out / "site", out / "site-doctrees", jobs=2,  # Sphinx's parallel path
                      overrides={"docharness_source_url": ""}).ok
    serial, parallel = tree(tmp_path / "serial" / "site"), tree(out / "site")
    assert serial == parallel
    assert b"Operation 5 (revised)" in serial["ops/cloud-svc-op05.html"]


def test_repeated_builds_in_one_process_report_no_warnings(tmp_path: Path) -> None:
    # a fresh interpreter: other tests' Sphinx apps may have left docutils registrations behind
    script = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
              "from test_publish_small_changes import document; from harness.publish.site import publish; "
              "from harness.publish.sources import Placement; "
              "reports = [publish([document(1)], None, Path(sys.argv[2]) / name, "
              "placements={document(1).path: Placement('cloud')}) for name in ('first', 'second')]; "
              "print([(r.ok, len(r.warnings)) for r in reports]); print(*reports[1].warnings[:3], sep=chr(10))")
    shown = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent), str(tmp_path)],
                           capture_output=True, text=True, check=True).stdout
    assert shown.splitlines()[0] == "[(True, 0), (True, 0)]", shown


def test_an_edited_page_is_rebuilt_after_its_source_changed_under_the_cache(tmp_path: Path) -> None:
    documents = [document(n) for n in range(3)]
    placements = {d.path: Placement("cloud", d.path) for d in documents}
    publish(documents, None, tmp_path, placements=placements)
    changed = [dataclasses.replace(d, description="Now with a description.") if d.path.endswith("01.rst") else d
               for d in documents]
    publish(changed, None, tmp_path, placements=placements)
    page = (tmp_path / "site" / "ops" / "cloud-svc-op01.html").read_text(encoding="utf-8")
    assert "Now with a description." in page
    publish(documents, None, tmp_path, placements=placements)  # and back: the cache must not keep the edit
    page = (tmp_path / "site" / "ops" / "cloud-svc-op01.html").read_text(encoding="utf-8")
    assert "Now with a description." not in page
