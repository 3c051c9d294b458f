"""The floor for AsciiDoc extraction: a bare Python line loop applying the scanner's rules.

What Elasticsearch's build does per line, and nothing more: a ``[source,LANG]`` line
(the same regular expression) names the next ``----`` block; the block's lines are its
body (callouts dropped); the ``// CONSOLE`` / ``// TEST[...]`` / ``// TESTRESPONSE[...]``
/ ``// TESTSETUP`` / ``// TEARDOWN`` / ``// NOTCONSOLE`` lines right after it are its
directives; ``////`` comment blocks are skipped. Prints the snippets of every page as
compact JSON, so its output costs what ``extract --json``'s does in kind. Run:
``python benchmarks/asciidoc_floor.py FOLDER > /dev/null``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

SOURCE_LINE = re.compile(r'\["?source"?(?:\.[^,]+)?,\s*"?([-\w]+)"?(,((?!id=).)*(id="?([-\w]+)"?)?(.*))?].*', re.ASCII)
FENCE = re.compile(r"-{4,}\s*")
CALLOUT = re.compile(r"<\d+>")
DIRECTIVE = re.compile(r"//\s*(CONSOLE|NOTCONSOLE|TESTSETUP|TEARDOWN|TEST|TESTRESPONSE)(\[(.*)\])?\s*")


def scan(path: str, text: str) -> list[dict[str, Any]]:
    """The snippets of one page: path, line, language, body and directives."""
    snippets: list[dict[str, Any]] = []
    language: str | None = None
    block: list[str] | None = None
    current: dict[str, Any] | None = None
    in_comment = False
    for number, line in enumerate(text.splitlines(), 1):
        if in_comment:
            in_comment = not line.startswith("////")
            continue
        if block is not None:
            if FENCE.fullmatch(line):
                current = {"path": path, "line": number - len(block), "language": language,
                           "body": "\n".join(block), "directives": []}
                snippets.append(current)
                block, language = None, None
            else:
                block.append(CALLOUT.sub("", line))
            continue
        if not line or line[0] not in "-[/":
            if line.strip():
                current = None
            continue
        if line.startswith("////"):
            in_comment = True
        elif line.startswith(("[source", '["source')):
            found = SOURCE_LINE.fullmatch(line)
            language = found.group(1) if found else None
        elif FENCE.fullmatch(line) and language is not None:
            block = []
        elif current is not None and (found := DIRECTIVE.fullmatch(line)):
            current["directives"].append([found.group(1), found.group(3) or ""])
    return snippets


def main(folder: str) -> None:
    pages = [[scan(p.as_posix(), p.read_text(encoding="utf-8-sig"))] for p in sorted(Path(folder).rglob("*.asciidoc"))]
    sys.stdout.write(json.dumps(pages, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
