"""The embedded default (no REDIS_URL) still pushes: the jobs go to Dramatiq's stub broker and
a worker inside the same process sends them, so one process does everything."""

from support.people import AppWorld
from support.waiting import eventually


def test_without_redis_one_process_queues_and_sends_the_push(make_app, otp_inbox, fcm, push_providers):
    app = make_app(use_redis=False, **fcm.settings())
    world = AppWorld(app.test_client(), otp_inbox)
    me, ada = world.person("Me"), world.person("Ada")
    conversation_id = world.chat(me, ada)
    assert world.client.put("/auth/sessions/current/push", headers=ada.headers,
                            json={"fcmToken": "fcm-embedded"}).status_code == 200

    sent = world.say(me, conversation_id, "no Redis, still a push")
    push = fcm.wait_for(lambda p: p["token"] == "fcm-embedded")[0]
    assert push["data"]["messageId"] == sent["id"] and push["message"]["notification"]["body"] == sent["text"]

    def settled():  # the job counts as done once the send returns, a moment after FCM heard it
        health = world.client.get("/health").get_json()
        return health if health["jobs"]["outcomes"]["done"] >= 1 else None

    health = eventually(settled, timeout=5)
    assert health["redis"]["configured"] is False and health["jobs"]["queued"] == {"push": 0, "default": 0}
