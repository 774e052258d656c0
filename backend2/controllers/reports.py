"""Reporting a message, a user or a conversation to the moderators.

`POST /reports {messageId | userId | conversationId, reason, note?, block?}` (`reason`: spam,
abuse, illegal, other), by someone who can see what they report (404 otherwise). The report
keeps a copy of the messages concerned as they were, so deleting them later does not erase the
evidence; `block: true` blocks the sender or user as well.
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint

from backend2.middlewares.auth import current_user, token_auth
from backend2.middlewares.validation import json_body
from backend2.schemas.reports import ReportInputSchema, ReportSchema
from backend2.services.accounts import reports

reports_bp = Blueprint("reports", __name__, url_prefix="/reports")


@reports_bp.post("")
@authenticate(token_auth)
@json_body(ReportInputSchema)
@response(ReportSchema, 201)
@other_responses({400: "Not exactly one target, or a bad reason", 404: "Nothing the caller can see"})
def file_report(data):
    """Report a message, a user or a conversation"""
    return reports.file_report(current_user(), data)
