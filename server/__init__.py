"""Tend: self-care and reflective supervision for people whose work exposes them to trauma."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tend")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0+unknown"
