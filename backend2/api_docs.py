"""The published OpenAPI document (`/openapi.json`, human page `/docs`).

apifairy builds it from the routes and the marshmallow schemas they already use. Every error
leaves through one handler (`middlewares/error_handlers.py`) with one shape, so the responses
every endpoint shares are added here once, all pointing at that `Error` schema, whose `code`
lists every error code (`errors.ALL_CODES`).
"""
from backend2.errors import ALL_CODES

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "enum": list(ALL_CODES),
                 "description": "stable, machine-readable:\n" + "\n".join(f"- `{code}`: {code.meaning}"
                                                                    for code in ALL_CODES)},
        "message": {"type": "string", "description": "for people"},
        "details": {"type": "object", "description": "per field: a list of problems",
                    "additionalProperties": True},
    },
}
ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
SHARED = {
    "400": "Invalid request: a field, query parameter or JSON body failed validation",
    "401": "No valid token: missing, malformed, expired, or its session was revoked",
    "413": "The body is too large",
    "429": "Rate limit exceeded; see Retry-After",
    "503": "The database (database_unavailable) or Redis (redis_unavailable) is unreachable; try again shortly",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def add_shared_errors(spec):
    spec.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in spec["paths"].values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            wanted = ["429", "503"]
            if operation.get("security"):
                wanted.append("401")
            if method in WRITE_METHODS or operation.get("parameters"):
                wanted += ["400", "413"] if method in WRITE_METHODS else ["400"]
            for status in wanted:
                responses.setdefault(status, {"description": SHARED[status]})
            for status, response in responses.items():
                if status[0] in "45":
                    response.setdefault("content", ERROR_CONTENT)
    return spec
