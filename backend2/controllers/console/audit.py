"""The audit log: newest first, filtered by moderator, target and action, and as CSV."""
from flask import Response, g, request, stream_with_context

from backend2.controllers.console.blueprint import console_bp, filter_page, load, page
from backend2.schemas.console import AuditQuery
from backend2.services.accounts import audit_log


def _filters(query):
    return {"moderator_id": query["moderator"], "target": query["target"], "action": query["action"]}


@filter_page("/audit")
def audit():
    query = load(AuditQuery(), request.args)
    entries, pagination = audit_log.entries(g.moderator, _filters(query), query["page"])
    return page("console/audit.html", entries=entries, pagination=pagination, query=query,
                actions=audit_log.actions())


@console_bp.get("/audit.csv")
def audit_csv():
    query = load(AuditQuery(), request.args)
    rows = audit_log.as_csv(g.moderator, _filters(query))
    return Response(stream_with_context(rows), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit-log.csv"})
