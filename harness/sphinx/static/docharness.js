/* docharness code tabs: turn each .docharness-tabs container into a tab bar.
 * Honours a "#tab=<key>" URL fragment (e.g. #tab=python) and keeps every group
 * on the same language. Without this script every tab simply stays visible. */
(function () {
  "use strict";
  var PREFIX = "docharness-lang-";

  function keyOf(panel) {
    for (var i = 0; i < panel.classList.length; i++) {
      var name = panel.classList[i];
      if (name.indexOf(PREFIX) === 0) { return name.slice(PREFIX.length); }
    }
    return "";
  }

  function panels(group) {
    return Array.prototype.filter.call(group.children, function (el) {
      return el.classList.contains("docharness-tab");
    });
  }

  function select(key) {
    var groups = document.querySelectorAll(".docharness-tabs");
    var matched = false;
    Array.prototype.forEach.call(groups, function (group) {
      var own = panels(group);
      if (!own.some(function (p) { return keyOf(p) === key; })) { return; }
      matched = true;
      own.forEach(function (p) {
        var on = keyOf(p) === key;
        p.hidden = !on;
        p.classList.toggle("docharness-active", on);
      });
      Array.prototype.forEach.call(group.querySelectorAll(".docharness-tabbar button"), function (b) {
        var on = b.getAttribute("data-tab") === key;
        b.classList.toggle("docharness-active", on);
        b.setAttribute("aria-selected", on ? "true" : "false");
      });
    });
    if (matched) { document.documentElement.setAttribute("data-docharness-tab", key); }
    return matched;
  }

  function fragmentTab() {
    var found = /(?:^#|&)tab=([A-Za-z0-9_-]+)/.exec(window.location.hash);
    return found ? found[1] : "";
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".docharness-tabs"), function (group) {
      var bar = document.createElement("div");
      bar.className = "docharness-tabbar";
      bar.setAttribute("role", "tablist");
      panels(group).forEach(function (panel) {
        var key = keyOf(panel);
        var label = panel.querySelector(".docharness-tab-label");
        var button = document.createElement("button");
        button.type = "button";
        button.setAttribute("role", "tab");
        button.setAttribute("data-tab", key);
        button.textContent = label ? label.textContent : key;
        if (label) { label.hidden = true; }
        button.addEventListener("click", function () {
          select(key);
          if (window.history && window.history.replaceState) {
            window.history.replaceState(null, "", "#tab=" + key);
          }
        });
        bar.appendChild(button);
      });
      group.insertBefore(bar, group.firstChild);
      group.classList.add("docharness-tabs-ready");
    });
    if (!select(fragmentTab())) { select("documented"); }
  }

  // Sphinx escapes object names in its search index and its search page escapes them again,
  // so a path such as /_xpack/ml/datafeeds/<feed_id> showed as &lt;feed_id&gt;: decode once
  function decodeSearchTitles(results) {
    var box = document.createElement("textarea");  // RCDATA: decoding runs no markup
    Array.prototype.forEach.call(results.querySelectorAll("a"), function (link) {
      if (/&(lt|gt|amp|quot|#0?39);/.test(link.textContent)) {
        box.innerHTML = link.textContent.replace(/</g, "&lt;");
        link.textContent = box.value;
      }
    });
  }

  function watchSearch() {
    var results = document.getElementById("search-results");
    if (!results || !window.MutationObserver) { return; }
    new MutationObserver(function () { decodeSearchTitles(results); })
      .observe(results, { childList: true, subtree: true });
  }

  window.addEventListener("hashchange", function () { select(fragmentTab()); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchSearch);
  } else {
    watchSearch();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
