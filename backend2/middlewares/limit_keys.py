"""Whom a rate limit counts: the account of a signed-in request, else its address.

RATE_LIMIT_DEFAULT counts a signed-in request against its account (the token's user, once its
signature is checked) and any other request against its address, so one account behind many
addresses gets one budget, and many accounts behind one carrier NAT address do not starve each
other. (The limits themselves are in middlewares/rate_limits.py.)
"""
from flask import request
from flask_limiter.util import get_remote_address

from backend2.errors import AppError
from backend2.services.support.tokens import read_token


def account_or_address():
    """`user:<id>` for a request with a validly signed token, else the client's address."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        try:
            return f"user:{read_token(header[7:].strip()).user_id}"
        except AppError:  # a bad token is refused later; until then it counts as its address
            pass
    return get_remote_address()
