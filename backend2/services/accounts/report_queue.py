"""The moderators' queue of reports as the console shows it: open, assigned to one moderator or
resolved, by reason and age; and one report with what it is about. A message report shows the
message with the few messages around it that the reporter could see (not those they deleted for
themselves or cleared, nothing sent after the report, nothing of another chat), attachments as links that expire after
CONSOLE_LINK_TTL_SECONDS."""
import time
from datetime import timedelta

from flask import current_app
from mongoengine import Q

from backend2.errors import Codes
from backend2.models import Conversation, Message, Report
from backend2.services.accounts.moderation import found, moderator, people
from backend2.services.conversations.conversation_settings import cleared_at
from backend2.services.support.pagination import paginate
from backend2.utils import links
from backend2.utils.time import utcnow

CONTEXT_MESSAGES = 3  # on each side of a reported message


def queue(user, view, reason=None, older_than_hours=None, page=1, limit=25):
    """One page of the console's queue: (report summaries, pagination)."""
    items, pagination = paginate(reports(user, view, reason, older_than_hours), page, limit)
    names = people({uid for r in items for uid in (r.reporter, r.reported_user, r.assigned_to) if uid})
    return [_summary(report, names) for report in items], pagination


def reports(user, view, reason=None, older_than_hours=None):
    """The reports of `view` (open, mine or resolved), for the console and /admin to page through:
    oldest first while open, most recently resolved first once resolved."""
    moderator(user)
    reports = Report.objects(status="resolved" if view == "resolved" else "open")
    if view == "mine":
        reports = reports.filter(assigned_to=user.id)
    if reason:
        reports = reports.filter(reason=reason)
    if older_than_hours:
        reports = reports.filter(created_at__lte=utcnow() - timedelta(hours=older_than_hours))
    order = ("-resolved_at", "-id") if view == "resolved" else ("created_at", "id")
    return reports.order_by(*order)


def report_file(user, report_id):
    """A report and what it is about: {report, context, evidence}."""
    moderator(user)
    report = found(Report, report_id, Codes.REPORT_NOT_FOUND)
    context = _context(report) if report.message else []
    named = {uid for uid in (report.reporter, report.reported_user, report.assigned_to) if uid}
    named |= {m.sender for m in context} | {e.sender for e in report.evidence if e.sender}
    names = people(named)
    return {
        "report": _summary(report, names),
        "context": [_message(m, names, reported=m.id == report.message) for m in context],
        "evidence": [{"id": e.message_id, "sender": names.get(e.sender), "text": e.text, "type": e.type,
                      "created_at": e.created_at, "attachments": [_link(url) for url in e.attachments]}
                     for e in report.evidence],
    }


def _context(report):
    """The reported message and up to CONTEXT_MESSAGES on each side, as the reporter saw them
    when they reported it: nothing sent after that (they may have left the group since)."""
    anchor = Message.objects(id=report.message).exclude("edits").first()
    conversation = Conversation.objects(id=report.conversation).first()
    if anchor is None or conversation is None or report.reporter in anchor.hidden_for:
        return []
    seen = Message.objects(conversation=conversation.id, hidden_for__ne=report.reporter,
                           created_at__lte=report.created_at).exclude("edits")
    cleared = cleared_at(conversation, report.reporter)
    if cleared:
        seen = seen.filter(created_at__gt=cleared)
    at = anchor.created_at
    before = seen.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=anchor.id)).order_by("-created_at", "-id")
    after = seen.filter(Q(created_at__gt=at) | Q(created_at=at, id__gt=anchor.id)).order_by("created_at", "id")
    return [*reversed(list(before.limit(CONTEXT_MESSAGES))), anchor, *after.limit(CONTEXT_MESSAGES)]


def _summary(report, names):
    kind = "message" if report.message else "user" if report.reported_user and not report.conversation else "chat"
    return {"id": report.id, "kind": kind, "reason": report.reason, "note": report.note, "status": report.status,
            "created_at": report.created_at, "reporter": names.get(report.reporter),
            "reported": names.get(report.reported_user), "assigned_to": names.get(report.assigned_to),
            "resolution": report.resolution, "resolution_note": report.resolution_note,
            "resolved_at": report.resolved_at, "message": report.message}


def _message(message, names, reported):
    return {"id": message.id, "sender": names.get(message.sender), "text": message.text, "type": message.type,
            "created_at": message.created_at, "deleted": message.deleted, "reported": reported,
            "attachments": [_link(a.url, a.name) for a in message.attachments]}


def _link(url, name=""):
    """A private link to a stored file that expires; another site's web link as it is; no link
    for anything else (a javascript: or data: URL an import may have kept)."""
    config = current_app.config
    prefix = f"{config['PUBLIC_URL']}/uploads/"
    if not (isinstance(url, str) and (url.startswith(prefix) or url.lower().startswith(("https://", "http://")))):
        return {"name": "a file that is not a web link", "url": None}
    name = name or links.plain(url).rsplit("/", 1)[-1]
    if not url.startswith(prefix):
        return {"name": name, "url": url}  # another site's link, its query and all
    return {"name": name, "url": links.signed(links.plain(url), prefix, config["JWT_SECRET"],
                                              config["CONSOLE_LINK_TTL_SECONDS"], time.time())}
