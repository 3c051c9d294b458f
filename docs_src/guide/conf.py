"""Sphinx configuration of the docharness user guide (``tox -e docs`` builds it into generated/guide/).

The guide's HTTP examples are real docharness sources in ``examples/`` (configured by
``docs_src/docharness.toml``); ``tox -e docs`` replays them on the built-in reference server
before ``sphinx-build -W`` builds this guide. Pages are shown with ``literalinclude``; the
extension (``harness.sphinx``) gives every code block a copy button.
"""

from __future__ import annotations

project = "docharness"
author = "the docharness authors"
copyright = "the docharness authors"
extensions = ["harness.sphinx"]
root_doc = "index"
exclude_patterns = ["examples", "_build"]
html_static_path = ["_static"]
html_title = "docharness user guide"
pygments_style = "sphinx"
smartquotes = False  # options and keys are shown exactly as they are typed
