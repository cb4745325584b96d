"""The pages' shared parts: the jinja2 environment (autoescaping on), relative links and writing a page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..namespaces import ID

# the site's templates, then publishing's (the header shared with the entity pages)
TEMPLATES = jinja2.ChoiceLoader([jinja2.PackageLoader("kuzbass_graph.site", "templates"),
                                 jinja2.PackageLoader("kuzbass_graph.publishing", "templates")])
ENV = jinja2.Environment(loader=TEMPLATES, autoescape=True,
                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                         undefined=jinja2.StrictUndefined)


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None = None


def root_of(path: str) -> str:
    """The relative way back to the site's root from the page at `path` (e.g. browse/person/index.html)."""
    return "../" * path.count("/")


def entity_href(iri: str, root: str) -> str:
    return f"{root}id/{iri[len(ID):]}/index.html"


def passage_href(passage: str, root: str) -> str:
    """The passage in the source reader: source/<name>/index.html#L005."""
    source, _, anchor = passage[len(ID) + len("source/"):].rpartition("/")
    return f"{root}source/{source}/index.html#{anchor}"


def write_page(site: Path, path: str, template: str, **context: object) -> None:
    target = site / path
    target.parent.mkdir(parents=True, exist_ok=True)
    root = root_of(path)
    has_network = (site / "network" / "index.html").is_file()  # the network pages, when they were written
    target.write_text(ENV.get_template(template).render(root=root, has_network=has_network, **context),
                      encoding="utf-8")
