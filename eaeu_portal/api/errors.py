"""One error body for every 4xx of the API: a machine-readable code, a human message and the offending fields.

    {"code": "invalid", "message": "Some fields are invalid.", "fields": {"bbox": ["A bounding box is …"]}}

`fields` maps a field or query parameter to its messages; it is empty when the error is not about one field.
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, status
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD_KEY = "non_field_errors"


class ApiError(exceptions.APIException):
    """An error with its own code and, optionally, the fields it concerns."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = _("The request is invalid.")

    def __init__(self, message=None, *, code=None, fields=None, status_code=None):
        super().__init__(message or self.default_detail, code or self.default_code)
        self.code = code or self.default_code
        self.fields = fields or {}
        if status_code is not None:
            self.status_code = status_code


def django_errors_to_fields(exc: DjangoValidationError, default_field: str = NON_FIELD_KEY) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            (NON_FIELD_KEY if field == NON_FIELD_ERRORS else field): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    return {default_field: [str(m) for m in exc.messages]}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail → {"field": [...], "members.0.role": [...]}."""
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            fields.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return fields
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        fields = {}
        for index, value in enumerate(detail):
            if value:
                fields.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return fields
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or NON_FIELD_KEY: [str(item) for item in items]}


def _body_for_validation(exc: exceptions.ValidationError) -> dict:
    detail = exc.detail
    if isinstance(detail, dict):
        fields = _flatten(detail)
        non_field = fields.get(NON_FIELD_KEY)
        message = non_field[0] if non_field and len(fields) == 1 else str(_("Some fields are invalid."))
        return {"code": "invalid", "message": message, "fields": fields}
    items = detail if isinstance(detail, list) else [detail]
    codes = exc.get_codes()
    code = codes[0] if isinstance(codes, list) and codes and isinstance(codes[0], str) else "invalid"
    return {"code": code, "message": " ".join(str(item) for item in items), "fields": {}}


def _raised_by_the_parser(exc: BaseException) -> bool:
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code is parsers.JSONParser.parse.__code__:
            return True
        traceback = traceback.tb_next
    return False


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        # Django refuses the body before DRF sees it; without this the client would get Django's HTML page.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = ApiError(
            _("The request body is larger than %(limit)s bytes.") % {"limit": limit},
            code="too_large",
            status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, RecursionError) and _raised_by_the_parser(exc):
        exc = exceptions.ParseError(_("JSON parse error - the body is nested too deeply."))
    if isinstance(exc, DjangoValidationError):
        exc = ApiError(_("Some fields are invalid."), fields=django_errors_to_fields(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        body = {"code": exc.code, "message": str(exc.detail), "fields": exc.fields}
    elif isinstance(exc, exceptions.ValidationError):
        body = _body_for_validation(exc)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, exceptions.APIException):
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else code
        body = {"code": code, "message": str(detail), "fields": {}}
    response.data = body
    return response
