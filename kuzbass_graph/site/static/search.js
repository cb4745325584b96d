// The search page: MiniSearch over the documents the build wrote (window.KUZBASS_SEARCH), in the browser.
// Text from the data goes into the page with textContent and text nodes only, never as markup.
(function () {
  "use strict";
  const SHOWN = 60;
  const AROUND = 110; // characters either side of the first match in a snippet
  const form = document.getElementById("search-form");
  const input = document.getElementById("q");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const root = list.dataset.root || "";
  const kinds = { entity: form.elements.namedItem("entities"), passage: form.elements.namedItem("passages") };
  const started = performance.now();

  const documents = (window.KUZBASS_SEARCH && window.KUZBASS_SEARCH.documents) || [];
  const byId = new Map(documents.map((d) => [d.id, d]));
  // Case and accents aside: "Rutgers" finds "RUTGERS", "Tomsk" finds "Tómsk", "Tom" finds "Tom'".
  const fold = (term) => term.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
  const index = new MiniSearch({
    fields: ["title", "variants", "classes", "text"],
    idField: "id",
    processTerm: (term) => fold(term) || null,
    searchOptions: {
      boost: { title: 4, variants: 3, classes: 1.5, text: 1 },
      prefix: (term) => term.length > 2,
      fuzzy: (term) => (term.length > 3 ? 0.2 : false),
      combineWith: "AND",
    },
  });
  index.addAll(documents);
  window.kuzbassSearch = { ready: true, indexMs: Math.round(performance.now() - started), size: documents.length };

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // `text` as text nodes, with the matched terms in <mark> elements.
  function highlighted(text, terms) {
    const span = document.createElement("span");
    span.className = "snippet";
    const words = terms.filter((t) => t.length > 1).map(escapeRegExp);
    if (!words.length) {
      span.textContent = text;
      return span;
    }
    const pattern = new RegExp("(" + words.join("|") + ")", "giu");
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      if (match.index > last) span.append(document.createTextNode(text.slice(last, match.index)));
      const mark = document.createElement("mark");
      mark.textContent = match[0];
      span.append(mark);
      last = match.index + match[0].length;
    }
    if (last < text.length) span.append(document.createTextNode(text.slice(last)));
    return span;
  }

  function snippet(text, terms) {
    if (!text) return "";
    const lower = text.toLowerCase();
    let at = -1;
    for (const term of terms) {
      const found = lower.indexOf(term.toLowerCase());
      if (found >= 0 && (at < 0 || found < at)) at = found;
    }
    if (at < 0) at = 0;
    let from = Math.max(0, at - AROUND);
    let to = Math.min(text.length, at + AROUND * 2);
    const space = text.indexOf(" ", from); // whole words at both ends
    if (from > 0 && space >= 0 && space < at) from = space + 1;
    const end = text.lastIndexOf(" ", to);
    if (to < text.length && end > at) to = end;
    return (from > 0 ? "… " : "") + text.slice(from, to) + (to < text.length ? " …" : "");
  }

  function item(doc, result) {
    const li = document.createElement("li");
    li.dataset.kind = doc.kind;
    const link = document.createElement("a");
    link.className = "hit";
    link.href = root + doc.href;
    link.textContent = doc.title;
    li.append(link);
    const kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = doc.kind === "entity" ? doc.classes : doc.classes ? "source · " + doc.classes : "source";
    li.append(kind);
    const names = doc.variants ? doc.variants.split("\n") : [];
    const matched = names.filter((n) => result.terms.some((t) => n.toLowerCase().includes(t.toLowerCase())));
    if (matched.length) {
      const also = document.createElement("span");
      also.className = "also";
      also.textContent = "also written: " + matched.join("; ");
      li.append(also);
    }
    const text = snippet(doc.text, result.terms);
    if (text) li.append(highlighted(text, result.terms));
    return li;
  }

  function run() {
    const query = input.value.trim();
    list.replaceChildren();
    if (!query) {
      status.textContent = documents.length + " documents indexed. Type a name or a word.";
      return;
    }
    const results = index.search(query).filter((r) => {
      const doc = byId.get(r.id);
      return doc && kinds[doc.kind].checked;
    });
    for (const result of results.slice(0, SHOWN)) list.append(item(byId.get(result.id), result));
    const counted = results.length === 1 ? "1 result" : results.length + " results";
    status.textContent = results.length > SHOWN ? counted + ", the first " + SHOWN + " shown." : counted + ".";
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", run);
  for (const box of Object.values(kinds)) box.addEventListener("change", run);
  const asked = new URLSearchParams(window.location.search).get("q");
  if (asked) input.value = asked;
  run();
})();
