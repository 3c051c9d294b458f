"""``curl`` command lines in example request blocks -> method, URL, headers and body.

Pages show requests as the command a reader would paste: ``curl -X POST
"https://{endpoint}/v1/{project_id}/jobs" -H 'Content-Type: application/json' -d
'{...}'``, over several lines joined by ``\\``. The command is split the way a POSIX
shell splits it (``shlex``), up to a pipe or redirection; the method is ``-X``/``--request``,
else POST when data is given (curl's own rule), HEAD for ``-I``, else GET. ``--data-urlencode``
and ``--url-query`` are encoded as curl encodes them, ``--json`` adds its two headers. What the
page does not show (a body, headers or an upload from a file, a multipart form) or a word this
reader cannot place makes the command unreadable, with the reason (``read_curl``): never a
request that differs from the one curl would send.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

__all__ = ["CurlCommand", "is_curl", "parse_curl", "read_curl"]

_CURL = re.compile(r"^\s*(?:\$\s+)?curl(?:\s|$)")
_DATA = {"-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--data-urlencode", "--json"}
_HEADER = {"-H", "--header"}
_METHOD = {"-X", "--request"}
# options that take a value we do not use (so the value is not mistaken for the URL)
_VALUED = {"-u", "--user", "-o", "--output", "-A", "--user-agent", "-e", "--referer", "-b", "--cookie", "-c",
           "--cookie-jar", "-F", "--form", "--cert", "--key", "--cacert", "--capath", "-w", "--write-out", "-m",
           "--max-time", "--connect-timeout", "-T", "--upload-file", "--retry", "-x", "--proxy", "--resolve",
           "-E", "--cert-type", "--key-type", "--limit-rate", "-r", "--range", "-y", "-Y", "-z", "--oauth2-bearer",
           "--retry-delay", "--retry-max-time", "--max-redirs", "--interface", "--noproxy", "-U", "--proxy-user",
           "--ciphers", "--trace", "--trace-ascii", "--stderr", "--expect100-timeout", "--keepalive-time",
           "--local-port", "--dns-servers", "--connect-to", "--tls-max", "--pinnedpubkey", "--proxy-cacert",
           "--aws-sigv4", "--variable", "--write-out", "--netrc-file"}


# options that authenticate with credentials written on the page (never sent: replay takes the run's own)
_AUTH = {"-u", "--user", "--basic", "--digest", "--ntlm", "--negotiate", "--anyauth", "--oauth2-bearer",
         "--aws-sigv4", "-n", "--netrc", "--netrc-optional", "--netrc-file"}


@dataclass(frozen=True, slots=True)
class CurlCommand:
    """What a curl command sends: ``url`` as written, headers in order, the body or ``None``.

    :param auth: the authentication options the command gives (``-u``, ``--basic``), as written and
        without their values, for a warning: the page's credentials are never sent.
    """

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: str | None
    auth: tuple[str, ...] = ()


def is_curl(line: str) -> bool:
    """Whether ``line`` starts a curl command (``curl ...`` or ``$ curl ...``)."""
    return bool(_CURL.match(line))


# short options that take a value: in a cluster (-sSX POST, -sXPOST) the rest of the word, else the next one
_SHORT_VALUED = frozenset("XHduoAebcFmTxErwyYz")


def _options(word: str) -> list[tuple[str, str | None]]:
    """One command-line word as options: ``--data=x`` -> [(``--data``, ``x``)]; ``-sXPOST`` ->
    [(``-s``, None), (``-X``, ``POST``)]; ``-sX`` -> [(``-s``, None), (``-X``, None)] (value in the next word)."""
    if word.startswith("--"):
        name, equals, value = word.partition("=")
        return [(name, value if equals else None)]
    if not word.startswith("-") or len(word) <= 2:
        return [(word, None)]
    found: list[tuple[str, str | None]] = []
    for position, letter in enumerate(word[1:], start=1):
        if letter in _SHORT_VALUED:
            found.append((f"-{letter}", word[position + 1:] or None))
            break
        found.append((f"-{letter}", None))
    return found


def _looks_like_url(word: str) -> bool:
    return "://" in word or word.startswith(("/", "{", "$", "localhost", "127.")) or "/" in word


_MAX_COMMAND = 256 * 1024  # a documented curl command is a few KB; larger is not read
# shell words that end the command: what follows is another program or a redirection of the output
_SHELL_END = frozenset({"|", "||", "&&", ";", "&", ">", ">>", "2>", "2>&1", "&>", "1>"})
# options whose request part lives in a file the page does not show
_FROM_FILE = {"-T": "the curl command uploads a file the page does not show (-T)",
              "--upload-file": "the curl command uploads a file the page does not show (--upload-file)",
              "-K": "the curl command reads its options from a file the page does not show (-K)",
              "--config": "the curl command reads its options from a file the page does not show (--config)"}


def parse_curl(command: str) -> CurlCommand | None:
    """The request a curl command sends, or ``None`` when it cannot be read (unbalanced quotes, no URL)."""
    found = read_curl(command)
    return found if isinstance(found, CurlCommand) else None


def read_curl(command: str, files: Mapping[str, str] | None = None) -> CurlCommand | str:
    """The request a curl command sends, or why it cannot be told from the page.

    Never a guess: a body or headers read from a file, a multipart form, a word this reader
    cannot place (a second URL, the value of an option it does not know) make it unreadable.

    :param files: the content of files the page shows, by the name it gives them
        (``${filename}.json``): a body read from one of those (``-d @${filename}.json``) is that content.
    """
    if len(command) > _MAX_COMMAND:  # shlex reads a character at a time: quadratic on a huge quoted body
        return "the curl command is too long to read"
    text = _CURL.sub("curl ", command, count=1).replace("\\\r\n", " ").replace("\\\n", " ")
    try:
        words = shlex.split(text, comments=False)[1:]
    except ValueError:
        return "the curl command could not be read (unbalanced quotes)"
    end = next((i for i, w in enumerate(words) if w in _SHELL_END), len(words))
    if "curl" in words[end:]:  # "curl ... && curl ...": a second request on the same line
        return "the line holds several curl commands; write one per line so each is its own example"
    words = words[:end]
    substituted, variables = _expansions(text)
    if substituted:  # $(...) or `...`: what the shell pastes in is not on the page
        return f"the curl command runs a shell command ({substituted[:40]}) whose output the page does not show"
    state = _Curl(variables, files or {})
    index = 0
    while index < len(words):
        options = _options(words[index])
        index += 1
        for name, value in options:
            takes = name in _DATA | _HEADER | _METHOD | _VALUED or name in ("--url", "--url-query")
            if takes and value is None:
                value = words[index] if index < len(words) else ""
                index += 1
            problem = state.option(name, value)
            if problem:
                return problem
    return state.command()


_VARIABLE = re.compile(r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)")


def _expansions(text: str) -> tuple[str, frozenset[str]]:
    """What the shell would expand in ``text``: the first command substitution (``$(...)``, a backquote;
    ``""`` when none) and the variables (``$NAME``, ``${NAME}``) written outside single quotes."""
    variables: set[str] = set()
    quote_char, index = "", 0
    while index < len(text):
        char = text[index]
        if quote_char == "'":
            quote_char = "" if char == "'" else quote_char
        elif char == "\\":
            index += 1  # the next character is escaped
        elif char == "'" and not quote_char:
            quote_char = "'"
        elif char == '"':
            quote_char = "" if quote_char == '"' else '"'
        elif char == "`" or text.startswith("$(", index):
            return text[index:index + 40], frozenset()
        elif char == "$" and (found := _VARIABLE.match(text, index)):
            variables.add(found.group())
        index += 1
    return "", frozenset(variables)


class _Curl:
    """What the options of one curl command said so far.

    :param variables: the shell variables the command expands (their values are not on the page).
    :param files: the content of files the page shows, by name (``read_curl``).
    """

    def __init__(self, variables: frozenset[str] = frozenset(), files: Mapping[str, str] | None = None) -> None:
        self.variables = variables
        self.files = files or {}
        self.method, self.url = "", ""
        self.headers: list[tuple[str, str]] = []
        self.data: list[str] = []
        self.query: list[str] = []
        self.head = self.get = self.json = False
        self.auth: list[str] = []

    def option(self, name: str, value: str | None) -> str:
        """Take one option (or a bare word); the reason the command cannot be read, else ``""``."""
        value = value or ""
        if name in _AUTH and name not in self.auth:
            self.auth.append(name)
        if name in _FROM_FILE:
            return _FROM_FILE[name]
        if name in _METHOD:
            self.method = value.upper()
        elif name in _HEADER:
            if value.startswith("@") or ":" not in value:
                return f"the curl header {value!r} is not a 'Name: value' header shown on the page"
            key, _, header_value = value.partition(":")
            self.headers.append((key.strip(), header_value.strip()))
        elif name in _DATA:
            return self.body(name, value)
        elif name in ("-F", "--form"):
            return "the curl command sends a multipart form (-F), not a body shown on the page"
        elif name == "--url":
            self.url = value or self.url
        elif name == "--url-query":
            part = value[1:] if value.startswith("+") else _urlencoded(value)
            if part is None:
                return f"the curl query part {value!r} comes from a file the page does not show"
            self.query.append(part)
        elif name in ("-G", "--get"):
            self.get = True
        elif name in ("-I", "--head"):
            self.head = True
        elif not name.startswith("-") and not self.url and _looks_like_url(name):
            self.url = name
        elif not name.startswith("-"):
            # a second URL, or the value of an option this reader does not know: what is sent is unclear
            return f"the curl word {name[:40]!r} is neither a known option's value nor the URL"
        return ""

    def body(self, name: str, value: str) -> str:
        if value.startswith("@") and name not in ("--data-raw", "--data-urlencode") and value[1:] in self.files:
            self.json = self.json or name == "--json"  # a file the page shows, named as the page names it
            self.data.append(self.files[value[1:]])
            return ""
        used = next((v for v in sorted(self.variables) if v in value), None)
        if used is not None:
            return f"the curl body uses the shell variable {used}, whose value the page does not show"
        if name == "--data-urlencode":
            encoded = _urlencoded(value)
            if encoded is None:
                return f"the curl body part {value!r} comes from a file the page does not show"
            value = encoded
        elif value.startswith("@") and name != "--data-raw":
            return f"the curl body comes from a file the page does not show ({value})"
        self.json = self.json or name == "--json"
        self.data.append(value)
        return ""

    def command(self) -> CurlCommand | str:
        if not self.url:
            return "the curl command names no URL"
        path = self.url.partition("://")[2].partition("/")[2] if "://" in self.url else self.url
        used = next((v for v in sorted(self.variables) if v in path), None)
        if used is not None:
            return f"the curl URL uses the shell variable {used}, whose value the page does not show"
        url, data = self.url, self.data
        if self.query:
            url += ("&" if "?" in url else "?") + "&".join(self.query)
        if self.get and data:  # -G: the data goes into the query string of a GET
            url += ("&" if "?" in url else "?") + "&".join(data)
            data = []
            self.method = self.method or "GET"
        headers = self.headers
        if self.json:  # --json sets both, unless the command sets them itself
            given = {k.lower() for k, _ in headers}
            headers += [(k, "application/json") for k in ("Content-Type", "Accept") if k.lower() not in given]
        body = ("" if self.json else "&").join(data) if data else None
        method = self.method or ("POST" if data else "HEAD" if self.head else "GET")
        return CurlCommand(method, url, tuple(headers), body, tuple(self.auth))


def _urlencoded(value: str) -> str | None:
    """``--data-urlencode`` / ``--url-query`` content as curl encodes it; ``None`` when it names a file."""
    if "=" in value:
        name, _, content = value.partition("=")
        return f"{name}={quote(content, safe='')}" if name else quote(content, safe="")
    if "@" in value:
        return None  # "@file" or "name@file": the content is a file's
    return quote(value, safe="")
