// The editing pages: the alignment picker, the pickers of people and teams, the metric inputs
// that follow the chosen form, and the umbrella's details that follow its checkbox. Everything
// also works without this file (all inputs shown; the server ignores those the chosen form does
// not take; a picker's input takes an id, an e-mail or a name).
"use strict";

(() => {
  // Arrow keys move between a picker's input and its results: true when the key was one.
  const moveAmong = (event, results, input) => {
    const options = [...results.querySelectorAll("[data-pick]")];
    const index = options.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      options[Math.min(index + 1, options.length - 1)].focus();
      return true;
    }
    if (event.key === "ArrowUp" && index >= 0) {
      event.preventDefault();
      (index === 0 ? input : options[index - 1]).focus();
      return true;
    }
    return false;
  };

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
      if (moveAmong(event, results, search)) return;
      if (event.key === "Escape" && results.querySelector("[data-pick]")) {
        results.replaceChildren();
        search.focus();
      } else if (event.key === "Enter" && event.target === search) {
        event.preventDefault(); // Enter in the search box searches; it does not submit the form
      }
    });
  }

  // --- the pickers of people and teams (lists too long for a select) -------------------------
  // The input searches /pick/directory as one types; a match's button chooses it: one person or
  // team fills the input with "Name (id)", several add a ticked box (untick to remove). Without
  // this file the input takes an id, an e-mail or a name, and the server says what it lacks.
  document.querySelectorAll("[data-directory-picker]").forEach((picker) => {
    const input = picker.querySelector("[data-picker-input]");
    const results = picker.querySelector("[data-picker-results]");
    const status = picker.querySelector("[data-picker-status]");
    const chosenList = picker.querySelector("[data-picker-chosen]");
    const none = picker.querySelector("[data-picker-none]");
    const multiple = picker.hasAttribute("data-multiple");
    let chosen = input.value; // the value last chosen (one person or team)
    let timer = 0;
    let asked = 0;

    const close = () => results.replaceChildren();
    const search = () => {
      clearTimeout(timer);
      const query = input.value.trim();
      const ask = ++asked;
      if (!query || (!multiple && input.value === chosen)) { close(); return; }
      const url = new URL(picker.dataset.search, window.location.href);
      url.searchParams.set("q", query);
      url.searchParams.set("field", input.id);
      fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
        .then((html) => {
          if (ask !== asked) return;
          results.innerHTML = html;
          // Say how many match ("3 matches. Choose one:"), not the whole list, as one types.
          const count = results.querySelector("p");
          status.textContent = count ? count.textContent : "";
        })
        .catch(() => {
          if (ask === asked) {
            results.textContent = "The search did not answer: type an id or an e-mail instead.";
          }
        });
    };
    const choose = (option) => {
      const { pick, label } = option.dataset;
      if (multiple) {
        const box = [...chosenList.querySelectorAll("input[type=checkbox]")]
          .find((b) => b.value === pick);
        if (box) {
          box.checked = true;
        } else {
          const item = document.createElement("li");
          const wrap = document.createElement("label");
          const added = document.createElement("input");
          wrap.className = "check";
          added.type = "checkbox";
          added.name = picker.dataset.name;
          added.value = pick;
          added.checked = true;
          wrap.append(added, ` ${label}`);
          item.append(wrap);
          chosenList.append(item);
        }
        if (none) none.hidden = true;
        input.value = "";
        status.textContent = `Added ${label}.`;
      } else {
        input.value = label;
        chosen = label;
        status.textContent = `Chosen: ${label}.`;
      }
      close();
      input.focus();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    };

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    // Typing a search is not yet a change of the form: the advice waits for a choice.
    picker.addEventListener("input", (event) => {
      if (event.target === input) event.stopPropagation();
    });
    picker.addEventListener("change", (event) => {
      if (event.target.type === "checkbox" && none) {
        none.hidden = [...chosenList.querySelectorAll("input[type=checkbox]")]
          .some((b) => b.checked);
      }
    });
    picker.addEventListener("click", (event) => {
      const option = event.target.closest("[data-pick]");
      if (option) choose(option);
    });
    // Arrow keys move between the input and the matches; Escape closes them (and puts back
    // what was chosen); Enter while searching searches rather than submits the form.
    picker.addEventListener("keydown", (event) => {
      if (moveAmong(event, results, input)) return;
      if (event.key === "Escape"
          && (results.querySelector("[data-pick]") || (!multiple && input.value !== chosen))) {
        event.preventDefault();
        close();
        if (!multiple) input.value = chosen;
        input.focus();
      } else if (event.key === "Enter" && event.target === input
                 && (multiple ? input.value.trim() : input.value !== chosen)) {
        event.preventDefault();
        search();
      }
    });
  });

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
