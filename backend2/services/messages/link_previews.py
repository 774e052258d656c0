"""Link previews: a card (title, description, site name, image) for the first link of a message.

The send never waits for it. A sender's app may bring its own (`linkPreview`, its image one of
this server's uploads) or ask for none (`noPreview`); otherwise, with LINK_PREVIEWS_ENABLED and
the sender's `linkPreviews` setting on, the job `link_preview` fetches the page under
infra/page_fetcher.py's rules, once per normalised URL for LINK_PREVIEW_CACHE_SECONDS (a
Redis key, which a lock keeps to one fetch at a time; a cached card whose image has gone with
a disappearing message is fetched again), and adds the card to the message, which
moves its `updatedAt` (so sync carries it) and is announced as LinkPreviewAdded
(`message_updated` on every device). Every refusal is counted by reason in Redis, which every
process's /metrics reads.
"""
import hashlib
import json
import logging
import time

from bson import ObjectId
from flask import current_app
from redis.exceptions import LockError

from backend2.errors import Codes, ValidationFailed
from backend2.extensions import jobs, redis_store
from backend2.models import Conversation, Message, Upload
from backend2.services.media.preview_images import store_preview_image
from backend2.services.media.uploads import attachments_for, stored_name_of
from backend2.services.support.announce import announce
from backend2.services.support.events import LinkPreviewAdded
from backend2.utils.time import iso, parse_iso, utcnow
from backend2.utils.urls import first_link, normalised

log = logging.getLogger(__name__)
PAGE_MAX_BYTES = 1024 * 1024
FETCH_SECONDS = 3
LOCK_SECONDS = 10


WAIT_MS, WAITS = 1000, 10
ADD_ATTEMPTS = 3
UNAVAILABLE_CACHE_SECONDS = 60


class PreviewBeingFetched(Exception):
    """Another job is fetching this URL now."""


def given_preview(data, text):
    """The sender's own `linkPreview`, checked, as it is stored; None when none was given. Its
    `url` must be the message's first link (so a text without one takes none), its image one of
    this server's image uploads."""
    given = data.get("linkPreview")
    if not given:
        return None
    link = first_link(text)
    if link is None or normalised(given["url"]) is None or normalised(given["url"]) != normalised(link):
        raise ValidationFailed("linkPreview.url must be the first link of the text", code=Codes.INVALID_LINK_PREVIEW)
    image = None
    if given.get("image"):
        attachment = attachments_for([{"url": given["image"]}])[0]
        if not (attachment.mime_type or "").startswith("image/"):
            raise ValidationFailed("linkPreview.image must be an uploaded image", code=Codes.INVALID_LINK_PREVIEW)
        image = attachment.url
    return {"url": given["url"], "title": given.get("title"), "description": given.get("description"),
            "siteName": given.get("siteName"), "image": image, "fetchedAt": utcnow()}


def link_changed(old_text, new_text):
    """Whether an edit changed the message's first link."""
    return _key_of(first_link(old_text)) != _key_of(first_link(new_text))


def _key_of(url):
    return normalised(url) if url else None


def after_send(user, message, data):
    """Queue the server's preview of a new message, when it is wanted."""
    if (current_app.config["LINK_PREVIEWS_ENABLED"] and user.link_previews and not message.link_preview
            and not data.get("noPreview") and message.type != "system" and first_link(message.text)):
        jobs.enqueue("link_preview", str(message.id))


def add_preview(message_id, waited=0):
    """The job `link_preview`: the card for the message's first link, added once, and only while
    that is still its first link (an edit meanwhile that kept it does not lose the card). A job that finds the URL being fetched by another comes back
    after WAIT_MS and reads the cache then."""
    message = Message.objects(id=ObjectId(message_id)).exclude("edits").first()
    url = first_link(message.text) if message is not None and not message.deleted else None
    if url is None or message.link_preview:
        return
    try:
        preview = cached_preview(url, message.sender)
    except PreviewBeingFetched:
        if waited < WAITS:
            jobs.enqueue("link_preview", message_id, waited + 1, delay_ms=WAIT_MS)
        return
    if preview is None:
        return
    for _ in range(ADD_ATTEMPTS):
        preview["url"] = url  # the link as this message spells it (the cache may hold another spelling's)
        if preview.get("image"):  # held from now on, before the message refers to it (as attachments are)
            Upload.attach([stored_name_of(preview["image"])])
        if Message.objects(id=message.id, deleted=False, link_preview=None, text=message.text).update_one(
                set__link_preview=preview, set__updated_at=utcnow()):
            message.reload()
            conversation = Conversation.objects(id=message.conversation).first()
            if conversation is not None:
                announce(LinkPreviewAdded(message, conversation))
            return
        # Changed meanwhile: an edit that kept the first link keeps the card; any other change ends it.
        message = Message.objects(id=message.id).exclude("edits").first()
        if message is None or message.deleted or message.link_preview or link_changed(url, message.text):
            return
        url = first_link(message.text)


def cached_preview(url, owner_id):
    """The preview of `url` (None: the page has none, or may not be fetched), fetched only when
    the cache has no answer for its normalised form. A page that could not be had now (no answer,
    an error, too slow) is asked again after UNAVAILABLE_CACHE_SECONDS; every other answer is
    kept LINK_PREVIEW_CACHE_SECONDS."""
    state, key = redis_store.state, redis_store.key("link-preview", hashlib.sha256(normalised(url).encode()).hexdigest())
    found = state.get(key)
    stored = json.loads(found) if found is not None else None
    if stored == {}:
        return None
    if stored and _image_kept(stored):
        return {**stored, "fetchedAt": parse_iso(stored["fetchedAt"])}
    # Not cached, or its image went with a disappearing message: fetch it (again).
    lock = state.lock(f"{key}:lock", timeout=LOCK_SECONDS, blocking=False)
    if not lock.acquire():
        raise PreviewBeingFetched(url)
    try:
        preview, keep_seconds = fetch_preview(url, owner_id)
        stored = {**preview, "fetchedAt": iso(preview["fetchedAt"])} if preview else {}
        state.set(key, json.dumps(stored), ex=keep_seconds)
    finally:
        try:
            lock.release()  # only if still ours (a token compared in Redis)
        except LockError:  # it ran out, and another job may hold it now
            log.info("Link preview lock of %s ran out before its fetch ended", url)
    return preview


def _image_kept(stored):
    image = stored.get("image")
    return not image or Upload.objects(stored_name=stored_name_of(image)).only("id").first() is not None


def fetch_preview(url, owner_id):
    """Fetch and read the page, and store its image: (the preview or None, seconds to keep that).

    The page fetcher and reader are imported here, at a first fetch: httpx (with its command
    line's rich and pygments), httpcore and Beautiful Soup are about 8 MB that a web process
    whose jobs run in workers never needs (the worker imports them at start). An import
    statement, not a lazy module: it holds the import lock, and a worker's threads may fetch at
    once."""
    from backend2.infra import page_fetcher
    from backend2.utils import page_meta

    deadline = time.monotonic() + FETCH_SECONDS
    exempt = page_fetcher.EVERYTHING if current_app.config["LINK_PREVIEW_ALLOW_PRIVATE"] else ()
    keep = current_app.config["LINK_PREVIEW_CACHE_SECONDS"]
    try:
        page = page_fetcher.fetch(url, ("text/html",), PAGE_MAX_BYTES, deadline, exempt)
    except (page_fetcher.Refused, page_fetcher.Unavailable) as exc:
        _not_fetched(url, exc)
        return None, UNAVAILABLE_CACHE_SECONDS if _may_pass(exc) else keep
    meta = page_meta.page_meta(page.body, page.charset, page.url)
    if not (meta["title"] or meta["description"]):
        return None, keep
    image = None
    if meta["image"]:
        try:
            image = store_preview_image(meta["image"], owner_id, deadline, exempt)
        except (page_fetcher.Refused, page_fetcher.Unavailable, ValidationFailed) as exc:
            _not_fetched(meta["image"], exc)
    return {"url": url, "title": meta["title"], "description": meta["description"], "siteName": meta["siteName"],
            "image": image, "fetchedAt": utcnow()}, keep


def _may_pass(exc):
    """Whether a page not had now may be had later: it could not be reached, or was too slow."""
    from backend2.infra import page_fetcher  # imported by fetch_preview, which raised `exc`

    return isinstance(exc, page_fetcher.Unavailable) or exc.reason == "timeout"


def _not_fetched(url, exc):
    from backend2.infra import page_fetcher  # imported by fetch_preview, which raised `exc`

    if isinstance(exc, page_fetcher.Refused):
        log.warning("Link preview refused (%s): %s", exc.reason, url)
        redis_store.state.hincrby(redis_store.key("link-preview-refusals"), exc.reason, 1)
    else:
        log.info("Link preview not fetched: %s (%s)", url, exc)


def refusal_counts():
    """{reason: refusals} across every process; {} while Redis is down."""
    try:
        found = redis_store.state.hgetall(redis_store.key("link-preview-refusals"))
    except Exception:
        return {}
    return {reason.decode(): int(count) for reason, count in found.items()}
