"""Reports keep their evidence; moderators (MODERATOR_PHONES, or the set-role command) list and
resolve them, suspend accounts, delete messages, see sessions, all in the audit log; anyone
else finds no /admin at all."""
from datetime import timedelta, timezone

import pytest

from backend2.models import Conversation, Report, User
from backend2.utils.time import utcnow
from support.people import Person, next_phone, register_on

ADMIN_ROUTES = [("get", "/admin/reports", None), ("post", "/admin/reports/{report}/resolve", {"action": "none", "reason": "not spam"}),
                ("post", "/admin/users/{user}/suspend", {"reason": "spam"}),
                ("post", "/admin/users/{user}/unsuspend", {"reason": "appealed"}),
                ("get", "/admin/users/{user}/sessions", None), ("delete", "/admin/messages/{message}", {"reason": "spam"}),
                ("get", "/admin/audit", None)]


@pytest.fixture
def moderated(make_app, otp_inbox, befriend_on):
    """An app whose moderator is Mo (by MODERATOR_PHONES); Me and Ada chat; Ada reported a message of mine."""
    mo_phone = next_phone()
    client = make_app(use_redis=False, MODERATOR_PHONES=mo_phone).test_client()
    mo = Person(register_on(client, otp_inbox, phone=mo_phone, name="Mo"))
    me, ada = (Person(register_on(client, otp_inbox, name=name, password="a-good-password")) for name in ("Me", "Ada"))
    befriend_on(client, me, ada)
    sent = client.post("/messages", headers=me.headers, json={"to": ada.id, "text": "buy cheap pills"}).get_json()
    report = client.post("/reports", headers=ada.headers, json={"messageId": sent["id"], "reason": "spam",
                                                                "note": "again"})
    assert report.status_code == 201, report.get_json()
    return client, mo, me, ada, sent, report.get_json()


@pytest.fixture
def befriend_on():
    def sync(client, owner, *others):
        response = client.post("/contacts/sync", headers=owner.headers,
                               json={"contacts": [{"phone": o.phone, "name": o.name} for o in others]})
        assert response.status_code == 200

    return sync


def open_reports(client, mo):
    response = client.get("/admin/reports", headers=mo.headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["reports"]


def test_a_report_keeps_the_message_as_it_was_after_it_is_deleted(moderated):
    client, mo, me, ada, sent, report = moderated
    assert (report["messageId"], report["userId"], report["status"]) == (sent["id"], me.id, "open")
    assert client.delete(f"/messages/{sent['id']}", headers=me.headers).status_code == 200
    [listed] = open_reports(client, mo)
    assert listed["reporter"] == ada.id and listed["note"] == "again"
    assert [e["text"] for e in listed["evidence"]] == ["buy cheap pills"]


@pytest.mark.parametrize("body, status", [
    ({"reason": "spam"}, 400),
    ({"userId": "5f1d7c0e2b3a4c5d6e7f8091", "conversationId": "5f1d7c0e2b3a4c5d6e7f8091", "reason": "spam"}, 400),
    ({"userId": "5f1d7c0e2b3a4c5d6e7f8091", "reason": "rude"}, 400),
    ({"userId": "5f1d7c0e2b3a4c5d6e7f8091", "reason": "spam"}, 404),
])
def test_bad_reports_are_refused(moderated, body, status):
    client, _, _, ada, _, _ = moderated
    assert client.post("/reports", headers=ada.headers, json=body).status_code == status


def test_only_who_can_see_it_may_report_it_and_reporting_may_block(moderated, otp_inbox):
    client, mo, me, ada, sent, _ = moderated
    stranger = Person(register_on(client, otp_inbox, name="Stranger"))
    for body in ({"messageId": sent["id"]}, {"conversationId": sent["conversationId"]}):
        assert client.post("/reports", headers=stranger.headers, json={**body, "reason": "abuse"}).status_code == 404
    response = client.post("/reports", headers=ada.headers, json={"userId": me.id, "reason": "abuse", "block": True})
    assert response.status_code == 201 and response.get_json()["userId"] == me.id
    assert [u["id"] for u in client.get("/users/blocked", headers=ada.headers).get_json()["users"]] == [me.id]
    evidence = next(r for r in open_reports(client, mo) if r["userId"] == me.id and not r["messageId"])["evidence"]
    assert [e["text"] for e in evidence] == ["buy cheap pills"]


def test_everyone_but_a_moderator_finds_no_admin_at_all(moderated):
    client, _, me, ada, sent, report = moderated
    for method, path, body in ADMIN_ROUTES:
        url = path.format(report=report["id"], user=me.id, message=sent["id"])
        for who in (me, ada):
            response = getattr(client, method)(url, headers=who.headers, json=body)
            assert response.status_code == 404, (method, url, response.get_json())
        assert getattr(client, method)(url, json=body).status_code == 401


def test_a_suspension_refuses_the_accounts_tokens_and_sign_ins_until_lifted(moderated):
    client, mo, me, ada, _, report = moderated
    resolved = client.post(f"/admin/reports/{report['id']}/resolve", headers=mo.headers,
                           json={"action": "user_suspended", "note": "spam, third time"})
    assert resolved.status_code == 200 and resolved.get_json()["status"] == "resolved"
    refused = client.get("/users/me", headers=me.headers)
    assert refused.status_code == 403 and refused.get_json()["code"] == "account_suspended"
    login = client.post("/auth/login", json={"phone": me.phone, "password": "a-good-password"})
    assert login.status_code == 403 and login.get_json()["code"] == "account_suspended"
    assert client.get("/admin/reports", headers=mo.headers).get_json()["reports"] == []
    assert client.post(f"/admin/users/{me.id}/unsuspend", headers=mo.headers, json={"reason": "appealed"}).status_code == 200
    assert client.get("/users/me", headers=me.headers).status_code == 200


def test_moderators_delete_messages_see_sessions_and_every_action_is_audited(moderated):
    client, mo, me, ada, sent, report = moderated
    assert client.delete(f"/admin/messages/{sent['id']}", headers=mo.headers, json={"reason": "spam"}).status_code == 200
    history = client.get("/messages", headers=ada.headers, query_string={"conversationId": sent["conversationId"]})
    assert [m["deleted"] for m in history.get_json()["messages"]] == [True]
    sessions = client.get(f"/admin/users/{me.id}/sessions", headers=mo.headers).get_json()["sessions"]
    assert len(sessions) == 1
    client.post(f"/admin/reports/{report['id']}/resolve", headers=mo.headers, json={"action": "none", "reason": "not spam"})
    entries = client.get("/admin/audit", headers=mo.headers).get_json()["entries"]
    assert [e["action"] for e in entries] == ["report_resolved", "sessions_viewed", "message_deleted"]
    assert all(e["moderator"] == mo.id for e in entries)


def test_the_set_role_command_makes_and_unmakes_a_moderator(moderated):
    client, _, me, _, _, _ = moderated
    runner = client.application.test_cli_runner()
    result = runner.invoke(args=["users", "set-role", me.phone, "moderator"])
    assert result.exit_code == 0 and "is now a moderator" in result.output
    assert client.get("/admin/reports", headers=me.headers).status_code == 200
    runner.invoke(args=["users", "set-role", me.phone, "user"])
    assert client.get("/admin/reports", headers=me.headers).status_code == 404
    unknown = runner.invoke(args=["users", "set-role", "+12025550143", "moderator"])  # next_phone never gives it
    assert unknown.exit_code != 0 and "No account" in unknown.output


def test_the_api_refuses_what_the_console_refuses_with_a_json_code(moderated):
    client, mo, me, ada, sent, report = moderated
    path = f"/admin/reports/{report['id']}/resolve"
    assert client.post(path, headers=mo.headers, json={"action": "none", "reason": "not spam"}).status_code == 200
    again = client.post(path, headers=mo.headers, json={"action": "user_suspended", "reason": "spam"})
    assert again.status_code == 409 and again.get_json()["code"] == "report_resolved" and again.get_json()["message"]
    assert client.get("/users/me", headers=me.headers).status_code == 200
    about_me = client.post("/reports", headers=ada.headers, json={"userId": me.id, "reason": "abuse"}).get_json()
    nothing = client.post(f"/admin/reports/{about_me['id']}/resolve", headers=mo.headers,
                          json={"action": "message_deleted", "reason": "spam"})
    assert nothing.status_code == 409 and nothing.get_json()["code"] == "report_has_no_target"
    own = client.post(f"/admin/users/{mo.id}/suspend", headers=mo.headers, json={"reason": "oops, me"})
    assert own.status_code == 400 and own.get_json()["code"] == "cannot_moderate_self"
    lifted = client.post(f"/admin/users/{me.id}/unsuspend", headers=mo.headers, json={"reason": "appealed"})
    assert lifted.status_code == 409 and lifted.get_json()["code"] == "not_suspended"
    assert client.delete(f"/admin/messages/{sent['id']}", headers=mo.headers, json={"reason": "spam"}).status_code == 200
    twice = client.delete(f"/admin/messages/{sent['id']}", headers=mo.headers, json={"reason": "spam"})
    assert twice.status_code == 409 and twice.get_json()["code"] == "message_deleted"


def test_removing_a_message_whose_conversation_is_gone_is_404_not_500(moderated):
    client, mo, _, _, sent, _ = moderated
    Conversation.objects(id=sent["conversationId"]).delete()
    response = client.delete(f"/admin/messages/{sent['id']}", headers=mo.headers, json={"reason": "spam"})
    assert response.status_code == 404 and response.get_json()["code"] == "conversation_not_found"


def test_the_api_suspends_for_one_of_the_consoles_lengths_or_until_lifted(moderated):
    client, mo, me, ada, _, _ = moderated
    odd = client.post(f"/admin/users/{me.id}/suspend", headers=mo.headers, json={"reason": "spam", "hours": 5})
    assert odd.status_code == 400 and "hours" in str(odd.get_json())
    assert client.post(f"/admin/users/{me.id}/suspend", headers=mo.headers,
                       json={"reason": "spam", "hours": 24}).status_code == 200
    until = User.objects(id=me.id).first().suspended_until.replace(tzinfo=timezone.utc)
    assert abs((until - utcnow()) - timedelta(hours=24)) < timedelta(minutes=1)
    assert client.get("/users/me", headers=me.headers).status_code == 403
    User.objects(id=me.id).update_one(set__suspended_until=utcnow() - timedelta(seconds=1))  # the day has passed
    assert client.post("/auth/login", json={"phone": me.phone, "password": "a-good-password"}).status_code == 200
    assert client.post(f"/admin/users/{ada.id}/suspend", headers=mo.headers, json={"reason": "spam"}).status_code == 200
    assert User.objects(id=ada.id).first().suspended_until is None  # until lifted


@pytest.mark.parametrize("method, path, body", [
    ("post", "/admin/reports/{report}/resolve", {"action": "none"}),
    ("post", "/admin/reports/{report}/resolve", {"action": "none", "reason": "   "}),
    ("post", "/admin/users/{user}/suspend", {"reason": "ok"}),
    ("post", "/admin/users/{user}/unsuspend", None),
    ("delete", "/admin/messages/{message}", {}),
])
def test_every_api_action_needs_a_reason_as_the_consoles_forms_do(moderated, method, path, body):
    client, mo, me, _, sent, report = moderated
    url = path.format(report=report["id"], user=me.id, message=sent["id"])
    refused = getattr(client, method)(url, headers=mo.headers, json=body)
    assert refused.status_code == 400 and refused.get_json()["code"] == "validation_error"
    assert "reason" in str(refused.get_json())
    assert client.get("/admin/audit", headers=mo.headers).get_json()["entries"] == []  # nothing was done


def test_a_resolution_takes_its_reason_under_the_old_name_note_as_well(moderated):
    client, mo, _, _, _, report = moderated
    resolved = client.post(f"/admin/reports/{report['id']}/resolve", headers=mo.headers,
                           json={"action": "none", "note": "not spam at all"})
    assert resolved.status_code == 200 and resolved.get_json()["resolutionNote"] == "not spam at all"


def test_the_api_lists_reports_as_the_consoles_queue_does(moderated):
    client, mo, me, ada, _, report = moderated
    later = client.post("/reports", headers=ada.headers, json={"userId": me.id, "reason": "abuse"}).get_json()
    assert [r["id"] for r in open_reports(client, mo)] == [report["id"], later["id"]]  # oldest first while open
    for each in (later, report):
        client.post(f"/admin/reports/{each['id']}/resolve", headers=mo.headers, json={"reason": "looked at it"})
    Report.objects(id=later["id"]).update_one(set__resolved_at=utcnow() - timedelta(minutes=1))  # resolved first
    listed = client.get("/admin/reports", headers=mo.headers, query_string={"status": "resolved", "limit": 1})
    body = listed.get_json()
    assert [r["id"] for r in body["reports"]] == [report["id"]]  # the latest resolved first
    assert body["pagination"] == {"page": 1, "limit": 1, "total": 2, "hasMore": True}
    assert body["reports"][0]["resolutionNote"] == "looked at it" and body["reports"][0]["evidence"]
