"""load_parallel: the same Documents as the serial loader, from real files, with real worker processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.model import Level
from harness.parsers.loader import load
from harness.parsers.pool import default_jobs, load_parallel

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "samples"


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    rst = (SAMPLES / "rst" / "base_page.rst").read_text(encoding="utf-8")
    html = (SAMPLES / "html" / "base_page.html").read_text(encoding="utf-8")
    for n in range(6):
        body = f'.. code-block::\n\n   {{"name": "job{n}"}}'
        (tmp_path / "rst").mkdir(exist_ok=True)
        (tmp_path / "rst" / f"page{n}.rst").write_text(rst.replace("{{REQUESTS}}", body).replace(
            "{{RESPONSES}}", "None"), encoding="utf-8")
        (tmp_path / "html").mkdir(exist_ok=True)
        (tmp_path / "html" / f"page{n}.html").write_text(html.replace("{{REQUESTS}}", f"<pre>{{\"name\": {n}}}</pre>")
                                                         .replace("{{RESPONSES}}", "<p>None</p>"), encoding="utf-8")
    (tmp_path / "rst" / "broken.rst").write_bytes(b"Title\n=====\n\n\xff\xfe not utf-8\n")
    return tmp_path


def test_parallel_equals_serial(tree: Path) -> None:
    serial = load([tree], root=tree)
    parallel = load_parallel([tree], root=tree, jobs=2)
    assert parallel == serial
    assert len(parallel) == 13 and [d.path for d in parallel] == sorted(d.path for d in parallel)
    assert sum(len(d.examples) for d in parallel) == 12
    (broken,) = [d for d in parallel if d.path == "rst/broken.rst"]
    assert broken.diagnostics[0].level is Level.ERROR and broken.diagnostics[0].code == "not-utf8"


def test_one_job_and_small_trees_load_in_process(tree: Path) -> None:
    assert load_parallel([tree / "rst" / "page0.rst"], root=tree, jobs=8) == load([tree / "rst" / "page0.rst"],
                                                                                 root=tree)
    assert load_parallel([tree], root=tree, jobs=1) == load([tree], root=tree)
    assert default_jobs() >= 1


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_parallel([tmp_path / "nope"], root=tmp_path, jobs=2)


def test_with_a_cache_each_page_is_read_once_and_workers_parse_what_they_are_sent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import harness.parsers.loader as loader
    from harness.parsers.cache import ExtractCache

    for n in range(loader.POOL_MIN_FILES + 6):
        (tmp_path / "docs").mkdir(exist_ok=True)
        (tmp_path / "docs" / f"p{n:03d}.asciidoc").write_text(f"= Page {n}\n\n[source,js]\n----\nGET /i{n}/_doc/1\n"
                                                               "----\n// CONSOLE\n", encoding="utf-8")
    expected = load([tmp_path / "docs"], root=tmp_path)
    parent, reads = os.getpid(), []
    real_read = loader._read

    def read_in_this_process_only(path: Path, *args: object) -> object:
        # forked workers inherit this: a worker reading a page again fails the load
        assert os.getpid() == parent, f"a worker read {path} again"
        reads.append(path.name)
        return real_read(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "_read", read_in_this_process_only)
    cache = ExtractCache(tmp_path / "cache")
    assert load([tmp_path / "docs"], root=tmp_path, jobs=2, cache=cache) == expected  # cold: workers parse
    assert sorted(reads) == sorted(set(reads)) and len(reads) == len(expected)  # each page read once
    assert cache.misses == len(expected) and len(list((tmp_path / "cache").glob("extract/*/*/*"))) == len(expected)
    reads.clear()
    warm = ExtractCache(tmp_path / "cache")
    assert load([tmp_path / "docs"], root=tmp_path, jobs=2, cache=warm) == expected
    assert warm.hits == len(expected) and len(reads) == len(expected)
