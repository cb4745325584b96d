// SPARQL in the browser: Oxigraph (WebAssembly) holds the build's dataset; Yasqe edits, Yasr shows results.
// Everything comes from the scripts beside this one (no fetch, no network); data becomes text, never markup.
(function () {
  "use strict";
  const status = document.getElementById("sparql-status");
  const note = document.getElementById("query-note");
  const list = document.getElementById("catalogue");
  const filter = document.getElementById("catalogue-filter");
  const catalogue = window.KUZBASS_CATALOGUE || { prefixes: {}, queries: [] };
  const prologue = Object.entries(catalogue.prefixes).map(([p, ns]) => "PREFIX " + p + ": <" + ns + ">\n").join("");
  const GRAPH_FORMS = new Set(["CONSTRUCT", "DESCRIBE"]);
  const state = { ready: false, timings: {}, quads: 0, last: null, error: null };
  window.kuzbassSparql = state;
  let store = null;

  function bytesOf(base64) {
    if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(base64);
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  async function gunzip(base64) {
    const stream = new Blob([bytesOf(base64)]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"]; // the others ask a web service
  const yasqe = new Yasgui.Yasqe(document.getElementById("yasqe"), {
    persistenceId: null,
    createShareableLink: null,
    showQueryButton: true,
    resizeable: true,
    value: "PREFIX kz: <https://w3id.org/kuzbass/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" +
      "SELECT ?class (COUNT(?entity) AS ?entities) WHERE {\n  ?entity a kz:Entity , ?class .\n" +
      "  FILTER(STRSTARTS(STR(?class), STR(kz:)) && ?class != kz:Entity)\n} GROUP BY ?class ORDER BY DESC(?entities)\n",
  });
  const yasr = new Yasgui.Yasr(document.getElementById("yasr"), { persistenceId: null, prefixes: catalogue.prefixes });
  const table = yasr.plugins && yasr.plugins.table;
  if (table && table.persistentConfig) table.persistentConfig.compact = true; // values as plain text

  // The project's prefixes a query uses without declaring them (outside IRIs, strings and comments).
  function undeclared(text) {
    const bare = text.replace(/<[^<>\s]*>/g, " ").replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, " ")
      .replace(/#.*$/gm, " ");
    const declared = yasqe.getPrefixesFromQuery();
    const missing = {};
    for (const [prefix, namespace] of Object.entries(catalogue.prefixes)) {
      if (prefix in declared) continue;
      const pattern = new RegExp("(^|[^\\w:.-])" + prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ":", "m");
      if (pattern.test(bare)) missing[prefix] = namespace;
    }
    return missing;
  }

  // Links to the graph's IRIs go to the entity pages of these files instead of the web.
  const pages = catalogue.pages || { base: "", except: [] };
  const root = document.getElementById("sparql").dataset.root || "";
  function localLinks(container) {
    if (!pages.base) return;
    for (const a of container.querySelectorAll("a[href]")) {
      const href = a.getAttribute("href");
      if (!href.startsWith(pages.base)) continue;
      const rest = href.slice(pages.base.length);
      if (!rest || rest.includes("#") || pages.except.some((p) => rest.startsWith(p))) continue;
      a.setAttribute("href", root + "id/" + rest + "/index.html"); // as the build names the page folders
      a.removeAttribute("target");
    }
  }
  const yasrEl = document.getElementById("yasr");
  new MutationObserver(() => localLinks(yasrEl)).observe(yasrEl, { childList: true, subtree: true });

  function run(name) {
    if (!store) return Promise.reject(new Error("the graph is still loading"));
    const missing = undeclared(yasqe.getValue());
    if (Object.keys(missing).length) yasqe.addPrefixes(missing);
    const text = yasqe.getValue();
    const form = (yasqe.getQueryType() || "SELECT").toUpperCase();
    const format = GRAPH_FORMS.has(form) ? "text/turtle" : "application/sparql-results+json";
    note.textContent = "Running…";
    return new Promise((resolve) => setTimeout(resolve, 0)).then(() => {
      const started = performance.now();
      try {
        if (yasqe.getQueryMode && yasqe.getQueryMode() === "update") throw new Error("this page is read-only: SPARQL Update is not run");
        const data = store.query(prologue + text, { use_default_graph_as_union: true, results_format: format });
        const ms = Math.round(performance.now() - started);
        yasr.setResponse({ data: data, contentType: format, status: 200, executionTime: ms });
        let rows = null;
        if (format !== "text/turtle") {
          const parsed = JSON.parse(data);
          rows = parsed.results ? parsed.results.bindings.length : null;
        }
        state.last = { name: name || null, form: form, format: format, data: data, ms: ms, rows: rows };
        note.textContent = (rows === null ? "Done" : rows === 1 ? "1 row" : rows + " rows") + " in " + ms +
          " ms, in this browser.";
      } catch (error) {
        const message = String((error && error.message) || error);
        state.last = { name: name || null, form: form, error: message };
        yasr.setResponse(new Error(message));
        note.textContent = "The query failed: " + message;
      }
      return state.last;
    });
  }
  yasqe.query = () => run(null); // the ▶ button and Ctrl+Enter run here, not over HTTP
  state.editor = yasqe;
  state.runEditor = () => run(null);

  function open(entry, button) {
    for (const b of list.querySelectorAll("button[aria-current]")) b.removeAttribute("aria-current");
    if (button) button.setAttribute("aria-current", "true");
    yasqe.setValue(entry.query);
    if (window.location.hash !== "#q-" + entry.name) history.replaceState(null, "", "#q-" + entry.name);
    return run(entry.name).then((last) => {
      if (!last.error) note.textContent = entry.title + ": " + note.textContent;
      return last;
    });
  }
  state.open = (name) => {
    const entry = catalogue.queries.find((q) => q.name === name);
    return entry ? open(entry, list.querySelector('button[data-name="' + CSS.escape(name) + '"]')) : Promise.reject(new Error("no query " + name));
  };

  // The catalogue list is in the page (written by the build); here its buttons run and the filter hides.
  const byName = new Map(catalogue.queries.map((q) => [q.name, q]));
  for (const button of list.querySelectorAll("button[data-name]")) {
    const entry = byName.get(button.dataset.name);
    if (entry) button.addEventListener("click", () => open(entry, button));
  }
  filter.addEventListener("input", () => {
    const needle = filter.value.trim().toLowerCase();
    let heading = null;
    let shown = 0;
    const close = () => { if (heading) heading.hidden = shown === 0; };
    for (const item of list.children) {
      if (item.classList.contains("theme")) {
        close();
        heading = item;
        shown = 0;
        continue;
      }
      const entry = byName.get(item.id.replace(/^q-/, ""));
      const haystack = entry ? (entry.title + " " + entry.question + " " + entry.name).toLowerCase() : "";
      item.hidden = Boolean(needle) && !haystack.includes(needle);
      if (!item.hidden) shown++;
    }
    close();
  });

  async function load() {
    const t0 = performance.now();
    const wasm = await gunzip(window.KUZBASS_OXIGRAPH_WASM);
    const t1 = performance.now();
    await oxigraph.init({ module_or_path: wasm });
    const t2 = performance.now();
    const data = await gunzip(window.KUZBASS_DATA.gzip);
    const t3 = performance.now();
    const loaded = new oxigraph.Store();
    loaded.load(data, { format: window.KUZBASS_DATA.format });
    const t4 = performance.now();
    store = loaded;
    state.quads = loaded.size;
    state.timings = { wasm_unpack: t1 - t0, wasm_compile: t2 - t1, data_unpack: t3 - t2, data_load: t4 - t3, total: t4 - t0 };
    for (const k in state.timings) state.timings[k] = Math.round(state.timings[k]);
    state.ready = true;
    status.textContent = "The graph is loaded: " + state.quads.toLocaleString("en") + " quads in " +
      (state.timings.total / 1000).toFixed(1) + " s. Pick a query of the catalogue or write your own.";
    const asked = decodeURIComponent(window.location.hash.slice(1)).replace(/^q-/, "");
    if (asked && catalogue.queries.some((q) => q.name === asked)) await state.open(asked);
  }
  load().catch((error) => {
    state.error = String((error && error.message) || error);
    status.textContent = "The graph could not be loaded in this browser: " + state.error;
  });
})();
