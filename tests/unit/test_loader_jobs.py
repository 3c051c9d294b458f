"""``load(..., jobs=N)`` and ``docharness extract -j N``: real files, real worker processes, same result."""

from __future__ import annotations

import json
import pickle
import resource
from pathlib import Path

import pytest

from harness.cli import main
from harness.model import Level
from harness.parsers.loader import POOL_MIN_FILES, load

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "docs_src"


def _children_cpu() -> float:
    """CPU seconds of this process's ended children (pool workers count once the pool has shut down)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """More files than POOL_MIN_FILES: the seed pages copied over and over, and one broken file."""
    # the API pages (docs_src/guide is the user guide: prose, not pages under test)
    seeds = sorted(p for p in SEEDS.rglob("*") if p.suffix in (".asciidoc", ".rst", ".html")
                   and not p.is_relative_to(SEEDS / "guide"))
    assert len(seeds) < POOL_MIN_FILES, "copy00 must stay a small tree"
    assert seeds, "the seed pages are missing"
    copies = POOL_MIN_FILES // len(seeds) + 1
    for n in range(copies):
        for seed in seeds:
            target = tmp_path / f"copy{n:02d}" / seed.relative_to(SEEDS)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(seed.read_bytes())
    (tmp_path / "copy00" / "broken.asciidoc").write_bytes(b"= Title\n\n\xff\xfe not utf-8\n")
    return tmp_path


def test_two_jobs_give_the_serial_result_in_the_same_order(tree: Path) -> None:
    serial = load([tree], root=tree)
    assert len(serial) > POOL_MIN_FILES
    before = _children_cpu()
    parallel = load([tree], root=tree, jobs=2)
    assert _children_cpu() > before, "no worker process did any work"
    assert parallel == serial
    assert [d.path for d in parallel] == sorted(d.path for d in parallel)
    (broken,) = [d for d in parallel if d.path == "copy00/broken.asciidoc"]
    assert broken.diagnostics[0].level is Level.ERROR and broken.diagnostics[0].code == "not-utf8"
    assert sum(len(d.examples) for d in parallel) == sum(len(d.examples) for d in serial) > 0


def test_auto_and_small_trees_give_the_same_result(tree: Path) -> None:
    small = [tree / "copy00"]
    before = _children_cpu()
    assert load(small, root=tree, jobs="auto") == load(small, root=tree, jobs=1) == load(small, root=tree)
    assert _children_cpu() == before, "a small tree started worker processes"
    assert load([tree], root=tree, jobs="auto") == load([tree], root=tree)


def test_documents_from_workers_still_pickle_the_default_way(tree: Path) -> None:
    documents = load([tree], root=tree, jobs=2)  # registers the pool's reducers in this process
    assert pickle.loads(pickle.dumps(documents)) == documents


@pytest.mark.parametrize("jobs", [0, -1, True, "two", 1.5])
def test_bad_jobs_are_refused(tree: Path, jobs: object) -> None:
    with pytest.raises(ValueError, match="jobs must be"):
        load([tree], root=tree, jobs=jobs)  # type: ignore[arg-type]


def test_extract_j_prints_the_same_json(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "--json", "-q", "-j", "1", "--root", str(tree), str(tree)]) == 1  # the broken file
    serial = json.loads(capsys.readouterr().out)
    assert main(["extract", "--json", "-q", "--jobs", "2", "--root", str(tree), str(tree)]) == 1
    assert json.loads(capsys.readouterr().out) == serial
    assert main(["extract", "--json", "-q", "--root", str(tree), str(tree)]) == 1  # default: auto
    assert json.loads(capsys.readouterr().out) == serial


def test_extract_refuses_a_bad_j(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["extract", "-j", "0", str(tree)])
    assert exited.value.code == 2
    assert "expected a positive number or 'auto'" in capsys.readouterr().err
