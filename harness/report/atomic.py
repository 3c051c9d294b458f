"""Writing an output file: atomically when it is a plain file, through it when it is not.

A regular file (or a new one) is written to a temporary file in the same folder,
then ``os.replace``: a reader (or a crash, or Ctrl-C) never sees half a file. A new
file gets the mode any write gives (0666 less the umask: reports are shared with CI);
a file that exists keeps its mode.
What the user pointed at must never be replaced, though: a symlink is written
through (its target gets the text, the link stays), and a device or FIFO
(``/dev/stdout``, ``/dev/full``, a named pipe) is opened and written, never
renamed over. Any failure (no space left, no reader on the FIFO, a folder in
the way) raises ``OutputError`` with a sentence naming the path.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

__all__ = ["OutputError", "is_stream", "write_atomically"]


class OutputError(OSError):
    """An output file that could not be written; ``strerror`` names the path and the reason."""

    hint = "choose another path (or make room) and run again"

    def __str__(self) -> str:
        return f"{self.strerror}\n  hint: {self.hint}"


def is_stream(path: Path) -> bool:
    """Whether ``path`` is written through rather than replaced: a symlink, a device, a FIFO or a socket."""
    try:
        return path.is_symlink() or not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:  # does not exist yet: a new regular file
        return False


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path``: replaced in one step when a regular file, written through otherwise.

    :raises OutputError: when the file cannot be written.
    """
    try:
        if is_stream(path):
            _write_through(path, text.encode("utf-8"))
        else:
            _replace(path, text)
    except OSError as exc:
        raise OutputError(exc.errno or 0, _explain(path, exc)) from exc


def _temporary(path: Path) -> tuple[int, str]:
    """A new file beside ``path``, created as ``open()`` creates one: mode 0666 less the umask (reports are
    shared: 0644 under umask 022), where ``mkstemp`` would make it 0600."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temporary = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name beside it", str(path))


def _replace(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    try:
        kept: int | None = stat.S_IMODE(os.stat(path).st_mode)  # an existing file keeps its mode, never widened
    except OSError:
        kept = None
    handle, temporary = _temporary(path)
    try:
        if kept is not None:
            os.fchmod(handle, kept)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_through(path: Path, data: bytes) -> None:
    # O_NONBLOCK: opening a FIFO nobody reads fails (ENXIO) instead of hanging the run
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    handle = os.open(path, flags, 0o666)
    try:
        if stat.S_ISREG(os.fstat(handle).st_mode):
            os.ftruncate(handle, 0)  # a symlink's target file: written through, from the start
        os.set_blocking(handle, True)
        view = memoryview(data)
        while view:
            written = os.write(handle, view)
            view = view[written:]
    finally:
        os.close(handle)


def _explain(path: Path, exc: OSError) -> str:
    reason = {errno.ENXIO: "no process is reading this FIFO", errno.ENOSPC: "no space left on the device",
              errno.EISDIR: "it is a folder", errno.EPIPE: "the reader went away (broken pipe)"}.get(
                  exc.errno or 0, exc.strerror or str(exc))
    return f"cannot write {path}: {reason}"
