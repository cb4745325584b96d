"""kuzbass-graph: a linked-data knowledge graph of the Autonomous Industrial Colony Kuzbass.

`__version__` is the version in pyproject.toml, the one place it is kept: read from the source tree's
pyproject.toml when there is one (an editable install's metadata keeps the version of the last install),
else from the installed package's metadata.
"""

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def _version() -> str:
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == "kuzbass-graph":
            return str(project["version"])
    except (OSError, tomllib.TOMLDecodeError, KeyError):
        pass
    try:
        return version("kuzbass-graph")
    except PackageNotFoundError:  # neither a source tree nor installed
        return "0.0.0"


__version__ = _version()
