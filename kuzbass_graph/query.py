"""Run SPARQL: a catalogue query, a file or stdin, on the built dataset (embedded Oxigraph) or a remote endpoint
(SPARQL 1.1 Protocol over HTTP, within a total deadline).

Parameters are bound as RDF terms by a trailing VALUES clause written from parsed terms (joined with the
query pattern before projection), never by splicing text into the query.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import re
import socket
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pyoxigraph as ox

from .catalogue import parse_query_file
from .config import Settings
from .errors import ConfigError, InputError, KuzbassError, read_utf8
from .namespaces import PREFIXES, XSD


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    XML = "xml"
    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    JSONLD = "jsonld"
    RDFXML = "rdfxml"

    @property
    def is_rdf(self) -> bool:
        return self in (OutputFormat.TURTLE, OutputFormat.NTRIPLES, OutputFormat.JSONLD, OutputFormat.RDFXML)


RESULTS_FORMATS = {
    OutputFormat.CSV: ox.QueryResultsFormat.CSV, OutputFormat.TSV: ox.QueryResultsFormat.TSV,
    OutputFormat.JSON: ox.QueryResultsFormat.JSON, OutputFormat.XML: ox.QueryResultsFormat.XML,
}
RDF_FORMATS = {
    OutputFormat.TURTLE: ox.RdfFormat.TURTLE, OutputFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    OutputFormat.JSONLD: ox.RdfFormat.JSON_LD, OutputFormat.RDFXML: ox.RdfFormat.RDF_XML,
}


class EndpointError(KuzbassError):
    """A remote SPARQL endpoint could not answer."""


@dataclass(frozen=True)
class QueryText:
    name: str
    text: str


def resolve_query(ref: str, settings: Settings) -> QueryText:
    """A catalogue name (queries/NAME.rq), a path to a .rq file, or '-' for standard input."""
    if ref == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
        try:
            return QueryText("stdin", data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InputError.not_utf8("<stdin>", data, exc) from exc
    catalogue = settings.root / "queries" / f"{ref}.rq"
    if catalogue.is_file():
        return QueryText(ref, parse_query_file(catalogue).text)
    path = Path(ref)
    if path.is_file():
        return QueryText(path.stem, read_utf8(path))
    raise ConfigError(f"no query named {ref!r}: not in {settings.root / 'queries'} and not a file",
                      hint="list the catalogue in queries/README.md, give a path to a .rq file, or '-' for stdin")


_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_LITERAL = re.compile(r'^"(.*)"(?:@([A-Za-z0-9-]+)|\^\^(\S+))?$', re.DOTALL)


def parse_term(text: str) -> ox.NamedNode | ox.Literal:
    """<iri>, prefix:name, "text", "text"@lang, "text"^^datatype, a number, or else a plain string."""
    def expand(name: str) -> ox.NamedNode:
        if name.startswith("<") and name.endswith(">"):
            return ox.NamedNode(name[1:-1])
        prefix, _, local = name.partition(":")
        if prefix in PREFIXES and local and " " not in local:
            return ox.NamedNode(PREFIXES[prefix] + local)
        raise ValueError(name)

    try:
        if text.startswith("<") or (":" in text and text.split(":", 1)[0] in PREFIXES):
            return expand(text)
        match = _LITERAL.match(text)
        if match:
            value, language, datatype = match.groups()
            if language:
                return ox.Literal(value, language=language)
            return ox.Literal(value, datatype=expand(datatype)) if datatype else ox.Literal(value)
        if _NUMBER.match(text):
            return ox.Literal(text, datatype=ox.NamedNode(XSD + ("decimal" if "." in text else "integer")))
    except ValueError as exc:
        raise ConfigError(f"cannot read {text!r} as an RDF term ({exc})",
                          hint="write <https://...>, a known prefix such as person:sebald-rutgers, "
                               "or \"text\"@en") from exc
    return ox.Literal(text)


def parse_params(items: list[str]) -> dict[str, ox.NamedNode | ox.Literal]:
    params: dict[str, ox.NamedNode | ox.Literal] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ConfigError(f"bad --param {item!r}",
                              hint="write --param name=value, e.g. --param person=person:sebald-rutgers")
        params[name] = parse_term(value)
    return params


def with_values(text: str, params: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with a trailing VALUES clause binding the parameters (terms in N-Triples syntax)."""
    if not params:
        return text
    names = " ".join(f"?{n}" for n in params)
    values = " ".join(str(term) for term in params.values())
    return f"{text.rstrip()}\nVALUES ({names}) {{ ({values}) }}\n"


def damaged_store(store_dir: Path, exc: Exception) -> InputError:
    """The error for a store that cannot be opened or read (missing files, corruption, not a store)."""
    return InputError(f"the store is damaged or is not an Oxigraph store ({str(exc).strip()[:300]})",
                      path=store_dir, hint=f"run `kuzbass build` to write it again (or delete {store_dir} "
                      "to query the build's kuzbass.nq)")


def open_local(settings: Settings) -> ox.Store:
    """The built dataset: the on-disk store of the build, else its N-Quads dump loaded in memory."""
    store_dir = settings.out / "store"
    if store_dir.is_dir():
        try:
            return ox.Store.read_only(str(store_dir))
        except (OSError, RuntimeError, ValueError) as exc:
            raise damaged_store(store_dir, exc) from exc
    dump = settings.out / "kuzbass.nq"
    if not dump.is_file():
        raise ConfigError(f"no built dataset in {settings.out}", hint="run `kuzbass build` first, or pass --endpoint")
    store = ox.Store()
    try:
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise InputError(f"the dump is not valid N-Quads: {exc.msg if hasattr(exc, 'msg') else exc}", path=dump,
                         line=exc.lineno, hint="run `kuzbass build` to write it again") from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the dump: {exc}", path=dump,
                         hint="run `kuzbass build` to write it again") from exc
    return store


def run_local(store: ox.Store, text: str, params: dict[str, ox.NamedNode | ox.Literal]):  # type: ignore[no-untyped-def]
    """Run on the embedded store; the project's prefixes are predeclared, the union of graphs is the default."""
    try:
        return store.query(with_values(text, params), use_default_graph_as_union=True, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise InputError(f"SPARQL syntax error: {exc}", hint="check the query text") from exc
    except (RuntimeError, ValueError, OSError) as exc:
        raise InputError(f"the query failed: {exc}", hint=_READ_HINT) from exc


_READ_HINT = "if the message speaks of corruption or IO, the store is damaged: run `kuzbass build` again"


def _reading(exc: Exception) -> InputError:
    return InputError(f"reading the results failed: {exc}", hint=_READ_HINT)


def serialize_local(result, fmt: OutputFormat) -> bytes:  # type: ignore[no-untyped-def]
    """A local result in a file format (every format but table)."""
    try:
        return _serialize_local(result, fmt)
    except (RuntimeError, OSError) as exc:
        raise _reading(exc) from exc


def _serialize_local(result, fmt: OutputFormat) -> bytes:  # type: ignore[no-untyped-def]
    if isinstance(result, ox.QueryBoolean | ox.QuerySolutions):
        if fmt.is_rdf:
            raise ConfigError(f"--format {fmt} is for CONSTRUCT and DESCRIBE results",
                              hint="use table, csv, tsv, json or xml")
        return result.serialize(format=RESULTS_FORMATS[fmt]) or b""
    if not fmt.is_rdf:
        raise ConfigError(f"--format {fmt} is for SELECT and ASK results",
                          hint="use turtle, ntriples, jsonld or rdfxml")
    return ox.serialize(result, format=RDF_FORMATS[fmt],
                        prefixes=PREFIXES if fmt is OutputFormat.TURTLE else None) or b""


def rows_of(result) -> tuple[list[str], list[list[str]]]:  # type: ignore[no-untyped-def]
    """Variable names and rows of display strings for a table."""
    try:
        return _rows_of(result)
    except (RuntimeError, OSError) as exc:
        raise _reading(exc) from exc


def _rows_of(result) -> tuple[list[str], list[list[str]]]:  # type: ignore[no-untyped-def]
    if isinstance(result, ox.QueryBoolean):
        return ["result"], [["true" if result else "false"]]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return names, [[_display(s[n]) for n in names] for s in result]
    return ["subject", "predicate", "object"], [[_display(t.subject), _display(t.predicate), _display(t.object)]
                                               for t in result]


def _display(term) -> str:  # type: ignore[no-untyped-def]
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{prefix}:{term.value[len(namespace):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


# --- remote endpoints --------------------------------------------------------------------------------

REMOTE_ACCEPT = {
    OutputFormat.JSON: "application/sparql-results+json", OutputFormat.XML: "application/sparql-results+xml",
    OutputFormat.CSV: "text/csv", OutputFormat.TSV: "text/tab-separated-values",
    OutputFormat.TURTLE: "text/turtle", OutputFormat.NTRIPLES: "application/n-triples",
    OutputFormat.JSONLD: "application/ld+json", OutputFormat.RDFXML: "application/rdf+xml",
}


@dataclass(frozen=True)
class Endpoint:
    url: str
    timeout: float = 30.0
    retries: int = 2
    user: str | None = None
    password: str | None = None


def run_remote(endpoint: Endpoint, text: str, params: dict[str, ox.NamedNode | ox.Literal],
               fmt: OutputFormat) -> bytes:
    """POST the query (SPARQL 1.1 Protocol); the raw response body in the asked format (JSON for tables).

    endpoint.timeout is a total deadline: connecting, waiting for and reading every attempt, and the pauses
    between retries all end by it, however slowly the endpoint trickles its answer.
    """
    deadline = time.monotonic() + endpoint.timeout
    form = urllib.parse.urlencode({"query": with_values(text, params)}).encode("utf-8")
    headers = {"Accept": REMOTE_ACCEPT.get(fmt, REMOTE_ACCEPT[OutputFormat.JSON]),
               "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "kuzbass-graph"}
    if endpoint.user:
        token = base64.b64encode(f"{endpoint.user}:{endpoint.password or ''}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    last = "no attempt"
    attempts = 0
    for attempt in range(endpoint.retries + 1):
        if time.monotonic() >= deadline:
            break
        attempts += 1
        try:
            status, reason, body = _post(endpoint.url, form, headers, deadline)
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out, cut at the deadline
            last = str(exc) or type(exc).__name__
        else:
            if 200 <= status < 300:
                return body
            detail = body.decode("utf-8", errors="replace").strip()[:400]
            if status in (401, 403):
                raise EndpointError(f"{endpoint.url} refused access (HTTP {status} {reason}): {detail}",
                                    hint="check --user and --password (or KUZBASS_PASSWORD)")
            if status == 404:
                raise EndpointError(f"{endpoint.url} was not found (HTTP 404)", hint="check the endpoint URL")
            if 400 <= status < 500:
                raise EndpointError(f"{endpoint.url} rejected the query (HTTP {status} {reason}): {detail}",
                                    hint="check the query against the endpoint's SPARQL dialect")
            last = f"HTTP {status} {reason}: {detail[:200]}"
        time.sleep(max(0.0, min(2.0, 0.25 * 2 ** attempt, deadline - time.monotonic())))
    raise EndpointError(f"{endpoint.url} did not answer within {endpoint.timeout:g} s "
                        f"({attempts} attempt(s)): {last}",
                        hint="check that the endpoint is up and the URL right; raise --timeout or --retries")


class _Cut(OSError):
    """The deadline passed while a request was still under way."""


def _post(url: str, form: bytes, headers: dict[str, str], deadline: float,
          redirects: int = 5) -> tuple[int, str, bytes]:
    """One POST, ended at the deadline: a timer shuts the socket down, which wakes any blocking read."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{url} is not an http(s) URL", hint="pass --endpoint http://host:port/path")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _Cut("the deadline passed")
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=remaining)
    cut = threading.Event()
    sockets: list[socket.socket] = []

    def stop() -> None:
        cut.set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(remaining, stop)
    timer.daemon = True
    timer.start()
    try:
        connection.connect()
        if connection.sock is not None:
            sockets.append(connection.sock)
        if cut.is_set():
            stop()
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", target, body=form, headers=headers)
        response = connection.getresponse()
        chunks: list[bytes] = []
        while not cut.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for sock in sockets:
                sock.settimeout(left)
            chunk = response.read1(65536)
            if not chunk:
                break
            chunks.append(chunk)
        if cut.is_set() or time.monotonic() >= deadline:
            raise _Cut("the answer was still coming in at the deadline")
        location = response.getheader("Location")
        if response.status in (301, 302, 303, 307, 308) and location and redirects > 0:
            return _post(urllib.parse.urljoin(url, location), form, headers, deadline, redirects - 1)
        return response.status, response.reason, b"".join(chunks)
    except OSError as exc:
        if cut.is_set():
            raise _Cut("the deadline passed before the answer was complete") from exc
        raise
    except http.client.HTTPException as exc:
        if cut.is_set():
            raise _Cut("the deadline passed before the answer was complete") from exc
        raise
    finally:
        timer.cancel()
        connection.close()


def remote_rows(body: bytes) -> tuple[list[str], list[list[str]]]:
    """Rows of a SPARQL JSON results document, for a table."""
    import json

    try:
        document = json.load(io.BytesIO(body))
    except ValueError as exc:
        raise EndpointError(f"the endpoint did not return SPARQL JSON results: {body[:200]!r}") from exc
    if "boolean" in document:
        return ["result"], [["true" if document["boolean"] else "false"]]
    names = document.get("head", {}).get("vars", [])
    rows = [[(b.get(n) or {}).get("value", "") for n in names] for b in document.get("results", {}).get("bindings", [])]
    return names, rows
