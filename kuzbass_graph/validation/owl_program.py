"""The Java program of the OWL checks: `OwlChecks.java` (package data beside this module) loads one N-Triples
file once with the OWL API 3.4 inside owlready2's HermiT jar, checks its OWL 2 DL profile and runs HermiT on it,
in one JVM.

The program is compiled once with `javac` (a JDK is needed, not only a runtime) into a class folder named by
the hash of its source and of the jar, under the folder the caller passes (the user's cache folder,
`~/.cache/kuzbass/java`), else under the system's temporary folder; then each run is
`java -cp hermit:HermiT.jar:CLASSES OwlChecks [--profile] [--reason] FILE.nt`. The classpath is owlready2's
own for HermiT (its `hermit` folder of patched HermiT classes first), so HermiT answers as owlready2's
`sync_reasoner` does. `profile.py` and `reasoner.py` turn the answers into problems.
"""

from __future__ import annotations

import getpass
import hashlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReasonerError

PROGRAM = Path(__file__).with_name("OwlChecks.java")
RELEASE = "11"  # the class files run on any Java from 11 on, whichever JDK compiled them
TIMEOUT_SECONDS = 300  # for the profile check alone; HermiT has no time limit, as under owlready2
JAVA_MEMORY = "-Xmx2000M"  # owlready2's heap for HermiT (reasoning.JAVA_MEMORY)
KEEP = 4  # class folders kept (the newest), one per version of the program or the jar
# the C1 compiler only: these runs are short, and the optimizing compiler's threads cost more than they save
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1"]
JDK_HINT = "install a JDK (apt-get install default-jdk-headless)"


@dataclass(frozen=True)
class OwlAnswers:
    """What one run answered. `violations`: None unless the profile was asked for. `reasoning`: (consistent,
    unsatisfiable class IRIs sorted), None unless HermiT ran; it runs only on a profile without violations
    when both are asked for. `hermit_failed`: HermiT's error, when it failed after the profile check."""

    violations: list[tuple[str, str]] | None
    reasoning: tuple[bool, list[str]] | None
    hermit_failed: str | None = None


@dataclass(frozen=True)
class _Wording:
    """How an error of a run reads: the check that the caller asked for, and how to skip it."""

    check: str
    failed: str
    failed_hint: str
    skip: str


_PROFILE = _Wording("the OWL 2 DL profile check", "the OWL 2 DL profile check failed: ",
                    "check that 'java -version' works; skip the check with --skip profile",
                    "skip the check with --skip profile")
_REASONER = _Wording("the OWL reasoner", "HermiT failed: ", "check that 'java -version' works; run with --no-reason "
                     "to skip", "skip the reasoner with --no-reason")


def hermit_jar(wording: _Wording = _PROFILE) -> Path:
    """The HermiT jar of the installed owlready2 (it holds the OWL API)."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        raise ReasonerError(f"{wording.check} needs owlready2, which is not installed",
                            hint=f"pip install owlready2, or {wording.skip}")
    jar = Path(spec.origin).parent / "hermit" / "HermiT.jar"
    if not jar.is_file():
        raise ReasonerError(f"owlready2 has no HermiT jar at {jar}", hint=f"reinstall owlready2, or {wording.skip}")
    return jar


def hermit_error(detail: str) -> ReasonerError:
    """The error of HermiT's failure (after the file was loaded)."""
    return ReasonerError(f"{_REASONER.failed}{detail.strip()[:500]}", hint=_REASONER.failed_hint)


def _private_folder() -> Path:
    """The class folders' home when the caller gives none: this user's folder in the temporary folder, or a
    new one when that name is taken by someone else (classes found there would run as this user)."""
    folder = Path(tempfile.gettempdir()) / f"kuzbass-java-{getpass.getuser()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        status = folder.lstat()
        if folder.is_dir() and not folder.is_symlink() and status.st_uid == os.getuid() \
                and not status.st_mode & 0o022:
            return folder
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="kuzbass-java-"))


def _class_home(cache: Path | None) -> Path:
    """The folder for the class folders: `cache`, made if need be, else (none given, or one that cannot be made,
    as under a read-only home) this user's folder in the temporary folder."""
    if cache is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            return cache
        except OSError:
            pass
    return _private_folder()


def program_classes(cache: Path | None, wording: _Wording = _PROFILE) -> Path:
    """The folder of the compiled program, compiled now unless an earlier run left it in `cache`."""
    jar = hermit_jar(wording)
    digest = hashlib.sha256(b"\0".join([PROGRAM.read_bytes(), str(jar).encode(), str(jar.stat().st_size).encode(),
                                        RELEASE.encode()])).hexdigest()[:20]
    home = _class_home(cache)
    target = home / f"{PROGRAM.stem}-{digest}"
    if (target / f"{PROGRAM.stem}.class").is_file():
        return target
    if shutil.which("javac") is None:
        raise ReasonerError(f"{wording.check} needs a JDK to compile {PROGRAM.name}, and no 'javac' is on the PATH",
                            hint=f"{JDK_HINT}, or {wording.skip}")
    work = Path(tempfile.mkdtemp(dir=home, prefix=".tmp-"))
    command = ["javac", *(f"-J{option}" for option in JAVA_OPTIONS), "--release", RELEASE, "-proc:none", "-nowarn",
               "-encoding", "UTF-8", "-cp", str(jar), "-d", str(work), str(PROGRAM)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                              timeout=TIMEOUT_SECONDS, check=False)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip()[-500:]
            raise ReasonerError(f"{wording.failed}javac could not compile {PROGRAM.name}: {detail}",
                                hint=f"check that 'javac -version' works (a JDK 11 or later); {wording.skip}")
        try:
            work.rename(target)
        except OSError:  # another build compiled it meanwhile
            if not (target / f"{PROGRAM.stem}.class").is_file():
                raise
    except subprocess.TimeoutExpired as exc:
        raise ReasonerError(f"{wording.failed}javac took more than {TIMEOUT_SECONDS} s",
                            hint=f"{wording.skip}, and report the slowness") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    older = sorted((p for p in home.glob(f"{PROGRAM.stem}-*") if p != target), key=lambda p: p.stat().st_mtime_ns)
    for old in older[:max(0, len(older) - (KEEP - 1))]:
        shutil.rmtree(old, ignore_errors=True)
    return target


def run_owl_program(nt_file: Path, *, profile: bool, reason: bool, cache: Path | None = None) -> OwlAnswers:
    """Run OwlChecks on an N-Triples file: the profile check, HermiT, or both (HermiT then only when the
    profile passes), the class folder under `cache`. Raises ReasonerError when Java or a JDK is missing, or the
    program fails before answering what was asked; the errors speak of the profile check when it was asked
    for. HermiT's failure after the profile check is in the answer."""
    wording = _PROFILE if profile else _REASONER
    if shutil.which("java") is None:
        raise ReasonerError(f"{wording.check} needs Java, and no 'java' is on the PATH",
                            hint=f"{JDK_HINT}, or {wording.skip}")
    jar = hermit_jar(wording)
    classpath = os.pathsep.join([str(jar.parent), str(jar), str(program_classes(cache, wording))])
    command = ["java", *JAVA_OPTIONS, *([JAVA_MEMORY] if reason else []), "-cp", classpath, PROGRAM.stem,
               *(["--profile"] if profile else []), *(["--reason"] if reason else []), str(nt_file)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                              timeout=None if reason else TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ReasonerError(f"{wording.check} took more than {TIMEOUT_SECONDS} s",
                            hint=f"{wording.skip} and report the slowness") from exc
    lines = done.stdout.splitlines()
    checked = next((i for i, line in enumerate(lines) if line.startswith("checked ")), None)
    said = lines[checked + 1:] if checked is not None else []
    failed = next((line.partition("\t")[2] for line in said if line.startswith("hermit failed\t")), None)
    if checked is None or (done.returncode != 0 and failed is None):
        detail = (done.stderr or done.stdout).strip()[-500:]
        raise ReasonerError(f"{wording.failed}{detail}", hint=wording.failed_hint)
    if failed is not None and not profile:
        raise hermit_error(failed)
    violations = None
    if profile:
        violations = [(kind, axiom) for kind, tab, axiom in (line.partition("\t") for line in lines[:checked]) if tab]
    reasoning = None
    if "hermit consistent" in said:
        reasoning = True, sorted(line.partition("\t")[2] for line in said if line.startswith("hermit unsatisfiable\t"))
    elif "hermit inconsistent" in said:
        reasoning = False, []
    if reason and reasoning is None and failed is None and not violations:
        raise ReasonerError(f"{wording.failed}no answer from HermiT in: {done.stdout.strip()[-500:]}",
                            hint=wording.failed_hint)
    return OwlAnswers(violations, reasoning, failed)
