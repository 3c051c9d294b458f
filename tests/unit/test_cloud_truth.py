"""The project's own cloud regression pages against their hand-written labels.

``benchmarks/truth/cloud_truth.json`` labels every page of ``tests/samples/{rst,html}``
that shows one extraction pattern (pairing by label and number, status sources,
alternatives, request-line forms, samples pages, tables): each must come out fully
right (method, path with query, headers, body, status, response) with no extra
example and no warning judged false. The same file labels the shared corpus sample,
which the benchmark scores when it is present; these tests never read it.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_cloud_precision",
                                                  ROOT / "benchmarks" / "bench_cloud_precision.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


BENCH = _bench()
TRUTH: dict[str, Any] = json.loads(BENCH.TRUTH.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", TRUTH["samples"], ids=lambda p: p["page"])
def test_sample_page_is_extracted_exactly(page: dict[str, Any]) -> None:
    score = BENCH.score_page(page, ROOT / "tests" / "samples")
    assert score.misses == []
    assert score.right == score.emitted == score.documented == len(page["examples"])


def test_every_sample_page_is_labelled_and_exists() -> None:
    folder = ROOT / "tests" / "samples"
    labelled = {p["page"] for p in TRUTH["samples"]}
    assert all((folder / name).is_file() for name in labelled)
    pages = {p.relative_to(folder).as_posix() for kind in ("rst", "html") for p in (folder / kind).iterdir()
             if p.is_file()}
    assert pages - labelled == {"rst/base_page.rst", "html/base_page.html"}  # templates for inline tests


def test_a_wrong_extraction_is_counted_as_wrong() -> None:
    page = dict(TRUTH["samples"][0])
    page["examples"] = [dict(page["examples"][0], status=599)] + page["examples"][1:]
    score = BENCH.score_page(page, ROOT / "tests" / "samples")
    assert score.right == score.emitted - 1 and any("not found" in m for m in score.misses)
