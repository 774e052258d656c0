"""Call history and the ICE servers for a call; the signaling itself is on the socket.

Every call is kept with its outcome (`answered`, `missed`, `declined`, `busy`, `cancelled`,
`failed`, or null while it rings or runs). `iceServers` is ready for `RTCPeerConnection`:
the STUN servers, and TURN credentials in the TURN REST API form, valid for `ttl` seconds.
"""
from apifairy import authenticate, response
from flask import Blueprint

from backend2.middlewares.auth import current_user, token_auth
from backend2.middlewares.validation import query_args
from backend2.schemas.calls import CallListSchema, IceServersSchema
from backend2.schemas.common import PageQuerySchema
from backend2.services.calls import history
from backend2.services.calls.ice_servers import ice_servers_for

calls_bp = Blueprint("calls", __name__, url_prefix="/calls")


@calls_bp.get("")
@authenticate(token_auth)
@query_args(PageQuerySchema)
@response(CallListSchema)
def list_all(query):
    """The caller's calls, made and received, newest first"""
    items, pagination = history.list_calls(current_user(), query["page"], query["limit"])
    return {"calls": items, "pagination": pagination}


@calls_bp.get("/ice-servers")
@authenticate(token_auth)
@response(IceServersSchema)
def ice_servers():
    """STUN and TURN servers for RTCPeerConnection, with short-lived TURN credentials"""
    return ice_servers_for(current_user())
