"""A one-page change rewrites that page only: toctree parents stay when the title stayed.

Sphinx writes, with every changed document, each document whose toctree lists it,
in case its title changed. On a generated reference a family index lists hundreds
of pages, so a badge that changed on one page rewrote the index as well. With
``docharness_incremental_toctrees = True`` (the generated site's ``conf.py`` sets
it), a re-read document whose title is the same as before does not pull its
toctree parents into the write; a renamed one still does.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment

__all__ = ["setup_incremental"]

_TITLES = "_docharness_titles_before"
_HELD = "_docharness_parents_held"


def _remember_titles(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if app.config.docharness_incremental_toctrees:
        setattr(app, _TITLES, {d: env.titles[d].astext() for d in docnames if d in env.titles})


def _hold_parents(app: Sphinx, builder: Builder) -> None:
    before: dict[str, str] = getattr(app, _TITLES, {})
    env = builder.env
    held = {}
    for docname, title in before.items():
        if docname in env.titles and env.titles[docname].astext() == title and docname in env.files_to_rebuild:
            held[docname] = env.files_to_rebuild.pop(docname)
    setattr(app, _HELD, held)
    setattr(app, _TITLES, {})


def _restore_parents(app: Sphinx, exception: BaseException | None) -> None:
    held: dict[str, set[str]] = getattr(app, _HELD, {})
    if held and app.builder is not None:
        app.builder.env.files_to_rebuild.update(held)
    setattr(app, _HELD, {})


def setup_incremental(app: Sphinx) -> None:
    """Register the config value and the three event handlers."""
    app.add_config_value("docharness_incremental_toctrees", False, "", types=frozenset({bool}),
                         description="do not rewrite the toctree parents of a re-read page whose title is unchanged")
    app.connect("env-before-read-docs", _remember_titles)
    app.connect("write-started", _hold_parents)
    app.connect("build-finished", _restore_parents)
