"""Issues our tokens and reads ours and the Express servers' token shapes.

Tokens are issued by flask-jwt-extended. They are read here with PyJWT directly,
because the legacy shapes (`{id, sessionId}` from the desktop server, `{uid}` from
the mobile one) have no `sub` claim, which flask-jwt-extended's decoder requires.
Only HS256 is accepted, so `alg: none` and algorithm-confusion tokens fail.

The Express servers may have signed with other secrets (LEGACY_JWT_SECRETS). A token
signed with one of those is accepted only in a legacy shape: one carrying `sub`, as
every token we issue does, is refused, so those secrets can never mint our tokens.
"""
import hashlib
import warnings
from dataclasses import dataclass
from datetime import timedelta

import jwt
from flask import current_app
from flask_jwt_extended import create_access_token
from jwt.warnings import InsecureKeyLengthWarning

from backend2.errors import Codes, Unauthorized

# Our own secret is held to 32 characters by the production config; the legacy secrets are
# whatever the old servers used, and a short one must not log a warning per request.
warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    session_id: str | None
    legacy_shape: str | None = None  # an Express server's token: "mobile" {uid}, "desktop" {id, sessionId}, "other"
    issued_at: int | None = None  # `iat`, when the token has one
    fingerprint: str | None = None  # SHA-256 of a legacy token, to tie it to a session without keeping it


def issue_token(user, session):
    user_id, session_id = str(user.id), str(session.id)
    return create_access_token(
        identity=user_id,
        additional_claims={"uid": user_id, "id": user_id, "sessionId": session_id},
        expires_delta=timedelta(seconds=current_app.config["JWT_EXPIRES_SECONDS"]),
    )


def read_token(raw):
    """The user and session a signed token names; Unauthorized for anything else."""
    try:
        claims = _verified_claims(raw)
    except jwt.ExpiredSignatureError:
        raise Unauthorized("Token has expired", code=Codes.TOKEN_EXPIRED)
    except jwt.InvalidTokenError:
        raise Unauthorized("Token is invalid", code=Codes.INVALID_TOKEN)
    user_id = claims.get("sub") or claims.get("id") or claims.get("uid")
    session_id = claims.get("sessionId")
    issued_at = claims.get("iat")
    if not isinstance(user_id, str) or not isinstance(session_id, (str, type(None))) or not (
            issued_at is None or isinstance(issued_at, (int, float))):
        raise Unauthorized("Token is invalid", code=Codes.INVALID_TOKEN)
    if "sub" in claims:
        return TokenClaims(user_id=user_id, session_id=session_id)
    shape = "desktop" if session_id else "mobile" if "uid" in claims else "other"
    return TokenClaims(user_id=user_id, session_id=session_id, legacy_shape=shape,
                       issued_at=int(issued_at) if issued_at is not None else None,
                       fingerprint=hashlib.sha256(raw.encode()).hexdigest())


def _verified_claims(raw):
    """The claims of a token signed with JWT_SECRET, or with a legacy secret in a legacy shape."""
    try:
        return jwt.decode(raw, current_app.config["JWT_SECRET"], algorithms=["HS256"])
    except jwt.InvalidSignatureError:
        for secret in current_app.config["LEGACY_JWT_SECRETS"]:
            try:
                claims = jwt.decode(raw, secret, algorithms=["HS256"])
            except jwt.InvalidSignatureError:
                continue
            if "sub" in claims:
                raise jwt.InvalidTokenError("A legacy secret signs only the Express servers' token shapes")
            return claims
        raise
