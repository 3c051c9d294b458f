"""Golden renderings: one tiny page per diagnostic kind, rendered without colour.

Each ``tests/samples/asciidoc/<code>[-variant].asciidoc`` must produce a
diagnostic with that code; all of the page's diagnostics, rendered, must equal
``tests/golden/<name>.err``. After a deliberate change of wording, regenerate
with ``DOCHARNESS_UPDATE_GOLDEN=1 pytest tests/unit/test_render_golden.py``
and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.parsers.loader import load_file
from harness.report.render import render_diagnostic

TESTS = Path(__file__).resolve().parents[1]
SAMPLES = sorted((TESTS / "samples" / "asciidoc").glob("*.asciidoc"))
GOLDEN = TESTS / "golden"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_rendering_matches_golden(sample: Path) -> None:
    document = load_file(sample, root=TESTS / "samples")
    codes = {d.code for d in document.diagnostics}
    assert any(sample.stem == code or sample.stem.startswith(code + "-") for code in codes), codes
    rendered = "\n\n".join(render_diagnostic(d) for d in document.diagnostics) + "\n"
    golden = GOLDEN / f"{sample.stem}.err"
    if os.environ.get("DOCHARNESS_UPDATE_GOLDEN") == "1":
        golden.write_text(rendered, encoding="utf-8")
    assert "\x1b[" not in rendered
    assert rendered == golden.read_text(encoding="utf-8")


def test_every_golden_file_has_its_sample() -> None:
    assert {p.stem for p in GOLDEN.glob("*.err")} >= {p.stem for p in SAMPLES}
    stale = {p.stem for p in GOLDEN.glob("*.err")} - {p.stem for p in SAMPLES}
    assert not {s for s in stale if not s.startswith(("replay-", "failure-"))}, stale
