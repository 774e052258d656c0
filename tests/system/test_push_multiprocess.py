"""Pushes from two server processes sharing Redis: each push is sent once, whichever process
queued it, and pushes queued by a process that dies are sent by the other."""
import time

import pytest
import requests

from support.people import Person, open_chat
from support.servers import Cluster

pytestmark = pytest.mark.redis
PASSWORD = "push-test-password"


@pytest.fixture(scope="module")
def cluster(fcm, apns, module_webhook):
    running = Cluster(module_webhook, **fcm.settings(), **apns.settings(), PUSH_POLL_SECONDS=0.1, PUSH_TIMEOUT_MS=2000)
    yield running
    running.close()


@pytest.fixture
def chat_with_a_sleeping_phone(cluster, push_providers):
    """(me, the conversation, Ada's phone's FCM token): Ada's phone registered on the first process."""
    first, second = cluster.servers
    me, ada = first.register(name="Me"), second.register(name="Ada", password=PASSWORD)
    phone = Person(requests.post(f"{first.base}/auth/login", json={"phone": ada.phone, "password": PASSWORD}).json())
    token = f"fcm-{ada.id}"
    assert requests.put(f"{first.base}/auth/sessions/current/push", headers=phone.headers,
                        json={"fcmToken": token}).status_code == 200
    return me, open_chat(second.base, me, ada), token


def send(server, who, conversation_id, text):
    response = requests.post(f"{server.base}/messages", headers=who.headers,
                             json={"conversationId": conversation_id, "text": text})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def pushed_ids(fcm, token):
    return sorted(push["data"]["messageId"] for push in fcm.matching(lambda push: push["token"] == token))


def test_each_message_is_pushed_once_whichever_process_stored_it(cluster, fcm, chat_with_a_sleeping_phone):
    me, conversation_id, token = chat_with_a_sleeping_phone
    sent = [send(cluster.servers[n % 2], me, conversation_id, f"message {n}") for n in range(12)]

    fcm.wait_for(lambda push: push["token"] == token, count=12)
    time.sleep(1)
    assert pushed_ids(fcm, token) == sorted(sent)


def test_pushes_queued_by_a_process_that_dies_are_sent_by_the_other(cluster, fcm, chat_with_a_sleeping_phone):
    me, conversation_id, token = chat_with_a_sleeping_phone
    doomed = cluster.servers[0]
    fcm.down_for(3)
    sent = [send(doomed, me, conversation_id, f"before the crash {n}") for n in range(4)]
    doomed.process.kill()

    fcm.wait_for(lambda push: push["token"] == token, count=4, timeout=30)
    time.sleep(1)
    assert pushed_ids(fcm, token) == sorted(sent)
    assert fcm.refused >= 1  # the provider was down while the first process still ran
