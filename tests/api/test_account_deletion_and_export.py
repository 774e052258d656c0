"""Deleting an account: everything about the person erased, every collection checked; others'
chats keep their shape with tombstones from "Deleted account"; the number can register again.
Exporting it: everything stored about the person, in a zip."""
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from backend2.models import ChatRequest, ContactBook, Conversation, Message, Otp, Session, Upload, User
from backend2.services.accounts import account_deletion
from backend2.utils.time import utcnow
from support.people import Person, register_on
from support.waiting import eventually

PASSWORD = "a-good-password"


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 200, 10)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def world(client, person, befriend, chat, say):
    """Me with everything an account gathers: chats, a group I run, files, an avatar, contacts,
    a block, chat requests both ways, a push registration."""
    me, ada, bo, cy, dee, eve = (person(name, **({"password": PASSWORD} if name == "Me" else {}))
                                 for name in ("Me", "Ada", "Bo", "Cy", "Dee", "Eve"))
    direct = chat(me, ada)
    befriend(me, bo)
    group = client.post("/conversations", headers=me.headers,
                        json={"type": "group", "name": "Team", "members": [ada.id, bo.id]}).get_json()
    upload = client.post("/uploads", headers=me.headers, data={"file": (io.BytesIO(png()), "a.png")},
                         content_type="multipart/form-data").get_json()
    mine = [say(me, direct, "from me"), say(me, group["id"], "to the team", attachments=[{"url": upload["url"]}])]
    theirs = say(ada, direct, "from Ada")
    assert client.post("/users/me/avatar", headers=me.headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(png()), "me.png")}).status_code == 200
    assert client.post(f"/users/{cy.id}/block", headers=me.headers).status_code in (200, 201)
    assert client.post(f"/users/{me.id}/block", headers=eve.headers).status_code in (200, 201)
    assert client.post("/chat-requests", headers=me.headers, json={"to": dee.id}).status_code == 201
    assert client.put("/auth/sessions/current/push", headers=me.headers, json={"fcmToken": "fcm-token-of-me"}
                      ).status_code == 200
    return {"me": me, "ada": ada, "bo": bo, "eve": eve, "direct": direct, "group": group["id"], "mine": mine,
            "theirs": theirs}


def delete(client, who, **body):
    return client.delete("/users/me", headers=who.headers, json=body)


def test_deletion_needs_the_password(client, world):
    me = world["me"]
    assert delete(client, me).status_code == 400
    wrong = delete(client, me, password="not-it")
    assert wrong.status_code == 400 and wrong.get_json()["code"] == "invalid_current_password"
    assert client.get("/users/me", headers=me.headers).status_code == 200


def test_an_account_without_a_password_confirms_with_a_fresh_code(client, person, otp_inbox):
    ada = person("Ada")
    assert client.post("/auth/send-otp-login", json={"phone": ada.phone}).status_code == 200
    assert delete(client, ada, otp="000000").get_json()["code"] in ("otp_invalid", "otp_expired")
    assert client.post("/auth/send-otp-login", json={"phone": ada.phone}).status_code in (200, 429)
    response = delete(client, ada, code=otp_inbox(ada.phone, "login"))
    assert response.status_code == 200 and response.get_json() == {"status": "deleted", "deleteAt": None}


def test_deletion_erases_the_person_and_leaves_others_chats_whole(app, client, world, register):
    me, ada = world["me"], world["ada"]
    phone = me.phone
    response = delete(client, me, password=PASSWORD)
    assert response.status_code == 200 and response.get_json()["status"] == "deleted"

    with app.app_context():
        user = User.objects(id=me.id).get()
        assert (user.name, user.email, user.password_hash, user.avatar, user.about) == ("Deleted account", None,
                                                                                          None, None, "")
        assert user.phone != phone and user.blocked_users == [] and user.deleted_at is not None
        assert Session.objects(user=me.id).count() == 0
        assert ContactBook.objects(user=me.id).count() == 0
        assert ChatRequest.objects(sender=me.id).count() == ChatRequest.objects(to=me.id).count() == 0
        assert Otp.objects(phone=phone).count() == 0
        assert User.objects(blocked_users=user.id).count() == 0  # Eve's block of me went with me
        assert all(m.deleted and m.text == "" and m.attachments == [] for m in Message.objects(sender=me.id))
        group = Conversation.objects(id=world["group"]).get()
        assert user.id not in group.participants and group.admins == [group.participants[0]]
    stored = Path(app.config["UPLOAD_DIR"])
    # attachment, thumbnail and avatar files, then their records, removed by the job remove_uploads
    # (a worker in this process)
    eventually(lambda: list(stored.glob("*")) == [])

    def records_gone():
        with app.app_context():
            return Upload.objects(owner=me.id).count() == 0
    eventually(records_gone)

    assert client.get("/users/me", headers=me.headers).status_code == 401
    history = client.get("/messages", headers=ada.headers, query_string={"conversationId": world["direct"]}).get_json()
    by_id = {m["id"]: m for m in history["messages"]}
    assert by_id[world["mine"][0]["id"]]["deleted"] is True and by_id[world["mine"][0]["id"]]["text"] == ""
    assert by_id[world["theirs"]["id"]]["text"] == "from Ada"
    assert client.get(f"/users/{me.id}", headers=ada.headers).get_json()["name"] == "Deleted account"
    assert client.get("/users", headers=ada.headers, query_string={"q": "Deleted"}).get_json()["users"] == []

    again = Person(register(name="Me again", phone=phone))
    assert again.id != me.id


def test_a_grace_period_signs_out_now_and_a_sign_in_keeps_the_account(make_app, otp_inbox):
    client = make_app(use_redis=False, ACCOUNT_DELETION_GRACE_DAYS=7).test_client()
    me = Person(register_on(client, otp_inbox, name="Me", password=PASSWORD))
    response = delete(client, me, password=PASSWORD)
    assert response.get_json()["status"] == "scheduled" and response.get_json()["deleteAt"].endswith("Z")
    assert client.get("/users/me", headers=me.headers).status_code == 401
    back = client.post("/auth/login", json={"phone": me.phone, "password": PASSWORD})
    assert back.status_code == 200
    with client.application.app_context():
        assert User.objects(id=me.id).get().deletion_due_at is None


def test_accounts_whose_grace_period_is_over_are_erased_by_the_sweep(make_app, otp_inbox):
    client = make_app(use_redis=False, ACCOUNT_DELETION_GRACE_DAYS=1).test_client()
    me = Person(register_on(client, otp_inbox, name="Me", password=PASSWORD))
    assert delete(client, me, password=PASSWORD).get_json()["status"] == "scheduled"
    with client.application.app_context():
        assert account_deletion.erase_due_accounts() == 0  # not yet
        User.objects(id=me.id).update_one(set__deletion_due_at=utcnow() - timedelta(seconds=1))
        assert account_deletion.erase_due_accounts() == 1
        assert User.objects(id=me.id).get().name == "Deleted account"


def exported(client, who):
    response = client.get("/users/me/export", headers=who.headers)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return archive, json.loads(archive.read("backend2-export.json"))


def test_the_export_holds_everything_stored_about_the_caller_and_their_files(client, world):
    me, ada = world["me"], world["ada"]
    archive, data = exported(client, me)
    assert data["profile"]["phone"] == me.phone and data["profile"]["settings"]["pushPreviews"] is True
    assert [s["pushProvider"] for s in data["sessions"]] == ["fcm"]
    assert [c["name"] for c in data["contacts"]] == ["Bo"]  # the last sync replaced the book
    assert len(data["blocked"]) == 1
    assert {c["id"] for c in data["conversations"]} == {world["direct"], world["group"]}
    exported_messages = [m["id"] for m in data["messages"] if m["type"] != "system"]  # and "Me created the group"
    assert exported_messages == [m["id"] for m in world["mine"]]  # only the caller's own
    assert [r["status"] for r in data["chatRequests"]] == ["pending"]
    assert len(data["files"]) == 2 and all(f["path"] in archive.namelist() for f in data["files"])
    assert all(len(archive.read(f["path"])) == f["size"] for f in data["files"])
    _, theirs = exported(client, ada)
    assert theirs["profile"]["phone"] == ada.phone and me.phone not in json.dumps(theirs["profile"])


def test_a_large_export_is_built_by_a_job_only_its_owner_may_follow(make_app, otp_inbox):
    client = make_app(use_redis=False, EXPORT_INLINE_MAX_BYTES=10).test_client()
    me, other = (Person(register_on(client, otp_inbox, name=name)) for name in ("Me", "Other"))
    upload = client.post("/uploads", headers=me.headers, data={"file": (io.BytesIO(png()), "a.png")},
                         content_type="multipart/form-data").get_json()
    started = client.get("/users/me/export", headers=me.headers)
    assert started.status_code == 202 and started.get_json()["status"] == "pending"
    job = f"/users/me/export/{started.get_json()['jobId']}"
    assert client.get(job, headers=other.headers).status_code == 404
    state = eventually(lambda: (now := client.get(job, headers=me.headers).get_json())["status"] != "pending" and now)
    assert state["status"] == "ready" and "sig=" in state["url"]
    archive = zipfile.ZipFile(io.BytesIO(client.get(state["url"]).data))  # a signed link: no header needed
    stored = upload["url"].split("?")[0].rsplit("/", 1)[1]
    assert f"files/{stored}" in archive.namelist() and "backend2-export.json" in archive.namelist()
    assert client.get("/users/me/export/0123456789abcdef", headers=me.headers).status_code == 404
    client.application.config["EXPORT_INLINE_MAX_BYTES"] = 10**9
    _, data = exported(client, me)
    assert [f["storedName"] for f in data["files"]] == [stored]  # an earlier export is not one of my files


def test_only_the_signed_in_caller_exports(client):
    assert client.get("/users/me/export").status_code == 401
