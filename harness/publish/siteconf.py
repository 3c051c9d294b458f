"""The generated site's ``conf.py`` and the options a team sets for it (theme, writer notes).

The text is made from plain values only (``repr`` of strings, numbers and booleans),
so a configured theme name or option can never inject code into ``conf.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SiteOptions", "conf_py", "FULL_NAVIGATION_LIMIT"]

# Above this many pages the sidebar drops the whole-site navigation: rendering it on every
# page costs O(pages^2) (about 45 ms per page at 200 pages), which would dominate big builds.
FULL_NAVIGATION_LIMIT = 300
_SMALL_SIDEBAR = ["navigation.html", "relations.html", "searchbox.html"]
_LARGE_SIDEBAR = ["localtoc.html", "relations.html", "searchbox.html"]
_DEFAULT_OPTIONS: tuple[tuple[str, str | int | float | bool], ...] = (("page_width", "1100px"),)


@dataclass(frozen=True, slots=True)
class SiteOptions:
    """Site-wide choices (the ``[publish]`` table of docharness.toml).

    :param theme: the Sphinx HTML theme; ``""`` keeps Sphinx's default (alabaster).
    :param theme_options: ``html_theme_options``; empty keeps docharness's defaults for alabaster.
    :param writer_notes: show each page's notes for writers on the page too.
    """

    theme: str = ""
    theme_options: tuple[tuple[str, str | int | float | bool], ...] = ()
    writer_notes: bool = False


def conf_py(mark: str, pages: int, options: SiteOptions = SiteOptions()) -> str:
    """The text of the generated ``conf.py``; ``mark`` is the generator's first-line comment."""
    theme_options = dict(options.theme_options or (() if options.theme else _DEFAULT_OPTIONS))
    sidebars = _SMALL_SIDEBAR if pages <= FULL_NAVIGATION_LIMIT else _LARGE_SIDEBAR
    lines = [
        f"# {mark}",
        'project = "API reference"',
        'extensions = ["harness.sphinx"]',
        'exclude_patterns = ["_build"]',
        "html_copy_source = False",
        "html_show_sourcelink = False",
        'html_title = "API reference"',
    ]
    if options.theme:
        lines.append(f"html_theme = {options.theme!r}")
    else:  # alabaster's sidebars; another theme keeps its own
        lines.append(f'html_sidebars = {{"**": {sidebars!r}}}')
    lines += [
        f"html_theme_options = {theme_options!r}",
        "# page text is shown as written: no curly quotes inside parameter names, values and code",
        "smartquotes = False",
        "# a page whose title did not change does not rewrite the family index that lists it",
        "docharness_incremental_toctrees = True",
        "# notes for writers: on their own page, and on each page only when asked for",
        f"docharness_writer_notes = {options.writer_notes!r}",
        "# pages carry no raw HTML and no source text: only the model's text nodes",
        'suppress_warnings = ["misc.highlighting_failure"]',
    ]
    return "\n".join(lines) + "\n"
