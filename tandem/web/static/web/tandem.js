// Tandem's shared behaviour. Pages with more (charts, the dependency graph) load their own file.
"use strict";

// Buttons and forms with data-confirm ask before they act (archive, decline, close a cycle).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset && form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// htmx swaps in error answers too (422 with the form and its messages, 409 when something
// changed meanwhile), so the person sees why nothing was saved.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 422 || status === 409 || status === 412) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// Keyboard focus after an in-place update. The button that was pressed is replaced with the
// rest of the card, which would leave the focus on the page itself: move it to what the server
// marked (data-swap-focus: a dependency card answered, in its new list), else to the first field
// refused, else to the heading of the card that came back (a check-in card).
(function () {
  let swappedFrom = null; // the id of the element whose request brought the answer
  document.addEventListener("htmx:beforeSwap", (event) => {
    const active = document.activeElement;
    const target = event.detail.target;
    swappedFrom = active && target && target.contains(active) && target.id ? target.id : null;
  });

  function focusOn(element) {
    if (!element.matches("a[href], button, input, select, textarea, summary, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  document.addEventListener("htmx:afterSettle", () => {
    const active = document.activeElement;
    const lost = !active || active === document.body || !active.isConnected;
    const marked = document.querySelector("[data-swap-focus]");
    if (marked) {
      marked.removeAttribute("data-swap-focus");
      if (lost) {
        focusOn(marked);
      }
      swappedFrom = null;
      return;
    }
    if (!lost || !swappedFrom) {
      return;
    }
    const result = document.getElementById(swappedFrom);
    swappedFrom = null;
    if (!result) {
      return;
    }
    const refused = result.querySelector("[aria-invalid='true'], .field-error");
    const field = refused && (refused.matches("input, select, textarea") ? refused
      : refused.closest(".field") && refused.closest(".field").querySelector("input, select, textarea"));
    const heading = result.querySelector("h1, h2, h3, h4, h5, h6");
    if (field) {
      field.focus();
    } else if (heading) {
      focusOn(heading);
    } else {
      focusOn(result);
    }
  });
})();

// "Needs a check-in" on My OKRs, and the links of check-in reminders (/objectives/X#kr-X.1),
// lead to a key result's card: open its check-in form (a <details>) and put the cursor in its
// first field, rather than scroll to a folded form. On a click, on arriving at an address that
// names a card, and when the address's #kr-... changes.
(function () {
  function openCheckIn(hash) {
    const card = hash && hash.startsWith("#kr-") ? document.getElementById(hash.slice(1)) : null;
    const details = card && card.querySelector("details.checkin");
    if (!details) {
      return false;
    }
    details.open = true;
    const field = details.querySelector(
      "form input:not([type=hidden]):not([disabled]), form select, form textarea"
    );
    if (field) {
      field.focus();
    }
    return true;
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(".due-list a[href^='#kr-']");
    if (link && openCheckIn(link.getAttribute("href"))) {
      event.preventDefault();
      history.pushState(null, "", link.getAttribute("href"));
    }
  });

  function openFromAddress() {
    // The id may hold characters a URL escapes (none today; decoded to be safe).
    const hash = decodeURIComponent(window.location.hash);
    if (openCheckIn(hash)) {
      document.getElementById(hash.slice(1)).scrollIntoView({ block: "start" });
    }
  }
  window.addEventListener("hashchange", openFromAddress);
  // Once the page is loaded: the browser's own move to the address's #kr-... comes before.
  if (document.readyState === "complete") {
    openFromAddress();
  } else {
    window.addEventListener("load", openFromAddress);
  }
})();
