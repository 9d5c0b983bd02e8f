// Mentions in a comment (web/_comments.html): typing "@" and a few letters of a name, an id
// or an e-mail lists the matching people and teams (/pick/directory, as the editing forms'
// pickers); choosing one writes "@id " in place of what was typed. Without this file one types
// the id. Listeners sit on the document, so threads swapped in by htmx need nothing more.
(() => {
  "use strict";

  const MENTION = /(^|[^\w@./])@([A-Za-z0-9._-]{1,40})$/;
  let timer = 0;
  let asked = 0;

  const partsOf = (textarea) => {
    const field = textarea.closest(".field");
    return {
      results: field.querySelector("[data-mention-results]"),
      status: field.querySelector("[data-mention-status]"),
    };
  };

  // The "@partial" just before the caret, or null.
  const typed = (textarea) => {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const found = MENTION.exec(before);
    return found ? { query: found[2], start: before.length - found[2].length - 1 } : null;
  };

  const close = (textarea) => {
    const { results } = partsOf(textarea);
    if (results) results.replaceChildren();
  };

  const search = (textarea) => {
    const { results, status } = partsOf(textarea);
    const mention = typed(textarea);
    const ask = ++asked;
    if (!mention) { close(textarea); return; }
    const url = new URL(textarea.dataset.search, window.location.href);
    url.searchParams.set("q", mention.query);
    url.searchParams.set("field", textarea.id);
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        if (ask !== asked) return;
        results.innerHTML = html;
        const count = results.querySelector("p");
        status.textContent = count ? count.textContent : "";
      })
      .catch(() => { if (ask === asked) close(textarea); });
  };

  const choose = (option) => {
    const textarea = option.closest(".field").querySelector("textarea[data-mentions]");
    const mention = typed(textarea);
    if (!mention) { close(textarea); return; }
    const end = textarea.selectionStart;
    const inserted = `@${option.dataset.pick} `;
    textarea.value = textarea.value.slice(0, mention.start) + inserted + textarea.value.slice(end);
    const caret = mention.start + inserted.length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    partsOf(textarea).status.textContent = `Mentioned ${option.dataset.label}.`;
    close(textarea);
  };

  document.addEventListener("input", (event) => {
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || !textarea.hasAttribute("data-mentions")) return;
    clearTimeout(timer);
    timer = setTimeout(() => search(textarea), 250);
  });

  document.addEventListener("click", (event) => {
    const option = event.target.closest && event.target.closest("[data-mention-results] .picker-option");
    if (option) {
      event.preventDefault();
      choose(option);
    }
  });

  document.addEventListener("keydown", (event) => {
    const textarea = event.target;
    if (event.key === "Escape" && textarea instanceof HTMLTextAreaElement
        && textarea.hasAttribute("data-mentions")) {
      close(textarea);
    }
  });
})();
