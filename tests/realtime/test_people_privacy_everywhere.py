"""Nowhere does the server show what a person hides: every route that returns people, and every
socket event that carries one, seen by someone the person did not allow.

Hider and Hidden-Two hide their last seen and online status from everyone and their photo from
all but their contacts; Viewer is in neither's address book. The routes that return people are
found from the response schemas of `app.url_map`, so a route added later that returns people and
is not walked here fails `test_every_route_that_returns_people_is_walked`.
"""
import io
import time

import jwt
import pytest
import requests
from marshmallow import fields
from PIL import Image

from backend2.schemas.users import PublicUserSchema
from support.environment import TEST_JWT_SECRET
from support.people import bearer, next_phone
from support.sockets import SocketClient

pytestmark = pytest.mark.redis
HIDING = {"lastSeen": "nobody", "onlineStatus": "nobody", "profilePhoto": "contacts"}
OFFER = {"type": "offer", "sdp": "v=0"}


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (24, 24), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


class World:
    """Everyone, and every kind of thing that shows a person, made over HTTP and Socket.IO."""

    def __init__(self, server, connect):
        self.server, self.base = server, server.base
        self.viewer = server.register(name="Viewer", password="correct horse battery")
        self.hider, self.hidden_two = server.register(name="Hider"), server.register(name="Hidden Two")
        self.third, self.joiner, self.stranger, self.outsider = (
            server.register(name=n) for n in ("Third", "Joiner", "Stranger", "Outsider"))
        self.friend = server.register(name="Friend")  # in Hider's address book: may see the photo
        self.hiders = {self.hider.id, self.hidden_two.id}
        self.viewer_socket = connect(self.base, self.viewer.token)
        for hider in (self.hider, self.hidden_two):
            self.ok("post", "/users/me/avatar", hider, files={"file": ("me.png", png(), "image/png")})
            self.ok("patch", "/users/me/settings", hider, json=HIDING)
        self.ok("post", "/contacts/sync", self.hider, json={"phones": [self.friend.phone]})
        request_from_hider = self.ok("post", "/chat-requests", self.hider, json={"to": self.viewer.id})["id"]
        self.direct = self.ok("post", f"/chat-requests/{request_from_hider}/accept", self.viewer)["id"]
        self.request_to_accept = self.ok("post", "/chat-requests", self.hider, json={"to": self.joiner.id})["id"]
        self.request_to_reject = self.ok("post", "/chat-requests", self.stranger, json={"to": self.viewer.id})["id"]
        self.request_to_cancel = self.ok("post", "/chat-requests", self.viewer, json={"to": self.outsider.id})["id"]
        self.ok("post", f"/users/{self.hidden_two.id}/block", self.viewer)
        self.ok("post", "/contacts/sync", self.viewer, json={"phones": [self.hider.phone, self.third.phone]})
        self.group = self.ok("post", "/conversations", self.viewer, json={
            "type": "group", "name": "Walk", "participants": [self.hider.id, self.third.id]})["id"]
        self.invite = self.ok("post", f"/conversations/{self.group}/invite-link", self.viewer)["token"]
        self._hider_online_with_a_last_seen(connect)
        self.message = self.ok("post", "/messages", self.hider, json={"conversationId": self.direct,
                                                                      "text": "find me, walker"})["id"]
        self.ok("put", f"/messages/{self.message}/reactions", self.hider, json={"emoji": "👍"})
        self.ok("put", f"/messages/{self.message}/pin", self.hider)
        self.ok("put", f"/messages/{self.message}/star", self.viewer)
        self._hider_types_and_calls()

    def _hider_online_with_a_last_seen(self, connect):
        first = connect(self.base, self.hider.token)
        first.close()
        deadline = time.monotonic() + 10
        while not self.ok("get", "/users/me", self.hider)["lastSeen"]:
            assert time.monotonic() < deadline, "Hider's last seen was never saved"
            time.sleep(0.05)
        self.hider_socket = connect(self.base, self.hider.token)
        while not self.ok("get", "/users/me", self.hider)["online"]:
            assert time.monotonic() < deadline, "Hider never counted as online"
            time.sleep(0.05)

    def _hider_types_and_calls(self):
        self.hider_socket.call("typing", {"conversationId": self.direct})
        self.viewer_socket.wait_for("typing", lambda t: t["userId"] == self.hider.id)
        call = self.hider_socket.call("call:invite", {"to": self.viewer.id, "type": "audio", "offer": OFFER})
        self.viewer_socket.wait_for("call:invite", lambda i: i["callId"] == call["callId"])
        self.hider_socket.call("call:hangup", {"callId": call["callId"]})
        self.viewer_socket.wait_for("call:hangup", lambda h: h["callId"] == call["callId"])

    def call(self, method, path, who, **options):
        return requests.request(method, f"{self.base}{path}", headers=who.headers, timeout=10, **options)

    def ok(self, method, path, who, **options):
        response = self.call(method, path, who, **options)
        assert response.status_code in (200, 201), (method, path, response.status_code, response.text)
        return response.json()


def _legacy_upgrade(world):
    legacy = jwt.encode({"uid": world.viewer.id, "iat": int(time.time())}, TEST_JWT_SECRET, algorithm="HS256")
    return requests.post(f"{world.base}/auth/token/upgrade", headers=bearer(legacy), json={}, timeout=10)


def _otp_login(world):
    assert requests.post(f"{world.base}/auth/send-otp-login", json={"phone": world.viewer.phone}).status_code == 200
    return requests.post(f"{world.base}/auth/verify-otp-login", timeout=10, json={
        "phone": world.viewer.phone, "otp": world.server.webhook.code_for(world.viewer.phone, "login")})


def _otp_register(world):
    phone = next_phone()
    assert requests.post(f"{world.base}/auth/send-otp", json={"phone": phone}).status_code == 200
    return requests.post(f"{world.base}/auth/verify-otp-register", timeout=10, json={
        "phone": phone, "otp": world.server.webhook.code_for(phone, "register"), "name": "Newcomer"})


# Each route that returns people, called so that people the viewer may not fully see are in the answer.
PEOPLE_ROUTES = {
    ("POST", "/auth/verify-otp-register"): _otp_register,
    ("POST", "/auth/verify-otp-login"): _otp_login,
    ("POST", "/auth/login"): lambda w: requests.post(f"{w.base}/auth/login", timeout=10, json={
        "phone": w.viewer.phone, "password": "correct horse battery"}),
    ("POST", "/auth/token/upgrade"): _legacy_upgrade,
    ("GET", "/users"): lambda w: w.call("get", "/users", w.viewer, params={"q": "Hid"}),
    ("GET", "/users/me"): lambda w: w.call("get", "/users/me", w.viewer),
    ("GET", "/users/profile"): lambda w: w.call("get", "/users/profile", w.viewer),
    ("PATCH", "/users/me"): lambda w: w.call("patch", "/users/me", w.viewer, json={"about": "walking"}),
    ("POST", "/users/me/avatar"): lambda w: w.call("post", "/users/me/avatar", w.viewer,
                                                   files={"file": ("v.png", png(), "image/png")}),
    ("GET", "/users/<user_id>"): lambda w: w.call("get", f"/users/{w.hider.id}", w.viewer),
    ("GET", "/users/blocked"): lambda w: w.call("get", "/users/blocked", w.viewer),
    ("POST", "/contacts/sync"): lambda w: w.call("post", "/contacts/sync", w.viewer, json={
        "phones": [w.hider.phone, w.third.phone, w.joiner.phone]}),
    ("POST", "/contacts/start-chat"): lambda w: w.call("post", "/contacts/start-chat", w.viewer,
                                                       json={"userId": w.hider.id}),
    ("POST", "/conversations"): lambda w: w.call("post", "/conversations", w.viewer, json={
        "type": "group", "name": "Another", "participants": [w.hider.id]}),
    ("GET", "/conversations"): lambda w: w.call("get", "/conversations", w.viewer),
    ("GET", "/conversations/<conversation_id>"): lambda w: w.call("get", f"/conversations/{w.group}", w.viewer),
    ("PATCH", "/conversations/<conversation_id>"): lambda w: w.call("patch", f"/conversations/{w.group}", w.viewer,
                                                                    json={"name": "Walked"}),
    ("POST", "/conversations/<conversation_id>/members"): lambda w: w.call(
        "post", f"/conversations/{w.group}/members", w.viewer, json={"userIds": [w.third.id]}),
    ("POST", "/conversations/<conversation_id>/admins/<user_id>"): lambda w: w.call(
        "post", f"/conversations/{w.group}/admins/{w.third.id}", w.viewer),
    ("DELETE", "/conversations/<conversation_id>/admins/<user_id>"): lambda w: w.call(
        "delete", f"/conversations/{w.group}/admins/{w.third.id}", w.viewer),
    ("DELETE", "/conversations/<conversation_id>/members/<user_id>"): lambda w: w.call(
        "delete", f"/conversations/{w.group}/members/{w.third.id}", w.viewer),
    ("POST", "/invite/<token>/join"): lambda w: w.call("post", f"/invite/{w.invite}/join", w.joiner),
    ("POST", "/chat-requests"): lambda w: w.call("post", "/chat-requests", w.hidden_two,
                                                 json={"to": w.joiner.id}),
    ("GET", "/chat-requests"): lambda w: w.call("get", "/chat-requests", w.viewer, params={"status": "accepted"}),
    ("POST", "/chat-requests/<request_id>/reject"): lambda w: w.call(
        "post", f"/chat-requests/{w.request_to_reject}/reject", w.viewer),
    ("DELETE", "/chat-requests/<request_id>"): lambda w: w.call(
        "delete", f"/chat-requests/{w.request_to_cancel}", w.viewer),
    ("POST", "/chat-requests/<request_id>/accept"): lambda w: w.call(
        "post", f"/chat-requests/{w.request_to_accept}/accept", w.joiner),
    ("GET", "/calls"): lambda w: w.call("get", "/calls", w.viewer),
}
# Routes whose answers name people by id only (messages, reactions, pins, stars): walked all the same.
MESSAGE_ROUTES = {
    "history": lambda w: w.call("get", "/messages", w.viewer, params={"conversationId": w.direct}),
    "sync": lambda w: w.call("get", "/messages/sync", w.viewer),
    "search": lambda w: w.call("get", "/messages/search", w.viewer, params={"q": "walker"}),
    "pins": lambda w: w.call("get", f"/conversations/{w.direct}/pins", w.viewer),
    "starred": lambda w: w.call("get", "/messages/starred", w.viewer),
    "invite preview": lambda w: w.call("get", f"/invite/{w.invite}", w.stranger),
}


def carries_people(schema, seen=()):
    """True when a response schema has a person anywhere inside it."""
    schema = schema if isinstance(schema, type) else type(schema)
    if issubclass(schema, PublicUserSchema):
        return True
    for field in schema._declared_fields.values():
        inner = field.inner if isinstance(field, fields.List) else field
        nested = inner.nested if isinstance(inner, fields.Nested) else None
        if isinstance(nested, type) and nested not in seen and carries_people(nested, (*seen, schema)):
            return True
    return False


def routes_returning_people(app):
    found = set()
    for rule in app.url_map.iter_rules():
        spec = getattr(app.view_functions[rule.endpoint], "_spec", {})
        others = [value[0] if isinstance(value, tuple) else value for value in (spec.get("other_responses") or {}).values()]
        if any(schema is not None and not isinstance(schema, str) and carries_people(schema)
               for schema in [spec.get("response"), *others]):
            found |= {(method, rule.rule) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def hidden_shown(value, hider_ids, path="$"):
    """[(path, what)] wherever this JSON shows a hider's last seen, online status or photo."""
    leaks = []
    if isinstance(value, dict):
        if hider_ids & {value.get("id"), value.get("_id"), value.get("userId")}:
            leaks += [(path, key) for key in ("lastSeen", "avatar", "avatarUrl") if value.get(key)]
            if value.get("online") or value.get("status") == "online":
                leaks.append((path, "online"))
        for key, item in value.items():
            leaks += hidden_shown(item, hider_ids, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            leaks += hidden_shown(item, hider_ids, f"{path}[{index}]")
    return leaks


@pytest.fixture(scope="module")
def world(live_server):
    clients = []

    def connect(base, token):
        clients.append(SocketClient(base, token))
        return clients[-1]

    made = World(live_server, connect)
    yield made
    for client in clients:
        client.close()


def test_every_route_that_returns_people_is_walked(app):
    assert routes_returning_people(app) == set(PEOPLE_ROUTES)


def test_the_hider_has_all_of_it_and_shows_it_to_themselves_and_a_contact_their_photo(world):
    own = world.ok("get", "/users/me", world.hider)
    assert own["lastSeen"] and own["online"] is True and own["avatar"]
    assert world.ok("get", f"/users/{world.hider.id}", world.friend)["avatar"]
    assert hidden_shown(own, world.hiders) != []  # the walk below would see a leak


def test_no_route_shows_what_a_person_hides(world):
    """One walk in the table's order (some routes change what later ones answer)."""
    answers = {route: call(world) for route, call in [*PEOPLE_ROUTES.items(), *MESSAGE_ROUTES.items()]}
    assert {route: answer.status_code for route, answer in answers.items() if answer.status_code not in (200, 201)} == {}
    assert {route: leaks for route, answer in answers.items() if (leaks := hidden_shown(answer.json(), world.hiders))} == {}
    people_seen = {route for route, answer in answers.items() if world.hider.id in answer.text}
    assert len(people_seen) >= 15, people_seen  # the hider really is in the answers walked


def test_no_socket_event_shows_what_a_person_hides(world):
    asked = world.viewer_socket.call("presence", {"userIds": [world.hider.id, world.hidden_two.id]})
    assert hidden_shown(asked, world.hiders) == []
    world.hider_socket.call("typing-stopped", {"conversationId": world.direct})
    world.viewer_socket.wait_for("typing-stopped", lambda t: t["userId"] == world.hider.id)
    received = [name for name, _ in world.viewer_socket.events]
    assert {"typing", "call:invite", "message", "message_reaction", "message_pinned"} <= set(received), received
    invitation = world.viewer_socket.wait_for("call:invite")
    assert invitation["from"]["id"] == world.hider.id and invitation["from"]["name"] == "Hider"
    assert [(name, leak) for name, data in world.viewer_socket.events
            for leak in hidden_shown(data, world.hiders)] == []
