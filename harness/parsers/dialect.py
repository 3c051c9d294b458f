"""Which Elasticsearch version's docs-test rules a page is read with, and its attribute values.

Elasticsearch's documentation-test framework changed between versions
(reference §12): ``TESTRESPONSE[_cat]`` became ``non_json`` in 6.8,
``// TEARDOWN``, ``[testenv=...]``, ``+`` continuations, ``skip:`` on responses
and ``skip_shard_failures`` arrived after 6.3, ``[source,console]`` replaced
``// CONSOLE`` in late 7.x, ``TEST[teardown:...]`` exists only in the 8.x Java
port, whose response JSON check is dead. A ``Dialect`` names one of these rule
sets and carries the values the build substitutes for ``{version}`` and its
siblings. ``auto`` (the default) is the union docharness has always read: every
form of every version is accepted. The reference describes 6.3.2 and 6.8.13
exactly; ``6.4`` stands for the releases between them (6.4-6.7), whose trees
use the 6.8 forms but still write ``_cat`` — when each 6.8 form arrived in
those releases is not known here, so ``6.4`` accepts all of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.model import Diagnostic, Level, Request
from harness.parsers.console import STARTYAML

__all__ = ["AUTO", "ATTRIBUTE_KEYS", "DEFAULT_ATTRIBUTES", "Dialect", "RULES", "TABLE_KEYS", "dialect_from_table",
           "rules_for", "startyaml_problems", "unconverted_from_table", "unsupported_items"]

RULES = ("auto", "6.3", "6.4", "6.8", "7.x", "8.x")
# the build's attribute names (DocsTestPlugin), with the values of the 6.8 line docs_src was written against
DEFAULT_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("version", "6.8.13"),
    ("version_qualified", ""),  # empty: the same as version
    ("lucene_version", "7.7.3"),
    ("build_flavor", "default"),
    ("build_type", "tar"),
)
ATTRIBUTE_KEYS = tuple(name for name, _ in DEFAULT_ATTRIBUTES)
# every key of a config's [elasticsearch] table ([[sources]] entries take "rules" too)
TABLE_KEYS = (*ATTRIBUTE_KEYS, "rules", "expected_unconverted")
# 6.x substitutes only these three; version_qualified and build_type came with 7.x
_SIX_X_ATTRIBUTES = ("version", "lucene_version", "build_flavor")
_VERSION = re.compile(r"(\d+)(?:\.(\d+|x))?(?:\.\d+)?(?:-[\w.]+)?")


def rules_for(text: str) -> str:
    """The rule set for a version as written in a config (``6.3.2``, ``6.8``, ``7.17``, ``8``, ``7.x``,
    ``auto``); ``ValueError`` when it names none."""
    if text in RULES:
        return text
    found = _VERSION.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"{text!r} is not a version")
    major = int(found.group(1))
    minor = found.group(2)
    minor_number = 99 if minor in (None, "x") else int(minor)
    if major < 6 or major == 6 and minor_number < 4:
        return "6.3"
    if major == 6 and minor_number < 8:
        return "6.4"
    if major == 6 or major == 7 and minor_number < 6:  # [source,console] came with 7.6
        return "6.8"
    return "7.x" if major == 7 else "8.x"


@dataclass(frozen=True, slots=True)
class Dialect:
    """The rule set a page is read with and the build's attribute values.

    :param rules: one of ``RULES``.
    :param version: ``{version}`` (the Elasticsearch version, without ``-SNAPSHOT``).
    :param version_qualified: ``{version_qualified}`` (7.x+); empty means ``version``.
    :param lucene_version: ``{lucene_version}``.
    :param build_flavor: ``{build_flavor}`` (``oss`` or ``default``).
    :param build_type: ``{build_type}`` (7.x+: ``tar``, ``zip``).
    :param candidates: record each ``js``/``curl`` snippet that is neither CONSOLE nor NOTCONSOLE as an
        ``unconverted-snippet`` info diagnostic, for the end-of-build check (``expected_unconverted``).
    """

    rules: str = "auto"
    version: str = "6.8.13"
    version_qualified: str = ""
    lucene_version: str = "7.7.3"
    build_flavor: str = "default"
    build_type: str = "tar"
    candidates: bool = False

    def since(self, version: str) -> bool:
        """Whether the rules are those of ``version`` (``6.8``, ``7.x``, ``8.x``) or later; ``auto`` is every one."""
        return self.rules == "auto" or RULES.index(self.rules) >= RULES.index(version)

    @property
    def cat_marker(self) -> bool:
        """``TESTRESPONSE[_cat]`` (until 6.7; ``non_json`` since 6.8)."""
        return self.rules in ("auto", "6.3", "6.4")

    @property
    def testenv(self) -> bool:
        """``[testenv="..."]`` lines (6.4 to 7.x Groovy; the 8.x Java port dropped them)."""
        return self.rules in ("auto", "6.4", "6.8", "7.x")

    @property
    def teardown_items(self) -> bool:
        """``TEST[teardown:a,b]`` (the 8.x Java port only)."""
        return self.rules in ("auto", "8.x")

    @property
    def json_check(self) -> bool:
        """Whether the build rejects a response that is not JSON (the 8.x port's check is dead)."""
        return self.rules != "8.x"

    @property
    def console_forms(self) -> bool:
        """``[source,console]`` / ``console-result`` roles and ``id=`` names (late 7.x and 8.x)."""
        return self.rules in ("auto", "7.x", "8.x")

    @property
    def strict_console(self) -> bool:
        """``// CONSOLE`` on a ``js`` snippet is an error on every page, not only on pages using the 7.x forms."""
        return self.rules in ("7.x", "8.x")

    @property
    def seven_or_later(self) -> bool:
        """A 7.x or later build and runner: the ``7.x``/``8.x`` rules, or a 7.0-7.5 ``version`` under the
        ``6.8`` rules (whose parser is 6.8's, whose generator and runner are 7.x's)."""
        if self.rules in ("7.x", "8.x"):
            return True
        major = _VERSION.fullmatch(self.version)
        return self.rules == "6.8" and major is not None and int(major.group(1)) >= 7

    @property
    def shard_check_exempt(self) -> tuple[str, ...]:
        """The path prefixes the generator writes no ``is_false: _shards.failures`` for."""
        return ("_cat", "_ml/datafeeds/") if self.seven_or_later else ("_cat", "_xpack/ml/datafeeds/")

    @property
    def ignored_warnings(self) -> tuple[str, ...]:
        """``Warning`` header prefixes the runner ignores (7.x+: ``[types removal]``, reference §9.6)."""
        return ("[types removal]",) if self.seven_or_later else ()

    def attributes(self) -> tuple[tuple[str, str], ...]:
        """The build's default substitutions as (attribute name, value), in the build's order."""
        values = {"version": self.version, "version_qualified": self.version_qualified or self.version,
                  "lucene_version": self.lucene_version, "build_flavor": self.build_flavor,
                  "build_type": self.build_type}
        names = ATTRIBUTE_KEYS if self.rules == "auto" or self.seven_or_later else _SIX_X_ATTRIBUTES
        return tuple((name, values[name]) for name in names)


AUTO = Dialect()


def dialect_from_table(table: Mapping[str, object]) -> Dialect:
    """The ``[elasticsearch]`` table of a config as a Dialect; ``ValueError(key, message, hint)`` when a
    value is wrong. ``rules`` defaults to the rule set of ``version`` when that is given, else ``auto``.
    A table with ``expected_unconverted`` turns ``candidates`` on.
    """
    values: dict[str, str] = {}
    for key in (*ATTRIBUTE_KEYS, "rules"):
        value = table.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise ValueError(key, f"elasticsearch.{key} must be a non-empty string", f'write {key} = "..."')
        values[key] = value.strip()
    rules = values.pop("rules", "")
    try:
        rules = rules_for(rules) if rules else rules_for(values["version"]) if "version" in values else "auto"
    except ValueError:
        raise ValueError("rules" if "rules" in table else "version",
                         f"elasticsearch.rules: {table.get('rules', table.get('version'))!r} names no known "
                         "rule set", f'write rules = "6.8" (one of {", ".join(RULES)}, or a version such as 6.3.2)'
                         ) from None
    return Dialect(rules, values.get("version", AUTO.version), values.get("version_qualified", ""),
                   values.get("lucene_version", AUTO.lucene_version), values.get("build_flavor", AUTO.build_flavor),
                   values.get("build_type", AUTO.build_type), "expected_unconverted" in table)


def unconverted_from_table(table: Mapping[str, object]) -> tuple[str, ...] | None:
    """The ``expected_unconverted`` pages of an ``[elasticsearch]`` table (posix, no leading ``./``),
    or ``None`` when the check is off; ``ValueError(key, message, hint)`` when it is not a list of paths."""
    pages = table.get("expected_unconverted")
    if pages is None:
        return None
    if not isinstance(pages, list) or not all(isinstance(p, str) and p for p in pages):
        raise ValueError("expected_unconverted", "elasticsearch.expected_unconverted must be a list of page paths",
                         'write expected_unconverted = ["reference/ml/get-bucket.asciidoc", ...] relative to the '
                         "config file")
    return tuple(p.replace("\\", "/").removeprefix("./") for p in pages)


# The items a version's grammar lacks (reference §3.2, §3.4, §12): directive, item, the rule set
# test, and when the item exists. The build fails such a line with "Didn't match" / "Extra content".
_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("TEST", "teardown:", "8.x", "only in the 8.x rules"),
    ("TEST", "skip_shard_failures", "6.4", "after 6.3"),
    ("TESTRESPONSE", "skip:", "6.4", "after 6.3"),
    ("TESTRESPONSE", "non_json", "6.8", "since 6.8; earlier versions write _cat"),
    ("TESTRESPONSE", "_cat", "", "until 6.7; since 6.8 it is non_json"),
)
_ITEM_WORD = re.compile(r"(?:^| )(teardown:|skip:|warning:|(?:skip_shard_failures|non_json|_cat)(?= |$))")
_SUBSTITUTION = re.compile(r"s/(?:\\/|[^/])+/(?:\\/|[^/])*/")


def unsupported_items(dialect: Dialect, name: str, args: str) -> list[tuple[str, int, str]]:
    """``(item, offset in args, when it exists)`` for each item of a ``TEST[...]`` / ``TESTRESPONSE[...]``
    argument text that the dialect's grammar lacks (text inside ``s/.../.../`` items, or after a greedy
    ``skip:`` or ``warning:``, is not looked at)."""
    if dialect.rules == "auto":
        return []
    inside = [found.span() for found in _SUBSTITUTION.finditer(args)]
    out = []
    for found in _ITEM_WORD.finditer(args):
        start = found.start(1)
        if any(first <= start < last for first, last in inside):
            continue
        for directive, item, test, when in _ITEMS:
            allowed = dialect.cat_marker if not test else dialect.teardown_items if test == "8.x" else dialect.since(test)
            if directive == name and item == found.group(1) and not allowed:
                out.append((item, start, when))
        if found.group(1) in ("skip:", "warning:"):
            break  # greedy: the rest of the text is its reason or warning
    return out


def startyaml_problems(dialect: Dialect, requests: Sequence[Request]) -> list[Diagnostic]:
    """``startyaml ... endyaml`` under the 6.3 rules, whose console grammar has no yaml block (reference §6).

    The 6.3 build reads the lines as request text (a body, or a "Didn't match" error), so the test can
    never be what the page means: an error at the ``startyaml`` line.
    """
    if dialect.since("6.4"):
        return []
    return [Diagnostic(Level.ERROR, "startyaml-unsupported", "startyaml ... endyaml is not part of the 6.3 "
                       "build's console grammar (it came after 6.3): the 6.3 build reads these lines as request "
                       "text, so the test cannot run as written", r.span,
                       hint="check the answer with a // TESTRESPONSE snippet instead, or read the page with the "
                       "rules of the version that builds it ([elasticsearch] rules)")
            for r in requests if r.method == STARTYAML and r.span is not None]
