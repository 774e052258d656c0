"""Signing in to the console with an app's phone and password, or phone and a login code sent
by a first step; signing out. Rate limited as the API's sign-in is (RATE_LIMIT_AUTH, and the
sign-in's guesses in the same bucket as /auth's; the code also by RATE_LIMIT_OTP_PER_PHONE and
RATE_LIMIT_OTP_PER_IP)."""
from flask import redirect, render_template, request, url_for

from backend2.controllers.console.blueprint import console_bp, load
from backend2.errors import AppError, Codes
from backend2.middlewares import console_guard
from backend2.middlewares.rate_limits import limit_by_auth_limit, limit_sign_ins, otp_limits
from backend2.schemas.console import CodeRequestForm, SignInForm
from backend2.services.accounts import auth

# Answered on the sign-in page itself; anything else (404 for a non-moderator, 429) is an error page.
SHOWN_ON_THE_FORM = {Codes.INVALID_CREDENTIALS, Codes.VALIDATION_ERROR, Codes.INVALID_PHONE, Codes.OTP_INVALID,
                     Codes.OTP_EXPIRED, Codes.OTP_LOCKED, Codes.USER_NOT_FOUND, Codes.OTP_RESEND_TOO_SOON}


def _form(status=200, **context):
    page = render_template("console/sign_in.html", csrf_token=console_guard.sign_in_token(), **context)
    return page, status


def _on_the_form(schema, act, **context):
    """Check the posted form's token, load it through `schema` and `act` on its data: (data, None);
    an error the form answers is (None, the form showing it, with `context`), any other is raised
    to the error page."""
    console_guard.check_sign_in_token()
    try:
        data = load(schema, console_guard.form_data())
        act(data)
    except AppError as error:
        if error.code not in SHOWN_ON_THE_FORM:
            raise
        return None, _form(error.status, error=error.message, phone=request.form.get("phone", ""), **context)
    return data, None


@console_bp.get("/sign-in")
def sign_in_page():
    return _form()


@console_bp.post("/sign-in")
@limit_by_auth_limit
@limit_sign_ins
def sign_in():
    _, shown = _on_the_form(SignInForm(), lambda data: console_guard.sign_in(data["phone"], data.get("password"),
                                                                            data.get("code")),
                            code_sent=bool(request.form.get("code")))
    return shown or redirect(url_for("console.overview"), 303)


@console_bp.post("/sign-in/code")
@limit_by_auth_limit
@otp_limits
def send_code():
    data, shown = _on_the_form(CodeRequestForm(), lambda data: auth.send_login_code(data["phone"]))
    return shown or _form(code_sent=True, phone=data["phone"])


@console_bp.post("/sign-out")
def sign_out():
    console_guard.sign_out()
    return redirect(url_for("console.sign_in_page"), 303)
