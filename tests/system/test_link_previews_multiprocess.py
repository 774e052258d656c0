"""A link preview made by a worker process reaches every participant's devices on both server
processes as `message_updated`, and never as `message_edited`."""
import pytest
import requests

from support.people import open_chat

pytestmark = pytest.mark.redis
CLUSTER_SETTINGS = {"workers": 1, "LINK_PREVIEWS_ENABLED": "true", "LINK_PREVIEW_ALLOW_PRIVATE": "true"}


def test_the_worker_adds_the_card_and_every_device_hears_message_updated(cluster, connect, site):
    a, b = cluster.servers
    me, ada = a.register(name="Me"), a.register(name="Ada")
    conversation_id = open_chat(a.base, me, ada)
    my_phone, ada_desktop = connect(a.base, query=f"token={me.token}"), connect(b.base, ada.token)
    sent = my_phone.call("message", {"conversationId": conversation_id, "text": f"read {site.url('/page')}"})
    assert sent["linkPreview"] is None
    for device in (my_phone, ada_desktop):
        updated = device.wait_for("message_updated", lambda m: m["id"] == sent["id"], timeout=15)
        assert updated["linkPreview"]["title"] == "The Open Graph title"
        assert updated["text"] == sent["text"] and updated["editedAt"] is None
        assert not device.received("message_edited")
    image = requests.get(b.base + updated["linkPreview"]["image"])
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
