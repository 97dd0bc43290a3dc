"""The OpenAPI document's refusals: every operation says which error answers it may give and
their shape, so a client (and the schema test, tests/test_api_schema.py) can rely on them.

DRF answers a refusal with `{"detail": "..."}` and a form's or serializer's errors with a list
of messages by field (an item of a list field: an object by index). drf-spectacular documents
only the success answers; this hook, in SPECTACULAR_SETTINGS' POSTPROCESSING_HOOKS, adds the rest.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
MESSAGES = {"type": "array", "items": {"type": "string"}}
FIELD_ERRORS = {
    "type": "object",
    "description": "Messages by field; `non_field_errors` for the entry as a whole.",
    "additionalProperties": {"anyOf": [MESSAGES, {"type": "object"}]},
}
WORDS = {
    400: "Not valid: messages by field, or a `detail` for a request that could not be read.",
    401: "No token, or one not known or revoked.",
    403: "This token may only read, or its account may read this diary but not log in it.",
    404: "No diary the token may open has that `person`, or no entry has that id.",
    415: "The body is not JSON.",
    429: "Too many requests from this token: wait `Retry-After` seconds.",
}


def error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["FieldErrors"] = FIELD_ERRORS
    error = {"$ref": "#/components/schemas/Error"}
    invalid = {"anyOf": [{"$ref": "#/components/schemas/FieldErrors"}, error]}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            codes = {401: error, 429: error}
            if names or "requestBody" in operation:
                codes[400] = invalid
            if method == "post":
                codes |= {403: error, 415: error}
            if names & {"person", "id"}:
                codes[404] = error
            for code, schema in sorted(codes.items()):
                declared = operation["responses"].get(str(code))
                if declared is None:
                    operation["responses"][str(code)] = {
                        "description": WORDS[code],
                        "content": {"application/json": {"schema": schema}},
                    }
                elif code == 400:
                    # An operation's own 400 (Say it's reading with the errors) comes after
                    # its body was read; a body that cannot be read is refused as any other.
                    body = declared["content"]["application/json"]
                    body["schema"] = {"anyOf": [body["schema"], *invalid["anyOf"]]}
    return result
