"""Permalink anchors (``<a class="headerlink">¶</a>``), which a published site adds to every heading and
table caption, are navigation, not the caption's words.

A Sphinx-published page captions a nested table "os-change field description¶": the object's name came
out with the sign, no row's type named it any more, the nested table was not the row's object, and its
mandatory fields were no longer checked (the same page's RST gave the warning).
"""

from __future__ import annotations

from harness.parsers.html import parse_html

LINK = '<a class="headerlink" href="#{0}" title="Link to this {1}">¶</a>'
PAGE = """<h1>Changing an OS{h1}</h1>
<section><h2>URI{uri}</h2><p>POST /v2/{{project_id}}/servers/{{server_id}}/changeos</p></section>
<section><h2>Request{req}</h2>
<table><caption><span class="caption-text"><strong>Table 1</strong> Request parameters</span>{t1}</caption>
<thead><tr><th>Parameter</th><th>Mandatory</th><th>Type</th><th>Description</th></tr></thead>
<tbody><tr><td>os-change</td><td>Yes</td><td>Object</td><td>See os-change field description.</td></tr></tbody></table>
<table><caption><span class="caption-text"><strong>Table 2</strong> os-change field description</span>{t2}</caption>
<thead><tr><th>Parameter</th><th>Mandatory</th><th>Type</th><th>Description</th></tr></thead>
<tbody><tr><td>keyname</td><td>Yes</td><td>String</td><td>Key pair name.</td></tr>
<tr><td>userid</td><td>No</td><td>String</td><td>User ID.</td></tr></tbody></table>
</section>
<section><h2>Example Request{ex}</h2><pre>POST https://{{endpoint}}/v2/p1/servers/s1/changeos
{{"os-change": {{"userid": "u1"}}}}</pre></section>
"""


def test_a_caption_or_heading_permalink_is_not_part_of_its_text() -> None:
    text = PAGE.format(h1=LINK.format("top", "heading"), uri=LINK.format("uri", "heading"),
                       req=LINK.format("request", "heading"), t1=LINK.format("id1", "table"),
                       t2=LINK.format("id2", "table"), ex=LINK.format("example-request", "heading"))
    plain = PAGE.format(h1="", uri="", req="", t1="", t2="", ex="")
    linked, bare = parse_html(text, "p.html"), parse_html(plain, "p.html")
    assert linked.title == "Changing an OS"
    assert [(o.name, [f.name for f in o.fields]) for o in linked.operations[0].objects] == [
        ("os-change", ["keyname", "userid"])]
    assert {p.name: p.object_ref for p in linked.operations[0].parameters}["os-change"] == "os-change"
    # the nested mandatory field is checked, as on the page without permalinks
    assert [(d.code, d.message) for d in linked.diagnostics] == [(d.code, d.message) for d in bare.diagnostics]
    assert "missing-required-key" in [d.code for d in linked.diagnostics]
