"""kuzbass-graph: a linked-data knowledge graph of the Autonomous Industrial Colony Kuzbass."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kuzbass-graph")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
