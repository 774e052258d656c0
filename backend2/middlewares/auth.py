"""Bearer-token authentication for REST routes (`@authenticate(token_auth)`)."""
from flask import request
from flask_httpauth import HTTPTokenAuth

from backend2.errors import Codes, Unauthorized
from backend2.services.accounts.auth import authenticate_token

token_auth = HTTPTokenAuth(scheme="Bearer")
token_auth.__doc__ = ("A token from a sign-in (`token`), or one the Express servers issued: "
                      "see Authentication above.")  # /docs shows it with the scheme


@token_auth.verify_token
def verify_token(token):
    return authenticate_token(token, client_info(request))


@token_auth.error_handler
def auth_failed(status):
    raise Unauthorized("A bearer token is required", code=Codes.TOKEN_MISSING)


def current_auth():
    """The AuthContext of the request being served: the user and the session of the token."""
    return token_auth.current_user()


def current_user():
    """The signed-in user of the request being served: how every route gets its caller."""
    return token_auth.current_user().user


def client_info(request):
    """What a session records about the device's connection."""
    return {"ip": request.remote_addr or "", "userAgent": request.headers.get("User-Agent", "")}
