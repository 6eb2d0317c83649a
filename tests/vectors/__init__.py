"""Shared crypto test vectors, used by the Python and the browser tests."""
