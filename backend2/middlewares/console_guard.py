"""The moderator console's guard: its cookie session on every request, the CSRF token on every
form, and the headers of every page (a Content-Security-Policy without inline script, never
cached, never framed).

Two cookies, both HttpOnly, SameSite=Strict, path /console, Secure in production
(CONSOLE_COOKIE_SECURE): `b2_console`, the session (services/accounts/console_sessions.py), and
`b2_console_signin`, a random value the sign-in forms repeat in their `csrf_token` field (there
is no session yet to hold one)."""
import secrets

from flask import current_app, g, request

from backend2.errors import AppError
from backend2.middlewares.auth import client_info
from backend2.services.accounts import console_sessions

SESSION_COOKIE = "b2_console"
SIGN_IN_COOKIE = "b2_console_signin"
PATH = "/console"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def signed_in():
    """The console session of this request, its CSRF token checked on anything but GET: sets
    g.console_session and g.moderator; raises console_signed_out, 404, account_suspended or csrf_failed.
    A session cookie the browser presented and that was refused is forgotten with the answer."""
    raw = request.cookies.get(SESSION_COOKIE)
    try:
        g.console_session, g.moderator = console_sessions.current(raw)
    except AppError:
        if raw:
            end_session_cookie()
        raise
    if request.method not in ("GET", "HEAD"):
        console_sessions.check_csrf(g.console_session.csrf_token, request.form.get("csrf_token"))


def form_data():
    """The posted form without its csrf_token (checked already), for its schema."""
    return {key: value for key, value in request.form.items() if key != "csrf_token"}


def sign_in_token():
    """The sign-in forms' token: this browser's SIGN_IN_COOKIE, or a new one set on the response."""
    token = request.cookies.get(SIGN_IN_COOKIE)
    if not token:
        token = g.new_sign_in_token = secrets.token_urlsafe(32)
    return token


def check_sign_in_token():
    console_sessions.check_csrf(request.cookies.get(SIGN_IN_COOKIE), request.form.get("csrf_token"))


def sign_in(phone, password=None, code=None):
    """A console session for these credentials; its cookie goes out with the response."""
    g.new_session_cookie, g.console_session = console_sessions.sign_in(phone, password, code, client_info(request))


def sign_out():
    console_sessions.sign_out(g.console_session)
    end_session_cookie()


def finish(response):
    """The console's headers, and whatever cookie this request set or ended."""
    response.headers.update(HEADERS)
    secure = current_app.config["CONSOLE_COOKIE_SECURE"]
    options = {"path": PATH, "httponly": True, "samesite": "Strict", "secure": secure}
    if getattr(g, "new_sign_in_token", None):
        response.set_cookie(SIGN_IN_COOKIE, g.new_sign_in_token, **options)
    if getattr(g, "new_session_cookie", None):
        response.set_cookie(SESSION_COOKIE, g.new_session_cookie, **options)
    elif getattr(g, "end_session_cookie", False):
        response.delete_cookie(SESSION_COOKIE, **options)
    return response


def end_session_cookie():
    """Forget the cookie of a session that has ended (signed out, idle, or no longer a moderator)."""
    g.end_session_cookie = True
