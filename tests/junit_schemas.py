"""The two JUnit schemas CI systems read, kept as data in tests/schemas/, and a validator.

``jenkins``: the Jenkins xUnit plugin's JUnit model (junit-10.xsd); ``gitlab``: the
subset GitLab's unit test reports read. See the header of each .xsd for its source.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = {"jenkins": "jenkins-xunit-junit-10.xsd", "gitlab": "gitlab-junit.xsd"}
FOLDER = Path(__file__).parent / "schemas"


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FOLDER / SCHEMAS[name])))


def violations(xml: bytes | str) -> dict[str, list[str]]:
    """Per schema, the validation errors of a JUnit document (empty lists: valid for both)."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    document = etree.fromstring(data)
    found: dict[str, list[str]] = {}
    for name in SCHEMAS:
        checker = schema(name)
        checker.validate(document)
        found[name] = [f"line {e.line}: {e.message}" for e in checker.error_log]
    return found
