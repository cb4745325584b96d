// The query editor: YASGUI on this server's /sparql, with the catalogue as examples. No network but this origin.
(function () {
  "use strict";
  const endpoint = new URL("/sparql", window.location.href).toString();
  // Class and property autocompletion query an outside web service; keep only the offline ones.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
  });
  window.kuzbassYasgui = yasgui;

  // Show values as plain text ("Simple view"): typed numbers and language tags otherwise crowd the table.
  function compactTables(tab) {
    const table = tab && tab.getYasr && tab.getYasr().plugins.table;
    if (table) table.persistentConfig.compact = true;
  }
  compactTables(yasgui.getTab());
  yasgui.on("tabAdd", (instance, tabId) => compactTables(yasgui.getTab(tabId)));
  yasgui.on("tabSelect", (instance, tabId) => setTimeout(() => compactTables(yasgui.getTab(tabId))));

  const list = document.getElementById("catalogue");
  const filter = document.getElementById("filter");
  let entries = [];

  function render() {
    const needle = filter.value.trim().toLowerCase();
    list.replaceChildren();
    for (const entry of entries) {
      const haystack = (entry.title + " " + entry.question + " " + entry.name).toLowerCase();
      if (needle && !haystack.includes(needle)) continue;
      const item = document.createElement("li");
      item.tabIndex = 0;
      item.dataset.name = entry.name;
      const title = document.createElement("b");
      title.textContent = entry.title;
      const question = document.createElement("span");
      question.textContent = entry.question;
      item.append(title, question);
      const open = () => {
        const tab = yasgui.getTab();
        tab.setQuery(entry.query);
        tab.query();
      };
      item.addEventListener("click", open);
      item.addEventListener("keydown", (event) => { if (event.key === "Enter") open(); });
      list.append(item);
    }
  }

  filter.addEventListener("input", render);
  fetch("/queries.json").then((r) => r.json()).then((data) => { entries = data; render(); });
})();
