"""Deprecation ``Warning`` headers, sent the way Elasticsearch 6.x sends them, over real HTTP."""

from __future__ import annotations

import re

import requests

from harness.server import ReferenceServer

JOBS = "_xpack/ml/anomaly_detectors"
JOB = {"analysis_config": {"bucket_span": "10m", "detectors": [{"function": "count"}]},
       "data_description": {"time_field": "timestamp"}}
# RFC 7234 warn-value as Elasticsearch 6.x writes it: 299, agent, quoted text (date optional)
WARNING = re.compile(r'^299 Elasticsearch-6\.\d+\.\d+\S* "(?P<text>(?:\\.|[^"\\])*)"(?: "[^"]*")?$')


def close(server: ReferenceServer, **params: str) -> requests.Response:
    base = f"{server.url}/{JOBS}/sample_job"
    if requests.get(base, timeout=5).status_code == 404:
        assert requests.put(base, json=JOB, timeout=5).status_code == 200
    assert requests.post(f"{base}/_open", timeout=5).status_code == 200
    return requests.post(f"{base}/_close", params=params, timeout=5)


def test_the_deprecated_close_timeout_answers_a_warning(fresh_reference_server: ReferenceServer) -> None:
    response = close(fresh_reference_server, close_timeout="10m")
    assert response.status_code == 200 and response.json() == {"closed": True}
    (header,) = response.raw.headers.getlist("Warning")
    found = WARNING.match(header)
    assert found is not None, header
    assert found.group("text") == "Deprecated field [close_timeout] used, expected [timeout] instead"


def test_the_current_timeout_name_answers_no_warning(fresh_reference_server: ReferenceServer) -> None:
    response = close(fresh_reference_server, timeout="10m")
    assert response.status_code == 200 and "Warning" not in response.headers
    assert "Warning" not in close(fresh_reference_server).headers


def test_a_bad_timeout_value_is_still_a_400(fresh_reference_server: ReferenceServer) -> None:
    response = close(fresh_reference_server, timeout="soon")
    assert response.status_code == 400 and "timeout" in response.json()["error"]["reason"]
