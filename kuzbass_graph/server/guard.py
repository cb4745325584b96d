"""What a query may make the server do: no outgoing connections unless allowed.

pyoxigraph executes `SERVICE <url>` by sending an HTTP request to the URL, which would let any client make
the server open connections anywhere (SSRF). `service_targets` finds every SERVICE in a query by a lexer
that knows SPARQL's comments, strings, IRIs, variables and prefixed names, so the keyword is found wherever
the parser would see it and nowhere else. The endpoint refuses a query with SERVICE unless every target is
on the `--allow-service` list (a variable target is always refused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKENS = re.compile(r"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\s(){}\[\],;.<>=!|&*/+"'^-]*)
  | (?P<pname>[^\s(){}\[\],;<>=!|&*/+"'^?$\#-]*:[^\s(){}\[\],;<>=!|&*/+"'^?$\#]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>\S)
""", re.VERBOSE | re.DOTALL)


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(query: str) -> str:
    """SPARQL 1.1 section 19.2: \\uXXXX and \\UXXXXXXXX escapes are replaced before parsing (Oxigraph does),
    so `\\u0053ERVICE` is the keyword SERVICE; the lexer must see what the parser sees."""
    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()
    return _CODEPOINT.sub(replace, query)


@dataclass(frozen=True)
class ServiceCall:
    target: str | None  # the endpoint IRI, or None when it is a variable or cannot be resolved


def service_targets(query: str, prefixes: dict[str, str] | None = None) -> list[ServiceCall]:
    """Every SERVICE of the query with its target IRI (resolved through PREFIX declarations and `prefixes`)."""
    declared = dict(prefixes or {})
    tokens = [(m.lastgroup, m.group()) for m in _TOKENS.finditer(unescape_codepoints(query))
              if m.lastgroup not in ("comment",)]
    calls: list[ServiceCall] = []
    for i, (kind, text) in enumerate(tokens):
        if kind == "word" and text.upper() == "PREFIX" and i + 2 < len(tokens):
            name, iri = tokens[i + 1], tokens[i + 2]
            if name[0] == "pname" and iri[0] == "iri":
                declared[name[1].rstrip(":")] = iri[1][1:-1]
        if kind == "word" and text.upper() == "SERVICE":
            j = i + 1
            if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "SILENT":
                j += 1
            target: str | None = None
            if j < len(tokens):
                tkind, ttext = tokens[j]
                if tkind == "iri":
                    target = ttext[1:-1]
                elif tkind == "pname":
                    prefix, _, local = ttext.partition(":")
                    target = declared[prefix] + local if prefix in declared else None
            calls.append(ServiceCall(target))
    return calls


def refusal(query: str, allowed: frozenset[str], prefixes: dict[str, str] | None = None) -> str | None:
    """Why the query may not run (a message for a 400), or None when it may."""
    for call in service_targets(query, prefixes):
        if call.target is None:
            return ("SERVICE with a variable or unresolvable endpoint is refused: this server does not send "
                    "requests to other hosts")
        if call.target not in allowed:
            hint = ("start the server with --allow-service URL to permit an endpoint" if not allowed else
                    "allowed endpoints: " + ", ".join(sorted(allowed)))
            return f"SERVICE <{call.target}> is refused: this server does not send requests to other hosts ({hint})"
    return None
