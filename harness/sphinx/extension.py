"""``setup()`` of the docharness Sphinx extension: registration only.

Loads sphinxcontrib-httpdomain (its ``http`` domain and routing table hold
the documented endpoints, so a project may list both extensions, in either
order) and sphinx-copybutton, and adds the ``docharness-operation`` and
``docharness-examples`` directives, the ``:http:endpoint:`` role, typed
``docharness_*`` configuration values, and the small tab script and
stylesheet. Other projects use it with ``extensions = ["harness.sphinx"]``.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from harness.publish.codegen import DEFAULT_SECRET_HEADERS
from harness.sphinx.directives import ExamplesDirective, OperationDirective
from harness.sphinx.domain import EndpointRole
from harness.sphinx.extraction import setup_extraction
from harness.sphinx.incremental import setup_incremental
from harness.sphinx.writers import WriterNotesDirective

__all__ = ["setup", "STATIC"]

STATIC = Path(__file__).parent / "static"


def _add_static_path(app: Sphinx, config: Config) -> None:
    # appended at config-inited so a project's own html_static_path stays first
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def _routing_table_label(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The ``routingtable`` label httpdomain sets while reading, kept after parallel reads too.

    httpdomain adds it on ``doctree-read``; in a parallel build that happens in the reading
    processes and the merge drops it (it belongs to no read document), so ``-j`` builds lost it.
    """
    std = env.domaindata["std"]
    std["labels"].setdefault("routingtable", ("http-routingtable", "", str(app.config.http_index_localname)))
    std["anonlabels"].setdefault("routingtable", ("http-routingtable", ""))
    return []


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the docharness directives, the ``http`` domain, config values and assets."""
    app.add_config_value("docharness_results", "", "env", types=frozenset({str}),
                         description="default results file (results.json) for docharness-examples")
    app.add_config_value("docharness_source_url", "", "env", types=frozenset({str}),
                         description="source link template with {path} and {line}; empty: no link")
    app.add_config_value("docharness_writer_notes", False, "env", types=frozenset({bool}),
                         description="show each page's notes for writers on the page (default: only on their page)")
    app.add_config_value("docharness_base_url_env", "DOCHARNESS_URL", "env", types=frozenset({str}),
                         description="environment variable the code tabs read the target URL from")
    app.add_config_value("docharness_secret_headers", dict(DEFAULT_SECRET_HEADERS), "env", types=frozenset({dict}),
                         description="header name -> environment variable, for headers carrying secrets")
    app.setup_extension("sphinxcontrib.httpdomain")
    app.setup_extension("sphinx_copybutton")  # a copy button on every code block
    app.add_role_to_domain("http", "endpoint", EndpointRole())
    app.add_directive("docharness-operation", OperationDirective)
    app.add_directive("docharness-examples", ExamplesDirective)
    app.add_directive("docharness-writer-notes", WriterNotesDirective)
    app.connect("config-inited", _add_static_path)
    app.connect("env-updated", _routing_table_label)
    setup_incremental(app)
    setup_extraction(app)
    app.add_css_file("docharness.css")
    app.add_js_file("docharness.js", defer="defer")
    try:
        version = metadata.version("docharness")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        version = "unknown"
    return {"version": version, "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
