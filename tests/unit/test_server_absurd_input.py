"""Absurd input gets the documented 4xx from the reference server, never a 500 (issue 12, item 7).

Real HTTP against the session's reference server: bodies nested 100,000 deep,
NaN / Infinity / 1e400 / 5,000-digit numbers, invalid UTF-8, a 5,000-digit or
superscript job id on every id route, and a Content-Length of 5,000 digits.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest
import requests

from harness.server import ReferenceServer

ES_BODY_ROUTES = [("PUT", "/_xpack/rollup/job/j"), ("PUT", "/_xpack/ml/anomaly_detectors/j"), ("PUT", "/_xpack/ml/datafeeds/d"),
                  ("PUT", "/idx"), ("PUT", "/idx/_doc/1"), ("POST", "/_bulk")]
CLOUD_BODY_ROUTES = [("POST", "/v1.1/p/clusters/c/cdm/job"), ("POST", "/v1.0/p/streaming/sql-jobs"),
                     ("POST", "/v1.0/p/streaming/jobs/run"), ("POST", "/v1.0/p/streaming/jobs/stop")]
ID_ROUTES = [("GET", "/_xpack/rollup/job/{id}"), ("DELETE", "/_xpack/rollup/job/{id}"),
             ("POST", "/_xpack/rollup/job/{id}/_start"), ("GET", "/_xpack/ml/anomaly_detectors/{id}"),
             ("POST", "/_xpack/ml/anomaly_detectors/{id}/_close"), ("GET", "/{id}/_doc/{id}"),
             ("GET", "/v1.1/p/clusters/c/cdm/job/{id}"), ("PUT", "/v1.1/p/clusters/c/cdm/job/{id}/start"),
             ("GET", "/v1.0/p/streaming/jobs/{id}"), ("DELETE", "/v1.0/p/streaming/jobs/{id}")]
BODIES = {
    "nested-arrays": b"[" * 100_000 + b"]" * 100_000,
    "nested-objects": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    "nested-101": b'{"a":' * 101 + b"1" + b"}" * 101,
    "nan": b'{"a": NaN, "job_ids": [NaN]}',
    "infinity": b'{"a": -Infinity}',
    "too-big-double": b'{"a": 1e400, "page_size": 1e400}',
    "5000-digits": b'{"job_id": ' + b"9" * 5_000 + b', "job_ids": [' + b"9" * 5_000 + b"]}",
    "invalid-utf8": b'{"name": "\xff\xfe"}',
}
HEADERS = {"Content-Type": "application/json", "X-Auth-Token": "t"}


def _send(server: ReferenceServer, method: str, path: str, body: bytes = b"") -> requests.Response:
    return requests.request(method, server.url + path, data=body, headers=HEADERS, timeout=30)


@pytest.mark.parametrize("name", sorted(BODIES))
def test_absurd_json_bodies_are_a_400_in_the_family_envelope(reference_server: ReferenceServer, name: str) -> None:
    for method, path in ES_BODY_ROUTES:
        body = BODIES[name] if path != "/_bulk" else b'{"index": {"_index": "i", "_type": "_doc"}}\n' + BODIES[name] + b"\n"
        response = _send(reference_server, method, path, body)
        assert response.status_code == 400, (path, response.text[:300])
        assert response.json()["error"]["type"] in ("json_parse_exception", "illegal_argument_exception"), path
    for method, path in CLOUD_BODY_ROUTES:
        response = _send(reference_server, method, path, BODIES[name])
        assert response.status_code == 400, (path, response.text[:300])
        assert response.json()["error_code"].endswith(".0001"), path


@pytest.mark.parametrize("ident", ["9" * 5_000, "\u00b2", "1" * 25, "-1"])
def test_absurd_job_ids_are_a_4xx_never_a_500(reference_server: ReferenceServer, ident: str) -> None:
    for method, template in ID_ROUTES:  # the API's answer for an unknown id (a 404, or GET rollup's empty list)
        response = _send(reference_server, method, template.replace("{id}", ident))
        assert response.status_code < 500, (method, template, response.status_code, response.text[:300])
    assert _send(reference_server, "GET", f"/v1.0/p/streaming/jobs/{ident}").json()["error_code"] == "DLI.0002"


@pytest.mark.parametrize(("length", "status"), [(b"9" * 5_000, b"413"), ("\u00b2".encode(), b"400"), (b"-1", b"400")])
def test_an_absurd_content_length_is_a_4xx(reference_server: ReferenceServer, length: bytes, status: bytes) -> None:
    where = urlsplit(reference_server.url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as connection:
        connection.sendall(b"PUT /idx HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + b"\r\n\r\n")
        assert connection.recv(4096).startswith(b"HTTP/1.1 " + status)


def test_documents_at_the_depth_limit_are_stored_and_read_back(reference_server: ReferenceServer) -> None:
    body = b'{"a":' * 99 + b"1" + b"}" * 99
    assert _send(reference_server, "PUT", "/deep-ok/_doc/1", body).status_code in (200, 201)
    assert _send(reference_server, "GET", "/deep-ok/_doc/1").json()["_source"]["a"]["a"]["a"] is not None
