"""OpenAPI post-processing: every operation documents the errors every endpoint can give (SECURITY E2).

The exception handler (core.api) answers every error as JSON with a readable `detail`; this hook says so
in the schema, so clients and schemathesis know a 400/401/403/404/409 is a documented answer.
"""
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in words a person can read."}},
    "required": ["detail"],
    # A 400 also names each invalid field: {"detail": "...", "<field>": ["..."]}.
    "additionalProperties": True,
}
ERRORS = {
    "400": "Invalid input: `detail` and, per field, the problems found.",
    "401": "Not logged in, or the token is invalid, expired or revoked.",
    "403": "Logged in, but not allowed to do this.",
    "404": "Not found, or outside what you may see.",
    "409": "Changed by someone else since you loaded it (stale `version`), or not allowed in its current state.",
    "429": "Too many requests; try again later.",
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def add_error_responses(result, generator, request, public):
    """Add the shared error responses to every operation; existing error entries get the JSON body too."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, description in ERRORS.items():
                entry = responses.setdefault(code, {"description": description})
                entry.setdefault("content", {"application/json": {"schema": ERROR_REF}})
    return result
