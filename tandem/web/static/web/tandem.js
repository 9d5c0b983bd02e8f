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
