"""Who may do what, as one table: every endpoint and socket event against every kind of caller
that must be refused, and no refusal (or answer) that shows another user's private data."""
import io
import re
import time

import jwt
import pytest
import requests
import socketio

from support.environment import TEST_JWT_SECRET
from support.people import bearer
from support.web_pages import png

pytestmark = pytest.mark.redis
SECRET_TEXT = "the owner's private message"


@pytest.fixture
def world(client, person, befriend):
    """Olga owns a group with Max (not an admin); Otto is outside it; Olga blocked Bea."""
    olga = person("Olga", email=f"olga{time.time_ns()}@example.org")
    max_, otto, bea = person("Max"), person("Otto"), person("Bea")
    befriend(olga, max_, otto, bea)
    befriend(otto, olga)
    group = client.post("/conversations", headers=olga.headers,
                        json={"type": "group", "name": "Inner circle", "participants": [max_.id]}).get_json()["id"]
    message = client.post("/messages", headers=olga.headers,
                          json={"conversationId": group, "text": SECRET_TEXT}).get_json()["id"]
    request_id = client.post("/chat-requests", headers=bea.headers, json={"to": max_.id}).get_json()["id"]
    client.post(f"/users/{bea.id}/block", headers=olga.headers)
    revoked = person("Gone")
    client.delete("/auth/sessions?others=false", headers=revoked.headers)  # signed out everywhere
    invite = client.post(f"/conversations/{group}/invite-link", headers=olga.headers).get_json()["token"]
    ids = {"conversation_id": group, "message_id": message, "user_id": olga.id, "request_id": request_id,
           "session_id": olga.body["session"]["id"], "name": "nothing.png", "report_id": message,
           "job_id": "0123456789abcdef", "token": invite, "emoji": "%F0%9F%91%8D"}
    return {"olga": olga, "max": max_, "otto": otto, "bea": bea, "revoked": revoked, "ids": ids}


def leaks(response, owner):
    """Whether a response shows the owner's phone, email, session or private message."""
    text = response.get_data(as_text=True)
    private = [owner.phone, owner.user["email"], owner.body["session"]["id"], SECRET_TEXT]
    return [value for value in private if value and value in text]


def bad_tokens(someone, revoked):
    """{kind: (token, refusal code)}: tokens that look like `someone`'s, and a signed-out one."""
    claims = {"sub": someone.id, "uid": someone.id, "sessionId": someone.body["session"]["id"]}
    return {
        "no token": (None, "token_missing"),
        "wrongly signed": (jwt.encode(claims, "another-secret-" + "x" * 40, algorithm="HS256"), "invalid_token"),
        "expired": (jwt.encode({**claims, "exp": int(time.time()) - 60}, TEST_JWT_SECRET, algorithm="HS256"),
                    "token_expired"),
        "revoked session": (revoked.token, "session_revoked"),
        "undated Express token": (jwt.encode({"uid": someone.id}, TEST_JWT_SECRET, algorithm="HS256"), "token_expired"),
        "Express token past its age": (jwt.encode({"uid": someone.id, "iat": int(time.time()) - 400 * 86400},
                                                  TEST_JWT_SECRET, algorithm="HS256"), "token_expired"),
        "Express token issued before signing out everywhere": (
            jwt.encode({"uid": revoked.id, "iat": int(time.time()) - 60}, TEST_JWT_SECRET, algorithm="HS256"),
            "session_revoked"),
    }


def signed_routes(client):
    spec = client.get("/openapi.json").get_json()
    return [(method.upper(), path) for path, operations in spec["paths"].items()
            for method, operation in operations.items() if operation.get("security")]


def test_every_signed_in_endpoint_refuses_every_bad_token(client, world):
    routes = signed_routes(client)
    assert len(routes) > 35
    for method, template in routes:
        path = re.sub(r"\{(\w+)\}", lambda m: world["ids"][m.group(1)], template)
        for kind, (token, code) in bad_tokens(world["otto"], world["revoked"]).items():
            response = client.open(path, method=method, headers=bearer(token) if token else {}, json={})
            assert (response.status_code, response.get_json()["code"]) == (401, code), (method, template, kind)
            assert not leaks(response, world["olga"]), (method, template, kind)


# (who, method, path, body, status, code): the refusals of members, outsiders and blocked users.
ROLE_MATRIX = [
    ("otto", "GET", "/conversations/{conversation_id}", None, 404, "conversation_not_found"),
    ("otto", "GET", "/messages?conversationId={conversation_id}", None, 404, "conversation_not_found"),
    ("otto", "POST", "/messages", {"conversationId": "{conversation_id}", "text": "hi"}, 404, "conversation_not_found"),
    ("otto", "POST", "/conversations/{conversation_id}/read", {}, 404, "conversation_not_found"),
    ("otto", "POST", "/conversations/{conversation_id}/delivered", {}, 404, "conversation_not_found"),
    ("otto", "PATCH", "/messages/{message_id}", {"text": "mine now"}, 404, "message_not_found"),
    ("otto", "DELETE", "/messages/{message_id}", None, 404, "message_not_found"),
    ("otto", "GET", "/messages/{message_id}/history", None, 404, "message_not_found"),
    ("otto", "POST", "/conversations/{conversation_id}/members", {"userIds": ["{user_id}"]}, 404,
     "conversation_not_found"),
    ("otto", "DELETE", "/auth/sessions/{session_id}", None, 404, "session_not_found"),
    ("max", "PATCH", "/conversations/{conversation_id}", {"name": "Taken over"}, 403, "admin_required"),
    ("max", "PATCH", "/conversations/{conversation_id}", {"disappearingSeconds": 86400}, 403, "admin_required"),
    ("otto", "PATCH", "/conversations/{conversation_id}", {"disappearingSeconds": 86400}, 404,
     "conversation_not_found"),
    ("otto", "POST", "/messages", {"conversationId": "{conversation_id}", "text": "https://example.org/",
                                   "linkPreview": {"url": "https://example.org/", "title": "x"}}, 404,
     "conversation_not_found"),
    ("max", "POST", "/conversations/{conversation_id}/members", {"userIds": ["{user_id}"]}, 403, "admin_required"),
    ("max", "DELETE", "/conversations/{conversation_id}/members/{user_id}", None, 403, "admin_required"),
    ("max", "POST", "/conversations/{conversation_id}/admins/{user_id}", None, 403, "admin_required"),
    ("max", "PATCH", "/messages/{message_id}", {"text": "edited by Max"}, 403, "not_sender"),
    ("max", "DELETE", "/messages/{message_id}?scope=everyone", None, 403, "not_allowed"),
    ("bea", "GET", "/users/{user_id}", None, 404, "user_not_found"),
    ("bea", "POST", "/chat-requests", {"to": "{user_id}"}, 404, "user_not_found"),
    ("bea", "POST", "/contacts/start-chat", {"userId": "{user_id}"}, 404, "user_not_found"),
    ("bea", "POST", "/chat-requests/{request_id}/accept", None, 403, "not_allowed"),
    ("otto", "POST", "/reports", {"messageId": "{message_id}", "reason": "spam"}, 404, "message_not_found"),
    ("otto", "POST", "/reports", {"conversationId": "{conversation_id}", "reason": "spam"}, 404,
     "conversation_not_found"),
    ("bea", "POST", "/reports", {"userId": "{user_id}", "reason": "abuse"}, 404, "user_not_found"),
    ("max", "GET", "/admin/reports", None, 404, "not_found"),
    ("max", "POST", "/admin/users/{user_id}/suspend", {"reason": "taking over"}, 404, "not_found"),
    ("max", "DELETE", "/admin/messages/{message_id}", {"reason": "spam"}, 404, "not_found"),
    ("max", "GET", "/admin/users/{user_id}/sessions", None, 404, "not_found"),
    ("olga", "DELETE", "/users/me", {"password": "not-hers"}, 400, "invalid_current_password"),
    ("otto", "PUT", "/messages/{message_id}/reactions", {"emoji": "👍"}, 404, "message_not_found"),
    ("otto", "DELETE", "/messages/{message_id}/reactions/{emoji}", None, 404, "message_not_found"),
    ("otto", "POST", "/messages/{message_id}/forward", {"conversationIds": ["{conversation_id}"]}, 404,
     "message_not_found"),
    ("otto", "PUT", "/messages/{message_id}/pin", None, 404, "message_not_found"),
    ("otto", "DELETE", "/messages/{message_id}/pin", None, 404, "message_not_found"),
    ("otto", "GET", "/conversations/{conversation_id}/pins", None, 404, "conversation_not_found"),
    ("otto", "PUT", "/messages/{message_id}/star", None, 404, "message_not_found"),
    ("otto", "GET", "/messages/search?q=private&conversationId={conversation_id}", None, 404,
     "conversation_not_found"),
    ("otto", "PATCH", "/conversations/{conversation_id}/settings", {"archived": True}, 404, "conversation_not_found"),
    ("otto", "POST", "/conversations/{conversation_id}/invite-link", None, 404, "conversation_not_found"),
    ("max", "POST", "/conversations/{conversation_id}/invite-link", None, 403, "admin_required"),
    ("max", "GET", "/conversations/{conversation_id}/invite-link", None, 403, "admin_required"),
    ("max", "DELETE", "/conversations/{conversation_id}/invite-link", None, 403, "admin_required"),
    ("otto", "GET", "/invite/not-a-token", None, 404, "invite_not_found"),
    ("otto", "POST", "/invite/not-a-token/join", None, 404, "invite_not_found"),
]


def fill(value, ids):
    if isinstance(value, str):
        return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], value)
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    return value


@pytest.mark.parametrize("who, method, path, body, status, code", ROLE_MATRIX,
                         ids=[f"{row[0]} {row[1]} {row[2]}" for row in ROLE_MATRIX])
def test_members_outsiders_and_blocked_users_get_the_documented_refusal(client, world, who, method, path, body,
                                                                        status, code):
    response = client.open(fill(path, world["ids"]), method=method, headers=world[who].headers,
                           json=fill(body, world["ids"]))
    assert (response.status_code, response.get_json()["code"]) == (status, code), response.get_json()
    assert not leaks(response, world["olga"])


def test_what_others_may_read_shows_nothing_private(client, world):
    otto, olga = world["otto"], world["olga"]
    for path in (f"/users/{olga.id}", "/users?q=Olga", "/messages/sync", "/conversations", "/calls",
                 "/chat-requests?status=pending", "/messages/search?q=private", "/messages/starred"):
        response = client.get(path, headers=otto.headers)
        assert response.status_code == 200, path
        assert not leaks(response, olga), path
    sync = client.get("/messages/sync", headers=otto.headers).get_json()
    assert sync["messages"] == []


SOCKET_MATRIX = [
    ("otto", "message", {"conversationId": "{conversation_id}", "text": "hi"}, "conversation_not_found"),
    ("otto", "message_edited", {"id": "{message_id}", "text": "x"}, "message_not_found"),
    ("otto", "message_deleted", {"id": "{message_id}"}, "message_not_found"),
    ("otto", "delivered", {"conversationId": "{conversation_id}"}, "conversation_not_found"),
    ("otto", "read_up_to", {"conversationId": "{conversation_id}"}, "conversation_not_found"),
    ("otto", "typing", {"conversationId": "{conversation_id}"}, "conversation_not_found"),
    ("max", "message_edited", {"id": "{message_id}", "text": "x"}, "not_sender"),
    ("max", "message_deleted", {"id": "{message_id}", "scope": "everyone"}, "not_allowed"),
    ("bea", "call:invite", {"to": "{user_id}", "offer": "v=0"}, "user_not_found"),
    ("otto", "call:hangup", {"callId": "{message_id}"}, "call_not_found"),
    ("otto", "reaction", {"messageId": "{message_id}", "emoji": "👍"}, "message_not_found"),
    ("otto", "forward", {"messageId": "{message_id}", "conversationIds": ["{conversation_id}"]}, "message_not_found"),
    ("otto", "pin", {"messageId": "{message_id}"}, "message_not_found"),
    ("otto", "unpin", {"messageId": "{message_id}"}, "message_not_found"),
    ("otto", "call:answer", {"callId": "{call_id}", "answer": "v=0"}, "call_not_found"),
    ("otto", "call:candidate", {"callId": "{call_id}", "candidate": "c"}, "call_not_found"),
    ("otto", "call:hangup", {"callId": "{call_id}"}, "call_not_found"),
]


def test_sockets_refuse_the_same_tokens_and_callers(live_server, connect):
    olga, max_, otto, bea = (live_server.register(name=name) for name in ("Olga", "Max", "Otto", "Bea"))
    base = live_server.base
    requests.post(f"{base}/contacts/sync", headers=olga.headers, json={"phones": [max_.phone, bea.phone]})
    requests.post(f"{base}/contacts/sync", headers=bea.headers, json={"phones": [olga.phone]})
    group = requests.post(f"{base}/conversations", headers=olga.headers,
                          json={"type": "group", "name": "G", "participants": [max_.id]}).json()["id"]
    message = requests.post(f"{base}/messages", headers=olga.headers,
                            json={"conversationId": group, "text": SECRET_TEXT}).json()["id"]
    requests.post(f"{base}/users/{bea.id}/block", headers=olga.headers)
    devices = {"otto": connect(base, otto.token), "max": connect(base, max_.token), "bea": connect(base, bea.token)}
    ringing = connect(base, olga.token).call("call:invite", {"to": max_.id, "offer": "v=0"})["callId"]
    ids = {"conversation_id": group, "message_id": message, "user_id": olga.id, "call_id": ringing}
    for who, event, payload, code in SOCKET_MATRIX:
        ack = devices[who].call(event, fill(payload, ids))
        assert ack.get("error", {}).get("code") == code, (who, event, ack)
        assert SECRET_TEXT not in str(ack) and olga.phone not in str(ack)
    assert not devices["otto"].received("message") and not devices["otto"].received("call:invite")
    assert not devices["bea"].received("call:invite")

    revoked = live_server.register(name="Gone")
    requests.delete(f"{base}/auth/sessions?others=false", headers=revoked.headers)
    for kind, (token, code) in bad_tokens(otto, revoked).items():
        client = socketio.Client(reconnection=False)
        refusals = []
        client.on("connect_error", refusals.append)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(base, auth={"token": token} if token else None, wait_timeout=5)
        assert refusals and refusals[0]["data"]["code"] == code, kind


def test_media_is_for_its_uploader_the_chats_that_hold_it_and_signed_links_only(client, world):
    import io

    from PIL import Image

    from backend2.utils.links import signature
    olga, max_, otto, bea = world["olga"], world["max"], world["otto"], world["bea"]
    group = world["ids"]["conversation_id"]
    picture = io.BytesIO()
    Image.new("RGB", (600, 400), (9, 9, 9)).save(picture, "PNG")
    sent = client.post("/uploads", headers=olga.headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(picture.getvalue()), "p.png")}).get_json()
    message = client.post("/messages", headers=olga.headers, json={"conversationId": group,
                                                                    "attachments": [{"url": sent["url"]}]}).get_json()
    avatar = client.post("/users/me/avatar", headers=olga.headers, content_type="multipart/form-data",
                         data={"file": (io.BytesIO(picture.getvalue()), "me.png")}).get_json()["avatar"]
    plain = {kind: url.split("?")[0] for kind, url in (("file", message["attachments"][0]["url"]),
                                                       ("thumbnail", message["attachments"][0]["thumbnailUrl"]),
                                                       ("avatar", avatar))}
    fetch = lambda url, who=None: client.get(url, headers=who.headers if who else {})  # noqa: E731

    for kind in ("file", "thumbnail"):
        assert fetch(plain[kind], olga).status_code == 200 and fetch(plain[kind], max_).status_code == 200
        for stranger in (otto, bea):
            refused = fetch(plain[kind], stranger)
            assert (refused.status_code, refused.get_json()["code"]) == (404, "file_not_found"), kind
    assert fetch("/uploads/" + "A" * 24 + ".png", otto).get_json() == fetch(plain["file"], otto).get_json()
    assert fetch(plain["file"]).get_json()["code"] == "token_missing"
    assert fetch(plain["avatar"], otto).status_code == 200  # an avatar: anyone signed in
    assert fetch(plain["avatar"], bea).status_code == 404  # but not someone Olga blocked

    link = message["attachments"][0]["url"]
    assert "exp=" in link and "sig=" in link and fetch(link).status_code == 200  # no header needed
    name, expires = plain["file"].rsplit("/", 1)[1], int(link.split("exp=")[1].split("&")[0])
    tampered = (f"{plain['file']}?exp={expires}&sig=" + "A" * 24, f"{plain['file']}?exp={expires + 86400}&sig="
                + link.split("sig=")[1], f"{plain['file']}?exp={expires}")
    for bad in tampered:
        assert (fetch(bad).status_code, fetch(bad).get_json()["code"]) == (403, "link_invalid"), bad
    past = int(time.time()) - 60
    expired = fetch(f"{plain['file']}?exp={past}&sig={signature(name, past, TEST_JWT_SECRET)}")
    assert (expired.status_code, expired.get_json()["code"]) == (403, "link_expired")

    client.delete(f"/conversations/{group}/members/{max_.id}", headers=olga.headers)
    assert fetch(plain["file"], max_).status_code == 404  # removed from the group: no longer
    assert fetch(link).status_code == 200  # a link already handed out lasts until it expires


def test_a_link_previews_image_is_for_the_chats_that_show_it(client, world):
    olga, max_, otto, bea = world["olga"], world["max"], world["otto"], world["bea"]
    card = client.post("/uploads", headers=olga.headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(png((60, 40))), "card.png")}).get_json()["url"]
    sent = client.post("/messages", headers=olga.headers, json={
        "conversationId": world["ids"]["conversation_id"], "text": "https://example.org/a",
        "linkPreview": {"url": "https://example.org/a", "title": "A", "image": card}}).get_json()
    image = sent["linkPreview"]["image"].split("?")[0]
    assert client.get(image, headers=max_.headers).status_code == 200
    for stranger in (otto, bea):
        refused = client.get(image, headers=stranger.headers)
        assert (refused.status_code, refused.get_json()["code"]) == (404, "file_not_found")
