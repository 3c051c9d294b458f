"""The HTML run report's own style and script, and the Content-Security-Policy that admits only them.

The report is one self-contained file: this stylesheet and this script are
inlined, and the policy allows exactly these two blocks by their SHA-256 hashes
and nothing else (no network, no other script, no inline event handler). Even a
``<script>`` that slipped past the escaping could not run.
"""

from __future__ import annotations

import base64
import hashlib

__all__ = ["CONTENT_SECURITY_POLICY", "SCRIPT", "STYLE"]

STYLE = """
:root { color-scheme: light; --pass: #1a7f37; --fail: #cf222e; --err: #9a6700; --skip: #57606a; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1rem 2rem; color: #1f2328; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 0 0 .5rem; word-break: break-all; }
h3 { font-size: .95rem; margin: 1rem 0 .25rem; }
.meta { color: #57606a; margin: 0 0 .75rem; }
#summary { font-weight: 600; font-size: 1.05rem; }
nav.filter { display: flex; flex-wrap: wrap; gap: .5rem; margin: .75rem 0; }
nav.filter a { border: 1px solid #d0d7de; border-radius: 2rem; padding: .2rem .8rem; text-decoration: none;
               color: inherit; }
nav.filter a[aria-current="true"] { background: #0969da; border-color: #0969da; color: #fff; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; border-bottom: 1px solid #d0d7de; padding: .3rem .5rem; vertical-align: top; }
td.where, td.node { font-family: ui-monospace, monospace; word-break: break-all; }
.outcome { font-weight: 600; text-transform: uppercase; font-size: .8rem; }
.outcome-passed .outcome { color: var(--pass); }
.outcome-failed .outcome { color: var(--fail); }
.outcome-error .outcome { color: var(--err); }
.outcome-skipped .outcome, .outcome-not_run .outcome { color: var(--skip); }
article.example { border: 1px solid #d0d7de; border-left: 4px solid var(--fail); border-radius: 6px;
                  padding: .75rem 1rem; margin: 1rem 0; }
article.example.outcome-error { border-left-color: var(--err); }
pre { background: #f6f8fa; padding: .5rem .75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word;
      font: 12.5px/1.4 ui-monospace, monospace; margin: 0; }
pre.diff .line { display: block; }
pre.diff .add { background: #dafbe1; }
pre.diff .del { background: #ffebe9; }
pre.diff .hunk { color: #8250df; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
[hidden] { display: none !important; }
"""

SCRIPT = """
(function () {
  "use strict";
  var OUTCOMES = ["all", "passed", "failed", "error", "skipped", "not_run"];
  function chosen() {
    var match = /^#outcome=([a-z_]+)$/.exec(window.location.hash);
    return match && OUTCOMES.indexOf(match[1]) >= 0 ? match[1] : "all";
  }
  function apply() {
    var want = chosen(), shown = 0, total = 0;
    document.body.setAttribute("data-filter", want);
    document.querySelectorAll("[data-outcome]").forEach(function (node) {
      var keep = want === "all" || node.getAttribute("data-outcome") === want;
      if (keep) { node.removeAttribute("hidden"); } else { node.setAttribute("hidden", ""); }
      if (node.tagName === "TR") { total += 1; shown += keep ? 1 : 0; }
    });
    document.querySelectorAll("nav.filter a").forEach(function (link) {
      link.setAttribute("aria-current", link.getAttribute("data-filter") === want ? "true" : "false");
    });
    document.getElementById("shown").textContent = "Showing " + shown + " of " + total + " examples";
  }
  window.addEventListener("hashchange", apply);
  apply();
})();
"""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


CONTENT_SECURITY_POLICY = (f"default-src 'none'; style-src {_hash(STYLE)}; script-src {_hash(SCRIPT)}; "
                           "base-uri 'none'; form-action 'none'")
