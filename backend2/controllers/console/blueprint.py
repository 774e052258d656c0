"""The console's blueprint: its guard on every request, its headers on every response, and its
errors as pages (a signed-out browser is sent to the sign-in page), unknown /console/ paths too."""
from pathlib import Path

from flask import Blueprint, g, make_response, redirect, render_template, request, url_for
from marshmallow import ValidationError

from backend2.errors import Codes, NotFound, ValidationFailed
from backend2.middlewares import console_guard
from backend2.middlewares.error_handlers import app_error, error_response

console_bp = Blueprint("console", __name__, url_prefix="/console",
                       static_folder=str(Path(__file__).resolve().parents[2] / "static" / "console"),
                       static_url_path="/static")
OPEN_ENDPOINTS = {"console.static", "console.sign_in_page", "console.sign_in", "console.send_code"}
NOTICES = {"assigned": "The report is yours.", "none": "Report dismissed.",
           "message_deleted": "The message was removed for everyone.", "user_suspended": "The account is suspended.",
           "account_deleted": "The account was deleted.", "user_unsuspended": "The suspension was lifted.",
           "session_ended": "The session was ended.", "sessions_ended": "Every session was ended."}


@console_bp.app_template_filter("age")
def age(elapsed):
    """A timedelta as a moderator reads it: 3 days, 5 hours, 12 minutes."""
    seconds = int(elapsed.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "under a minute"


@console_bp.before_request
def guard():
    if request.endpoint not in OPEN_ENDPOINTS:
        console_guard.signed_in()


@console_bp.after_request
def headers(response):
    return console_guard.finish(response)


@console_bp.app_errorhandler(404)
@console_bp.app_errorhandler(405)
def routing_error(exc):
    """The app's 404 and 405 (no route, or not with this method): under /console/ a console page,
    a 405 as a 404 since no page takes it, with the console's headers; elsewhere the API's JSON."""
    if not request.path.startswith(f"{console_bp.url_prefix}/"):
        return error_response(exc)
    response = make_response(error_page(NotFound("No such page", code=Codes.NOT_FOUND)))
    return response if request.blueprint == console_bp.name else console_guard.finish(response)


@console_bp.errorhandler(Exception)
def error_page(exc):
    error = app_error(exc)
    if error.code == Codes.CONSOLE_SIGNED_OUT:
        return redirect(url_for("console.sign_in_page"), 303)
    session = getattr(g, "console_session", None)
    page = render_template("console/error.html", error=error, moderator=getattr(g, "moderator", None),
                           csrf_token=session.csrf_token if session else "")
    return page, error.status, error.headers


def load(schema, data):
    """`data` (a form or a query string) through `schema`; 400 naming the fields otherwise."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed.for_fields(exc.normalized_messages())


def page(template, **context):
    """A page of the console, with the moderator and the session's CSRF token for its forms."""
    return render_template(template, moderator=g.moderator, csrf_token=g.console_session.csrf_token,
                           notice=request.args.get("notice"), notices=NOTICES, **context)


def filter_page(rule):
    """Register a page that a filter form narrows: GET renders it, and the form is posted (so it
    carries its csrf_token as every form does, and the token never lands in a URL) and answered
    with a redirect to that GET, the form's fields as its query string, to reload and bookmark."""

    def register(view):
        def filtered():
            fields = {key: value for key, value in console_guard.form_data().items() if value}
            return redirect(url_for(f"{console_bp.name}.{view.__name__}", **fields), 303)

        console_bp.add_url_rule(rule, view.__name__, view, methods=["GET"])
        console_bp.add_url_rule(rule, f"{view.__name__}_filter", filtered, methods=["POST"])
        return view

    return register


def done(endpoint, notice, **values):
    """After an action: back to a page (303, so a reload does not post again), saying what happened."""
    return redirect(url_for(endpoint, notice=notice, **values), 303)
