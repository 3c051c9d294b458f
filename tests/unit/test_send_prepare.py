"""harness.replay.prepare and variables: the wire form of a request, placeholders filled."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from harness.config import ConfigError, parse_config
from harness.model import BodyKind, Request
from harness.replay.prepare import MissingVariables, prepare
from harness.replay.target import Target, Targets
from harness.replay.variables import Variables, normalize

TARGET = Target(name="t", url="http://127.0.0.1:9200", headers=(("X-Auth-Token", "tok"), ("Accept", "*/*")),
                secret_headers=frozenset({"x-auth-token"}))
VARIABLES = Variables({"project_id": "p-1", "Endpoint": "e.example"})


def wire(request: Request, family: str = "elasticsearch", body_variables: tuple[str, ...] = ()) -> tuple[str, str]:
    prepared = prepare(request, TARGET, family=family, variables=VARIABLES, body_variables=body_variables)
    return prepared.method, prepared.url


@pytest.mark.parametrize("path,url", [
    ("_xpack/rollup/job/sensor/_stop", "/_xpack/rollup/job/sensor/_stop?error_trace=true"),
    ("/twitter/_search?q=a", "/twitter/_search?q=a&error_trace=true"),
    ("twitter/_search?error_trace=false", "/twitter/_search?error_trace=false"),
])
def test_elasticsearch_paths_are_absolute_with_error_trace(path: str, url: str) -> None:
    assert wire(Request("post", path)) == ("POST", "http://127.0.0.1:9200" + url)


def test_cloud_paths_fill_placeholders_and_drop_the_page_host() -> None:
    request = Request("POST", "https://{Endpoint}/v1.0/{project-id}/streaming/jobs/stop")
    assert wire(request, family="cloud") == ("POST", "http://127.0.0.1:9200/v1.0/p-1/streaming/jobs/stop")


def test_names_compare_without_case_or_separators() -> None:
    assert normalize("Project-ID") == normalize("project_id") == "projectid"
    assert VARIABLES.fill("{PROJECT_ID}/{x}") == ("p-1/{x}", ["x"])


def test_a_missing_variable_names_the_config_key() -> None:
    with pytest.raises(MissingVariables) as caught:
        wire(Request("GET", "/v1/{project_id}/clusters/{cluster_id}"), family="cloud")
    assert caught.value.names == ["cluster_id"]
    assert 'add cluster_id = "..." under [variables] in docharness.toml' in str(caught.value)


def test_bodies_are_filled_only_for_declared_placeholders() -> None:
    request = Request("POST", "/x", body='{"project": "{project_id}", "literal": "{kept}"}', body_kind=BodyKind.JSON)
    prepared = prepare(request, TARGET, family="cloud", variables=VARIABLES, body_variables=("project_id",))
    assert prepared.body == b'{"project": "p-1", "literal": "{kept}"}'


def test_content_types_and_headers() -> None:
    ndjson = Request("POST", "_bulk", body='{"index":{}}\n{"a":1}', body_kind=BodyKind.NDJSON,
                     headers=(("Accept", "application/json"),))
    prepared = prepare(ndjson, TARGET, family="elasticsearch", variables=VARIABLES)
    assert prepared.body == b'{"index":{}}\n{"a":1}\n'
    assert prepared.headers == (("X-Auth-Token", "tok"), ("Accept", "application/json"),
                                ("Content-Type", "application/x-ndjson"))
    plain = prepare(Request("GET", "_cat/indices"), TARGET, family="elasticsearch", variables=VARIABLES)
    assert plain.body is None and all(k != "Content-Type" for k, _ in plain.headers)


def test_an_embedded_target_gets_a_random_token_the_server_accepts(tmp_path: Path) -> None:
    config = parse_config('[targets.ref]\nurl = "embedded"\n[targets.ref.headers]\nX-Auth-Token = { env = "T" }\n',
                          tmp_path / "docharness.toml")
    with Targets(config, environ={}) as first, Targets(config, environ={}) as second:
        token = dict(first.get("ref").headers)["X-Auth-Token"]
        assert len(token) >= 20 and token != dict(second.get("ref").headers)["X-Auth-Token"]  # per run
        assert first.redactor.secrets == (token,)
        assert first.get("ref").url.startswith("http://127.0.0.1:") and first.server is not None
        project = "/v1.0/p/streaming/jobs/stop"
        body = {"job_ids": [1], "trigger_savepoint": False}
        assert requests.post(first.get("ref").url + project, json=body, headers={"X-Auth-Token": token},
                             timeout=5).status_code == 200
        assert requests.post(first.get("ref").url + project, json=body, headers={"X-Auth-Token": "other-token"},
                             timeout=5).status_code == 401


def test_an_environment_token_is_used_and_a_missing_one_is_an_error_for_live_targets(tmp_path: Path) -> None:
    text = '[targets.live]\nurl = "http://127.0.0.1:9"\n[targets.live.headers]\nX-Auth-Token = { env = "T" }\n'
    config = parse_config(text, tmp_path / "docharness.toml")
    with Targets(config, environ={"T": "from-the-env"}) as targets:
        assert targets.get("live").headers == (("X-Auth-Token", "from-the-env"),)
    with pytest.raises(ConfigError) as caught:
        Targets(config, environ={}).__enter__()
    assert caught.value.line == 4 and "export T=" in caught.value.hint


@pytest.mark.parametrize("path,url", [
    # the runner hands each parameter's text to its HTTP client, which encodes it: a '+' or a '%' the page
    # wrote arrives as written (a '+' sent raw is a space to the server, '%41' an 'A')
    ("/_search?q=name:(john+smith)", "/_search?q=name:(john%2Bsmith)&error_trace=true"),
    ("/_search?q=100%25", "/_search?q=100%2525&error_trace=true"),
    ("/x?start=2017-01-22T06:00:00+00:00&v", "/x?start=2017-01-22T06:00:00%2B00:00&v&error_trace=true"),
    # the generator splits a parameter on '=' and keeps two tokens; empty parameters and tokens go
    ("/x?q=a=b&&v", "/x?q=a&v&error_trace=true"),
    # and it reads the query up to the next '?' only
    ("/x?q=a?b=c", "/x?q=a&error_trace=true"),
])
def test_elasticsearch_query_parameters_arrive_as_the_runner_sends_them(path: str, url: str) -> None:
    assert wire(Request("GET", path)) == ("GET", "http://127.0.0.1:9200" + url)
