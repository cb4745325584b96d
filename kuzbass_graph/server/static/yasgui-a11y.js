// What YASGUI's markup leaves out for screen readers and keyboard users, mended after it draws (and again
// whenever it redraws): names for its query box and endpoint field, its add-tab button outside the tab
// list (a tablist may hold only tabs), and no link to an outside documentation site (the pages are offline).
(function () {
  "use strict";
  function mend(root) {
    root.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach((el) => el.setAttribute("aria-label", "SPARQL query"));
    root.querySelectorAll("input.autocomplete:not([aria-label])").forEach((el) => el.setAttribute("aria-label", "SPARQL endpoint"));
    root.querySelectorAll(".tabsList[role=tablist] > button, .tabsList[role=tablist] > :not(.tab):has(> button)")
      .forEach((item) => item.parentElement.after(item));
    root.querySelectorAll("a.yasr_external_ref_btn").forEach((el) => el.remove());
  }
  window.kuzbassMendYasgui = mend;
  const observer = new MutationObserver(() => mend(document));
  function start() {
    mend(document);
    observer.observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
