"""Users as the apps make them: registering over HTTP, bearer headers, chats between two."""
import itertools

import requests

_phone_numbers = itertools.count(1)


def next_phone():
    """A fresh valid US number for each call."""
    return f"+1415555{next(_phone_numbers):04d}"


def register_on(client, otp_inbox, phone=None, name="Test User", **fields):
    """Registers a user through send-otp and verify-otp-register; returns the 201 body."""
    phone = phone or next_phone()
    sent = client.post("/auth/send-otp", json={"phone": phone})
    assert sent.status_code == 200, sent.get_json()
    body = {"phone": phone, "otp": otp_inbox(phone, "register"), "name": name, **fields}
    response = client.post("/auth/verify-otp-register", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


class Person:
    """A registered user as a client sees them: id, phone, token and auth headers."""

    def __init__(self, body):
        self.body = body
        self.user = body["user"]
        self.id = body["user"]["id"]
        self.phone = body["user"]["phone"]
        self.name = body["user"]["name"]
        self.token = body["token"]
        self.headers = bearer(body["token"])


def open_chat(base, first, second):
    """A direct conversation between two users of the server at `base` (who become contacts)."""
    requests.post(f"{base}/contacts/sync", headers=first.headers, json={"phones": [second.phone]})
    response = requests.post(f"{base}/conversations", headers=first.headers, json={"participants": [second.id]})
    assert response.status_code in (200, 201), response.text
    return response.json()["id"]


class AppWorld:
    """People, chats and messages on one test client: for tests that need their own settings."""

    def __init__(self, client, otp_inbox):
        self.client, self.otp_inbox = client, otp_inbox

    def person(self, name="Someone"):
        return Person(register_on(self.client, self.otp_inbox, name=name))

    def chat(self, first, second):
        self.client.post("/contacts/sync", headers=first.headers, json={"phones": [second.phone]})
        response = self.client.post("/conversations", headers=first.headers, json={"participants": [second.id]})
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()["id"]

    def say(self, who, conversation_id, text="hello", **fields):
        response = self.client.post("/messages", headers=who.headers,
                                    json={"conversationId": conversation_id, "text": text, **fields})
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()
