"""Output names derived from document paths stay inside the output folder and never collide."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from harness.publish.naming import assign_names, slug

SAFE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_a_document_path_becomes_a_flat_readable_name() -> None:
    assert slug("elasticsearch/rollup/stop-job.asciidoc") == "elasticsearch-rollup-stop-job"
    assert slug("cloud/cdm/stopping_a_job.rst") == "cloud-cdm-stopping-a-job"
    assert slug("cloud/dli/Stopping Jobs.HTML") == "cloud-dli-stopping-jobs"


def test_climbing_and_absolute_paths_cannot_escape(tmp_path: Path) -> None:
    for hostile in ("../../etc/x.rst", "/etc/passwd", "..\\..\\windows\\system32.rst", "....//x.rst", "./../x"):
        name = slug(hostile)
        assert SAFE.match(name), name
        assert (tmp_path / f"{name}.rst").resolve().parent == tmp_path.resolve()
    assert slug("../../etc/x.rst") == "etc-x"


def test_odd_characters_reserved_and_empty_names_get_a_safe_slug() -> None:
    assert slug("café/ünïcode.rst") == "cafe-unicode"
    assert slug("....rst") == "page"
    assert slug("<script>.html") == "script"
    assert slug("con.rst") == "page-con"
    assert slug("index.rst") == "page-index"
    long = slug("a/" * 100 + "b.rst")
    assert len(long) <= 80 and SAFE.match(long)


def test_collisions_are_disambiguated_stably() -> None:
    names = assign_names(["a/b.rst", "a-b.rst", "A/B.rst"])
    assert len(set(names.values())) == 3
    assert names["A/B.rst"] == "a-b"  # first in sorted order keeps the plain name
    again = assign_names(["a/b.rst", "a-b.rst", "A/B.rst", "other.rst"])
    assert {k: again[k] for k in names} == names  # adding a document renames nobody


@given(st.lists(st.text(min_size=0, max_size=40), max_size=20))
def test_any_paths_get_distinct_safe_names(paths: list[str]) -> None:
    names = assign_names(paths)
    assert set(names) == set(paths)
    assert len(set(names.values())) == len(names)
    assert all(SAFE.match(n) and len(n) <= 100 for n in names.values())
