"""Uploads that no message or avatar refers to within UPLOAD_ORPHAN_TTL_HOURS are removed, record
and files, by one process at a time; nothing referred to, and nothing older than the tracking,
ever is."""
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from backend2.infra.devdb import SharedEmbeddedDatabase
from backend2.models import Upload
from backend2.services.media import uploads
from support.people import Person, register_on

pytestmark = pytest.mark.redis


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 10, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, who, path="/uploads"):
    return client.post(path, headers=who.headers, data={"file": (io.BytesIO(png()), "a.png")},
                       content_type="multipart/form-data").get_json()


def age(app, url, hours=25):
    with app.app_context():
        Upload.objects(stored_name=url.split("?")[0].rsplit("/", 1)[1]).update_one(
            set__created_at=datetime.now(timezone.utc) - timedelta(hours=hours))


@pytest.fixture
def shared_db():
    database = SharedEmbeddedDatabase(port=0)
    database.run()
    yield f"{database.uri}/orphans"
    database.close()


def test_only_uploads_nothing_refers_to_are_removed_once_old_enough(make_app, otp_inbox, chat, shared_db):
    app = make_app(MONGODB_URI=shared_db)
    client = app.test_client()
    ada, bo = Person(register_on(client, otp_inbox)), Person(register_on(client, otp_inbox))
    orphan, sent, fresh = upload(client, ada), upload(client, ada), upload(client, ada)
    avatar = upload(client, ada, "/users/me/avatar")["avatar"]
    client.post("/contacts/sync", headers=ada.headers, json={"phones": [bo.phone]})
    conversation = client.post("/conversations", headers=ada.headers, json={"participants": [bo.id]}).get_json()["id"]
    message = {"conversationId": conversation, "attachments": [{"url": sent["url"]}]}
    assert client.post("/messages", headers=ada.headers, json=message).status_code == 201
    for url in (orphan["url"], sent["url"], avatar):
        age(app, url)
    with app.app_context():  # an upload stored before the tracking began: never a candidate
        before = Upload.objects(stored_name=fresh["url"].split("?")[0].rsplit("/", 1)[1]).get()
        Upload._get_collection().update_one({"_id": before.id}, {"$unset": {"attached": ""}})
    age(app, fresh["url"])

    other = make_app(MONGODB_URI=shared_db)  # a second process sweeping at the same moment

    def sweep(each):
        with each.app_context():
            return uploads.sweep_orphans(60)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(sweep, (app, other)))
    assert sorted(results, key=str) == [1, None]  # one process had the turn
    assert client.get(orphan["url"]).status_code == 404 and client.get(orphan["thumbnailUrl"]).status_code == 404
    for url in (sent["url"], avatar, fresh["url"]):
        assert client.get(url).status_code == 200, url
    with app.app_context():
        assert Upload.objects.count() == 3
