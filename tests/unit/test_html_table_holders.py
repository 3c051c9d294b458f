"""A nested field table named by the list item or paragraph that holds it, not by an anchor of its own.

Real pages (an EVS "batch deleting tags" page, as the docs export writes it and as Sphinx publishes it)
link a row to the list item that holds the table ("see Parameters in the resource_tag field"), not to the
table: the table must still be the row's object, or its mandatory fields are taken as top-level ones and
the example's body is wrongly said to miss them.
"""

from __future__ import annotations

import pytest

from harness.parsers.html import parse_html

HEAD = ('<h1 class="topictitle1">Deleting Tags</h1>\n'
        '<div class="section"><h4 class="sectiontitle">URI</h4><p>POST /v2/{project_id}/disks/{disk_id}/tags/action</p>'
        '</div>\n<div class="section"><h4 class="sectiontitle">Request</h4>\n')
TOP = ('<table><thead><tr><th>Parameter</th><th>Type</th><th>Mandatory</th><th>Description</th></tr></thead>\n'
       '<tbody><tr><td>tags</td><td>List&lt;resource_tag&gt;</td><td>Yes</td><td>The tags. See '
       '<a href="#{anchor}">Parameters in the resource_tag field</a>.</td></tr>\n'
       '<tr><td>action</td><td>String</td><td>Yes</td><td>delete</td></tr></tbody></table>\n')
NESTED = ('<table><thead><tr><th>Parameter</th><th>Type</th><th>Mandatory</th><th>Description</th></tr></thead>\n'
          '<tbody><tr><td>key</td><td>String</td><td>Yes</td><td>The tag key.</td></tr></tbody></table>\n')
EXAMPLE = '<li>Example request<pre class="screen">{"action": "delete", "tags": [{BODY}]}</pre></li></ul></div>\n'
# the docs export: the anchor is the list item's (and an <a name> in it), the table sits in a div of its own
EXPORT = (HEAD + '<ul><li>Request parameters<div class="tablenoborder">' + TOP.format(anchor="p__li1") + '</div></li>\n'
          '<li id="p__li1"><a name="p__li1"></a>Parameters in the <strong>resource_tag</strong> field\n'
          '<div class="tablenoborder">' + NESTED + '</div></li>\n' + EXAMPLE)
# Sphinx: the anchor is the id of the label paragraph right before the table
SPHINX = (HEAD + '<ul><li><p>Request parameters</p>\n' + TOP.format(anchor="p-li1") + '</li>\n'
          '<li><p id="p-li1">Parameters in the <strong>resource_tag</strong> field</p>\n' + NESTED + '</li>\n' +
          EXAMPLE.replace("<li>Example request<pre", "<li><p>Example request</p><pre"))


@pytest.mark.parametrize("text", [EXPORT, SPHINX], ids=["export", "sphinx"])
def test_a_row_linking_to_the_item_that_holds_a_table_refers_to_that_table(text: str) -> None:
    document = parse_html(text.replace("{BODY}", '{"key": "k1"}'), "p.html")
    assert [d.code for d in document.diagnostics] == []
    (operation,) = document.operations
    assert [p.name for p in operation.parameters if p.location == "body"] == ["tags", "action"]
    assert [[f.name for f in o.fields] for o in operation.objects] == [["key"]]
    # the nested field is still checked where it belongs: an item without its mandatory key is said
    missing = parse_html(text.replace("{BODY}", '{"value": "v"}'), "p.html")
    assert "undocumented-key" in [d.code for d in missing.diagnostics]
