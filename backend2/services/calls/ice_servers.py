"""STUN and TURN servers for the apps' RTCPeerConnection.

TURN credentials follow the TURN REST API that coturn accepts with `use-auth-secret`:
the username is `expiry:userId` (expiry in epoch seconds) and the password is
base64(HMAC-SHA1(static-auth-secret, username)), so no per-user TURN accounts are needed.
"""
import base64
import hashlib
import hmac
import time

from flask import current_app


def turn_credentials(secret, user_id, ttl_seconds, now=None):
    username = f"{int((now or time.time()) + ttl_seconds)}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers_for(user):
    config = current_app.config
    servers = [{"urls": config["STUN_URLS"]}] if config["STUN_URLS"] else []
    if config["TURN_URLS"]:
        username, credential = turn_credentials(config["TURN_SECRET"], user.id, config["TURN_TTL_SECONDS"])
        servers.append({"urls": config["TURN_URLS"], "username": username, "credential": credential})
    return {"iceServers": servers, "ttl": config["TURN_TTL_SECONDS"]}
