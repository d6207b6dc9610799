"""What the generated OpenAPI schema needs beyond drf-spectacular's defaults, so it matches the responses exactly:
the error body on every 4xx an operation can give, request bodies that admit no field they would refuse, and the
two ways of choosing the language of names, descriptions and messages."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes

from .viewsets import LanguageParameterMixin

ERROR_COMPONENT = "Error"

# Which 4xx answers each kind of operation can give; 429 comes from throttling, 406 from content negotiation.
COMMON = {
    "400": "Invalid query parameters or body (unknown parameter, malformed filter, oversized page…).",
    "401": "An API key was sent but is unknown, revoked or expired.",
    "406": "The Accept header asks for a format the endpoint does not give.",
    "429": "Too many requests: wait for the number of seconds in Retry-After.",
}
DETAIL = {"404": "No such record, or not one you may see."}
LIST = {"404": "The page number is past the last page."}
WRITE = {
    "401": "Writes need a signed-in user or an API key.",
    "403": "You may not change this record, or your key is read-only.",
    "415": "The body must be JSON.",
}


def _language_parameters() -> list[dict]:
    codes = [code for code, _name in settings.LANGUAGES]
    return [
        {
            "in": "query",
            "name": "lang",
            "required": False,
            "schema": {"type": "string", "enum": codes},
            "description": _(
                "The language of names, descriptions and messages; it wins over Accept-Language. A name missing "
                "in that language falls back to English, then to the original language. Any other value is a 400."
            ),
        },
        {
            "in": "header",
            "name": "Accept-Language",
            "required": False,
            "schema": {"type": "string"},
            "example": "zh-Hans, ru;q=0.8",
            "description": _(
                "Chooses the language when lang is not given (%(codes)s; English otherwise). The answer's "
                "Content-Language header names the language used."
            )
            % {"codes": ", ".join(codes)},
        },
    ]


def _operations_taking_lang(generator) -> set[tuple[str, str]]:
    """(path, method) of the operations whose view activates `?lang=`, with paths as they appear in the schema."""
    taking = set()
    for path, _regex, method, callback in generator.endpoints:
        view_class = getattr(callback, "cls", None)
        if view_class is not None and issubclass(view_class, LanguageParameterMixin):
            view = generator.create_view(callback, method)
            taking.add((generator.coerce_path(path, method, view), method.lower()))
    return taking


def postprocess(result, generator, request, public):
    """A spectacular post-processing hook (see SPECTACULAR_SETTINGS)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    error = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    schemas.setdefault(ERROR_COMPONENT, _error_definition())
    taking_lang = _operations_taking_lang(generator)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            if (path, method) in taking_lang:
                parameters = operation.setdefault("parameters", [])
                named = {(parameter.get("in"), parameter.get("name")) for parameter in parameters}
                parameters.extend(p for p in _language_parameters() if (p["in"], p["name"]) not in named)
            codes = dict(COMMON)
            is_detail = "{" in path
            codes.update(DETAIL if is_detail else LIST)
            if method != "get":
                codes.update(WRITE)
                if is_detail:
                    codes.update(DETAIL)
            responses = operation.setdefault("responses", {})
            for code, description in codes.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": error}}}
                )
            if "429" in responses:
                responses["429"].setdefault("headers", {})["Retry-After"] = {
                    "schema": build_basic_type(OpenApiTypes.INT),
                    "description": "Seconds to wait before the next request.",
                }
            if method == "get" and {} not in operation.setdefault("security", []):
                # Reads are public: no key or session is needed.
                operation["security"].append({})
            if method == "get" and "200" in responses:
                responses["200"].setdefault("headers", {})["ETag"] = {
                    "schema": build_basic_type(OpenApiTypes.STR),
                    "description": "Send it back in If-None-Match to get 304 Not Modified while nothing changed.",
                }
                responses.setdefault("304", {"description": "Not modified since the ETag given in If-None-Match."})
    for name, schema in schemas.items():
        # Writes refuse unknown fields: say so, so that clients and generated code know.
        if name.endswith("Request") and schema.get("type") == "object":
            schema["additionalProperties"] = False
    return result


def _error_definition() -> dict:
    return {
        "type": "object",
        "description": "The body of every 4xx answer.",
        "required": ["code", "message", "fields"],
        "properties": {
            "code": {
                "type": "string",
                "description": "Stable and machine-readable: invalid, unknown_parameter, page_size_too_large, "
                "invalid_cursor, not_found, not_authenticated, authentication_failed, permission_denied, "
                "method_not_allowed, not_acceptable, unsupported_media_type, parse_error, throttled.",
                "example": "unknown_parameter",
            },
            "message": {"type": "string", "example": "Unknown query parameters: contry."},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "example": {"contry": ["Unknown parameter."]},
            },
        },
    }
