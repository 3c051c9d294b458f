"""Every misspelt or unknown configuration key is an error at its line, with the closest known key."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import ConfigError, load_config, parse_config
from harness.config_keys import KNOWN

REPO = Path(__file__).resolve().parents[2]
PATH = Path("/project/docs_src/docharness.toml")


def error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, PATH)
    return caught.value


@pytest.mark.parametrize("text,line,message,hint", [
    ("[targets.live]\nurl = 'http://127.0.0.1:9200'\ntimout = 3\n", 3,
     "unknown key `timout` in [targets.live]", "did you mean `timeout`?"),
    ("[docharness]\nsorces = ['a']\n", 2, "unknown key `sorces` in [docharness]", "did you mean `sources`?"),
    ("[targts.live]\nurl = 'embedded'\n", 1, "unknown table `targts` in the top level", "did you mean `targets`?"),
    ("[[sources]]\npaths = ['a/**']\n\n[[sources]]\npaths = ['b/**']\nfamly = 'cloud'\n", 6,
     "unknown key `famly` in [[sources]] entry 2", "did you mean `family`?"),
    ("[targets.a]\nurl = 'embedded'\n[targets.b]\nurl = 'embedded'\nverify_tsl = false\n", 5,
     "unknown key `verify_tsl` in [targets.b]", "did you mean `verify_tls`?"),
    ("[[sources]]\npaths = ['a/**']\nheaders = { X = 'y' }\n[[sources]]\npaths = ['b/**']\nmatch = 'subset'\n"
     "vlatile = ['$.now']\n", 7, "unknown key `vlatile` in [[sources]] entry 2", "did you mean `volatile`?"),
    ("[setups.upload]\nconsole = 'POST /jars/upload'\nmultpart = { jarfile = 'a.jar' }\n", 3,
     "unknown key `multpart` in [setups.upload]", "did you mean `multipart`?"),
    ("[docharness]\nzzz = 1\n", 2, "unknown key `zzz` in [docharness]", "known: `sources`, `default_target`, `cache_dir`"),
])
def test_an_unknown_key_names_its_line_and_the_closest_known_key(text: str, line: int, message: str,
                                                                  hint: str) -> None:
    problem = error(text)
    assert (problem.line, problem.message, problem.hint) == (line, message, hint)
    assert str(problem).startswith(f"{PATH}:{line}: {message}")


def test_names_the_user_chooses_are_free() -> None:
    config = parse_config("[variables]\nanything = 'x'\n[setups]\nmy_setup = 'GET /'\n"
                          "[targets.whatever_name]\nurl = 'embedded'\n[targets.whatever_name.headers]\n"
                          "X-Any-Header = 'v'\n", PATH)
    assert config.variables == {"anything": "x"} and "whatever_name" in config.targets


def test_the_project_config_uses_known_keys_only() -> None:
    assert load_config(REPO / "docs_src" / "docharness.toml").targets


def test_every_target_and_docharness_key_is_in_the_guide() -> None:
    guide = (REPO / "docs_src" / "guide" / "configuration.rst").read_text(encoding="utf-8")
    for key in KNOWN["targets.*"] + KNOWN["docharness"]:
        assert f"] {key}``" in guide or f".{key}] " in guide, key  # a key, or a table ([targets.NAME.headers])
