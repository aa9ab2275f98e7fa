"""OpenAPI post-processing: every operation documents the errors every endpoint can give (SECURITY E2).

The exception handler (core.api) answers every error as JSON with a readable `detail`; this hook says so
in the schema, so clients and schemathesis know a 400/401/403/404/409/429/503 is a documented answer. Also:
separate JSON and multipart bodies where an endpoint takes both (issue 17).
"""
ERROR_SCHEMA = {
    "type": "object",
    "description": "错误 / An error: `detail` always; a 400 also names each invalid field: "
                   "{\"detail\": \"...\", \"<field>\": [\"...\"]}.",
    "properties": {
        "detail": {"type": "string", "description": "出了什么问题（可读文字） / What went wrong, in words a person "
                                                    "can read."},
        "request_id": {"type": "string", "description": "请求编号（500 时），报告问题时请提供 / The request id to "
                                                        "quote when reporting an internal error (500)."},
    },
    "required": ["detail"],
    "additionalProperties": True,  # per field, the problems found (a list of strings, or nested for lists)
}
ERRORS = {
    "400": "输入无效：`detail` 及各字段的问题 / Invalid input: `detail` and, per field, the problems found.",
    "401": "未登录，或令牌无效、过期、已吊销 / Not logged in, or the token is invalid, expired or revoked.",
    "403": "已登录但无权执行 / Logged in, but not allowed to do this.",
    "404": "不存在或不在可见范围 / Not found, or outside what you may see.",
    "409": "已被他人修改（`version` 过期），或当前状态不允许 / Changed by someone else since you loaded it (stale "
           "`version`), or not allowed in its current state.",
    "429": "请求过多，请稍后再试 / Too many requests; try again later.",
    "500": "内部错误，已记录；报告时请提供 `request_id` / An internal error, logged; quote `request_id`.",
    "503": "数据库暂不可用（见 Retry-After，秒）或请求超时被停止 / The database is not available right now (retry "
           "after Retry-After seconds), or the request took too long and was stopped.",
}
BODY_ERRORS = {
    "415": "请求体类型不受支持：数据用 application/json，文件用 multipart/form-data / Unsupported media type: "
           "send data as application/json, files as multipart/form-data.",
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
JSON, MULTIPART = "application/json", "multipart/form-data"


def add_error_responses(result, generator, request, public):
    """Add the shared error responses to every operation (415 where a body is read); existing error entries
    get the JSON body too."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            errors = {**ERRORS, **(BODY_ERRORS if "requestBody" in operation else {})}
            for code, description in errors.items():
                entry = responses.setdefault(code, {"description": description})
                entry.setdefault("content", {JSON: {"schema": ERROR_REF}})
    return result


def _binary(prop):
    return prop.get("format") == "binary" or (prop.get("type") == "array"
                                              and prop.get("items", {}).get("format") == "binary")


def split_multipart_bodies(result, generator, request, public):
    """An endpoint that takes JSON or multipart (a report with its photos, a payment with its evidence) gets a
    component of its own for each: a generated client picks the content type by the body's class, so one
    component for both sends JSON as a form. Files are multipart only, so the JSON body lists none."""
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            if JSON not in content or MULTIPART not in content:
                continue
            ref = content[JSON]["schema"].get("$ref", "")
            if ref != content[MULTIPART]["schema"].get("$ref"):
                continue
            name = ref.rsplit("/", 1)[-1]
            multipart_name = name.removesuffix("Request") + "MultipartRequest"
            component = schemas[name]
            schemas[multipart_name] = {**component, "properties": dict(component.get("properties", {}))}
            content[MULTIPART]["schema"] = {"$ref": f"#/components/schemas/{multipart_name}"}
            binary = [key for key, prop in component.get("properties", {}).items() if _binary(prop)]
            for key in binary:
                component["properties"].pop(key)
            if "required" in component:
                component["required"] = [key for key in component["required"] if key not in binary]
    return result


def named_parameter_enums(result, generator, request, public):
    """A filter's choices are the model's: the query parameter refers to the named enum (IncidentSourceEnum),
    not an inline one a generated client names after the filter's Chinese label."""
    schemas = result.get("components", {}).get("schemas", {})
    named = {}
    for name, component in schemas.items():
        if "enum" in component and component.get("type") == "string":
            named.setdefault(frozenset(component["enum"]), name)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if "enum" not in schema:
                    continue
                schema.pop("title", None)
                name = named.get(frozenset(value for value in schema["enum"] if value not in ("", None)))
                if name and schema.get("type") == "string":
                    parameter["schema"] = {"$ref": f"#/components/schemas/{name}"}
    return result
