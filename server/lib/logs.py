"""Structured logging: one JSON object (or one readable line) per record, with the request id.

Records carry extra fields as ``extra={"fields": {...}}``. Nothing here ever logs a request
body; callers must not put personal content, tokens or keys into fields.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime

import msgspec

from server.lib.request_context import request_id_var
from server.settings import LogSettings


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return msgspec.json.encode(entry).decode()


class TextFormatter(logging.Formatter):
    """Formats a record as one readable line, for a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        request_id = request_id_var.get()
        parts = [
            datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S"),
            f"{record.levelname:<7}",
            record.name,
            f"[{request_id[:8]}]" if request_id else "",
            record.getMessage(),
            " ".join(f"{k}={v}" for k, v in getattr(record, "fields", {}).items()),
        ]
        line = " ".join(part for part in parts if part)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(settings: LogSettings) -> None:
    """Send every log record to standard error in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if settings.format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.level)
    for name in ("uvicorn", "uvicorn.error", "litestar"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.captureWarnings(True)  # libraries' warnings become log records, not stray text
    # Tend writes its own access line (with the request id and no query string).
    logging.getLogger("uvicorn.access").disabled = True
