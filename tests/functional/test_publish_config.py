"""`docharness publish --config FILE` and `docharness run` publish with the configuration they loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs_src"


def test_publish_uses_the_given_config_not_one_found_beside_the_pages(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    pages = tmp_path / "pages"
    shutil.copytree(DOCS / "cloud" / "cdm", pages / "cloud" / "cdm")
    (pages / "docharness.toml").write_text('[[sources]]\npaths = ["cloud/**"]\nfamily = "cloud"\n', encoding="utf-8")
    custom = tmp_path / "custom.toml"
    custom.write_text('[docharness]\nsources = ["pages"]\n\n[[sources]]\npaths = ["pages/cloud/**"]\n'
                      'family = "elasticsearch"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["publish", "--config", str(custom), "--out", "out"]) == 0
    site = tmp_path / "out" / "site"
    assert (site / "elasticsearch.html").is_file() and not (site / "cloud.html").exists()
