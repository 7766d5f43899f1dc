"""Writing output files without losing data: one check and one atomic write for every writer.

Every file a command writes at the user's request (``runs export --out``, the ``--report`` of
``run`` and ``compare``, ``report --out``, ``scenarios build --out``, ``backtest --report``) goes
through this module:

* :func:`check_output` runs **before any work or store write** and refuses, in one line naming
  the option: an empty or over-long path or name (:data:`~burdenshare.limits.MAX_PATH_BYTES`,
  :data:`~burdenshare.limits.MAX_NAME_BYTES`); a symbolic link; a folder; a device, FIFO or
  socket; the results store in use (or its WAL); a folder that does not exist or where no file
  can be created (read-only file system, ``/proc``, an immutable folder: a probe file is created
  and removed); and an **existing file**, unless ``force`` is given or the file is one this tool
  may replace (a report it wrote carries :data:`REPORT_MARKER`, so re-running a command with the
  same ``--report`` works).
* :func:`atomic_output` hands the writer a temporary file in the target folder and renames it
  into place only when the writer finished, so the target is never half-written and a failed
  write leaves nothing behind.

Errors are :class:`~burdenshare.errors.SpecError` (a :class:`~burdenshare.errors.BurdenshareError`:
one line, exit code 2 in the CLI).
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from burdenshare.errors import SpecError
from burdenshare.limits import MAX_NAME_BYTES, MAX_PATH_BYTES

__all__ = ["REPORT_MARKER", "atomic_output", "check_output", "check_path_length", "is_own_report", "same_file"]

#: The text every HTML report of this tool carries in its ``<head>`` (``report.html``): a file that
#: starts with it may be replaced by a new report without ``--force``.
REPORT_MARKER: str = "<meta name='burdenshare-figures'"
_HEAD_BYTES = 4096


def is_own_report(path: str | Path) -> bool:
    """Whether ``path`` is a regular file holding an HTML report this tool wrote (its head carries
    :data:`REPORT_MARKER`)."""
    p = Path(path)
    try:
        if p.is_symlink() or not p.is_file():
            return False
        with open(p, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError:
        return False
    return head.startswith(b"<!DOCTYPE html>") and REPORT_MARKER.encode() in head


def check_path_length(path: str | Path, option: str) -> Path:
    """``path`` as a :class:`Path` if it is non-empty and within the path and name limits.

    Raises
    ------
    SpecError
        Empty, a NUL byte, a trailing path separator (a folder's name), longer than
        :data:`MAX_PATH_BYTES` bytes, or a part longer than :data:`MAX_NAME_BYTES` bytes
        (``field=option``).
    """
    text = str(path)
    if not text.strip():
        raise SpecError("empty path; give a file name", field=option)
    if "\x00" in text:
        raise SpecError("the path holds a NUL character", field=option)
    if text.endswith(tuple(sep for sep in (os.sep, os.altsep) if sep)):
        # Path() drops the slash: 'r.html/' would write the file r.html where a folder was meant
        raise SpecError(f"{text!r} ends in a path separator (a folder); give a file name", field=option)
    raw = os.fsencode(text)
    if len(raw) > MAX_PATH_BYTES:
        raise SpecError(f"path of {len(raw)} bytes; allowed: at most {MAX_PATH_BYTES} (cap MAX_PATH_BYTES)",
                        field=option)
    for part in Path(text).parts:
        if len(os.fsencode(part)) > MAX_NAME_BYTES:
            raise SpecError(f"a name in the path has {len(os.fsencode(part))} bytes; allowed: at most "
                            f"{MAX_NAME_BYTES} (cap MAX_NAME_BYTES)", field=option)
    return Path(text)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name the same file (after resolving links), existing or not."""
    pa, pb = Path(a), Path(b)
    try:
        if pa.exists() and pb.exists():
            return os.path.samefile(pa, pb)
        return pa.resolve() == pb.resolve()
    except OSError:
        return False


def check_output(
    path: str | Path,
    option: str,
    *,
    store: str | Path | None = None,
    force: bool = False,
    replaceable: Callable[[Path], bool] | None = None,
    probe: bool = True,
) -> Path:
    """Check that ``path`` may be written, before any work; return it.

    Parameters
    ----------
    path
        The output file the user named.
    option
        The option it was given with (named in every error: ``--out``, ``--report``).
    store
        The results store the command uses (its file and WAL are refused as outputs).
    force
        Replace an existing regular file.
    replaceable
        Without ``force``, an existing file is replaced only if this returns true for it
        (reports pass :func:`is_own_report`); ``None``: never.
    probe
        Create and remove a probe file in the target folder (catches read-only file systems and
        folders where files cannot be created although permissions say they can).

    Raises
    ------
    SpecError
        The first check that fails (``field=option``).
    """
    p = check_path_length(path, option)
    if p.is_symlink():
        raise SpecError(f"{str(p)!r} is a symbolic link; give the path of a regular file", field=option)
    if p.is_dir():
        raise SpecError(f"{str(p)!r} is a folder; give a file name", field=option)
    try:
        st = p.stat() if p.exists() else None
    except OSError as exc:
        raise SpecError(f"cannot use {str(p)!r}: {exc.strerror or exc}", field=option) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise SpecError(f"{str(p)!r} is not a regular file (a device, FIFO or socket); give a file name",
                        field=option)
    if store is not None:
        s = Path(store)
        for own in (s, s.with_name(s.name + ".wal")):
            if same_file(p, own):
                raise SpecError(f"{str(p)!r} is the results store itself (in use by this command); give another file name", field=option)
    parent = p.parent
    if not parent.is_dir():
        raise SpecError(f"folder {str(parent)!r} does not exist", field=option)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise SpecError(f"folder {str(parent)!r} is not writable", field=option)
    if st is not None and not force and not (replaceable is not None and replaceable(p)):
        why = " and is not a report this tool wrote" if replaceable is not None else ""
        raise SpecError(f"{str(p)!r} exists{why}; give --force to replace it, or another name", field=option)
    if probe:
        trial = parent / f".{secrets.token_hex(6)}.burdenshare-probe"
        try:
            fd = os.open(trial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise SpecError(f"cannot create files in {str(parent)!r}: {exc.strerror or exc}", field=option) from None
        os.close(fd)
        os.unlink(trial)
    return p


@contextmanager
def atomic_output(path: str | Path, option: str = "--out") -> Iterator[Path]:
    """A temporary file in ``path``'s folder to write; renamed to ``path`` when the block ends.

    On any exception the temporary file is removed and ``path`` is untouched.  An ``OSError``
    of the write (disk full, quota) becomes a :class:`SpecError` naming ``option``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_output(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    p = Path(path)
    tmp = p.with_name(f".{p.name[:200]}.{os.getpid()}.{secrets.token_hex(3)}.tmp")
    try:
        yield tmp
        os.replace(tmp, p)
    except OSError as exc:
        _remove(tmp)
        raise SpecError(f"cannot write {str(p)!r}: {exc.strerror or exc}", field=option) from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(p: Path) -> None:
    try:
        if p.is_dir() and not p.is_symlink():
            import shutil

            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    except OSError:
        pass
