"""A placeholder variable named like a secret (``api_token``) is masked in every output, as a capture is."""

from __future__ import annotations

from pathlib import Path

from harness.config import parse_config
from harness.replay import Replay


def test_a_variable_named_like_a_secret_is_masked_and_others_are_not(tmp_path: Path) -> None:
    config = parse_config('[docharness]\nsources = ["docs"]\n[variables]\nregion = "eu-west-1"\n',
                          tmp_path / "docharness.toml")
    environ = {"DOCHARNESS_VAR_SESSION_COOKIE": "cookie-from-the-environment"}
    with Replay(config, dry_run=True, environ=environ,
                variables={"api_token": "TopSecretValue456", "jar_id": "abc.jar"}) as replay:
        shown = replay.targets.redactor.text(
            "GET /x?token=TopSecretValue456&cookie=cookie-from-the-environment&jar=abc.jar&region=eu-west-1")
    assert "TopSecretValue456" not in shown and "cookie-from-the-environment" not in shown
    assert "jar=abc.jar" in shown and "region=eu-west-1" in shown
