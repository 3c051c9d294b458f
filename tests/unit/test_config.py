"""harness.config: the TOML file read into frozen data, and every error said with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import (
    EMBEDDED,
    ConfigError,
    HeaderSpec,
    find_config,
    load_config,
    parse_config,
)
from harness.model import MatchPolicy

REPO = Path(__file__).resolve().parents[2]

GOOD = '''
[docharness]
sources = ["es", "cloud"]
default_target = "local"

[targets.local]
url = "http://127.0.0.1:9200/"
timeout = 2.5
verify_tls = false
allow_writes = true
reset_on_override = true
reset = """
POST /_reference/reset
"""

[targets.local.headers]
X-Auth-Token = { env = "MY_TOKEN" }
Accept = "application/json"

[[sources]]
paths = ["es/**"]
family = "elasticsearch"

[[sources]]
paths = ["cloud/**"]
family = "cloud"
match = "subset"
headers = { X-Cloud-Token = { env = "CLOUD_TOKEN" }, X-Region = "eu-1" }

[variables]
project_id = "p1"

[setups]
one = """
PUT idx
"""
'''


def test_the_project_config_loads() -> None:
    config = load_config(REPO / "docs_src" / "docharness.toml")
    assert config.default_target == "reference"
    assert config.targets["reference"].url == EMBEDDED
    # the token belongs to the cloud pages, not to every request of the target
    assert config.targets["reference"].headers == ()
    assert config.rule_for("cloud/cdm/stopping_a_job.rst").headers == (HeaderSpec("X-Auth-Token", env="DOCHARNESS_TOKEN"),)
    assert config.rule_for("elasticsearch/rollup/stop-job.asciidoc").headers == ()
    assert config.lines["source.1.X-Auth-Token"] > 0
    assert config.rule_for("cloud/cdm/stopping_a_job.rst").match is MatchPolicy.SHAPE
    assert config.rule_for("elasticsearch/rollup/stop-job.asciidoc").family == "elasticsearch"
    assert "sensor_started_rollup_job" in config.setups


def test_every_key_is_read(tmp_path: Path) -> None:
    config = parse_config(GOOD, tmp_path / "docharness.toml")
    target = config.targets["local"]
    assert (target.url, target.timeout, target.verify_tls, target.allow_writes) == \
        ("http://127.0.0.1:9200", 2.5, False, True)
    assert target.headers == (HeaderSpec("X-Auth-Token", env="MY_TOKEN"), HeaderSpec("Accept", value="application/json"))
    assert target.reset.strip() == "POST /_reference/reset"
    assert config.sources == ("es", "cloud")
    assert config.variables == {"project_id": "p1"}
    assert config.rule_for("cloud/x/page.html").match is MatchPolicy.SUBSET
    assert config.rule_for("es/a/b.asciidoc").family == "elasticsearch"
    assert config.target_for("es/a.asciidoc").name == "local"
    assert config.lines["setups.one"] == GOOD.splitlines().index('one = """') + 1
    assert target.reset_on_override is True
    cloud = config.rule_for("cloud/x/page.html")
    assert cloud.headers == (HeaderSpec("X-Cloud-Token", env="CLOUD_TOKEN"), HeaderSpec("X-Region", value="eu-1"))
    assert config.rule_for("es/a/b.asciidoc").headers == ()
    assert config.lines["source.1.X-Cloud-Token"] == GOOD.splitlines().index(
        'headers = { X-Cloud-Token = { env = "CLOUD_TOKEN" }, X-Region = "eu-1" }') + 1


def test_reset_on_override_defaults_to_false(tmp_path: Path) -> None:
    config = parse_config("[targets.a]\nurl = 'http://x'\nreset = 'POST /wipe'\n", tmp_path / "docharness.toml")
    assert config.targets["a"].reset_on_override is False


def test_a_target_url_can_come_from_the_environment(tmp_path: Path) -> None:
    config = parse_config("[targets.flink]\nurl = { env = 'FLINK_URL' }\n", tmp_path / "docharness.toml")
    assert (config.targets["flink"].url, config.targets["flink"].url_env) == ("", "FLINK_URL")
    assert config.lines["url.flink"] == 2


def test_no_target_means_the_embedded_server(tmp_path: Path) -> None:
    config = parse_config("[variables]\nx = 'y'\n", tmp_path / "docharness.toml")
    assert config.targets["reference"].url == EMBEDDED
    assert config.default_target == "reference"


@pytest.mark.parametrize("text,line,words", [
    ("[docharness\nsources = 1\n", 1, "invalid TOML"),
    ("[targets.a]\nurl = 'ftp://x'\n", 2, "http(s) URL"),
    ("[targets.a]\nurl = 'http://x'\ntimeout = -1\n", 3, "positive number"),
    ("[targets.a]\nurl = 'http://x'\n[targets.a.headers]\nX-Auth-Token = { value = 's3cret' }\n", 4, "env"),
    ("[targets.a]\nurl = 'http://x'\n[[sources]]\npaths = ['a/**']\nfamily = 'soap'\n", 5, "family"),
    ("[targets.a]\nurl = 'http://x'\n[[sources]]\npaths = ['a/**']\nmatch = 'fuzzy'\n", 5, "match"),
    ("[targets.a]\nurl = 'http://x'\n[[sources]]\npaths = ['a/**']\ntarget = 'b'\n", 5, "not a configured target"),
    ("[docharness]\ndefault_target = 'nope'\n", 2, "default_target"),
    ("[targets.a]\nurl = 'http://x'\nreset_on_override = 'yes'\n", 3, "true or false"),
    ("[targets.a]\nurl = { env = 'FLINK URL' }\n", 2, "one environment variable"),
    ("[teardowns.cancel]\nconsole = 'PATCH /jobs/1?mode=cancel'\nignore = [200]\n", 3, "error statuses"),
    ("[teardowns.cancel]\nconsole = 'PATCH /jobs/1?mode=cancel'\n\nignore = 409\n", 4, "error statuses"),
    ("[targets.a]\nurl = { env = 'FLINK_URL', default = 'http://x' }\n", 2, "one environment variable"),
    ("[targets.a]\nurl = 'http://x'\n[[sources]]\npaths = ['a/**']\nheaders = { X-Token = 's' }\n"
     "[[sources]]\npaths = ['b/**']\nheaders = { X-Auth-Token = { value = 's' } }\n", 8, "env"),
])
def test_errors_name_the_file_the_line_and_a_fix(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "docharness.toml"
    with pytest.raises(ConfigError) as caught:
        parse_config(text, path)
    assert caught.value.line == line
    assert words in caught.value.message
    assert caught.value.hint
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_find_config_walks_up(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "docharness.toml").write_text("", encoding="utf-8")
    page = tmp_path / "docs" / "a" / "b" / "page.asciidoc"
    page.parent.mkdir(parents=True)
    page.write_text("", encoding="utf-8")
    assert find_config(page) == tmp_path / "docs" / "docharness.toml"
    assert find_config(tmp_path) is None


def test_an_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")


def test_each_target_reset_and_header_is_located_in_its_own_table(tmp_path: Path) -> None:
    path = tmp_path / "docharness.toml"
    path.write_text('[targets.a]\nurl = "embedded"\nreset = "POST /a"\n\n[targets.a.headers]\nX-Token = "1"\n\n'
                    '[targets.b]\nurl = "embedded"\nreset = "POST /b"\n\n[targets.b.headers]\nX-Token = "2"\n\n'
                    '[setups]\nsame = "GET /s"\n\n[teardowns]\nsame = "GET /t"\n', encoding="utf-8")
    lines = load_config(path).lines
    assert (lines["reset.a"], lines["reset.b"]) == (3, 10)
    assert (lines["header.a.X-Token"], lines["header.b.X-Token"]) == (6, 13)
    assert (lines["setups.same"], lines["teardowns.same"]) == (16, 19)
