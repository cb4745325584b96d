"""Every failure of build, validate and query is a KuzbassError: exit code 2 and a message naming the file
(and line) and the next step. Warnings are printed and fail only with --strict."""

from __future__ import annotations

import contextlib
import errno
import os
import pathlib
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kuzbass_graph.cli import app
from kuzbass_graph.errors import KuzbassError, OutputError
from kuzbass_graph.pipeline import Outcome

runner = CliRunner()
ASK = "ASK { ?who rdfs:label ?label }"


def build(project: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["build", "--root", str(project), "--out", str(out), "--no-reason", *extra])
    return result.exit_code, result.output


def query(project: Path, out: Path, *args: str, stdin: str | bytes | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["query", *args, "--root", str(project), "--dataset", str(out)], input=stdin)
    return result.exit_code, result.output


def assert_mapped(code: int, output: str) -> None:
    """An error the CLI mapped: exit code 2, a message with a fix, no traceback."""
    assert code == 2, output
    assert "error:" in output and "fix:" in output, output
    assert "Traceback" not in output


# --- build: writing the output ------------------------------------------------------------------------

def test_disk_full_while_writing_the_build_says_to_free_space(project: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "published"
    real_write_text = pathlib.Path.write_text

    def full_disk(self: Path, *args: object, **kwargs: object) -> int:
        if str(self).startswith(str(tmp_path)):
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write_text(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pathlib.Path, "write_text", full_disk)
    code, output = build(project, out)
    assert_mapped(code, output)
    assert f"cannot write the build to {out}" in output and "No space left on device" in output
    assert "free some space" in output and "--out" in output
    assert not (out / "kuzbass.nq").exists()


def test_out_under_a_file_says_to_choose_another_out(project: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    code, output = build(project, blocker / "dist")
    assert_mapped(code, output)
    assert f"cannot write the build to {blocker / 'dist'}" in output
    assert "is a file, not a folder: pass another --out" in output


@pytest.mark.parametrize(("code", "strerror", "fix"), [
    (errno.EROFS, "Read-only file system", "read-only file system: pass a writable --out"),
    (errno.EACCES, "Permission denied", "pass a writable --out or change its permissions"),
])
def test_read_only_output_says_to_pass_a_writable_out(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      code: int, strerror: str, fix: str) -> None:
    # chmod does not stop root (CI runs as root): make every new folder under tmp_path fail as it would.
    real_mkdir = os.mkdir

    def refuse(path: object, *args: object, **kwargs: object) -> None:
        if str(path).startswith(str(tmp_path / "readonly")):
            raise OSError(code, strerror, str(path))
        real_mkdir(path, *args, **kwargs)  # type: ignore[arg-type]

    (tmp_path / "readonly").mkdir()
    monkeypatch.setattr(os, "mkdir", refuse)
    out = tmp_path / "readonly" / "dist"
    exit_code, output = build(project, out)
    assert_mapped(exit_code, output)
    assert f"cannot write the build to {out}: {strerror}" in output and fix in output


def test_output_error_is_a_kuzbass_error_with_exit_code_2() -> None:
    error = OutputError.from_os_error(OSError(errno.ENOSPC, "No space left on device"), Path("/x/dist"))
    assert isinstance(error, KuzbassError) and error.exit_code == 2
    assert "free some space" in str(error)


# --- query: the store and the query text --------------------------------------------------------------

@pytest.fixture
def built(project: Path, tmp_path: Path) -> Path:
    out = tmp_path / "dist"
    code, output = build(project, out)
    assert code == 0, output
    return out


def test_corrupt_store_says_to_build_again(project: Path, built: Path) -> None:
    store = built / "store"
    for path in store.iterdir():
        if path.is_file():
            path.write_bytes(b"\x00garbage\xff" * 100)
    code, output = query(project, built, "-", stdin=ASK)
    assert_mapped(code, output)
    assert f"{store}: the store is damaged or is not an Oxigraph store" in output
    assert "run `kuzbass build` to write it again" in output


def test_store_folder_of_garbage_says_to_build_again(project: Path, tmp_path: Path) -> None:
    store = tmp_path / "broken" / "store"
    store.mkdir(parents=True)
    (store / "junk").write_bytes(b"\xde\xad\xbe\xef")
    code, output = query(project, tmp_path / "broken", "-", stdin=ASK)
    assert_mapped(code, output)
    assert "the store is damaged" in output and "kuzbass build" in output


def test_non_utf8_query_file_names_file_line_and_fix(project: Path, built: Path, tmp_path: Path) -> None:
    path = tmp_path / "latin1.rq"
    path.write_bytes("# title: caf\u00e9\nASK { ?s ?p \"caf\u00e9\" }\n".encode("latin-1"))
    code, output = query(project, built, str(path))
    assert_mapped(code, output)
    assert f"{path}:1:" in output and "not UTF-8" in output and "save the file as UTF-8" in output


def test_non_utf8_catalogue_query_names_its_line(project: Path, built: Path) -> None:
    catalogue = project / "queries"
    catalogue.mkdir()
    (catalogue / "broken.rq").write_bytes(b"# title: t\n# description: d\nASK { ?s ?p \"\xe9\" }\n")
    code, output = query(project, built, "broken")
    assert_mapped(code, output)
    assert f"{catalogue / 'broken.rq'}:3:" in output and "not UTF-8" in output


def test_non_utf8_stdin_is_an_error(project: Path, built: Path) -> None:
    code, output = query(project, built, "-", stdin=b"ASK { ?s ?p \"\xe9\" }")
    assert_mapped(code, output)
    assert "<stdin>:1:" in output and "not UTF-8" in output


# --- data: files that are not regular files -----------------------------------------------------------

def kuzbass(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The installed command in a child process, so that a hang fails the test instead of blocking it."""
    command = Path(sys.executable).with_name("kuzbass")
    try:
        return subprocess.run([str(command), *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"kuzbass {' '.join(args)} still running after {timeout} s") from exc


def test_fifo_in_data_is_skipped_with_a_warning(project: Path) -> None:
    pipes = [project / "data" / "triples" / "pipe.trig", project / "data" / "sources" / "pipe.txt"]
    for pipe in pipes:
        os.mkfifo(pipe)
    result = kuzbass("validate", "--root", str(project), "--no-reason")
    assert result.returncode == 0, result.stderr
    for pipe in pipes:
        assert f"{pipe}: warning: [files] skipped: a FIFO (named pipe), not a regular file" in result.stderr
    assert "replace it with a regular file" in result.stderr
    assert "1 warning(s)" not in result.stdout and "2 warning(s)" in result.stdout


def test_folder_named_like_a_data_file_is_skipped_with_a_warning(project: Path) -> None:
    (project / "data" / "triples" / "more.trig").mkdir()
    result = runner.invoke(app, ["validate", "--root", str(project), "--no-reason"])
    assert result.exit_code == 0, result.output
    assert "more.trig: warning: [files] skipped: a folder, not a regular file" in result.output


# --- data: an entity minted twice ---------------------------------------------------------------------

SECOND_BOB = 'person:robert-jones a kz:Person ; rdfs:label "Bob Jones"@en .\n'


def with_second_bob(project: Path, declaration: str = SECOND_BOB) -> Path:
    path = project / "data" / "triples" / "mini.trig"
    text = path.read_text(encoding="utf-8")
    company = "organization:widget-works a kz:Company"
    text = text.replace(company, declaration + company)
    text = text.replace("    person:bob-jones kz:led organization:widget-works .\n",
                        "    person:bob-jones kz:led organization:widget-works .\n"
                        "    person:robert-jones kz:led organization:widget-works .\n")
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)


def validate(project: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", "--root", str(project), "--no-reason", *extra])
    return result.exit_code, result.output


def test_same_label_and_class_twice_is_a_warning_at_the_second_label(project: Path) -> None:
    path = with_second_bob(project)
    code, output = validate(project)
    assert code == 0, output
    first, second = line_of(path, "person:bob-jones a kz:Person"), line_of(path, "person:robert-jones a kz:Person")
    assert (f"{path}:{second}: warning: [duplicates] person:robert-jones has the label 'Bob Jones' and the class "
            f"kz:Person of person:bob-jones ({path}:{first})") in output
    assert "skos:editorialNote on one of them that names the other" in output
    assert "1 warning(s)" in output


def test_strict_makes_the_duplicate_an_error_for_validate_and_build(project: Path, tmp_path: Path) -> None:
    with_second_bob(project)
    code, output = validate(project, "--strict")
    assert code == 1, output
    assert "[duplicates] person:robert-jones" in output and "which fail with --strict" in output
    code, output = build(project, tmp_path / "out", "--strict")
    assert code == 1 and "[duplicates]" in output and not (tmp_path / "out" / "kuzbass.nq").exists()
    code, output = build(project, tmp_path / "out")
    assert code == 0 and "[duplicates]" in output and (tmp_path / "out" / "kuzbass.nq").is_file()


def test_an_editorial_note_naming_the_other_keeps_them_apart(project: Path) -> None:
    with_second_bob(project, 'person:robert-jones a kz:Person ; rdfs:label "Bob Jones"@en ;\n'
                    '    skos:editorialNote "Distinct from person:bob-jones: the source names two men."@en .\n')
    code, output = validate(project, "--strict")
    assert code == 0 and "[duplicates]" not in output, output


def test_a_note_that_names_no_other_entity_does_not(project: Path) -> None:
    with_second_bob(project, 'person:robert-jones a kz:Person ; rdfs:label "Bob Jones"@en ;\n'
                    '    skos:editorialNote "Distinct from person:bob-jones-senior."@en .\n')
    code, output = validate(project)
    assert code == 0 and "warning: [duplicates] person:robert-jones" in output, output


def test_same_label_in_another_class_is_no_duplicate(project: Path) -> None:
    path = with_second_bob(project, 'person:robert-jones a kz:Person ; rdfs:label "Robert Jones"@en .\n'
                           '<https://w3id.org/kuzbass/id/group/bob-jones> a kz:Group ; rdfs:label "Bob Jones"@en .\n')
    path.write_text(path.read_text().replace(
        "    person:robert-jones kz:led",
        "    <https://w3id.org/kuzbass/id/group/bob-jones> kz:led organization:widget-works .\n"
        "    person:robert-jones kz:led"))
    code, output = validate(project, "--strict")
    assert code == 0 and "[duplicates]" not in output, output


def test_the_real_data_has_no_unexplained_duplicates(real: Outcome) -> None:
    from kuzbass_graph.validation.duplicates import check_duplicates

    assert check_duplicates(real.ws) == []


# --- query: a remote endpoint that trickles -----------------------------------------------------------

class Loopback(socketserver.ThreadingTCPServer):
    """A tiny server on 127.0.0.1 that reads one HTTP request per connection and answers with `behave`."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, behave: Callable[[socket.socket, threading.Event], None]) -> None:
        self.behave, self.stopping, self.requests = behave, threading.Event(), 0
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                server.requests += 1
                read_request(self.request)
                with contextlib.suppress(OSError):
                    server.behave(self.request, server.stopping)

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/sparql"

    def __enter__(self) -> Loopback:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()


def read_request(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        body += sock.recv(65536)
    return data


def trickle(data: bytes, sock: socket.socket, stopping: threading.Event, *, every: float = 0.2,
            longest: float = 8.0) -> None:
    """Send data a byte at a time, each byte well within any socket timeout, for at most `longest` s."""
    started = time.monotonic()
    for byte in data:
        if stopping.is_set() or time.monotonic() - started > longest:
            return
        sock.sendall(bytes([byte]))
        time.sleep(every)


def trickled_body(sock: socket.socket, stopping: threading.Event) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 1000\r\n\r\n")
    trickle(b" " * 1000, sock, stopping)


def trickled_headers(sock: socket.socket, stopping: threading.Event) -> None:
    trickle(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000, sock, stopping)


def silence(sock: socket.socket, stopping: threading.Event) -> None:
    stopping.wait(8.0)


def remote(url: str, *extra: str) -> tuple[int, str, float]:
    started = time.monotonic()
    result = runner.invoke(app, ["query", "-", "--endpoint", url, "--format", "json", *extra], input=ASK)
    return result.exit_code, result.output, time.monotonic() - started


@pytest.mark.parametrize("behave", [trickled_body, trickled_headers], ids=["body", "headers"])
def test_a_trickling_endpoint_is_given_up_at_the_timeout(behave: Callable[[socket.socket, threading.Event], None]
                                                         ) -> None:
    with Loopback(behave) as server:
        code, output, seconds = remote(server.url, "--timeout", "2", "--retries", "2")
    assert_mapped(code, output)
    assert f"{server.url} did not answer within 2 s" in output and "raise --timeout" in output
    assert seconds < 3.5, f"took {seconds:.1f} s with --timeout 2"


def test_the_timeout_is_a_total_deadline_retries_included() -> None:
    with Loopback(silence) as server:
        code, output, seconds = remote(server.url, "--timeout", "2", "--retries", "3")
    assert_mapped(code, output)
    assert "did not answer within 2 s (1 attempt(s))" in output
    assert seconds < 3.5, f"took {seconds:.1f} s with --timeout 2 and --retries 3"


def test_retries_fit_in_the_deadline_when_the_endpoint_fails_fast() -> None:
    def unavailable(sock: socket.socket, stopping: threading.Event) -> None:
        sock.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy")

    with Loopback(unavailable) as server:
        code, output, seconds = remote(server.url, "--timeout", "1", "--retries", "50")
    assert_mapped(code, output)
    assert "did not answer within 1 s" in output and "HTTP 503" in output
    assert 2 <= server.requests < 50 and seconds < 2.5
