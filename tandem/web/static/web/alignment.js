// The alignment map: "Expand all" and "Collapse all" open or close every branch. The branches
// are <details> elements, so the map works without this script; the buttons only show with it.
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
        details.open = open;
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
