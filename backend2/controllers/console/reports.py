"""The reports queue and one report, and the actions on it: assign to me, dismiss, remove the
message for everyone, suspend the user (for a time or until lifted), delete the account. Each
takes a short reason, which the audit log keeps."""
from flask import g, request

from backend2.controllers.console.blueprint import console_bp, done, filter_page, load, page
from backend2.middlewares.console_guard import form_data
from backend2.schemas.console import AGES, ReasonForm, ReportQueueQuery, SuspendForm
from backend2.schemas.reports import REASONS, SUSPENSIONS
from backend2.services.accounts import moderation, report_queue

RESOLVING = {"dismiss": "none", "remove-message": "message_deleted", "delete-account": "account_deleted"}


@filter_page("/reports")
def reports():
    query = load(ReportQueueQuery(), request.args)
    items, pagination = report_queue.queue(g.moderator, query["view"], query["reason"], query["age"], query["page"])
    return page("console/reports.html", reports=items, pagination=pagination, query=query, reasons=REASONS,
                ages=AGES)


@console_bp.get("/reports/<report_id>")
def report(report_id):
    return page("console/report.html", file=report_queue.report_file(g.moderator, report_id), suspensions=SUSPENSIONS)


@console_bp.post("/reports/<report_id>/assign")
def assign(report_id):
    moderation.assign_report(g.moderator, report_id, load(ReasonForm(), form_data())["reason"])
    return done("console.report", "assigned", report_id=report_id)


@console_bp.post("/reports/<report_id>/suspend")
def suspend_reported(report_id):
    data = load(SuspendForm(), form_data())
    moderation.resolve_report(g.moderator, report_id, "user_suspended", data["reason"], data["hours"])
    return done("console.report", "user_suspended", report_id=report_id)


@console_bp.post("/reports/<report_id>/<any(dismiss, 'remove-message', 'delete-account'):action>")
def resolve(report_id, action):
    moderation.resolve_report(g.moderator, report_id, RESOLVING[action], load(ReasonForm(), form_data())["reason"])
    return done("console.report", RESOLVING[action], report_id=report_id)
