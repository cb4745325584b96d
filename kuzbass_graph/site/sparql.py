"""SPARQL without a server: sparql/index.html runs the query catalogue and free queries in the browser, on
the build's whole dataset (its four named graphs, the default graph their union, as `kuzbass serve`
answers), with Oxigraph compiled to WebAssembly (npm `oxigraph`, vendored under static/vendor/oxigraph/)
in the YASGUI editor the server uses (its Yasqe editor and Yasr results, copied from the server's vendored
files, not kept twice in the repository).

Everything loads from file://, where Chromium refuses fetch() and ES modules of local files, so the build
writes classic scripts only:
- `oxigraph.js`: the package's web.js with its `export`s turned into `window.oxigraph`;
- `oxigraph-wasm.js`: the WebAssembly module, gzipped and in base64 (1.9 MB; 4 MB unpacked);
- `data.js`: the build's `kuzbass.trig.gz` in base64 (the same bytes as the dump beside it);
- `catalogue.js`: the catalogue's queries with their headers and the project's prefixes, predeclared in
  the page as `kuzbass query` and the server predeclare them.
The page unpacks both with the browser's DecompressionStream and compiles the module: served, its page
needs `'wasm-unsafe-eval'` in the Content-Security-Policy (server/middleware.py allows it on this page
only).
"""

from __future__ import annotations

import base64
import re
from importlib import resources
from pathlib import Path

from ..catalogue import load_catalogue
from ..errors import KuzbassError
from ..namespaces import ID, PREFIXES
from .graph import ON_REQUEST
from .render import write_page
from .search import assign_script

PAGE = "sparql/index.html"
ASSETS = "assets/sparql"
DUMP = "kuzbass.trig.gz"  # the build writes it beside site/
OXIGRAPH = ("vendor", "oxigraph")
YASGUI = ("server", "static", "vendor", "yasgui")  # the server's vendored files, read as package data


def _vendor(*parts: str) -> bytes:
    return resources.files("kuzbass_graph").joinpath("site", "static", *parts).read_bytes()


def classic_script(module: str) -> str:
    """Oxigraph's ES module (web.js) as a classic script that sets `window.oxigraph`: its exports become the
    object's members, and the default path of the .wasm (import.meta.url, a syntax error outside a module)
    is refused, since the page always passes the module's bytes."""
    names = re.findall(r"^export (?:class|function) (\w+)", module, flags=re.MULTILINE)
    body = re.sub(r"^export (class|function) ", r"\1 ", module, flags=re.MULTILINE)
    body, ends = re.subn(r"^export \{ initSync, __wbg_init as default \};\s*$", "", body, flags=re.MULTILINE)
    body, defaults = re.subn(r"module_or_path = new URL\('web_bg\.wasm', import\.meta\.url\);",
                             "throw new Error('oxigraph: pass the WebAssembly module');", body)
    if not names or ends != 1 or defaults != 1 or "import.meta" in body or re.search(r"^(import|export) ", body,
                                                                                      flags=re.MULTILINE):
        raise KuzbassError("the vendored oxigraph web.js has an unexpected shape",
                           hint="vendor the version named in kuzbass_graph/site/static/vendor/oxigraph/VERSION")
    exported = ", ".join([*names, "initSync", "init: __wbg_init"])
    return ("// Oxigraph (npm oxigraph, see LICENSE-MIT and VERSION beside this file) as a classic script.\n"
            "(function () {\n" + body + "\nwindow.oxigraph = { " + exported + " };\n})();\n")


def catalogue_entries(queries: Path) -> list[dict[str, str]]:
    """The catalogue as the page lists it; an unreadable header leaves the list empty (the catalogue test
    reports it)."""
    try:
        catalogue = load_catalogue(queries) if queries.is_dir() else []
    except KuzbassError:
        return []
    return [{"name": q.name, "title": q.title, "question": q.header.get("question", ""),
             "description": q.header.get("description", ""), "theme": q.header.get("theme", ""), "query": q.text}
            for q in catalogue]


def write_sparql(site: Path, *, dump: Path, queries: Path) -> list[str]:
    """sparql/index.html and its scripts in the `site` folder, from the build's gzipped TriG dump (`dump`,
    the build's kuzbass.trig.gz) and the catalogue folder."""
    assets = site / ASSETS
    (assets / "yasgui").mkdir(parents=True, exist_ok=True)
    (assets / "oxigraph").mkdir(parents=True, exist_ok=True)
    for name in ("yasgui.min.js", "yasgui.min.css", "LICENSE.txt"):
        (assets / "yasgui" / name).write_bytes(resources.files("kuzbass_graph").joinpath(*YASGUI, name).read_bytes())
    mend = resources.files("kuzbass_graph").joinpath("server", "static", "yasgui-a11y.js")  # shared with the editor
    (assets / "yasgui" / "yasgui-a11y.js").write_bytes(mend.read_bytes())
    for name in ("LICENSE-MIT", "VERSION"):  # .txt: served as text, opened by a browser from file://
        (assets / "oxigraph" / f"{name}.txt").write_bytes(_vendor(*OXIGRAPH, name))
    module = _vendor(*OXIGRAPH, "web.js").decode("utf-8")
    (assets / "oxigraph" / "oxigraph.js").write_text(classic_script(module), encoding="utf-8")
    wasm = base64.b64encode(_vendor(*OXIGRAPH, "web_bg.wasm.gz")).decode("ascii")
    (assets / "oxigraph" / "oxigraph-wasm.js").write_text(
        "// Oxigraph's WebAssembly module (web_bg.wasm), gzipped, in base64.\n"
        f'window.KUZBASS_OXIGRAPH_WASM = "{wasm}";\n', encoding="ascii")
    dataset = base64.b64encode(dump.read_bytes()).decode("ascii")
    (assets / "data.js").write_text(
        f"// The dataset of this build: {dump.name} (TriG, its named graphs), in base64.\n"
        f'window.KUZBASS_DATA = {{"format": "application/trig", "gzip": "{dataset}"}};\n', encoding="ascii")
    entries = catalogue_entries(queries)
    (assets / "catalogue.js").write_text(assign_script(
        "KUZBASS_CATALOGUE", {"prefixes": PREFIXES, "queries": entries,
                              "pages": {"base": ID, "except": list(ON_REQUEST)}},
        comment="The query catalogue (queries/*.rq) and the prefixes predeclared for every query."), encoding="utf-8")
    for name in ("sparql.js", "sparql.css"):
        (assets / name).write_bytes(_vendor(name))
    themes: dict[str, list[dict[str, str]]] = {}
    for entry in entries:
        themes.setdefault(entry["theme"] or "competency questions", []).append(entry)
    write_page(site, PAGE, "sparql.html", themes=sorted(themes.items()))
    return [PAGE]
