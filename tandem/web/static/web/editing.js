// The editing pages: the alignment picker, the metric inputs that follow the chosen form, and
// the umbrella's details that follow its checkbox. Everything also works without this file
// (all inputs shown; the server ignores those the chosen form does not take).
"use strict";

(() => {
  // --- the alignment picker: a result button fills the hidden aligns_to field ---------------
  const picker = document.querySelector("[data-picker]");
  if (picker) {
    const hidden = picker.querySelector("input[type=hidden][name=aligns_to]");
    const label = picker.querySelector("[data-picker-label]");
    const clear = picker.querySelector("[data-picker-clear]");
    const search = picker.querySelector("input[type=search]");
    const results = picker.querySelector(".picker-results");
    const announce = (text) => { label.textContent = text; };
    const changed = () => hidden.dispatchEvent(new Event("change", { bubbles: true }));

    picker.addEventListener("click", (event) => {
      const option = event.target.closest("[data-pick]");
      if (option) {
        hidden.value = option.dataset.pick;
        announce(`Aligned to ${option.dataset.label}`);
        clear.hidden = false;
        results.replaceChildren();
        search.value = "";
        search.focus();
        changed();
      } else if (event.target.closest("[data-picker-clear]")) {
        hidden.value = "";
        announce("Not aligned to anything.");
        clear.hidden = true;
        search.focus();
        changed();
      }
    });
    // Arrow keys move between the search box and the results; Escape closes the list.
    picker.addEventListener("keydown", (event) => {
      const options = [...results.querySelectorAll("[data-pick]")];
      const index = options.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        options[Math.min(index + 1, options.length - 1)].focus();
      } else if (event.key === "ArrowUp" && index >= 0) {
        event.preventDefault();
        (index === 0 ? search : options[index - 1]).focus();
      } else if (event.key === "Escape" && options.length) {
        results.replaceChildren();
        search.focus();
      } else if (event.key === "Enter" && event.target === search) {
        event.preventDefault(); // Enter in the search box searches; it does not submit the form
      }
    });
  }

  // --- the metric inputs the chosen form takes --------------------------------------------
  const metric = document.querySelector("[data-metric]");
  const formRadios = document.querySelectorAll("input[type=radio][name=form]");
  const showMetric = () => {
    const chosen = [...formRadios].find((radio) => radio.checked);
    if (!metric || !chosen) return;
    metric.querySelectorAll("[data-metric-for]").forEach((part) => {
      part.hidden = !part.dataset.metricFor.split(" ").includes(chosen.value);
    });
  };
  formRadios.forEach((radio) => radio.addEventListener("change", showMetric));
  showMetric();

  // --- the umbrella's owner and teams, shown when it is an umbrella ----------------------------
  const umbrella = document.querySelector("[data-umbrella]");
  if (umbrella) {
    const box = umbrella.querySelector("input[type=checkbox]");
    const details = umbrella.querySelector("[data-umbrella-details]");
    const showUmbrella = () => { details.hidden = !box.checked; };
    box.addEventListener("change", showUmbrella);
    showUmbrella();
  }
})();
