"""A URI section that shows an example URL under an "Example" label, then its parameter table.

A real RDS page: "-  URI format / POST https://{Endpoint}/v3/{project_id}/instances/{instance_id}/tags/action",
"-  Example / https://rds.example.com/v3/p1/instances/i1/tags/action", "-  Parameter description" and the
table of project_id and instance_id. The "Example" label opened an example section that the table fell
into, its rows were taken for body fields, and the body-only request example got a false
missing-required-key for each path parameter.
"""

from __future__ import annotations

import pytest

from harness.parsers.html import parse_html
from harness.parsers.rst import parse_rst

TABLE_ROWS = (("project_id", "Yes", "Project ID."), ("instance_id", "Yes", "Instance ID."))
HTML = """<h1>Deleting Tags</h1>
<h2>URI</h2><ul><li><p>URI format</p><p>POST https://{Endpoint}/v3/{project_id}/instances/{instance_id}/tags/action</p></li>
<li><p>Example</p><p>https://h.example.com/v3/p1/instances/i1/tags/action</p></li>
<li><p>Parameter description</p><table><caption>Table 1 Parameter description</caption>
<thead><tr><th>Name</th><th>Mandatory</th><th>Description</th></tr></thead><tbody>%s</tbody></table></li></ul>
<h2>Request</h2><ul><li><p>Request example</p><pre>{"action": "delete"}</pre></li></ul>
""" % "".join(f"<tr><td>{n}</td><td>{m}</td><td>{d}</td></tr>" for n, m, d in TABLE_ROWS)
RST = """Deleting Tags
=============

URI
---

-  URI format

   POST https://{Endpoint}/v3/{project_id}/instances/{instance_id}/tags/action

-  Example

   https://h.example.com/v3/p1/instances/i1/tags/action

-  Parameter description

   .. table:: **Table 1** Parameter description

      =========== ========= ============
      Name        Mandatory Description
      =========== ========= ============
      project_id  Yes       Project ID.
      instance_id Yes       Instance ID.
      =========== ========= ============

Request
-------

-  Request example

   .. code-block:: text

      {"action": "delete"}
"""


@pytest.mark.parametrize("document", [parse_html(HTML, "p.html"), parse_rst(RST, "p.rst")], ids=["html", "rst"])
def test_the_uri_table_after_an_example_label_holds_path_parameters(document: object) -> None:
    from harness.model import Document
    assert isinstance(document, Document)
    assert [(p.name, p.location) for p in document.operations[0].parameters] == [
        ("project_id", "path"), ("instance_id", "path")]
    assert [d.code for d in document.diagnostics if d.code == "missing-required-key"] == []
