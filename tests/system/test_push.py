"""Push notifications from a real deployment (a server process and a worker process on one
database and Redis) to stand-ins of FCM and APNs on 127.0.0.1 (tests/support/push_providers.py):
who gets a push and when, what it looks like on the wire, muting, previews, badges, calls, dead
tokens, provider outages, and signing out."""
import io
import json
import time
import uuid
import zipfile

import pytest
import requests

from support.legacy_world import png
from support.people import Person, open_chat
from support.push_providers import ApnsStandIn
from support.servers import Cluster

pytestmark = pytest.mark.redis
PASSWORD = "push-test-password"
OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}
QUIET_SECONDS = 1.0  # how long a push that must not come is waited for, after a later one came
PUSH_SETTINGS = {"CALL_TIMEOUT_SECONDS": 4, "DEADLINE_TICK_SECONDS": 0.1, "PUSH_TIMEOUT_MS": 2000,
                 "EXPORT_INLINE_MAX_BYTES": 100}  # an account with a photo is exported by the worker


@pytest.fixture(scope="module")
def server(fcm, apns, module_webhook):
    deployment = Cluster(module_webhook, servers=1, workers=1, **fcm.settings(), **apns.settings(), **PUSH_SETTINGS)
    yield deployment.servers[0]
    deployment.close()
    log = deployment.logs()
    assert "Traceback" not in log, log[log.find("Traceback") - 500:][:4000]


@pytest.fixture
def pair(server, push_providers):
    """Me and Ada (both with a password), who chat; the stand-ins fresh."""
    me, ada = (server.register(name=name, password=PASSWORD) for name in ("Me", "Ada"))
    return me, ada, open_chat(server.base, me, ada)


def sign_in(server, person, platform="flutter"):
    """Another device of `person`: a new session."""
    response = requests.post(f"{server.base}/auth/login", json={"phone": person.phone, "password": PASSWORD,
                                                                "platform": platform, "deviceName": "phone"})
    assert response.status_code == 200, response.text
    return Person(response.json())


def fcm_token():
    return f"fcm-{uuid.uuid4().hex}"


def apns_token():
    return uuid.uuid4().hex * 2


def register_push(server, device, **body):
    response = requests.put(f"{server.base}/auth/sessions/current/push", json=body, headers=device.headers)
    assert response.status_code == 200, response.text
    return response.json()


def say(server, who, conversation_id, text="hello"):
    response = requests.post(f"{server.base}/messages", headers=who.headers,
                             json={"conversationId": conversation_id, "text": text})
    assert response.status_code == 201, response.text
    return response.json()


def jobs_done(server):
    return requests.get(f"{server.base}/health").json()["jobs"]["outcomes"]["done"]


def wait_for_jobs(server, done, timeout=10):
    """Until the workers have run `done` jobs in all: the rules of a push are applied when it is planned."""
    deadline = time.monotonic() + timeout
    while jobs_done(server) < done:
        assert time.monotonic() < deadline, "the worker did not run the job"
        time.sleep(0.05)


def fcm_to(token, kind=None):
    return lambda push: push["token"] == token and (kind is None or push["data"]["type"] == kind)


def apns_to(token, kind=None):
    return lambda push: push["token"] == token and (kind is None or push["payload"]["type"] == kind)


def phone_with_fcm(server, person):
    device, token = sign_in(server, person), fcm_token()
    register_push(server, device, fcmToken=token)
    return device, token


def test_an_offline_device_gets_each_message_with_the_badge_and_a_connected_one_does_not(server, fcm, connect, pair):
    me, ada, chat = pair
    _, phone_token = phone_with_fcm(server, ada)
    desktop_token = fcm_token()
    register_push(server, ada, provider="fcm", token=desktop_token)
    connect(server.base, ada.token)
    # The badge is the unread count when the worker plans the push: one message at a time.
    first = say(server, me, chat, "first words")
    fcm.wait_for(fcm_to(phone_token))
    second = say(server, me, chat, "second words")

    pushes = fcm.wait_for(fcm_to(phone_token), count=2)
    by_message = {push["data"]["messageId"]: push["message"] for push in pushes}
    assert set(by_message) == {first["id"], second["id"]}
    message = by_message[second["id"]]
    assert message["notification"] == {"title": "Me", "body": "second words"}
    assert message["data"] == {"type": "message", "conversationId": chat, "messageId": second["id"],
                               "senderId": me.id, "badge": "2"}
    assert message["android"]["priority"] == "high" and message["android"]["collapse_key"] == second["id"]
    assert message["android"]["notification"] == {"tag": second["id"], "notification_count": 2}
    assert message["apns"]["payload"]["aps"]["badge"] == 2
    assert by_message[first["id"]]["data"]["badge"] == "1"
    time.sleep(QUIET_SECONDS)
    assert fcm.matching(fcm_to(desktop_token)) == []
    assert len(fcm.matching(fcm_to(phone_token))) == 2  # each once


def test_apns_gets_an_alert_over_http2_with_the_provider_token_topic_and_collapse_id(server, apns, pair):
    me, ada, chat = pair
    iphone, token = sign_in(server, ada), apns_token()
    assert register_push(server, iphone, provider="apns", deviceToken=token)["active"] is True
    sent = say(server, me, chat, "over http/2")

    push = apns.wait_for(apns_to(token))[0]
    headers, payload = push["headers"], push["payload"]
    assert headers["apns-topic"] == ApnsStandIn.TOPIC and headers["apns-push-type"] == "alert"
    assert headers["apns-priority"] == "10" and headers["apns-collapse-id"] == sent["id"]
    assert abs(int(headers["apns-expiration"]) - (time.time() + 3600)) < 60
    assert payload["aps"]["alert"] == {"title": "Me", "body": "over http/2"}
    assert payload["aps"]["badge"] == 1 and payload["aps"]["thread-id"] == chat
    assert payload["messageId"] == sent["id"] and payload["conversationId"] == chat


def test_previews_off_says_only_new_message(server, fcm, pair):
    me, ada, chat = pair
    _, token = phone_with_fcm(server, ada)
    response = requests.patch(f"{server.base}/users/me", json={"pushPreviews": False}, headers=ada.headers)
    assert response.status_code == 200 and response.json()["pushPreviews"] is False
    say(server, me, chat, "a secret")

    message = fcm.wait_for(fcm_to(token))[0]["message"]
    assert message["notification"] == {"title": "", "body": "New message"}
    assert "a secret" not in str(message) and "Me" not in str(message["notification"])


def test_a_muted_chat_pushes_nothing_but_counts_in_the_badge(server, fcm, pair):
    me, ada, chat = pair
    _, token = phone_with_fcm(server, ada)
    response = requests.patch(f"{server.base}/conversations/{chat}/settings", json={"mutedUntil": "forever"},
                              headers=ada.headers)
    assert response.status_code == 200, response.text
    assert response.json()["muted"] is True and response.json()["mutedUntil"] == "9999-12-31T23:59:59.999Z"
    done = jobs_done(server)
    muted = say(server, me, chat, "while muted")
    wait_for_jobs(server, done + 1)  # the worker planned it (and found the chat muted)
    conversation = requests.get(f"{server.base}/conversations/{chat}", headers=ada.headers).json()
    assert conversation["muted"] is True
    assert requests.patch(f"{server.base}/conversations/{chat}/settings", json={"mutedUntil": None},
                          headers=ada.headers).json()["muted"] is False
    after = say(server, me, chat, "unmuted")

    pushes = fcm.wait_for(fcm_to(token))
    assert [p["data"]["messageId"] for p in pushes] == [after["id"]]
    assert pushes[0]["data"]["badge"] == "2"  # the muted message still counts
    time.sleep(QUIET_SECONDS)
    assert fcm.matching(lambda p: p["data"].get("messageId") == muted["id"]) == []


def test_reading_on_one_device_sends_the_new_badge_silently_to_the_others(server, fcm, connect, pair):
    me, ada, chat = pair
    _, token = phone_with_fcm(server, ada)
    desktop = connect(server.base, ada.token)
    sent = say(server, me, chat, "read me")
    fcm.wait_for(fcm_to(token, "message"))
    desktop.call("read_up_to", {"conversationId": chat, "upTo": sent["id"]})

    message = fcm.wait_for(fcm_to(token, "badge"))[0]["message"]
    assert message["data"] == {"type": "badge", "conversationId": chat, "badge": "0"}
    assert "notification" not in message and message["android"]["priority"] == "normal"
    assert message["apns"]["payload"]["aps"] == {"badge": 0, "content-available": 1}


def test_an_edit_replaces_the_notification_and_a_deletion_withdraws_it(server, fcm, apns, pair):
    me, ada, chat = pair
    _, token = phone_with_fcm(server, ada)
    iphone, iphone_token = sign_in(server, ada), apns_token()
    register_push(server, iphone, provider="apns", token=iphone_token)
    sent = say(server, me, chat, "tpyo")
    fcm.wait_for(fcm_to(token, "message"))
    apns.wait_for(apns_to(iphone_token, "message"))
    assert requests.patch(f"{server.base}/messages/{sent['id']}", json={"text": "typo"},
                          headers=me.headers).status_code == 200

    update = fcm.wait_for(fcm_to(token, "message_update"))[0]["message"]
    assert update["notification"]["body"] == "typo" and update["android"]["collapse_key"] == sent["id"]
    apns_update = apns.wait_for(apns_to(iphone_token, "message_update"))[0]
    assert apns_update["headers"]["apns-collapse-id"] == sent["id"]
    assert apns_update["payload"]["aps"]["alert"]["body"] == "typo"
    assert requests.delete(f"{server.base}/messages/{sent['id']}", headers=me.headers).status_code == 200

    withdrawn = fcm.wait_for(fcm_to(token, "message_withdrawn"))[0]["message"]
    assert "notification" not in withdrawn and withdrawn["data"]["messageId"] == sent["id"]
    assert withdrawn["data"]["badge"] == "0"
    apns_withdrawn = apns.wait_for(apns_to(iphone_token, "message_withdrawn"))[0]
    assert apns_withdrawn["headers"]["apns-collapse-id"] == sent["id"]
    assert apns_withdrawn["payload"]["aps"]["alert"]["body"] == "This message was deleted"


def invite(device, callee, kind="audio"):
    return device.call("call:invite", {"to": callee.id, "type": kind, "offer": OFFER})["callId"]


def ringing_devices(server, ada):
    """Ada's Android phone (FCM) and iPhone (APNs with a VoIP token), both asleep."""
    _, android = phone_with_fcm(server, ada)
    iphone, iphone_token, voip_token = sign_in(server, ada), apns_token(), apns_token()
    register_push(server, iphone, provider="apns", token=iphone_token, voipToken=voip_token)
    return android, voip_token


def test_a_call_rings_sleeping_phones_until_the_caller_hangs_up(server, fcm, apns, connect, pair):
    me, ada, chat = pair
    android, voip_token = ringing_devices(server, ada)
    caller = connect(server.base, me.token)
    call_id = invite(caller, ada, "video")

    ring = fcm.wait_for(fcm_to(android, "call"))[0]["message"]
    assert ring["data"]["callId"] == call_id and ring["data"]["callerName"] == "Me"
    assert ring["data"]["callType"] == "video" and ring["data"]["conversationId"] == chat
    assert ring["android"]["priority"] == "high" and int(ring["android"]["ttl"].rstrip("s")) <= 4
    assert "notification" not in ring
    voip = apns.wait_for(apns_to(voip_token, "call"))[0]
    assert voip["headers"]["apns-topic"] == f"{ApnsStandIn.TOPIC}.voip"
    assert voip["headers"]["apns-push-type"] == "voip" and voip["headers"]["apns-priority"] == "10"
    assert 0 <= int(voip["headers"]["apns-expiration"]) - time.time() <= 5
    assert voip["payload"]["callId"] == call_id and voip["payload"]["expiresAt"].endswith("Z")
    caller.call("call:hangup", {"callId": call_id})

    stop = fcm.wait_for(fcm_to(android, "call_ended"))[0]["message"]
    assert stop["data"] == {"type": "call_ended", "callId": call_id, "reason": "cancelled"}
    stop_voip = apns.wait_for(apns_to(voip_token, "call_ended"))[0]
    assert stop_voip["headers"]["apns-push-type"] == "voip" and stop_voip["payload"]["reason"] == "cancelled"


def test_a_call_not_answered_in_time_stops_ringing_with_timeout(server, fcm, connect, pair):
    me, ada, _ = pair
    android, _ = ringing_devices(server, ada)
    call_id = invite(connect(server.base, me.token), ada)
    fcm.wait_for(fcm_to(android, "call"))
    stop = fcm.wait_for(fcm_to(android, "call_ended"), timeout=10)[0]["message"]
    assert stop["data"]["callId"] == call_id and stop["data"]["reason"] == "timeout"


def test_a_call_answered_on_another_device_stops_the_phones_ringing(server, fcm, apns, connect, pair):
    me, ada, _ = pair
    android, voip_token = ringing_devices(server, ada)
    desktop = connect(server.base, ada.token)
    call_id = invite(connect(server.base, me.token), ada)
    desktop.wait_for("call:invite")
    fcm.wait_for(fcm_to(android, "call"))
    desktop.call("call:answer", {"callId": call_id, "answer": {"type": "answer", "sdp": "v=0\r\n"}})

    stop = fcm.wait_for(fcm_to(android, "call_ended"))[0]["message"]
    assert stop["data"]["reason"] == "answered_elsewhere"
    assert apns.wait_for(apns_to(voip_token, "call_ended"))[0]["payload"]["reason"] == "answered_elsewhere"


def test_a_phone_woken_by_the_push_connects_and_answers_the_call(server, fcm, connect, pair):
    me, ada, _ = pair
    phone, token = phone_with_fcm(server, ada)
    caller = connect(server.base, me.token)
    call_id = invite(caller, ada)
    assert fcm.wait_for(fcm_to(token, "call"))[0]["data"]["callId"] == call_id

    woken = connect(server.base, phone.token)
    assert woken.wait_for("call:invite")["offer"] == OFFER
    assert woken.call("call:answer", {"callId": call_id, "answer": {"type": "answer", "sdp": "v=0\r\n"}})["ok"]
    assert caller.wait_for("call:answer")["callId"] == call_id
    time.sleep(QUIET_SECONDS)
    assert fcm.matching(fcm_to(token, "call_ended")) == []  # the answering phone is not told to stop


def current_session(server, device):
    sessions = requests.get(f"{server.base}/auth/sessions", headers=device.headers).json()["sessions"]
    return next(s for s in sessions if s["current"])


def test_tokens_the_providers_call_dead_are_removed_at_once(server, fcm, apns, pair):
    me, ada, chat = pair
    android, android_token = phone_with_fcm(server, ada)
    iphone, iphone_token = sign_in(server, ada), apns_token()
    register_push(server, iphone, provider="apns", token=iphone_token)
    assert current_session(server, android)["pushProvider"] == "fcm"
    fcm.dead_tokens.add(android_token)
    apns.dead_tokens.add(iphone_token)
    before = requests.get(f"{server.base}/health").json()["push"]["droppedTokens"]
    say(server, me, chat)

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (current_session(server, android)["pushProvider"]
                                           or current_session(server, iphone)["pushProvider"]):
        time.sleep(0.1)
    assert current_session(server, android)["pushProvider"] is None
    assert current_session(server, iphone)["pushProvider"] is None
    assert requests.get(f"{server.base}/health").json()["push"]["droppedTokens"] >= before + 2


def test_a_provider_outage_delays_pushes_without_losing_or_repeating_any(server, fcm, pair):
    me, ada, chat = pair
    _, token = phone_with_fcm(server, ada)
    fcm.down_for(2.5)
    sent = [say(server, me, chat, f"during the outage {n}")["id"] for n in range(3)]

    pushes = fcm.wait_for(fcm_to(token), count=3, timeout=20)
    assert sorted(p["data"]["messageId"] for p in pushes) == sorted(sent)
    assert fcm.refused >= 1
    time.sleep(QUIET_SECONDS)
    assert len(fcm.matching(fcm_to(token))) == 3
    health = requests.get(f"{server.base}/health").json()["push"]
    assert health["enabled"] is True and health["providers"] == ["apns", "fcm"] and health["retried"] >= 1


def test_signing_a_device_out_stops_its_pushes(server, fcm, pair):
    me, ada, chat = pair
    logged_out, logged_out_token = phone_with_fcm(server, ada)
    ended, ended_token = phone_with_fcm(server, ada)
    _, kept_token = phone_with_fcm(server, ada)
    assert requests.post(f"{server.base}/auth/logout", headers=logged_out.headers).status_code == 200
    assert requests.delete(f"{server.base}/auth/sessions/{current_session(server, ended)['id']}",
                           headers=ada.headers).status_code == 200
    say(server, me, chat)

    fcm.wait_for(fcm_to(kept_token))
    time.sleep(QUIET_SECONDS)
    assert fcm.matching(fcm_to(logged_out_token)) == fcm.matching(fcm_to(ended_token)) == []


def test_a_password_change_stops_the_other_devices_pushes(server, fcm, pair):
    me, ada, chat = pair
    _, token = phone_with_fcm(server, ada)
    response = requests.patch(f"{server.base}/users/me", headers=ada.headers,
                              json={"password": "a-brand-new-password", "currentPassword": PASSWORD})
    assert response.status_code == 200, response.text
    desktop_token = fcm_token()
    register_push(server, ada, fcmToken=desktop_token)
    say(server, me, chat)

    fcm.wait_for(fcm_to(desktop_token))
    time.sleep(QUIET_SECONDS)
    assert fcm.matching(fcm_to(token)) == []


def climbers(server, me, ada):
    """A group of me, Ada and Bo (a contact of mine): (group id, Bo)."""
    bo = server.register(name="Bo")
    open_chat(server.base, me, bo)
    response = requests.post(f"{server.base}/conversations", headers=me.headers,
                             json={"type": "group", "name": "Climbers", "members": [ada.id, bo.id]})
    assert response.status_code == 201, response.text
    return response.json()["id"], bo


def test_a_group_message_is_titled_with_the_group_and_names_the_sender(server, fcm, pair):
    me, ada, _ = pair
    group_id, _ = climbers(server, me, ada)
    _, token = phone_with_fcm(server, ada)
    say(server, me, group_id, "rope at six")

    message = fcm.wait_for(fcm_to(token))[0]["message"]
    assert message["notification"] == {"title": "Climbers", "body": "Me: rope at six"}
    assert message["data"]["conversationId"] == group_id


def test_a_group_message_from_someone_the_recipient_blocked_is_not_pushed(server, fcm, pair):
    me, ada, _ = pair
    group_id, bo = climbers(server, me, ada)
    _, token = phone_with_fcm(server, ada)
    assert requests.post(f"{server.base}/users/{bo.id}/block", headers=ada.headers).status_code in (200, 201)
    blocked = say(server, bo, group_id, "from Bo")
    after = say(server, me, group_id, "from Me")

    assert [p["data"]["messageId"] for p in fcm.wait_for(fcm_to(token))] == [after["id"]]
    time.sleep(QUIET_SECONDS)
    assert fcm.matching(lambda p: p["data"].get("messageId") == blocked["id"]) == []


def test_a_mention_pushes_through_a_muted_group_unless_the_user_turned_that_off(server, fcm, pair):
    me, ada, _ = pair
    group_id, bo = climbers(server, me, ada)
    _, token = phone_with_fcm(server, ada)
    requests.patch(f"{server.base}/conversations/{group_id}/settings", json={"mutedUntil": "forever"},
                   headers=ada.headers)

    def mention(text, **extra):
        response = requests.post(f"{server.base}/messages", headers=me.headers,
                                 json={"conversationId": group_id, "text": text, **extra})
        assert response.status_code == 201, response.text
        return response.json()

    plain = mention("for everyone")
    mentioned = mention("@Ada for you", mentions=[ada.id])
    assert [p["data"]["messageId"] for p in fcm.wait_for(fcm_to(token))] == [mentioned["id"]]
    assert requests.patch(f"{server.base}/users/me", json={"mentionsBypassMute": False},
                          headers=ada.headers).json()["mentionsBypassMute"] is False
    quiet = mention("@Ada again", mentions=[ada.id])
    time.sleep(QUIET_SECONDS)
    assert fcm.matching(lambda p: p["data"].get("messageId") in (plain["id"], quiet["id"])) == []


def test_push_include_content_false_hides_every_preview(fcm, push_providers, module_webhook):
    # A deployment of its own: its jobs and deadlines are not the other deployment's to run.
    deployment = Cluster(module_webhook, servers=1, workers=1, flush=False, PUSH_INCLUDE_CONTENT="false",
                         REDIS_NAMESPACE="private", **fcm.settings(), **PUSH_SETTINGS)
    private = deployment.servers[0]
    try:
        me, ada = (private.register(name=name, password=PASSWORD) for name in ("Me", "Ada"))
        chat = open_chat(private.base, me, ada)
        _, token = phone_with_fcm(private, ada)
        say(private, me, chat, "the door code is 4711")
        message = fcm.wait_for(fcm_to(token))[0]["message"]
    finally:
        deployment.close()
    assert message["notification"] == {"title": "", "body": "New message"}
    assert "4711" not in str(message)


def test_a_large_export_is_built_by_the_worker_once_and_announced_by_socket_and_push(server, fcm, connect, pair):
    me, _, _ = pair
    _, token = phone_with_fcm(server, me)
    desktop = connect(server.base, me.token)
    photo = requests.post(f"{server.base}/uploads", headers=me.headers,
                          files={"file": ("photo.png", png(color=(200, 10, 10)), "image/png")})
    assert photo.status_code == 201, photo.text
    started = requests.get(f"{server.base}/users/me/export", headers=me.headers)
    assert started.status_code == 202 and started.json()["status"] == "pending"
    job_id = started.json()["jobId"]

    ready = desktop.wait_for("export_ready", timeout=20)
    assert ready["jobId"] == job_id and ready["status"] == "ready" and "sig=" in ready["url"]
    push = fcm.wait_for(lambda p: p["token"] == token and p["data"]["type"] == "export_ready")[0]
    assert push["data"]["jobId"] == job_id and push["message"]["notification"]["title"] == "Your data is ready"
    state = requests.get(f"{server.base}/users/me/export/{job_id}", headers=me.headers).json()
    assert state["status"] == "ready"
    link = state["url"] if state["url"].startswith("http") else server.base + state["url"]  # PUBLIC_URL unset here
    assert "exp=" in link
    archive = zipfile.ZipFile(io.BytesIO(requests.get(link).content))  # signed and expiring: no header needed
    data = json.loads(archive.read("backend2-export.json"))
    assert data["profile"]["id"] == me.id and len(data["files"]) == 1
    assert f"files/{data['files'][0]['storedName']}" in archive.namelist()
