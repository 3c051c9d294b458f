"""``setup()`` of the docharness Sphinx extension: registration only.

Adds the ``http`` domain (endpoints keyed by (method, path), with its
endpoint index), the ``docharness-operation`` and ``docharness-examples``
directives, typed ``docharness_*`` configuration values, and the small tab
script and stylesheet. Other projects use it with
``extensions = ["harness.sphinx"]``.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from harness.publish.codegen import DEFAULT_SECRET_HEADERS
from harness.sphinx.directives import ExamplesDirective, OperationDirective
from harness.sphinx.domain import HTTPDomain

__all__ = ["setup", "STATIC"]

STATIC = Path(__file__).parent / "static"


def _add_static_path(app: Sphinx, config: Config) -> None:
    # appended at config-inited so a project's own html_static_path stays first
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the docharness directives, the ``http`` domain, config values and assets."""
    app.add_config_value("docharness_results", "", "env", types=frozenset({str}),
                         description="default results file (results.json) for docharness-examples")
    app.add_config_value("docharness_source_url", "", "env", types=frozenset({str}),
                         description="source link template with {path} and {line}; empty: no link")
    app.add_config_value("docharness_base_url_env", "DOCHARNESS_URL", "env", types=frozenset({str}),
                         description="environment variable the code tabs read the target URL from")
    app.add_config_value("docharness_secret_headers", dict(DEFAULT_SECRET_HEADERS), "env", types=frozenset({dict}),
                         description="header name -> environment variable, for headers carrying secrets")
    app.add_domain(HTTPDomain)
    app.add_directive("docharness-operation", OperationDirective)
    app.add_directive("docharness-examples", ExamplesDirective)
    app.connect("config-inited", _add_static_path)
    app.add_css_file("docharness.css")
    app.add_js_file("docharness.js", defer="defer")
    try:
        version = metadata.version("docharness")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        version = "unknown"
    return {"version": version, "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
