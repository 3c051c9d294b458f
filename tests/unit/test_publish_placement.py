"""The code tabs carry the secret headers replay sends for a page: the target's and its source's."""

from __future__ import annotations

from pathlib import Path

from harness.commands.publish import _placement
from harness.config import load_config

DOCS = Path(__file__).resolve().parents[2] / "docs_src"


def test_cloud_pages_carry_their_source_token_and_elasticsearch_pages_none() -> None:
    config = load_config(DOCS / "docharness.toml")
    cloud = _placement("cloud/cdm/stopping_a_job.rst", DOCS, config)
    elastic = _placement("elasticsearch/rollup/stop-job.asciidoc", DOCS, config)
    assert (cloud.family, cloud.auth_headers) == ("cloud", (("X-Auth-Token", "DOCHARNESS_TOKEN"),))
    assert (elastic.family, elastic.auth_headers) == ("elasticsearch", ())
