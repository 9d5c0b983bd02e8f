// The alignment map: "Expand all" and "Collapse all" open or close the branches on the page.
// The branches are <details> elements, so the map works without this script; the buttons
// only show with it. A branch beyond the page's budget (data-branch) loads with HTMX when it
// is first opened; "Expand all" opens only the branches already loaded, so that it never
// sends a request per closed branch: open one to load it, then "Expand all" opens what came.
(function () {
  "use strict";
  function setUp() {
    var tools = document.querySelector(".tree-tools");
    if (!tools) {
      return;
    }
    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("[data-tree-toggle]");
      if (!button) {
        return;
      }
      var open = button.getAttribute("data-tree-toggle") === "open";
      document.querySelectorAll("[data-tree] details").forEach(function (details) {
        if (open && details.hasAttribute("data-branch") && !details.hasAttribute("data-loaded")) {
          return;
        }
        details.open = open;
      });
    });
    // A branch is loaded once its list has been swapped in.
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var target = event.detail && event.detail.target;
      var branch = target && target.closest ? target.closest("details[data-branch]") : null;
      if (branch) {
        branch.setAttribute("data-loaded", "");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
