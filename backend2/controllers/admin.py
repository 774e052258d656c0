"""Moderation, for moderators only: everyone else gets 404, as if none of it existed.

Moderators are the users whose phone is in `MODERATOR_PHONES` or whose role was set with
`flask --app backend2 users grant-moderator PHONE`. They list and resolve reports, suspend
and unsuspend accounts (a suspended account's tokens are refused with 403
`account_suspended` and its sockets are closed after `account_suspended`), delete any message
for everyone, and see an account's sessions. Every action takes a `reason` (3 to 500
characters, as the console's forms do) and is kept in the audit log (`auditlogs`), `GET /admin/audit`.
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint

from backend2.middlewares.auth import current_user, token_auth
from backend2.middlewares.validation import json_body, query_args
from backend2.schemas.auth import SessionListSchema
from backend2.schemas.common import NoticeSchema, PageQuerySchema, ReasonSchema
from backend2.schemas.reports import (
    AuditLogSchema,
    ModeratorReportSchema,
    ReportListQuerySchema,
    ReportListSchema,
    ResolveInputSchema,
    SuspendInputSchema,
)
from backend2.services.accounts import audit_log, moderation, report_queue
from backend2.services.support.pagination import paginate

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")
HIDDEN = {404: "Not a moderator, or no such thing"}
REFUSED = {**HIDDEN, 400: "The moderator's own account (`cannot_moderate_self`)",
           409: "Nothing to do: `report_resolved`, `report_has_no_target`, `account_already_deleted`, "
                "`not_suspended` or `message_deleted`"}


@admin_bp.get("/reports")
@authenticate(token_auth)
@query_args(ReportListQuerySchema)
@response(ReportListSchema)
@other_responses(HIDDEN)
def list_reports(query):
    """Reports by status: open ones oldest first, resolved ones latest first, with their evidence"""
    items, pagination = paginate(report_queue.reports(current_user(), query["status"]), query["page"], query["limit"])
    return {"reports": items, "pagination": pagination}


@admin_bp.post("/reports/<report_id>/resolve")
@authenticate(token_auth)
@json_body(ResolveInputSchema)
@response(ModeratorReportSchema)
@other_responses(REFUSED)
def resolve_report(data, report_id):
    """Resolve a report: `action` none, message_deleted or user_suspended, and its `reason` (or `note`)"""
    return moderation.resolve_report(current_user(), report_id, data["action"], data["reason"])


@admin_bp.post("/users/<user_id>/suspend")
@authenticate(token_auth)
@json_body(SuspendInputSchema)
@response(NoticeSchema)
@other_responses(REFUSED)
def suspend(data, user_id):
    """Suspend an account, for `hours` or until lifted"""
    moderation.suspend(current_user(), user_id, data["reason"], data["hours"])
    return {"message": "Account suspended"}


@admin_bp.post("/users/<user_id>/unsuspend")
@authenticate(token_auth)
@json_body(ReasonSchema)
@response(NoticeSchema)
@other_responses(REFUSED)
def unsuspend(data, user_id):
    """Lift a suspension"""
    moderation.unsuspend(current_user(), user_id, data["reason"])
    return {"message": "Suspension lifted"}


@admin_bp.get("/users/<user_id>/sessions")
@authenticate(token_auth)
@response(SessionListSchema)
@other_responses(HIDDEN)
def sessions_of(user_id):
    """An account's signed-in devices"""
    return {"sessions": moderation.sessions_of(current_user(), user_id)}


@admin_bp.delete("/messages/<message_id>")
@authenticate(token_auth)
@json_body(ReasonSchema)
@response(NoticeSchema)
@other_responses(REFUSED)
def delete_message(data, message_id):
    """Delete any message for everyone"""
    moderation.delete_message(current_user(), message_id, data["reason"])
    return {"message": "Message deleted"}


@admin_bp.get("/audit")
@authenticate(token_auth)
@query_args(PageQuerySchema)
@response(AuditLogSchema)
@other_responses(HIDDEN)
def audit(query):
    """Every moderator action, newest first"""
    items, pagination = paginate(audit_log.filtered(current_user()), query["page"], query["limit"])
    return {"entries": items, "pagination": pagination}
