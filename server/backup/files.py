"""Write the exports: readable only by their owner, all or nothing, never over a file unasked."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

FILE_MODE = 0o600


class OutputError(Exception):
    """The exports could not be written; the message says why in plain words."""


def check_free(paths: list[Path], force: bool) -> None:
    """OutputError unless each path's folder exists and, without ``force``, no path does."""
    for path in paths:
        if not path.parent.is_dir():
            raise OutputError(f"There is no folder {path.parent}.")
        if path.is_dir():
            raise OutputError(f"{path} is a folder, so it can't be replaced.")
        if not force and (path.exists() or path.is_symlink()):
            raise _taken(path)


def write_files(contents: Mapping[Path, bytes], force: bool) -> None:
    """Write every file, mode 0600, or if any fails none: those already written are removed
    again. Without ``force`` a file is created only if its name is free at that moment; with
    it, each is written beside its place first and then moved over the old one."""
    check_free(list(contents), force)
    placed: list[Path] = []
    try:
        for path, data in contents.items():
            (_replace if force else _create)(path, data)
            placed.append(path)
    except BaseException:
        for path in placed:
            with contextlib.suppress(OSError):
                path.unlink()
        raise


def _create(path: Path, data: bytes) -> None:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError as error:
        raise _taken(path) from error
    try:
        _write(descriptor, data)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def _replace(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # 0600
    try:
        _write(descriptor, data)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _write(descriptor: int, data: bytes) -> None:
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _taken(path: Path) -> OutputError:
    return OutputError(f"{path} already exists. Move it away, or add --force to replace it.")
