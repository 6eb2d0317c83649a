"""Opening an encrypted backup without a Tend server: ``tend decrypt-export`` (docs/export.md).

``crypto`` holds the key hierarchy and record format (docs/keys.md, docs/sync.md) needed to
open one, ``backup`` reads, checks and opens the file and makes the JSON export, ``render``
turns that export into the readable HTML one, and ``files`` writes both safely.
"""
