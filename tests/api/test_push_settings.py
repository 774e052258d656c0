"""What the apps set for push: a device's registration, muting a chat, the account's push
preferences. (What is then pushed, to providers' stand-ins, is tests/system/test_push.py.)"""
import time

import jwt
import pytest

from support.environment import TEST_JWT_SECRET
from support.people import Person, bearer

FCM_TOKEN = "fcm-token-0123456789abcdef:APA91b-xyz_1"
APNS_TOKEN = "ab" * 32


def push_provider(client, device):
    sessions = client.get("/auth/sessions", headers=device.headers).get_json()["sessions"]
    return next(s for s in sessions if s["current"])["pushProvider"]


def second_device(client, otp_inbox, person):
    """Another session of `person`, signed in with a one-time code."""
    assert client.post("/auth/send-otp-login", json={"phone": person.phone}).status_code == 200
    response = client.post("/auth/verify-otp-login", json={"phone": person.phone,
                                                           "otp": otp_inbox(person.phone, "login")})
    assert response.status_code == 200, response.get_json()
    return Person(response.get_json())


def test_a_device_registers_with_either_apps_field_names_and_sees_it_in_its_sessions(client, person):
    me = person("Me")
    response = client.put("/auth/sessions/current/push", headers=me.headers, json={"fcmToken": FCM_TOKEN})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["provider"], body["token"], body["active"]) == ("fcm", FCM_TOKEN, False)  # push is off here
    assert body["registeredAt"].endswith("Z")
    assert push_provider(client, me) == "fcm"
    response = client.put("/auth/sessions/current/push", headers=me.headers,
                          json={"provider": "apns", "deviceToken": APNS_TOKEN, "voipToken": "cd" * 32,
                                "appId": "com.example.chat", "locale": "en-GB"})
    assert response.get_json()["voipToken"] == "cd" * 32 and push_provider(client, me) == "apns"
    assert client.delete("/auth/sessions/current/push", headers=me.headers).status_code == 200
    assert push_provider(client, me) is None


def test_a_token_registered_again_leaves_the_session_that_had_it(client, person, otp_inbox):
    me = person("Me")
    client.put("/auth/sessions/current/push", headers=me.headers, json={"provider": "fcm", "token": FCM_TOKEN})
    again = second_device(client, otp_inbox, me)
    client.put("/auth/sessions/current/push", headers=again.headers, json={"pushToken": FCM_TOKEN, "provider": "fcm"})
    assert push_provider(client, me) is None and push_provider(client, again) == "fcm"


@pytest.mark.parametrize("body, field", [
    ({"token": FCM_TOKEN}, "provider"),
    ({"provider": "gcm", "token": FCM_TOKEN}, "provider"),
    ({"provider": "fcm"}, "token"),
    ({"provider": "fcm", "token": "has spaces in it"}, "token"),
    ({"provider": "apns", "token": "not-hex-" * 8}, "token"),
    ({"provider": "apns", "token": APNS_TOKEN, "voipToken": "zz" * 32}, "voipToken"),
    ({"provider": "fcm", "token": FCM_TOKEN, "badge": 3}, "badge"),
    ({"fcmToken": FCM_TOKEN, "token": "another-token-123"}, "fcmToken"),
])
def test_bad_registrations_are_400_naming_the_field(client, person, body, field):
    response = client.put("/auth/sessions/current/push", headers=person("Me").headers, json=body)
    assert response.status_code == 400 and response.get_json()["code"] == "validation_error"
    assert field in response.get_json()["details"]


def test_an_express_token_registers_on_its_legacy_app_session(client, person):
    me = person("Me")
    legacy = bearer(jwt.encode({"uid": me.id, "iat": int(time.time())}, TEST_JWT_SECRET, algorithm="HS256"))
    response = client.put("/auth/sessions/current/push", headers=legacy, json={"fcmToken": FCM_TOKEN})
    assert response.status_code == 200, response.get_json()
    listed = client.get("/auth/sessions", headers=me.headers).get_json()["sessions"]
    assert [(s["deviceName"], s["legacy"], s["pushProvider"]) for s in listed if s["legacy"]] == [
        ("legacy app", True, "fcm")]


def test_muting_takes_a_time_forever_or_null_and_shows_in_the_conversation(client, person, chat):
    me, ada = person("Me"), person("Ada")
    conversation_id = chat(me, ada)

    def mute(value):
        response = client.patch(f"/conversations/{conversation_id}/settings", headers=me.headers,
                                json={"mutedUntil": value})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    assert mute("2999-01-02T03:04:05Z").items() >= {"conversationId": conversation_id, "muted": True,
                                                    "mutedUntil": "2999-01-02T03:04:05.000Z"}.items()
    assert mute("2001-01-01T00:00:00+02:00").items() >= {"conversationId": conversation_id, "muted": False,
                                                         "mutedUntil": "2000-12-31T22:00:00.000Z"}.items()
    assert mute("forever")["mutedUntil"] == "9999-12-31T23:59:59.999Z"
    mine = client.get(f"/conversations/{conversation_id}", headers=me.headers).get_json()
    theirs = client.get(f"/conversations/{conversation_id}", headers=ada.headers).get_json()
    assert (mine["muted"], theirs["muted"], theirs["mutedUntil"]) == (True, False, None)
    assert mute(None).items() >= {"conversationId": conversation_id, "muted": False, "mutedUntil": None}.items()


@pytest.mark.parametrize("body", [{"mutedUntil": "tomorrow"}, {"mutedUntil": 8}, {"muted": True}])
def test_bad_settings_are_400(client, person, chat, body):
    me = person("Me")
    conversation_id = chat(me, person("Ada"))
    response = client.patch(f"/conversations/{conversation_id}/settings", headers=me.headers, json=body)
    assert response.status_code == 400 and response.get_json()["code"] == "validation_error"


def test_only_participants_have_settings(client, person, chat):
    conversation_id = chat(person("Me"), person("Ada"))
    response = client.patch(f"/conversations/{conversation_id}/settings", headers=person("Bo").headers,
                            json={"mutedUntil": "forever"})
    assert response.status_code == 404 and response.get_json()["code"] == "conversation_not_found"


def test_push_preferences_are_the_accounts_own_and_strictly_boolean(client, person):
    me = person("Me")
    profile = client.get("/users/me", headers=me.headers).get_json()
    assert (profile["pushPreviews"], profile["badgeIncludesMuted"]) == (True, True)
    changed = client.patch("/users/me", headers=me.headers, json={"pushPreviews": False, "badgeIncludesMuted": False})
    assert (changed.get_json()["pushPreviews"], changed.get_json()["badgeIncludesMuted"]) == (False, False)
    refused = client.patch("/users/me", headers=me.headers, json={"pushPreviews": "no"})
    assert refused.status_code == 400 and "pushPreviews" in refused.get_json()["details"]


def test_a_time_an_offset_takes_out_of_range_is_a_400_not_a_500(client, person, chat):
    me = person("Me")
    conversation_id = chat(me, person("Ada"))
    for value in ("0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"):
        response = client.patch(f"/conversations/{conversation_id}/settings", headers=me.headers,
                                json={"mutedUntil": value})
        assert response.status_code == 400, value
        response = client.post(f"/conversations/{conversation_id}/read", headers=me.headers, json={"upTo": value})
        assert response.status_code == 400, value
