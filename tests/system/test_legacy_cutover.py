"""The minute traffic moves: after the legacy import, both apps keep working against a running
Backend2 unchanged, with the tokens they hold, the passwords people know, the chats and unread
counts they showed, the histories, the files, and live messages."""
import json
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import jwt
import pytest
import requests

from support.people import bearer
from support.servers import LiveServer
from support.sockets import SocketClient
from support.legacy_world import DESKTOP_SECRET, MOBILE_SECRET, LegacyWorld

pytestmark = pytest.mark.redis
INTEROP = Path(__file__).parents[1] / "interop"


@pytest.fixture(scope="module")
def cutover(legacy_databases):
    dbs = legacy_databases
    world = LegacyWorld.build(dbs.client, dbs.desktop, dbs.mobile, dbs.old_uploads)
    code, output, _ = dbs.run("import")
    assert code == 0, output
    server = LiveServer(f"{sys.executable} wsgi.py", **dbs.settings())
    ids = world.ids
    yield SimpleNamespace(base=server.base, ids=ids, world=world, dbs=dbs,
                          ada_dee=min(ids["ada_dee.d"], ids["ada_dee.m"]),
                          ada_dee_other=max(ids["ada_dee.d"], ids["ada_dee.m"]))
    server.stop()


def mobile_token(user_id):
    """What the mobile server issued: `{uid}`, signed with its own secret."""
    return jwt.encode({"uid": str(user_id), "iat": int(time.time())}, MOBILE_SECRET, algorithm="HS256")


def desktop_token(user_id, session_id):
    """What the desktop server issued: `{id, sessionId}`, signed with its own secret."""
    claims = {"id": str(user_id), "sessionId": str(session_id), "iat": int(time.time()),
              "exp": int(time.time()) + 7 * 86400}
    return jwt.encode(claims, DESKTOP_SECRET, algorithm="HS256")


def get(cutover, path, token, **params):
    return requests.get(f"{cutover.base}{path}", headers=bearer(token), params=params, timeout=10)


def test_the_old_tokens_of_both_apps_sign_in_the_one_merged_person(cutover):
    ids = cutover.ids
    ada_desktop = desktop_token(ids["ada.d"], ids["ada.session"])
    for token in (mobile_token(ids["ada.m"]), mobile_token(ids["ada.d"]), ada_desktop):
        response = get(cutover, "/users/profile", token)
        assert response.status_code == 200, response.text
        assert response.json()["id"] == str(min(ids["ada.d"], ids["ada.m"])) and response.json()["name"] == "Ada L."
    sessions = get(cutover, "/auth/sessions", ada_desktop).json()["sessions"]
    assert [(s["id"], s["deviceName"], s["current"]) for s in sessions if not s["deviceName"] == "legacy app"] == [
        (str(ids["ada.session"]), "Ada's laptop", True)]
    # each of the two mobile tokens got a "legacy app" session on its first use, which Ada can end
    assert sorted((s["deviceName"], s["legacy"]) for s in sessions if s["deviceName"] == "legacy app") == [
        ("legacy app", True), ("legacy app", True)]


def test_desktop_sessions_that_had_ended_stay_ended(cutover):
    ids = cutover.ids
    assert get(cutover, "/users/profile", desktop_token(ids["bob.d"], ids["bob.session"])).status_code == 200
    for ended in ("bob.old_session", "bob.expired_session"):
        response = get(cutover, "/users/profile", desktop_token(ids["bob.d"], ids[ended]))
        assert response.status_code == 401 and response.json()["code"] == "session_revoked"


def test_an_old_servers_secret_cannot_sign_a_backend2_token(cutover):
    ids = cutover.ids
    ada = str(min(ids["ada.d"], ids["ada.m"]))
    forged = jwt.encode({"sub": ada, "uid": ada, "id": ada, "sessionId": str(ids["ada.session"])}, DESKTOP_SECRET,
                        algorithm="HS256")
    response = get(cutover, "/users/profile", forged)
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"


def test_old_passwords_still_sign_in(cutover):
    login = lambda phone, password: requests.post(f"{cutover.base}/auth/login", timeout=10,  # noqa: E731
                                                  json={"phone": phone, "password": password})
    assert login("+14155550101", "ada-password").status_code == 200
    assert login("(415) 555-0102", "bob-password").status_code == 200  # a $2a$ hash from bcryptjs
    assert login("+14155550101", "wrong-password").json()["code"] == "invalid_credentials"


def test_each_chat_is_listed_once_with_the_unread_counts_the_apps_showed(cutover):
    ids = cutover.ids
    chats = {"ada_bob": ids["ada_bob.d"], "ada_cy": ids["ada_cy.m"], "ada_dee": cutover.ada_dee, "team": ids["team.d"]}
    tokens = {"ada": mobile_token(ids["ada.m"]), "bob": desktop_token(ids["bob.d"], ids["bob.session"]),
              "cy": mobile_token(ids["cy.m"]), "dee": mobile_token(ids["dee.d"])}
    expected = {"ada_bob": {"ada": 3, "bob": 0}, "ada_cy": {"ada": 1, "cy": 0}, "ada_dee": {"ada": 2, "dee": 1},
                "team": {"ada": 1, "bob": 0, "dee": 0}}
    for person, token in tokens.items():
        listed = get(cutover, "/conversations", token, limit=50).json()["conversations"]
        assert len({c["id"] for c in listed}) == len(listed)
        unread = {c["id"]: c["unreadCount"] for c in listed}
        for chat, counts in expected.items():
            if person in counts:
                assert unread[str(chats[chat])] == counts[person], (person, chat)
    ada_chats = get(cutover, "/conversations", tokens["ada"], limit=50).json()["conversations"]
    assert len(ada_chats) == 6  # Bob, Cy, Dee (both servers' chat, once), Team, Trio, the unnamed group
    merged = next(c for c in ada_chats if c["id"] == str(cutover.ada_dee))
    assert merged["lastMessage"]["text"] == "mobile 6 (no conversation)"


def test_history_pages_come_in_created_order_across_both_servers(cutover):
    token = mobile_token(cutover.ids["ada.m"])
    first = get(cutover, "/messages", token, conversationId=str(cutover.ada_dee), limit=4).json()
    assert [m["text"] for m in first["messages"]] == [
        "mobile 6 (no conversation)", "desktop 5", "mobile 4", "desktop 3"]
    rest = get(cutover, "/messages", token, conversationId=str(cutover.ada_dee), limit=4,
               before=first["pagination"]["nextCursor"]).json()
    assert [m["text"] for m in rest["messages"]] == ["mobile 2", "desktop 1"] and not rest["pagination"]["hasMore"]
    assert all(m["_id"] == m["id"] and m["createdAt"].endswith("Z") for m in first["messages"])
    by_old_id = get(cutover, "/messages", token, conversationId=str(cutover.ada_dee_other), limit=4).json()
    assert [m["id"] for m in by_old_id["messages"]] == [m["id"] for m in first["messages"]]
    assert get(cutover, f"/conversations/{cutover.ada_dee_other}", token).json()["id"] == str(cutover.ada_dee)


def test_files_are_served_and_the_old_links_lead_to_them(cutover):
    ids = cutover.ids
    token = mobile_token(ids["ada.m"])
    history = get(cutover, "/messages", token, conversationId=str(ids["ada_bob.d"]), limit=50).json()["messages"]
    report = next(m for m in history if m["id"] == str(ids["msg.m2"]))["attachments"][0]
    served = requests.get(f"{cutover.base}{report['url']}", timeout=10)
    assert served.status_code == 200 and served.headers["Content-Type"] == "application/pdf"
    old = requests.get(f"{cutover.base}/uploads/report.pdf", headers=bearer(token), allow_redirects=False, timeout=10)
    assert old.status_code == 301 and old.headers["Location"].endswith(report["url"].split("?")[0])
    avatar = get(cutover, "/users/profile", token).json()["avatar"]
    old_avatar = requests.get(f"{cutover.base}/uploads/1709283600000-ada.png", headers=bearer(token),
                              allow_redirects=False, timeout=10)
    assert old_avatar.status_code == 301 and old_avatar.headers["Location"].endswith(avatar.split("?")[0])
    assert requests.get(f"{cutover.base}{avatar}", timeout=10).headers["Content-Type"] == "image/png"  # signed
    assert get(cutover, "/uploads/setup.exe", token).status_code == 404


def test_a_new_message_in_a_merged_chat_reaches_a_device_of_each_app(cutover):
    if not (INTEROP / "node_modules" / "socket.io-client").exists():
        pytest.fail("tests/interop/node_modules is missing: run `npm ci --prefix tests/interop` (make test does)")
    ids, text = cutover.ids, "after the cutover"
    desktop = subprocess.Popen(["node", str(INTEROP / "listen.js"), cutover.base,
                                desktop_token(ids["ada.d"], ids["ada.session"]), text],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert json.loads(desktop.stdout.readline()) == {"connected": True}
        phone = SocketClient(cutover.base, mobile_token(ids["ada.m"]))
        try:
            sent = requests.post(f"{cutover.base}/messages", headers=bearer(mobile_token(ids["dee.m"])), timeout=10,
                                 json={"conversation": str(cutover.ada_dee_other), "content": text})
            assert sent.status_code == 201, sent.text
            assert phone.wait_for("message", lambda m: m["text"] == text)["conversationId"] == str(cutover.ada_dee)
        finally:
            phone.close()
        received = json.loads(desktop.communicate(timeout=20)[0].strip().splitlines()[-1])
        assert received["message"]["id"] == sent.json()["id"]
    finally:
        desktop.kill()
    listed = get(cutover, "/conversations", mobile_token(ids["ada.m"]), limit=50).json()["conversations"]
    assert next(c for c in listed if c["id"] == str(cutover.ada_dee))["unreadCount"] == 3


def test_messages_a_later_import_brings_reach_synced_devices_through_sync(cutover):
    ids, token, world = cutover.ids, mobile_token(cutover.ids["ada.m"]), cutover.world
    cursor = get(cutover, "/messages/sync", token).json()["nextCursor"]
    # Written to the old mobile server during the switch, with its own (earlier) times.
    world.mobile.messages.insert_one(world.mobile_message("straggler", 800, "ada_cy.m", "cy.m", "ada.m", "straggler"))
    code, output, _ = cutover.dbs.run("import")
    assert code == 0, output
    time.sleep(1.2)  # SYNC_SETTLE_MS: sync reports changes older than that
    changes = get(cutover, "/messages/sync", token, since=cursor).json()
    straggler = next(m for m in changes["messages"] if m["text"] == "straggler")
    assert straggler["id"] == str(ids["msg.straggler"])
    assert straggler["createdAt"] == "2026-03-01T22:20:00.000Z"  # long before the cursor: found by the import's time
