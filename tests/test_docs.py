"""Docs that cannot drift: the CLI reference is regenerated and compared."""

from __future__ import annotations

from kuzbass_graph.docs import CLI_REFERENCE, cli_reference


def test_cli_reference_is_current() -> None:
    assert CLI_REFERENCE.read_text(encoding="utf-8") == cli_reference(), "run `make docs` to regenerate docs/cli.md"
