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


# ---------------------------------------------------------------- descriptions a dispatch-system vendor needs
TIME = ("时间：ISO 8601，带时区偏移，如 2026-12-01T11:02:00+08:00；应答一律为 Asia/Shanghai（+08:00），不带偏移的输入按 "
        "Asia/Shanghai 理解 / A time: ISO 8601 with its offset, e.g. 2026-12-01T11:02:00+08:00; answers are in "
        "Asia/Shanghai (+08:00), an input without an offset is read as Asia/Shanghai.")
DATE = "日期：YYYY-MM-DD，按 Asia/Shanghai 计 / A date, YYYY-MM-DD, in Asia/Shanghai."
AMOUNT = ("金额：人民币元，十进制字符串，两位小数，如 \"1200.00\" / An amount in yuan (CNY), a decimal string with two "
          "places, e.g. \"1200.00\".")
SECONDS = "时长：秒 / A duration in seconds."
MINUTES = "时长：分钟 / A duration in minutes."
FIELDS = {
    "id": "编号 / Identifier.",
    "version": "版本号：修改时回传读到的值，过期则 409 / The version you loaded; send it back with a change, a stale "
               "one answers 409.",
    "dispatch_number": "110 接警单号（去空格、大写存储）/ The 110 dispatch number (stored without spaces, upper case).",
    "number": "警情编号（按报警时间排列）/ The incident's number (in order of report time).",
    "escalation_level": "超时未接警的升级次数（0 为未升级）/ How many times acceptance was escalated for being "
                        "overdue (0: never).",
    "count": "条数 / How many.",
    "count_exact": "`count` 是否为精确值（大列表为估算，`?count=exact` 求精确值）/ Whether `count` is exact (a large "
                   "list is estimated; ask `?count=exact`).",
    "next": "下一页地址，无则为 null / The next page's URL, null on the last.",
    "previous": "上一页地址，无则为 null / The previous page's URL, null on the first.",
    "results": "本页记录 / This page's records.",
    "token": "Bearer 令牌：请求头 `Authorization: Bearer <token>` / The bearer token: send `Authorization: Bearer "
             "<token>`.",
}


def field_description(name, prop):
    if name in FIELDS:
        return FIELDS[name]
    if prop.get("format") == "date-time" or name.endswith("_at"):
        return TIME
    if prop.get("format") == "date" or name.endswith("_on"):
        return DATE
    if prop.get("format") == "decimal" or "amount" in name:
        return AMOUNT
    if name.endswith("seconds"):
        return SECONDS
    if name.endswith("minutes"):
        return MINUTES
    return None


VERBS = {"list": "列表 / List", "retrieve": "读取 / Read", "create": "新建 / Create", "update": "修改 / Update",
         "partial_update": "部分修改 / Partial update", "destroy": "删除 / Delete"}
ACTIONS = {"accept": "接警 / Accept", "arrive": "到场 / Arrive on scene", "close": "办结 / Close",
           "cancel": "撤销 / Cancel", "reopen": "重新打开 / Reopen", "handover": "移交 / Hand over",
           "agencies": "加派协作单位 / Bring in an agency", "photos": "上传照片 / Upload a photo",
           "figures": "统计数字 / Figures", "pay": "登记付款 / Record a payment", "level": "调整化解层级 / Change level",
           "transition": "状态变更 / Change status", "route": "分派调解 / Route", "parties": "添加当事人 / Add a party",
           "read": "标记已读 / Mark read", "read-all": "全部标记已读 / Mark all read", "unread-count": "未读数 / Unread count",
           "export": "导出 / Export", "import": "导入 / Import", "import-template": "导入模板 / Import template",
           "ledger-import": "台账导入 / Ledger import", "ledger-template": "台账模板 / Ledger template",
           "on-duty": "在岗人员 / On duty", "answer": "答复 / Answer", "assign": "指派 / Assign", "start": "开始办理 / Start",
           "token": "取得令牌 / Get a token", "revoke": "吊销令牌 / Revoke the token",
           "reveal": "查看完整个人信息（留痕） / Reveal personal data (audited)",
           "code": "巡防点二维码 / Checkpoint code", "reissue": "重新生成二维码 / Issue a new code",
           "retire": "停用 / Retire", "join": "加入巡逻 / Join the patrol", "finish": "结束巡逻 / Finish",
           "scans": "打卡 / Check in", "findings": "巡逻发现 / Report a finding", "approve": "审核通过 / Approve",
           "reject": "审核不通过 / Reject", "captain": "任命队长 / Set the captain", "track": "巡逻轨迹 / Track",
           "hours": "服务时长 / Hours served", "gaps": "守护缺口 / Guarding gaps", "coverage": "覆盖情况 / Coverage"}


def operation_summary(method, path, operation_id):
    """"中文 / English" of what the operation does: an action by its name, a route by its verb."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if last in ACTIONS:
        return ACTIONS[last]
    for verb in ("partial_update", "list", "retrieve", "create", "update", "destroy"):
        if operation_id.endswith("_" + verb):
            return VERBS[verb]
    return ""


def _choices(path):
    """The choices at a dotted path whose tail may be nested classes (parkbeat.incidents.models.Incident.Kind)."""
    import importlib

    module, _, rest = path.partition(".models.")
    value = importlib.import_module(f"{module}.models")
    for part in rest.split("."):
        value = getattr(value, part)
    return value.choices


def enum_labels(language):
    """enum name -> {value: label} in `language`, for every named enum (ENUM_NAME_OVERRIDES)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(language):
        return {name: {str(value): str(label) for value, label in _choices(path)}
                for name, path in settings.SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}).items()}


def describe(result, generator, request, public):
    """Bilingual descriptions: units and time zone of times, dates, amounts and durations on every field
    that has none of its own (or in front of it), enum meanings in Chinese and English, and a Chinese /
    English summary on every operation."""
    schemas = result.get("components", {}).get("schemas", {})
    for component in schemas.values():
        for name, prop in component.get("properties", {}).items():
            extra = field_description(name, prop)
            if extra and extra not in prop.get("description", ""):
                prop["description"] = f"{extra}\n\n{prop['description']}" if prop.get("description") else extra
    chinese, english = enum_labels("zh-hans"), enum_labels("en")
    for name, labels in english.items():
        component = schemas.get(name)
        if component and "enum" in component:
            component["description"] = "\n".join(
                f"* `{value}` - {chinese[name].get(value, '')} / {labels.get(value, '')}"
                for value in component["enum"] if value not in ("", None))
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            if "summary" not in operation:
                operation["summary"] = operation_summary(method, path, operation["operationId"]) or None
                if operation["summary"] is None:
                    del operation["summary"]
    return result
