"""Real SPARQL engines started on loopback for the tests: the Oxigraph server and Virtuoso."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@contextmanager
def oxigraph_server(folder: Path, *, read_only: bool = False) -> Iterator[str]:
    """`oxigraph serve` (PyPI oxigraph) on a store folder; yields the base URL (/query, /update, /store)."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    mode = ["serve-read-only", "--union-default-graph"] if read_only else ["serve"]
    process = subprocess.Popen([binary, *mode, "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[str]:
    """Debian's Virtuoso 7 with a database in `folder`, SPARQL Update granted to the anonymous SPARQL user;
    yields the /sparql URL."""
    if not VIRTUOSO_INI.is_file() or shutil.which("virtuoso-t") is None:
        raise RuntimeError("Virtuoso is not installed: apt-get install virtuoso-opensource (.ci/run does)")
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = VIRTUOSO_INI.read_text()
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db/", f"{folder}/")
    ini = re.sub(r"(?m)^ServerPort\s*=\s*1111", f"ServerPort = 127.0.0.1:{sql_port}", ini)
    ini = re.sub(r"(?m)^ServerPort\s*=\s*8890", f"ServerPort = 127.0.0.1:{http_port}", ini)
    ini = re.sub(r"(?m)^DirsAllowed\s*=.*$", f"DirsAllowed = ., {folder}, /usr/share/virtuoso-opensource-7/vad", ini)
    ini = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", "ResultSetMaxRows = 1000000", ini)
    config = folder / "virtuoso.ini"
    config.write_text(ini)
    process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(config)], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(http_port, 60)
        wait_for(sql_port, 60)
        subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba",
                        "exec=GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"],
                       check=True, capture_output=True, timeout=60)
        yield f"http://127.0.0.1:{http_port}/sparql"
    finally:
        subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", "exec=shutdown;"],
                       capture_output=True, timeout=60, check=False)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
