"""Injection and abuse: operator objects in every JSON field, Unicode at its edges, and code
guessing and flooding spread over two server processes."""
import json

import pytest
import requests

from support.people import next_phone, open_chat

pytestmark = pytest.mark.redis
OPERATORS = ({"$gt": ""}, {"$ne": None}, {"$where": "sleep(1000) || true"}, {"$regex": ".*"})
CLUSTER_SETTINGS = {"OTP_RESEND_SECONDS": 0, "OTP_MAX_ATTEMPTS": 5, "RATE_LIMIT_OTP_PER_PHONE": "6 per minute"}


def json_fields(client):
    """(method, path, field) for every field of every documented JSON request body."""
    spec = client.get("/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                schema = schemas[content["schema"]["$ref"].rsplit("/", 1)[1]]
                for field in schema.get("properties", {}):
                    yield method.upper(), path, field


def test_operator_objects_in_every_json_field_are_refused(client, person):
    me = person("Me")
    tried = 0
    for method, template, field in json_fields(client):
        path = template.replace("{", "").replace("}", "")  # any id: validation comes first
        for operator in OPERATORS:
            response = client.open(path, method=method, headers=me.headers, json={field: operator})
            assert response.status_code == 400, (method, template, field, response.get_json())
            assert response.get_json()["code"] in ("validation_error", "invalid_json"), (method, template, field)
            tried += 1
    assert tried > 150


def query_parameters(client):
    """(method, path, parameter) for every documented query parameter."""
    for path, operations in client.get("/openapi.json").get_json()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    yield method.upper(), path, parameter["name"]


OPERATOR_STRINGS = ('{"$ne": null}', '{"$gt": ""}', "$where", '{"$where": "sleep(1000) || true"}', ".*", "[$ne]")


def test_operators_in_every_query_parameter_are_refused_or_literal(client, person, chat, say):
    me, ada = person("Me"), person("Ada Lovelace")
    conversation_id = chat(me, ada)
    message_id = say(me, conversation_id, "keep me")["id"]
    tried = 0
    for method, template, name in query_parameters(client):
        path = template.replace("{message_id}", message_id)
        bracketed = client.open(f"{path}?{name}[$ne]=x", method=method, headers=me.headers)
        assert bracketed.status_code == 400, (method, template, name, bracketed.get_json())
        for value in OPERATOR_STRINGS:
            response = client.open(path, method=method, headers=me.headers, query_string={name: value})
            assert response.status_code in (200, 400), (method, template, name, value, response.get_json())
            tried += 1
    assert tried >= 16 * len(OPERATOR_STRINGS)
    history = client.get("/messages", headers=me.headers, query_string={"conversationId": conversation_id}).get_json()
    assert [m["text"] for m in history["messages"]] == ["keep me"]  # no DELETE went through
    # Text parameters are matched literally, not as patterns or operators.
    for value in OPERATOR_STRINGS:
        found = client.get("/users", headers=me.headers, query_string={"q": value}).get_json()["users"]
        assert found == [], value


UNICODE = ["\u202eevil.exe", "e\u0301\u0301", "🙂👩‍👩‍👧‍👦🏳️‍🌈", "\ufeffBOM", "zero\u200bwidth", "中文 عربى עברית",
           "a\u0000b", "\U0010fffd"]


def test_unicode_edge_cases_come_back_exactly(client, person, chat):
    me, ada = person("Me"), person("Ada")
    conversation_id = chat(me, ada)
    for text in UNICODE:
        sent = client.post("/messages", headers=me.headers, json={"conversationId": conversation_id, "text": text})
        assert sent.status_code == 201 and sent.get_json()["text"] == text, repr(text)
        renamed = client.patch("/users/me", headers=me.headers, json={"name": text})
        assert renamed.status_code == 200 and renamed.get_json()["name"] == text, repr(text)
    stored = client.get("/messages", headers=ada.headers, query_string={"conversationId": conversation_id}).get_json()
    assert sorted(m["text"] for m in stored["messages"]) == sorted(UNICODE)


INVISIBLE_NAMES = [" ", "\u200b\u200b", "\u200d\ufeff\u2060", "\u202e\u200f", "\u0301", "\u3000\t"]


def test_a_name_needs_a_visible_character(client, person, otp_inbox):
    me, ada, bob = person("Me"), person("Ada"), person("Bob")
    group = client.post("/conversations", headers=me.headers, json={"participants": [ada.id, bob.id], "name": "G"})
    phone = next_phone()
    client.post("/auth/send-otp", json={"phone": phone})
    for name in INVISIBLE_NAMES:
        registered = client.post("/auth/verify-otp-register", json={"phone": phone, "otp": otp_inbox(phone), "name": name})
        assert registered.status_code == 400 and "name" in registered.get_json()["details"], repr(name)
        renamed_me = client.patch("/users/me", headers=me.headers, json={"name": name})
        assert renamed_me.status_code == 400 and "name" in renamed_me.get_json()["details"], repr(name)
        created = client.post("/conversations", headers=me.headers, json={"participants": [ada.id, bob.id], "name": name})
        renamed = client.patch(f"/conversations/{group.get_json()['id']}", headers=me.headers, json={"name": name})
        for refused in (created, renamed):
            assert refused.status_code == 400 and "name" in refused.get_json()["details"], repr(name)
    for name in ("👩\u200d💻", "\u200bZoë\u200b", "\U0010fffd"):  # joiners inside, marks around, private use
        assert client.patch("/users/me", headers=me.headers, json={"name": name}).get_json()["name"] == name


@pytest.mark.parametrize("text", ["\ud800", "half a pair \udfff", {"nested": ["\ud83d"]}])
def test_broken_unicode_is_refused_not_stored(client, person, chat, text):
    """JSON can escape half of a UTF-16 pair; that is no text, and MongoDB cannot store it."""
    me, ada = person("Me"), person("Ada")
    body = json.dumps({"conversationId": chat(me, ada), "text": text})
    response = client.post("/messages", headers=me.headers, data=body, content_type="application/json")
    assert response.status_code == 400 and "text" in response.get_json()["details"]
    renamed = client.patch("/users/me", headers=me.headers, data=json.dumps({"name": text}),
                           content_type="application/json")
    assert renamed.status_code == 400


def test_broken_unicode_over_the_socket_gets_an_error_ack(live_server, connect):
    me, ada = live_server.register(name="Me"), live_server.register(name="Ada")
    conversation_id = open_chat(live_server.base, me, ada)
    device = connect(live_server.base, me.token)
    ack = device.call("message", {"conversationId": conversation_id, "text": "\ud800"})
    assert ack["error"]["code"] == "validation_error" and device.sio.connected


def test_guessing_a_code_is_locked_across_processes(cluster):
    """Wrong tries are counted in the shared database, whichever process receives them."""
    a, b = cluster.servers
    phone = next_phone()
    assert requests.post(f"{a.base}/auth/send-otp", json={"phone": phone}).status_code == 200
    code = a.webhook.code_for(phone, "register")
    wrong = "000000" if code != "000000" else "111111"
    for number in range(5):  # OTP_MAX_ATTEMPTS, alternating processes
        server = (a, b)[number % 2]
        response = requests.post(f"{server.base}/auth/verify-otp-register",
                                 json={"phone": phone, "otp": wrong, "name": "Guesser"})
        assert response.json()["code"] == "otp_invalid"
    for server in (a, b):
        locked = requests.post(f"{server.base}/auth/verify-otp-register", json={"phone": phone, "otp": code,
                                                                                "name": "Guesser"})
        assert (locked.status_code, locked.json()["code"]) == (429, "otp_locked")


def test_code_flooding_is_limited_across_processes(cluster):
    """RATE_LIMIT_OTP_PER_PHONE is counted in Redis: six sends in a minute, over both processes."""
    a, b = cluster.servers
    phone = next_phone()
    answers = [requests.post(f"{(a, b)[number % 2].base}/auth/send-otp", json={"phone": phone}).status_code
               for number in range(8)]
    assert answers[:6] == [200] * 6 and answers[6:] == [429, 429]
