"""Bad input of every kind gets a 4xx in the family's envelope: never a 500, never a hang.

Hypothesis throws arbitrary JSON (and non-JSON) bodies, query flags and path
segments at every route of the reference server, over real HTTP.
"""

from __future__ import annotations

import json
from typing import Any

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.server import ReferenceServer

ROUTES = [
    ("PUT", "/_xpack/rollup/job/{id}"), ("POST", "/_xpack/rollup/job/{id}/_start"),
    ("DELETE", "/_xpack/rollup/job/{id}"), ("PUT", "/_xpack/ml/anomaly_detectors/{id}"),
    ("POST", "/_xpack/ml/anomaly_detectors/{id}/_close"), ("PUT", "/_xpack/ml/datafeeds/{id}"),
    ("POST", "/_xpack/ml/datafeeds/{id}/_start"), ("PUT", "/{id}"), ("POST", "/_bulk"), ("POST", "/{id}/_doc/_bulk"),
    ("PUT", "/{id}/_doc/{id}"), ("GET", "/{id}/_count"),
    ("POST", "/v1.1/p/clusters/c/cdm/job"), ("PUT", "/v1.1/p/clusters/c/cdm/job/{id}/start"),
    ("POST", "/v1.0/p/streaming/sql-jobs"), ("POST", "/v1.0/p/streaming/jobs/run"),
    ("POST", "/v1.0/p/streaming/jobs/stop"), ("GET", "/v1.0/p/streaming/jobs/{id}"),
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["jobs", "job_ids", "name", "index_pattern", "groups", "settings", "mappings", "detectors",
                         "analysis_config", "data_description", "job_id", "indices", "page_size", "cron",
                         "rollup_index", "date_histogram", "field", "interval", "metrics", "trigger_savepoint",
                         "from-connector-name", "index", "doc"]) | st.text(max_size=8), inner, max_size=5),
    max_leaves=20)
bodies = json_values.map(json.dumps) | st.text(max_size=60) | st.builds(
    lambda lines: "".join(json.dumps(line) + "\n" for line in lines), st.lists(json_values, max_size=6))
segments = st.text(st.characters(codec="utf-8", exclude_characters="/?#"), min_size=1, max_size=12)
flags = st.dictionaries(st.sampled_from(["error_trace", "force", "refresh", "close_timeout", "timeout", "pretty",
                                         "op_type", "wait_for_completion"]), st.text(max_size=6), max_size=3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(ROUTES), body=bodies, segment=segments, query=flags)
def test_any_input_gets_a_non_5xx_json_answer(reference_server: ReferenceServer, route: tuple[str, str], body: str,
                                              segment: str, query: dict[str, str]) -> None:
    method, template = route
    path = template.replace("{id}", requests.utils.quote(segment, safe=""))
    response = requests.request(method, reference_server.url + path, data=body.encode(), params=query,
                                headers={"Content-Type": "application/json", "X-Auth-Token": "fuzz"}, timeout=5)
    assert response.status_code < 500, (method, path, body, response.text)
    answer: Any = response.json()
    if response.status_code >= 400:
        family_keys = {"error", "status"} if path.startswith("/_") or not path.startswith("/v1") else {
            "error_code", "error_msg"}
        assert set(answer) == family_keys, answer
