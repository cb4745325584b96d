"""Parts of a build that `kuzbass build --without` leaves out (a light module: the CLI imports it)."""

from __future__ import annotations

from enum import StrEnum


class Part(StrEnum):
    """The checks, the dumps and the store are always made; these parts may be left out."""

    SITE = "site"  # dist/site: entity documents, network pages, map, reader, search, catalogue pages
    ANALYSIS = "analysis"  # the network analysis: its named graph in the dumps and dist/analysis/
