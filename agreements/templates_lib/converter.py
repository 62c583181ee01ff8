"""PDF from .docx by headless LibreOffice, through a small pool of kept profiles that conversions queue for.

Each conversion runs one ``soffice --headless --convert-to pdf`` in a LibreOffice profile that is kept
between conversions (a warm start: the profile is built once, not on every call), and each profile is held
by one conversion at a time through a file lock (``flock``), so conversions in threads, gunicorn workers
and the scheduler process queue for a profile instead of colliding on it (a second soffice on a busy
profile hands its work to the first and exits without a PDF). ``PDF_CONVERTERS`` profiles may convert side
by side; the default is one.

Why not a listener (unoserver): it would save LibreOffice's start on each conversion, but it is a second
long-running service to deploy, supervise and restart, talking UNO from LibreOffice's own Python; a PDF is
made once per version and stored, so the start is paid once. A fresh process per conversion also means a
crashed or hung LibreOffice cannot poison the next one: a run past ``PDF_TIMEOUT`` has its whole process
group killed, and a run that fails has its profile thrown away, to be built afresh by the next.

LibreOffice holds its profile's lock too (the lock's file is passed down to it) and runs under coreutils'
``timeout`` where that is installed: a gunicorn worker killed mid-conversion leaves a LibreOffice that
keeps its profile locked, and is killed at its time limit, instead of one the next conversion collides with.
The pool's folder must be the service user's own (not a symlink, writable by nobody else), since a profile
planted there would run as the service.
"""

import fcntl
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from flask import current_app, has_app_context

#: LibreOffice's PDF export as PDF/A-2b (for archival copies of signed documents).
PDFA_2B = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
#: Seconds between two looks at a busy pool.
_POLL = 0.05


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed or could not convert the document."""


class _Counter:
    """How many LibreOffice runs this process has started (the tests and the bench read it)."""

    def __init__(self):
        self.value = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.value += 1


#: LibreOffice runs started by this process.
conversions = _Counter()


def default_directory() -> Path:
    """Where the kept profiles and their locks live unless PDF_CONVERTER_DIR says otherwise."""
    return Path(tempfile.gettempdir()) / f"sopimuspolku-soffice-{os.getuid()}"


@dataclass(frozen=True)
class ConverterSettings:
    """The pool: its folder, how many profiles convert at once, and the time limits."""

    directory: Path
    profiles: int = 1
    #: Seconds one LibreOffice run may take before it is killed.
    timeout: float = 90.0
    #: Seconds a conversion waits for a free profile before giving up.
    queue_timeout: float = 60.0

    @classmethod
    def configured(cls) -> "ConverterSettings":
        """The settings in the app's configuration (PDF_*), the defaults outside an app."""
        config = current_app.config if has_app_context() else {}
        return cls(
            directory=Path(config.get("PDF_CONVERTER_DIR") or default_directory()),
            profiles=max(1, int(config.get("PDF_CONVERTERS", cls.profiles))),
            timeout=float(config.get("PDF_TIMEOUT", cls.timeout)),
            queue_timeout=float(config.get("PDF_QUEUE_TIMEOUT", cls.queue_timeout)),
        )


class HeldProfile(NamedTuple):
    """A profile of the pool held by this process: its folder, and the open file that holds its lock."""

    path: Path
    lock_fd: int


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    """True when LibreOffice is installed, so a PDF can be made here."""
    return _soffice() is not None


def convert_to_pdf(docx_bytes: bytes, pdfa: bool = False, profile: HeldProfile | None = None) -> bytes:
    """The PDF (PDF/A-2b with ``pdfa``) of a .docx, made by LibreOffice in a kept profile of the pool.

    Waits for a free profile, unless the caller holds one already (``profile``, from converter_profile);
    raises PdfUnavailable when LibreOffice is missing, the pool stays busy past the queue timeout, or
    LibreOffice fails or runs past its time limit.
    """
    soffice = _soffice()
    if soffice is None:
        raise PdfUnavailable("soffice is not installed")
    settings = ConverterSettings.configured()
    if profile is not None:
        return run_soffice(soffice, profile, docx_bytes, pdfa, settings.timeout)
    with converter_profile(settings) as held:
        return run_soffice(soffice, held, docx_bytes, pdfa, settings.timeout)


@contextmanager
def converter_profile(settings: ConverterSettings | None = None) -> Iterator[HeldProfile]:
    """A profile of the pool, held (file lock) until the block ends; waits while all are busy."""
    settings = settings or ConverterSettings.configured()
    directory = private_directory(settings.directory)
    deadline = time.monotonic() + settings.queue_timeout
    while True:
        for number in range(settings.profiles):
            try:
                lock = open(directory / f"profile-{number}.lock", "a")  # noqa: SIM115 - held across the yield
            except OSError as error:
                raise PdfUnavailable(f"the converter's lock cannot be opened: {error}") from error
            with lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                try:
                    yield HeldProfile(directory / f"profile-{number}", lock.fileno())
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
                return
        if time.monotonic() > deadline:
            raise PdfUnavailable(f"every LibreOffice profile stayed busy for {settings.queue_timeout:g} s")
        time.sleep(_POLL)


def private_directory(directory: Path) -> Path:
    """``directory``, made if missing; PdfUnavailable unless it is a real folder of this user that no one
    else may write to."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = directory.lstat()
    except OSError as error:
        raise PdfUnavailable(f"the converter's folder {directory} cannot be used: {error}") from error
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid() or status.st_mode & 0o022:
        raise PdfUnavailable(f"the converter's folder {directory} is not a private folder of this user")
    return directory


def soffice_command(soffice: str, profile: Path, source: Path, pdfa: bool = False) -> list[str]:
    """The LibreOffice command that converts ``source`` beside itself, in ``profile``."""
    return [
        soffice,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        PDFA_2B if pdfa else "pdf",
        "--outdir",
        str(source.parent),
        str(source),
    ]


def time_limited(command: list[str], timeout: float) -> list[str]:
    """``command`` under coreutils' ``timeout``, which kills it (and what it started) at ``timeout`` even when
    this process is gone; as it is where ``timeout`` is not installed."""
    limiter = shutil.which("timeout")
    return [limiter, "--signal=KILL", f"{timeout:g}", *command] if limiter else command


def run_soffice(soffice: str, profile: HeldProfile, docx_bytes: bytes, pdfa: bool, timeout: float) -> bytes:
    """One LibreOffice run in ``profile`` (held by the caller); its PDF, or PdfUnavailable.

    A run past ``timeout`` is killed with every process it started; after a failed run the profile is
    removed, so that a profile a crash left broken is built afresh by the next run. The run's files are in
    the profile's own work folder, emptied first, so a run cut short leaves nothing behind for long.
    """
    workdir = profile.path.with_name(profile.path.name + "-work")
    shutil.rmtree(workdir, ignore_errors=True)
    try:
        workdir.mkdir(mode=0o700)
        source = workdir / "document.docx"
        source.write_bytes(docx_bytes)
        return _convert(soffice, profile, source, pdfa, timeout)
    except OSError as error:
        raise PdfUnavailable(f"the document could not be handed to LibreOffice: {error}") from error
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _convert(soffice: str, profile: HeldProfile, source: Path, pdfa: bool, timeout: float) -> bytes:
    """Run LibreOffice on ``source`` and read the PDF it writes beside it."""
    conversions.add()
    process = subprocess.Popen(  # noqa: S603 - a fixed program with our own arguments
        time_limited(soffice_command(soffice, profile.path, source, pdfa), timeout),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        pass_fds=(profile.lock_fd,),  # LibreOffice holds the profile's lock while it runs, whatever we do
        start_new_session=True,  # its own process group, so a hung run is killed whole
    )
    try:
        _, errors = process.communicate(timeout=timeout + 5)
    except subprocess.TimeoutExpired as error:
        _kill_group(process)
        _forget(profile.path)
        raise PdfUnavailable(f"LibreOffice did not finish in {timeout:g} s") from error
    target = source.with_suffix(".pdf")
    if not target.exists() or not target.read_bytes().startswith(b"%PDF"):
        _kill_group(process)
        _forget(profile.path)
        said = errors.decode(errors="replace").strip()[-300:]
        raise PdfUnavailable(f"LibreOffice produced no PDF (exit status {process.returncode}): {said}")
    return target.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the run and every process it started, and reap it."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _forget(profile: Path) -> None:
    """Throw a profile away after a failed run; the next run builds a new one."""
    shutil.rmtree(profile, ignore_errors=True)
