// Registration pages: search-as-you-type for organisations, adding rows to a formset, confirmations.
(function () {
  "use strict";

  // --- Confirm before archiving or restoring ---------------------------------------------
  document.querySelectorAll("form.confirm-form").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  // --- Rows of a formset --------------------------------------------------------------------
  const table = document.getElementById("rows-table");
  const template = document.getElementById("row-template");
  const total = document.querySelector("input[name='rows-TOTAL_FORMS']");

  function addRow(organisation) {
    if (!table || !template || !total) return null;
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    const body = table.querySelector("tbody");
    const empty = body.querySelector(".rows-empty");
    if (empty) empty.remove();
    body.insertAdjacentHTML("beforeend", html);
    const row = body.lastElementChild;
    if (organisation) {
      row.querySelector(".row-organisation").textContent = organisation.name + " (" + organisation.country + ")";
      row.querySelector("input[name$='-organisation']").value = organisation.id;
    }
    total.value = String(index + 1);
    return row;
  }

  function organisationsListed() {
    return new Set(Array.from(document.querySelectorAll("#rows-table input[name$='-organisation']"))
      .map((input) => input.value));
  }

  // --- Search as you type -------------------------------------------------------------------
  const search = document.getElementById("organisation-search");
  if (search) {
    const results = document.getElementById(search.dataset.results);
    let timer = null;
    let controller = null;

    function clear() { results.replaceChildren(); }

    function show(items) {
      clear();
      const listed = organisationsListed();
      items.forEach((item) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action";
        button.setAttribute("role", "option");
        button.dataset.organisationId = item.id;
        const name = document.createElement("span");
        name.textContent = item.name;
        const meta = document.createElement("small");
        meta.className = "text-muted ms-2";
        meta.textContent = item.country + (item.published ? "" : " · " + item.status);
        button.append(name, meta);
        if (listed.has(String(item.id))) button.disabled = true;
        button.addEventListener("click", () => {
          addRow(item);
          search.value = "";
          clear();
          search.focus();
        });
        results.append(button);
      });
      if (!items.length) {
        const none = document.createElement("div");
        none.className = "list-group-item text-muted small";
        none.textContent = search.dataset.noResults || "—";
        results.append(none);
      }
    }

    search.addEventListener("input", () => {
      window.clearTimeout(timer);
      const query = search.value.trim();
      if (query.length < 2) { clear(); return; }
      timer = window.setTimeout(() => {
        if (controller) controller.abort();
        controller = new AbortController();
        const url = search.dataset.searchUrl + "?q=" + encodeURIComponent(query);
        fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal, credentials: "same-origin" })
          .then((response) => (response.ok ? response.json() : { results: [] }))
          .then((data) => show(data.results))
          .catch(() => {});
      }, 200);
    });
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); const first = results.querySelector("button:not([disabled])"); if (first) first.click(); }
      if (event.key === "Escape") clear();
    });
    // Pages (and browser tests) can tell when typing starts a search.
    search.dataset.ready = "true";
  }

  // Indicators and other rows without an organisation: an "add a row" button.
  const addButton = document.getElementById("add-row");
  if (addButton) addButton.addEventListener("click", () => addRow(null));
})();
