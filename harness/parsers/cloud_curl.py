"""``curl`` command lines in example request blocks -> method, URL, headers and body.

Pages show requests as the command a reader would paste: ``curl -X POST
"https://{endpoint}/v1/{project_id}/jobs" -H 'Content-Type: application/json' -d
'{...}'``, over several lines joined by ``\\``. The command is split the way a POSIX
shell splits it (``shlex``); the method is ``-X``/``--request``, else POST when data is
given (curl's own rule), HEAD for ``-I``, else GET.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

__all__ = ["CurlCommand", "is_curl", "parse_curl"]

_CURL = re.compile(r"^\s*(?:\$\s+)?curl(?:\s|$)")
_DATA = {"-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--data-urlencode", "--json"}
_HEADER = {"-H", "--header"}
_METHOD = {"-X", "--request"}
# options that take a value we do not use (so the value is not mistaken for the URL)
_VALUED = {"-u", "--user", "-o", "--output", "-A", "--user-agent", "-e", "--referer", "-b", "--cookie", "-c",
           "--cookie-jar", "-F", "--form", "--cert", "--key", "--cacert", "--capath", "-w", "--write-out", "-m",
           "--max-time", "--connect-timeout", "-T", "--upload-file", "--retry", "-x", "--proxy", "--resolve",
           "-E", "--cert-type", "--key-type", "--limit-rate", "-r", "--range", "-y", "-Y", "-z", "--oauth2-bearer"}


@dataclass(frozen=True, slots=True)
class CurlCommand:
    """What a curl command sends: ``url`` as written, headers in order, the body or ``None``."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: str | None


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


def parse_curl(command: str) -> CurlCommand | None:
    """The request a curl command sends, or ``None`` when it cannot be read (unbalanced quotes, no URL)."""
    if len(command) > _MAX_COMMAND:  # shlex reads a character at a time: quadratic on a huge quoted body
        return None
    text = _CURL.sub("curl ", command, count=1).replace("\\\r\n", " ").replace("\\\n", " ")
    try:
        words = shlex.split(text, comments=False)[1:]
    except ValueError:
        return None
    method, url, headers, data, head, get = "", "", [], [], False, False
    index = 0
    while index < len(words):
        options = _options(words[index])
        index += 1
        for name, value in options:
            takes = name in _DATA | _HEADER | _METHOD | _VALUED or name == "--url"
            if takes and value is None:
                value = words[index] if index < len(words) else ""
                index += 1
            if name in _METHOD:
                method = (value or "").upper()
            elif name in _HEADER and value and ":" in value:
                key, _, header_value = value.partition(":")
                headers.append((key.strip(), header_value.strip()))
            elif name in _DATA:
                if (value or "").startswith("@") and name != "--data-raw":
                    return None  # the body is a file's content: not on the page
                data.append(value or "")
            elif name in ("-F", "--form"):
                return None  # a multipart form: not a body this reader can send
            elif name == "--url":
                url = value or url
            elif name in ("-G", "--get"):
                get = True
            elif name in ("-I", "--head"):
                head = True
            elif not name.startswith("-") and not url and _looks_like_url(name):
                url = name
            elif not name.startswith("-") and not url:
                return None  # a word where the URL should be: an option this reader does not know took it
    if not url:
        return None
    if get and data:  # -G: the data goes into the query string of a GET
        url += ("&" if "?" in url else "?") + "&".join(data)
        data = []
        method = method or "GET"
    body = "&".join(data) if data else None
    method = method or ("POST" if data else "HEAD" if head else "GET")
    return CurlCommand(method, url, tuple(headers), body)
