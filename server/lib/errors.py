"""The one JSON error shape for the whole API, and the handlers that produce it."""

from __future__ import annotations

import logging
from http import HTTPStatus

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from server.lib.request_context import request_id_of

logger = logging.getLogger("tend.errors")

_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}
_MESSAGES = {
    401: "Please sign in to continue.",
    403: "This is not part of what you can do in Tend.",
    404: "There is nothing here.",
    405: "This address does not accept that method.",
    413: "That request is too large.",
    500: "Something went wrong on our side. Nothing you did caused this.",
}


class ErrorDetail(msgspec.Struct, frozen=True):
    """What is wrong with one field of the request."""

    field: str
    message: str


class ErrorBody(msgspec.Struct, frozen=True, omit_defaults=True):
    """Every API error looks like this."""

    status: int
    code: str
    message: str
    request_id: str
    details: list[ErrorDetail] = []


class AppError(Exception):
    """An error a service raises on purpose, with a message fit for a person."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        code: str | None = None,
        details: list[ErrorDetail] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.details = details or []
        self.headers = headers or {}


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[ErrorBody]:
    body = ErrorBody(
        status=status,
        code=code,
        message=message,
        request_id=request_id_of(request.scope),
        details=details or [],
    )
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def handle_app_error(request: Request, error: AppError) -> Response[ErrorBody]:
    return error_response(
        request, error.status, error.code, error.message, error.details, error.headers
    )


def handle_http_exception(request: Request, error: HTTPException) -> Response[ErrorBody]:
    """Litestar's own errors: unknown routes, bad JSON, failed validation, oversized bodies."""
    status = error.status_code
    if status >= 500:
        return handle_unexpected(request, error)
    if isinstance(error, ValidationException):
        details = [_detail(item) for item in error.extra or [] if isinstance(item, dict)]
        return error_response(
            request, 422, "validation_error", "Some of what was sent is not valid.", details
        )
    if status == 400 and _caused_by_bad_json(error):
        return error_response(request, 400, "malformed_json", "The request body is not valid JSON.")
    message = _MESSAGES.get(status) or HTTPStatus(status).phrase + "."
    headers = {
        k: v for k, v in (error.headers or {}).items() if k.lower() in {"allow", "retry-after"}
    }
    return error_response(request, status, _CODES.get(status, "error"), message, headers=headers)


def handle_unexpected(request: Request, error: Exception) -> Response[ErrorBody]:
    """Log the traceback on the server; tell the client only that it failed, and its id."""
    logger.error("unhandled error", exc_info=error)
    return error_response(request, 500, "internal_error", _MESSAGES[500])


def _caused_by_bad_json(error: BaseException) -> bool:
    cause = error.__cause__ or error.__context__
    while cause is not None:
        if isinstance(cause, msgspec.DecodeError):
            return True
        cause = cause.__cause__ or cause.__context__
    return "JSON is malformed" in str(error)


def _detail(item: dict) -> ErrorDetail:
    source, key = item.get("source") or "body", item.get("key") or ""
    field = source if key in ("", "data") else f"{source}.{key}"
    return ErrorDetail(field=field, message=str(item.get("message", "is not valid")))


EXCEPTION_HANDLERS = {
    AppError: handle_app_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
