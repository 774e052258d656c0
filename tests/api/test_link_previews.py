"""Link previews through the app: made in the background for the first link of a message,
cached by URL, stored privately; the sender's own, none at all, and the setting that turns
them off. The pages are a web site on 127.0.0.1 (tests/support/web_pages.py)."""
import io
import time

import pytest
from bson import ObjectId
from PIL import Image

from backend2.extensions import redis_store
from backend2.infra.page_fetcher import EVERYTHING
from backend2.models import Upload
from backend2.services.media.preview_images import store_preview_image
from backend2.services.media.uploads import stored_name_of
from support.waiting import eventually
from support.web_pages import animated_gif, png

PREVIEWS = {"LINK_PREVIEWS_ENABLED": "true", "LINK_PREVIEW_ALLOW_PRIVATE": "true", "METRICS_TOKEN": "m" * 32}


@pytest.fixture
def world(world_with):
    return world_with(**PREVIEWS)


def message(world, who, conversation_id, message_id):
    page = world.client.get(f"/messages?conversationId={conversation_id}", headers=who.headers).get_json()
    return next(m for m in page["messages"] if m["id"] == message_id)


def preview_of(world, who, conversation_id, message_id):
    return eventually(lambda: message(world, who, conversation_id, message_id)["linkPreview"], timeout=10)


def test_the_first_link_gets_a_card_with_its_image_stored_here_and_sync_carries_it(world, site):
    me, ada, eve = world.person("Me"), world.person("Ada"), world.person("Eve")
    conversation_id = world.chat(me, ada)
    cursor = world.client.get("/messages/sync", headers=ada.headers).get_json()["nextCursor"]
    sent = world.say(me, conversation_id, f"look {site.url('/page')}, and {site.url('/other')}")
    assert sent["linkPreview"] is None  # the send does not wait for it

    card = preview_of(world, ada, conversation_id, sent["id"])
    assert {key: card[key] for key in ("url", "title", "description", "siteName", "site_name")} == {
        "url": site.url("/page"), "title": "The Open Graph title", "description": "What the page is about",
        "siteName": "Stand-in Site", "site_name": "Stand-in Site"}
    assert card["fetchedAt"] and message(world, ada, conversation_id, sent["id"])["link_preview"] == card
    assert card["image"].startswith("/uploads/") and "image.png" not in card["image"]
    image = world.client.get(card["image"])
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert max(Image.open(io.BytesIO(image.data)).size) == 600  # re-encoded, scaled down
    assert world.client.get(card["image"].split("?")[0], headers=eve.headers).status_code == 404
    assert world.client.get(card["image"].split("?")[0], headers=ada.headers).status_code == 200
    assert site.seen("/page") == 1 and site.seen("/image.png") == 1 and site.seen("/other") == 0

    synced = eventually(lambda: [m for m in world.client.get("/messages/sync", headers=ada.headers,
                                                             query_string={"since": cursor}).get_json()["messages"]
                                 if m["id"] == sent["id"] and m["linkPreview"]], timeout=5)
    assert synced[0]["linkPreview"]["title"] == "The Open Graph title"


def test_a_cards_image_is_held_only_once_a_message_shows_it(world, site):
    """Until a message shows the card its image is an upload nothing refers to, which the orphan
    sweep removes (a job that gave up, the message deleted or its link changed meanwhile)."""
    me, ada = world.person("Me"), world.person("Ada")
    conversation_id = world.chat(me, ada)
    app = world.client.application
    with app.app_context():
        unshown = store_preview_image(site.url("/image.png"), ObjectId(me.id), time.monotonic() + 3, EVERYTHING)
        assert Upload.objects(stored_name=stored_name_of(unshown)).get().attached is False
    card = preview_of(world, ada, conversation_id, world.say(me, conversation_id, site.url("/page"))["id"])
    with app.app_context():
        assert Upload.objects(stored_name=stored_name_of(card["image"])).get().attached is True


def test_a_cards_image_keeps_one_frame_and_a_huge_one_is_left_out(world, site):
    me, ada = world.person("Me"), world.person("Ada")
    conversation_id = world.chat(me, ada)
    site.image, site.image_type = animated_gif(5), "image/gif"
    card = preview_of(world, ada, conversation_id, world.say(me, conversation_id, site.url("/page"))["id"])
    gif = Image.open(io.BytesIO(world.client.get(card["image"]).data))
    assert gif.format == "GIF" and getattr(gif, "n_frames", 1) == 1  # the first frame only

    site.image, site.image_type = png((2100, 2000)), "image/png"  # 4.2 million pixels: more than a card needs
    card = preview_of(world, ada, conversation_id, world.say(me, conversation_id, site.url("/other"))["id"])
    assert card["title"] == "The Open Graph title" and card["image"] is None


def test_a_card_whose_image_went_with_a_disappearing_message_is_fetched_again(world, site):
    me, ada, bob = world.person("Me"), world.person("Ada"), world.person("Bob")
    vanishing, other = world.chat(me, ada), world.chat(me, bob)
    world.client.patch(f"/conversations/{vanishing}", headers=me.headers, json={"disappearingSeconds": 86400})
    sent = world.say(me, vanishing, site.url("/page"))
    image = preview_of(world, ada, vanishing, sent["id"])["image"]
    world.client.delete(f"/messages/{sent['id']}", headers=me.headers)
    assert world.client.get(image).status_code == 404  # gone with the message

    card = preview_of(world, bob, other, world.say(me, other, site.url("/page"))["id"])
    assert world.client.get(card["image"]).status_code == 200 and site.seen("/page") == 2


def test_an_edit_that_keeps_the_link_while_the_card_is_fetched_keeps_the_card(world, site):
    me, ada = world.person("Me"), world.person("Ada")
    conversation_id = world.chat(me, ada)
    sent = world.say(me, conversation_id, f"look {site.url('/late')}")
    eventually(lambda: site.seen("/late") == 1, timeout=5)  # the page is being fetched
    edited = world.client.patch(f"/messages/{sent['id']}", headers=me.headers,
                                json={"text": f"look at this {site.url('/late')}"}).get_json()
    assert edited["text"].startswith("look at this")
    assert preview_of(world, ada, conversation_id, sent["id"])["title"] == "The Open Graph title"
    assert site.seen("/late") == 1


def test_a_link_sent_in_many_chats_is_fetched_once(world, site):
    me = world.person("Me")
    chats = [world.chat(me, world.person("Someone")) for _ in range(3)]
    sent = [world.say(me, chat, f"{site.url('/page')}#part-{n}") for n, chat in enumerate(chats)]
    cards = [preview_of(world, me, chat, message["id"]) for chat, message in zip(chats, sent)]
    assert len({card["title"] for card in cards}) == 1
    assert [card["url"] for card in cards] == [f"{site.url('/page')}#part-{n}" for n in range(3)]
    assert site.seen("/page") == 1


def test_no_preview_when_asked_for_none_or_turned_off(world, site):
    me, ada = world.person("Me"), world.person("Ada")
    conversation_id = world.chat(me, ada)
    world.say(me, conversation_id, site.url("/page"), noPreview=True)
    assert world.client.patch("/users/me/settings", headers=ada.headers,
                              json={"linkPreviews": False}).get_json()["linkPreviews"] is False
    world.say(ada, conversation_id, site.url("/title-only"))
    world.say(me, conversation_id, f"now {site.url('/other')}")  # a job is queued for this one only
    eventually(lambda: site.seen("/other") == 1, timeout=10)
    assert site.seen("/page") == 0 and site.seen("/title-only") == 0


def test_the_senders_own_preview_is_checked_and_its_image_is_an_upload(world, site):
    me, ada = world.person("Me"), world.person("Ada")
    conversation_id = world.chat(me, ada)
    link = site.url("/page")
    upload = world.client.post("/uploads", headers=me.headers,
                               data={"file": (io.BytesIO(png((50, 40))), "card.png")}).get_json()
    own = {"url": link, "title": "Mine", "description": "made on the phone", "site_name": "Phone", "image": upload["url"]}
    sent = world.client.post("/messages", headers=me.headers, json={
        "conversationId": conversation_id, "text": f"see {link}", "link_preview": own}).get_json()
    assert (sent["linkPreview"]["title"], sent["linkPreview"]["siteName"]) == ("Mine", "Phone")
    assert sent["linkPreview"]["image"].split("?")[0] == upload["url"].split("?")[0]
    assert world.client.get(sent["linkPreview"]["image"].split("?")[0], headers=ada.headers).status_code == 200

    for bad, code in (({**own, "url": "https://elsewhere.example/"}, "invalid_link_preview"),
                      ({**own, "image": "https://evil.example/pixel.png"}, "invalid_attachment"),
                      ({**own, "url": "javascript:alert(1)"}, "validation_error")):
        answer = world.client.post("/messages", headers=me.headers, json={
            "conversationId": conversation_id, "text": f"see {link}", "linkPreview": bad})
        assert (answer.status_code, answer.get_json()["code"]) == (400, code)
    # A card for a link the text lacks (its url one that has no normal form, as a text without a link has none).
    for text in ("no link at all", "not a link: www.example.org"):
        answer = world.client.post("/messages", headers=me.headers, json={
            "conversationId": conversation_id, "text": text, "linkPreview": {**own, "url": "http://bank.example:99999/"}})
        assert (answer.status_code, answer.get_json()["code"]) == (400, "invalid_link_preview"), text
    both = world.client.post("/messages", headers=me.headers, json={
        "conversationId": conversation_id, "text": link, "linkPreview": own, "noPreview": True})
    assert both.status_code == 400
    assert site.requests == []  # the sender's own preview is never fetched


def test_a_page_too_slow_now_is_asked_again_within_a_minute_and_the_lock_is_only_its_holders(world, site):
    me, ada = world.person("Me"), world.person("Ada")
    conversation_id = world.chat(me, ada)
    world.say(me, conversation_id, site.url("/slow"))
    with world.client.application.app_context():
        state = redis_store.state

        def cached_answers():
            return [key for key in state.scan_iter(redis_store.key("link-preview", "*")) if not key.endswith(b":lock")]

        # The lock runs out while the job fetches, and another job takes it: this one leaves it be.
        lock = eventually(lambda: list(state.scan_iter(redis_store.key("link-preview", "*:lock"))), timeout=5)[0]
        state.set(lock, "another job's", ex=10)
        key = eventually(cached_answers, timeout=10)[0]
        assert state.get(key) == b"{}" and 0 < state.ttl(key) <= 60  # not a day
        assert state.get(lock) == b"another job's"


def test_refusals_are_counted_on_metrics(world_with):
    world = world_with(**{**PREVIEWS, "LINK_PREVIEW_ALLOW_PRIVATE": "false"})
    me, ada = world.person("Me"), world.person("Ada")
    conversation_id = world.chat(me, ada)
    world.say(me, conversation_id, "http://10.0.0.1/admin")

    def counted():
        text = world.client.get("/metrics", headers={"Authorization": "Bearer " + "m" * 32}).get_data(as_text=True)
        return 'backend2_link_preview_refusals_total{reason="private"} 1.0' in text

    eventually(counted, timeout=10)


def test_an_edit_to_another_link_drops_the_card_forwards_keep_it_and_deleting_erases_it(world, site):
    me, ada, bob = world.person("Me"), world.person("Ada"), world.person("Bob")
    conversation_id, other_chat = world.chat(me, ada), world.chat(me, bob)
    sent = world.say(me, conversation_id, site.url("/page"))
    assert preview_of(world, me, conversation_id, sent["id"])["title"] == "The Open Graph title"

    forwarded = world.client.post(f"/messages/{sent['id']}/forward", headers=me.headers,
                                  json={"conversationIds": [other_chat]}).get_json()["results"][0]["message"]
    assert forwarded["linkPreview"]["title"] == "The Open Graph title"
    assert world.client.get(forwarded["linkPreview"]["image"].split("?")[0], headers=bob.headers).status_code == 200

    edited = world.client.patch(f"/messages/{sent['id']}", headers=me.headers,
                                json={"text": f"better: {site.url('/title-only')}"}).get_json()
    assert edited["linkPreview"] is None
    card = preview_of(world, me, conversation_id, sent["id"])
    assert (card["title"], card["description"], card["image"]) == ("Only a title", "Card text", None)
    assert world.client.patch(f"/messages/{sent['id']}", headers=me.headers,
                              json={"text": f"typo fixed: {site.url('/title-only')}"}).get_json()["linkPreview"] == card

    assert world.client.delete(f"/messages/{sent['id']}", headers=me.headers).get_json()["linkPreview"] is None
