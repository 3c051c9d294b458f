"""A subset check of a documented body that holds no value (``{ }``) is never "verified".

Every object contains ``{}``: a page documenting ``{ }`` as its response, checked as a
subset, passes whatever the target answers. The badge said "verified (subset: documented
fields present and equal)" though no value was compared.
"""

from __future__ import annotations

from pathlib import Path

import fault_servers as fs
import pytest
from lxml import html
from replay_project import cloud_config

from harness.cli import main

PAGE = """\
Deleting a Task
===============

URI
---

DELETE /v2/{project_id}/tasks/{task_id}

Example Request
---------------

.. code-block:: text

   DELETE https://{endpoint}/v2/{project_id}/tasks/t-1

Example Response
----------------

**Status code: 200**

.. code-block::

   { }
"""


def test_a_subset_of_an_empty_body_is_not_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "task.rst").write_text(PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with fs.fault_server(fs.ok_json) as server:  # answers {"acknowledged": true}: a superset of {}
        (docs / "docharness.toml").write_text(cloud_config(server.url, "rst", "subset"), encoding="utf-8")
        assert main(["replay", "--no-cache", "--config", "docs/docharness.toml", "--report", "results.json"]) == 0
    out = capsys.readouterr().out
    assert "1 of the passed examples was subset-checked against a body holding no value" in out
    assert main(["publish", "--config", "docs/docharness.toml", "--results", "results.json", "--out", "out"]) == 0
    (page,) = (tmp_path / "out" / "site" / "ops").glob("*.html")
    badges = [" ".join(b.text_content().split()) for b in html.parse(str(page)).getroot().xpath(
        "//*[contains(concat(' ', @class, ' '), ' docharness-badge ')]")]
    assert len(badges) == 1 and badges[0].startswith("subset-checked (the documented body holds no value")
    assert "verified" not in badges[0]
