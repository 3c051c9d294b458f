"""The [publish] table and the generated conf.py: a team's theme, plain values only."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import ConfigError, PublishSettings, parse_config
from harness.publish.siteconf import SiteOptions, conf_py


def test_publish_table_is_read_with_defaults(tmp_path: Path) -> None:
    assert parse_config("", tmp_path / "docharness.toml").publish == PublishSettings()
    config = parse_config('[publish]\nsource_url = "https://x.invalid/{path}#L{line}"\ntheme = "classic"\n'
                          'theme_options = { stickysidebar = true }\nwriter_notes = true\n', tmp_path / "d.toml")
    assert config.publish == PublishSettings("https://x.invalid/{path}#L{line}", "classic",
                                             (("stickysidebar", True),), True)


def test_a_bad_publish_value_names_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="writer_notes must be true or false"):
        parse_config('[publish]\nwriter_notes = "yes"\n', tmp_path / "d.toml")


def test_conf_py_holds_the_theme_as_plain_values() -> None:
    namespace: dict[str, object] = {}
    text = conf_py("mark", 3, SiteOptions(theme='x"; import os; "', theme_options=(("a", 1),), writer_notes=True))
    exec(compile(text, "conf.py", "exec"), namespace)  # the text is valid Python, the name stays a string
    assert namespace["html_theme"] == 'x"; import os; "' and "os" not in namespace
    assert namespace["html_theme_options"] == {"a": 1} and namespace["docharness_writer_notes"] is True
    default: dict[str, object] = {}
    exec(compile(conf_py("mark", 3), "conf.py", "exec"), default)
    assert "html_theme" not in default and default["html_theme_options"] == {"page_width": "1100px"}
