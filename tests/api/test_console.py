"""The moderator console (/console/) through HTTP as a browser sends it: sign-in, its own
cookie session and CSRF tokens, the role checked at every click, the security headers, and the
actions, each in the audit log. (tests/realtime/test_console_browser.py drives it in Chromium.)"""
import csv
import html
import io
import re
import time
from datetime import timedelta

import pytest

from backend2.infra import metrics
from backend2.middlewares.console_guard import SESSION_COOKIE
from backend2.models import AuditEntry, ConsoleSession, Report, User
from backend2.utils.time import utcnow
from config import ProductionConfig
from support.console import ConsoleClient
from support.people import Person, register_on

PASSWORD = "a-good-password"


@pytest.fixture
def world(make_app, otp_inbox):
    """An app where Mo is a moderator (by grant-moderator); Me sent Ada a message she reported."""
    app = make_app(use_redis=False)
    client = app.test_client()
    mo, me, ada = (Person(register_on(client, otp_inbox, name=name, password=PASSWORD)) for name in ("Mo", "Me", "Ada"))
    assert app.test_cli_runner().invoke(args=["users", "grant-moderator", mo.phone]).exit_code == 0
    for one, other in ((me, ada), (ada, me)):
        client.post("/contacts/sync", headers=one.headers, json={"contacts": [{"phone": other.phone, "name": other.name}]})
    said = [client.post("/messages", headers=who.headers, json={"to": to.id, "text": text}).get_json()
            for who, to, text in ((ada, me, "hi"), (me, ada, "buy cheap pills"), (ada, me, "stop it"))]
    report = client.post("/reports", headers=ada.headers, json={"messageId": said[1]["id"], "reason": "spam",
                                                                "note": "third time this week"}).get_json()
    return app, client, mo, me, ada, said, report


def signed_in(app, person):
    console = ConsoleClient(app)
    assert console.sign_in(person.phone, PASSWORD).status_code == 303
    return console


def another_moderator(app, client, otp_inbox):
    """A second moderator, Other, made by grant-moderator."""
    other = Person(register_on(client, otp_inbox, name="Other", password=PASSWORD))
    assert app.test_cli_runner().invoke(args=["users", "grant-moderator", other.phone]).exit_code == 0
    return other


def audit_actions(app, moderator):
    console = signed_in(app, moderator)
    page = console.get("/console/audit").get_data(as_text=True)
    return page


def test_a_moderator_signs_in_and_gets_a_strict_cookie_and_safe_headers(world):
    app, _, mo, _, _, _, _ = world
    console = ConsoleClient(app)
    page = console.get("/console/sign-in")
    assert 'name="phone"' in page.get_data(as_text=True) and 'name="password"' in page.get_data(as_text=True)
    response = console.post("/console/sign-in", phone=mo.phone, password=PASSWORD)
    assert response.status_code == 303 and response.headers["Location"].endswith("/console/")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("b2_console="))
    assert {"HttpOnly", "SameSite=Strict", "Path=/console"} <= {part.strip() for part in cookie.split(";")}
    assert "Secure" not in cookie  # testing; production: test_the_cookie_is_secure_in_production
    overview = console.get("/console/")
    assert overview.status_code == 200 and "Open reports" in overview.get_data(as_text=True)
    csp = overview.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert overview.headers["Cache-Control"] == "no-store"
    assert 'id="open-reports"><a href="/console/reports">1<' in overview.get_data(as_text=True)
    assert 'id="messages-last-hour">3<' in overview.get_data(as_text=True)
    assert 'id="health-status">ok' in overview.get_data(as_text=True)


def test_the_cookie_is_secure_in_production(make_app):
    assert ProductionConfig({}).CONSOLE_COOKIE_SECURE is True
    assert "CONSOLE_COOKIE_SECURE=false" in " ".join(ProductionConfig({"CONSOLE_COOKIE_SECURE": "false"}).problems())
    assert "CONSOLE_IDLE_MINUTES" in " ".join(ProductionConfig({"CONSOLE_IDLE_MINUTES": "0"}).problems())
    app = make_app(use_redis=False, CONSOLE_COOKIE_SECURE="true")
    page = app.test_client().get("/console/sign-in")
    assert "Secure" in page.headers["Set-Cookie"]


def test_sign_in_with_a_code_sent_by_a_first_step(world, otp_inbox):
    app, _, mo, _, _, _, _ = world
    console = ConsoleClient(app)
    console.get("/console/sign-in")
    sent = console.post("/console/sign-in/code", phone=mo.phone)
    assert sent.status_code == 200 and 'name="code"' in sent.get_data(as_text=True)
    wrong = console.post("/console/sign-in", phone=mo.phone, code="000000")
    assert wrong.status_code == 400 and console.cookie("b2_console") is None
    assert console.post("/console/sign-in", phone=mo.phone, code=otp_inbox(mo.phone, "login")).status_code == 303
    assert console.get("/console/reports").status_code == 200


def test_wrong_credentials_are_refused_on_the_form(world):
    app, _, mo, _, _, _, _ = world
    console = ConsoleClient(app)
    console.get("/console/sign-in")
    refused = console.post("/console/sign-in", phone=mo.phone, password="not-the-password")
    assert refused.status_code == 401 and "Invalid credentials" in refused.get_data(as_text=True)
    assert console.cookie("b2_console") is None


def test_someone_without_the_role_gets_404_and_no_session(world):
    app, _, _, me, _, _, _ = world
    console = ConsoleClient(app)
    response = console.sign_in(me.phone, PASSWORD)
    assert response.status_code == 404 and console.cookie("b2_console") is None
    signed_out = console.get("/console/reports")
    assert signed_out.status_code == 303 and signed_out.headers["Location"].endswith("/console/sign-in")


def test_a_form_posted_without_its_token_or_with_another_is_refused(world):
    app, client, mo, _, _, _, report = world
    console = ConsoleClient(app)
    console.get("/console/sign-in")
    assert console.post("/console/sign-in", with_token=False, phone=mo.phone, password=PASSWORD).status_code == 403
    console = signed_in(app, mo)
    other = signed_in(app, mo)
    path = f"/console/reports/{report['id']}/dismiss"
    assert console.post(path, with_token=False, reason="no token").status_code == 403
    assert console.http.post(path, data={"csrf_token": other.token, "reason": "another's"}).status_code == 403
    page = console.get(f"/console/reports/{report['id']}").get_data(as_text=True)
    assert 'id="report-status">open' in page  # nothing happened
    assert console.get(path).status_code == 404  # no state change over GET: no such page


def test_a_revoked_moderator_is_out_at_the_next_click_and_both_changes_are_audited(world):
    app, _, mo, _, _, _, _ = world
    console = signed_in(app, mo)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "revoke-moderator", mo.phone])
    assert result.exit_code == 0 and "is now a user" in result.output
    signed_out = console.get("/console/reports")  # the command ended the session at once
    assert signed_out.status_code == 303 and signed_out.headers["Location"].endswith("/console/sign-in")
    assert console.sign_in(mo.phone, PASSWORD).status_code == 404
    assert runner.invoke(args=["users", "grant-moderator", mo.phone]).exit_code == 0
    console = signed_in(app, mo)
    assert logged(console, target=mo.id) == ["console_signed_in", "moderator_granted", "moderator_revoked",
                                             "console_signed_in", "moderator_granted"]  # newest first
    assert "command line" in console.get("/console/audit", query_string={"action": "moderator_revoked"}).get_data(
        as_text=True)


def test_a_moderator_suspended_meanwhile_is_out_at_the_next_click(world, otp_inbox):
    app, client, mo, _, _, _, _ = world
    other = another_moderator(app, client, otp_inbox)
    console = signed_in(app, mo)
    assert client.post(f"/admin/users/{mo.id}/suspend", headers=other.headers, json={"reason": "abuse"}).status_code == 200
    assert console.get("/console/").status_code == 403
    assert console.get("/console/").status_code == 303


def test_a_console_session_is_no_api_token_and_an_app_token_no_console_session(world):
    app, client, mo, _, _, _, _ = world
    console = signed_in(app, mo)
    cookie = console.cookie("b2_console").value
    refused = client.get("/users/me", headers={"Authorization": f"Bearer {cookie}"})
    assert refused.status_code == 401
    browser = ConsoleClient(app)
    browser.http.set_cookie("b2_console", mo.token, path="/console")
    assert browser.get("/console/").status_code == 303


def test_the_report_shows_the_message_in_context_and_removing_it_is_audited(world):
    app, client, mo, me, ada, said, report = world
    console = signed_in(app, mo)
    queue = console.get("/console/reports").get_data(as_text=True)
    assert "third time this week" in queue and "Me" in queue
    page = console.get(f"/console/reports/{report['id']}").get_data(as_text=True)
    assert [text in page for text in ("hi", "buy cheap pills", "stop it", "third time this week")] == [True] * 4
    assert page.index("hi<") < page.index("buy cheap pills") < page.index("stop it")
    response = console.post(f"/console/reports/{report['id']}/remove-message", reason="spam, again")
    assert response.status_code == 303
    history = client.get("/messages", headers=ada.headers, query_string={"conversationId": said[1]["conversationId"]})
    assert [m["deleted"] for m in history.get_json()["messages"]] == [False, True, False]
    audit = audit_actions(app, mo)
    assert "message_deleted" in audit and "report_resolved" in audit and "spam, again" in audit


def test_context_stops_at_what_the_reporter_could_see(world):
    app, client, mo, me, ada, said, report = world
    assert client.delete(f"/messages/{said[0]['id']}?scope=me", headers=ada.headers).status_code == 200
    page = signed_in(app, mo).get(f"/console/reports/{report['id']}").get_data(as_text=True)
    assert "buy cheap pills" in page and ">hi<" not in page


def test_a_suspension_for_a_time_refuses_the_account_until_it_ends(world):
    app, client, mo, me, _, _, report = world
    console = signed_in(app, mo)
    assert console.post(f"/console/reports/{report['id']}/suspend", reason="spam", hours="24").status_code == 303
    assert client.get("/users/me", headers=me.headers).status_code == 403
    person = console.get(f"/console/people/{me.id}").get_data(as_text=True)
    assert "suspended since" in person and ", until" in person
    User.objects(id=me.id).update_one(set__suspended_until=utcnow() - timedelta(seconds=1))  # the day has passed
    fresh = client.post("/auth/login", json={"phone": me.phone, "password": PASSWORD})
    assert fresh.status_code == 200


def test_people_lookup_sessions_and_lifting_a_suspension(world):
    app, client, mo, me, _, _, _ = world
    console = signed_in(app, mo)
    for query in (me.phone, "Me", me.id):
        assert f"/console/people/{me.id}" in console.get("/console/people", query_string={"q": query}).get_data(as_text=True)
    page = console.get(f"/console/people/{me.id}").get_data(as_text=True)
    assert "End this session" in page and "other" in page
    assert console.post(f"/console/people/{me.id}/suspend", reason="checking").status_code == 303
    assert "suspended</strong>" in console.get("/console/people", query_string={"q": me.phone}).get_data(as_text=True)
    assert console.post(f"/console/people/{me.id}/unsuspend", reason="a mistake").status_code == 303
    assert client.get("/users/me", headers=me.headers).status_code == 200
    assert console.post(f"/console/people/{me.id}/end-all-sessions", reason="stolen phone").status_code == 303
    assert client.get("/users/me", headers=me.headers).status_code == 401


def test_deleting_the_account_from_a_report(world):
    app, client, mo, me, ada, _, report = world
    console = signed_in(app, mo)
    assert console.post(f"/console/reports/{report['id']}/delete-account", reason="illegal content").status_code == 303
    assert client.get(f"/users/{me.id}", headers=ada.headers).get_json()["name"] == "Deleted account"


def test_the_audit_log_filters_and_downloads_as_csv(world):
    app, _, mo, me, _, _, report = world
    console = signed_in(app, mo)
    console.post(f"/console/reports/{report['id']}/assign", reason="mine now")
    console.post(f"/console/people/{me.id}/suspend", reason="cooling off", hours="1")
    only = console.get("/console/audit", query_string={"action": "user_suspended"}).get_data(as_text=True)
    assert "cooling off" in only and "mine now" not in only
    csv = console.get("/console/audit.csv", query_string={"target": me.id})
    assert csv.mimetype == "text/csv" and csv.headers["Cache-Control"] == "no-store"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0] == "time,moderator,moderatorName,action,target,details"
    assert any("user_suspended" in line and "cooling off" in line for line in lines[1:])
    assert [row["moderatorName"] for row in csv_rows(lines) if row["action"] == "user_suspended"] == ["Mo"]
    assert not any("report_assigned" in line for line in lines)


def test_the_audit_log_offers_no_way_to_change_an_entry(world):
    app, _, mo, _, _, _, _ = world
    audit_rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/console/audit")]
    assert {rule.rule for rule in audit_rules} == {"/console/audit", "/console/audit.csv"}
    changing = {(rule.rule, rule.endpoint) for rule in audit_rules if rule.methods - {"GET", "HEAD", "OPTIONS"}}
    assert changing == {("/console/audit", "console.audit_filter")}  # only its filter form, answered by a redirect
    console = signed_in(app, mo)
    before = logged(console)
    filtered = console.post("/console/audit", action="console_signed_in")
    assert filtered.status_code == 303 and "action=console_signed_in" in filtered.headers["Location"]
    assert logged(console) == before


def test_every_form_of_every_page_carries_its_token_and_filters_stay_bookmarkable_gets(world):
    app, _, mo, me, _, _, report = world
    console = signed_in(app, mo)
    pages = ["/console/", "/console/reports", f"/console/reports/{report['id']}", "/console/people",
             f"/console/people/{me.id}", "/console/audit"]
    for path in pages:
        html = console.get(path).get_data(as_text=True)
        forms = re.findall(r"<form\b.*?</form>", html, re.S)
        assert forms, path
        for form in forms:
            assert 'method="post"' in form and f'name="csrf_token" value="{console.token}"' in form, (path, form[:80])
    assert console.post("/console/people", with_token=False, q=me.phone).status_code == 403
    found = console.post("/console/people", q=me.phone)
    assert found.status_code == 303 and "csrf_token" not in found.headers["Location"]
    assert found.headers["Location"].endswith(f"/console/people?q=%2B{me.phone[1:]}")
    assert me.name in console.get(found.headers["Location"]).get_data(as_text=True)
    only = console.post("/console/reports", view="open", reason="spam", age="")
    assert only.headers["Location"].endswith("/console/reports?view=open&reason=spam")


def csv_rows(lines):
    return list(csv.DictReader(lines))


def test_signing_out_ends_the_session_and_its_cookie(world):
    app, _, mo, _, _, _, _ = world
    console = signed_in(app, mo)
    cookie = console.cookie(SESSION_COOKIE)
    assert cookie is not None and ConsoleSession.objects(user=mo.id).count() == 1
    signed_out = console.post("/console/sign-out")
    assert signed_out.status_code == 303 and signed_out.headers["Location"].endswith("/console/sign-in")
    assert console.cookie(SESSION_COOKIE) is None and ConsoleSession.objects(user=mo.id).count() == 0
    again = ConsoleClient(app)
    again.http.set_cookie(SESSION_COOKIE, cookie.value, path="/console")  # the old cookie, kept by someone
    assert again.get("/console/").status_code == 303


def test_the_csv_names_the_operator_for_a_command_line_grant(world):
    app, _, mo, _, _, _, _ = world
    rows = csv_rows(signed_in(app, mo).get("/console/audit.csv").get_data(as_text=True).splitlines())
    granted = [row for row in rows if row["action"] == "moderator_granted"]
    assert len(granted) == 1 and granted[0]["moderator"] == "" and granted[0]["moderatorName"]


def test_a_session_idle_past_console_idle_minutes_is_signed_out(make_app, otp_inbox):
    app = make_app(use_redis=False, CONSOLE_IDLE_MINUTES="0.01")  # 0.6 s
    mo = Person(register_on(app.test_client(), otp_inbox, name="Mo", password=PASSWORD))
    app.test_cli_runner().invoke(args=["users", "grant-moderator", mo.phone])
    console = signed_in(app, mo)
    assert console.get("/console/reports").status_code == 200
    time.sleep(0.7)
    assert console.get("/console/reports").status_code == 303


def test_sign_in_is_rate_limited_as_the_apis_is(make_app, otp_inbox):
    app = make_app(use_redis=False, RATE_LIMIT_AUTH="2 per minute")
    console = ConsoleClient(app)
    console.get("/console/sign-in")
    answers = [console.post("/console/sign-in", phone="+14155550199", password="guess").status_code for _ in range(3)]
    assert answers == [401, 401, 429]
    limited = console.post("/console/sign-in", phone="+14155550199", password="guess")
    assert "Too many tries" in limited.get_data(as_text=True) and limited.headers["Retry-After"]


def test_what_users_wrote_is_shown_as_text_never_as_markup(world):
    app, client, mo, me, ada, said, _ = world
    sent = client.post("/messages", headers=me.headers, json={"to": ada.id, "text": "<script>alert(1)</script>"})
    report = client.post("/reports", headers=ada.headers, json={"messageId": sent.get_json()["id"], "reason": "abuse",
                                                                "note": '"><img src=x onerror=alert(2)>'}).get_json()
    page = signed_in(app, mo).get(f"/console/reports/{report['id']}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page


def test_a_reported_attachment_is_a_private_link_that_expires(world):
    app, client, mo, me, ada, _, _ = world
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    uploaded = client.post("/uploads", headers=me.headers, data={"file": (io.BytesIO(pdf), "terms.pdf")},
                           content_type="multipart/form-data").get_json()
    sent = client.post("/messages", headers=me.headers, json={"to": ada.id, "text": "read this",
                                                              "attachments": [{"url": uploaded["url"]}]}).get_json()
    report = client.post("/reports", headers=ada.headers, json={"messageId": sent["id"], "reason": "abuse"}).get_json()
    page = signed_in(app, mo).get(f"/console/reports/{report['id']}").get_data(as_text=True)
    links = re.findall(r'class="attachment" href="([^"]+)"', page)
    assert len(links) == 2  # in the chat, and in what the report kept
    link = html.unescape(links[0])
    expires = int(re.search(r"exp=(\d+)", link).group(1))
    assert time.time() < expires <= time.time() + 2 * app.config["CONSOLE_LINK_TTL_SECONDS"]
    assert client.get(link).data == pdf  # no header needed: the link is signed
    assert client.get(link.split("?")[0]).status_code in (401, 404)  # without its signature it is private
    assert client.get(re.sub(r"sig=[^&]+", "sig=forged", link)).status_code == 403


def test_the_queue_has_open_mine_and_resolved_and_filters_by_reason_and_age(world):
    app, client, mo, me, ada, said, report = world
    other = client.post("/reports", headers=ada.headers, json={"userId": me.id, "reason": "abuse",
                                                               "note": "rude to me"}).get_json()
    console = signed_in(app, mo)

    def listed(**query):
        page = console.get("/console/reports", query_string=query).get_data(as_text=True)
        return sorted(note for note in ("third time this week", "rude to me") if note in page)

    assert listed() == ["rude to me", "third time this week"]
    assert listed(reason="abuse") == ["rude to me"]
    assert listed(age="1") == []  # none is older than an hour
    Report.objects(id=other["id"]).update_one(set__created_at=utcnow() - timedelta(hours=2))
    assert listed(age="1") == ["rude to me"] and listed(age="24") == []
    console.post(f"/console/reports/{other['id']}/assign", reason="I will look")
    assert listed(view="mine") == ["rude to me"]
    console.post(f"/console/reports/{report['id']}/dismiss", reason="not spam")
    assert listed(view="resolved") == ["third time this week"] and listed() == ["rude to me"]
    assert console.get("/console/reports", query_string={"view": "everything"}).status_code == 400


def logged(console, **query):
    """The actions of the audit log's entries, newest first."""
    page = console.get("/console/audit", query_string=query).get_data(as_text=True)
    return re.findall(r'class="audit-action" data-label="Action">([a-z_]+)<', page)


def refusal(response):
    """(status, code) of a console error page."""
    found = re.search(r'data-code="([a-z_]+)"', response.get_data(as_text=True))
    return response.status_code, found.group(1) if found else None


@pytest.fixture
def two_moderators(world, otp_inbox):
    """Mo's console and another moderator's, both signed in, and the path of the world's report."""
    app, client, mo, _, _, _, report = world
    other = another_moderator(app, client, otp_inbox)
    return signed_in(app, mo), signed_in(app, other), f"/console/reports/{report['id']}"


def test_a_resolved_report_cannot_be_acted_on_again(world, two_moderators):
    _, client, _, me, _, _, report = world
    first, second, path = two_moderators
    assert first.post(f"{path}/dismiss", reason="not spam").status_code == 303
    assert refusal(second.post(f"{path}/dismiss", reason="not spam either")) == (409, "report_resolved")
    assert refusal(second.post(f"{path}/suspend", reason="spam", hours="24")) == (409, "report_resolved")
    assert refusal(second.post(f"{path}/assign", reason="mine")) == (409, "report_resolved")
    assert client.get("/users/me", headers=me.headers).status_code == 200  # nobody was suspended
    page = first.get(path).get_data(as_text=True)
    assert 'id="report-status">resolved: none (not spam)' in page
    assert logged(first, target=report["id"]) == ["report_resolved"]


def test_assigning_takes_only_a_report_nobody_holds(two_moderators):
    first, second, path = two_moderators
    assert first.post(f"{path}/assign", reason="mine now").status_code == 303
    assert refusal(second.post(f"{path}/assign", reason="no, mine")) == (409, "report_assigned")
    assert refusal(first.post(f"{path}/assign", reason="again")) == (409, "report_assigned")
    assert "Assigned to</dt><dd>Mo<" in second.get(path).get_data(as_text=True)
    assert second.post(f"{path}/dismiss", reason="not spam").status_code == 303  # anyone may still resolve it


def test_a_report_is_not_resolved_by_an_action_it_has_no_target_for(world):
    app, client, mo, me, ada, said, _ = world
    about_me = client.post("/reports", headers=ada.headers, json={"userId": me.id, "reason": "abuse"}).get_json()
    chat = client.post("/reports", headers=ada.headers, json={"conversationId": said[0]["conversationId"],
                                                              "reason": "abuse"}).get_json()
    console = signed_in(app, mo)
    assert refusal(console.post(f"/console/reports/{about_me['id']}/remove-message", reason="gone")) == \
        (409, "report_has_no_target")
    for action, form in (("suspend", {"hours": "1"}), ("delete-account", {})):
        assert refusal(console.post(f"/console/reports/{chat['id']}/{action}", reason="gone", **form)) == \
            (409, "report_has_no_target")
    for report in (about_me, chat):
        assert 'id="report-status">open' in console.get(f"/console/reports/{report['id']}").get_data(as_text=True)
    assert "report_resolved" not in logged(console)


def test_a_refused_action_leaves_the_report_open(world):
    app, client, mo, me, ada, said, report = world
    assert client.delete(f"/messages/{said[1]['id']}", headers=me.headers).status_code == 200  # the sender deleted it
    console = signed_in(app, mo)
    assert refusal(console.post(f"/console/reports/{report['id']}/remove-message", reason="spam")) == \
        (409, "message_deleted")
    assert 'id="report-status">open' in console.get(f"/console/reports/{report['id']}").get_data(as_text=True)
    assert console.post(f"/console/reports/{report['id']}/suspend", reason="spam", hours="1").status_code == 303


def test_a_moderator_cannot_suspend_or_delete_themself_nor_repeat_a_pointless_action(world):
    app, client, mo, me, _, _, _ = world
    console = signed_in(app, mo)
    assert refusal(console.post(f"/console/people/{mo.id}/suspend", reason="oops")) == (400, "cannot_moderate_self")
    assert refusal(console.post(f"/console/people/{mo.id}/delete", reason="oops")) == (400, "cannot_moderate_self")
    assert client.get("/users/me", headers=mo.headers).status_code == 200
    assert refusal(console.post(f"/console/people/{me.id}/unsuspend", reason="why")) == (409, "not_suspended")
    assert console.post(f"/console/people/{me.id}/delete", reason="illegal content").status_code == 303
    assert refusal(console.post(f"/console/people/{me.id}/delete", reason="again")) == \
        (409, "account_already_deleted")
    assert refusal(console.post(f"/console/people/{me.id}/suspend", reason="and")) == (409, "account_already_deleted")
    assert logged(console, target=me.id) == ["account_deleted"]


def test_context_ends_when_the_report_was_made(world, otp_inbox):
    app, client, mo, me, ada, said, _ = world
    group = client.post("/conversations", headers=me.headers,
                        json={"type": "group", "name": "Deals", "members": [ada.id]}).get_json()
    pitch = client.post("/messages", headers=me.headers, json={"conversationId": group["id"], "text": "pills here"})
    report = client.post("/reports", headers=ada.headers, json={"messageId": pitch.get_json()["id"],
                                                                "reason": "spam"}).get_json()
    assert client.delete(f"/conversations/{group['id']}/members/{ada.id}", headers=ada.headers).status_code == 200
    client.post("/messages", headers=me.headers, json={"conversationId": group["id"], "text": "after ada left"})
    client.post("/messages", headers=me.headers, json={"to": ada.id, "text": "and in our chat"})
    page = signed_in(app, mo).get(f"/console/reports/{report['id']}").get_data(as_text=True)
    assert "pills here" in page and "after ada left" not in page and "and in our chat" not in page


def test_the_csv_download_never_hands_a_spreadsheet_a_formula(world):
    app, client, mo, me, _, _, _ = world
    formula = '=HYPERLINK("http://127.0.0.1/x","click")'
    assert client.patch("/users/me", headers=mo.headers, json={"name": formula}).status_code == 200
    console = signed_in(app, mo)
    console.post(f"/console/people/{me.id}/suspend", reason="+1 for spam", hours="1")
    text = console.get("/console/audit.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert ["'" + formula] == [cell for row in rows for cell in row if "HYPERLINK" in cell][:1]
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_the_csv_download_lists_each_entry_once_while_the_log_grows(world):
    app, _, mo, me, _, _, _ = world
    start = utcnow() - timedelta(days=1)
    AuditEntry.objects.insert([AuditEntry(moderator=mo.id, action="session_ended", target=me.id,
                                          details={"reason": f"old {n}"}, created_at=start + timedelta(seconds=n))
                               for n in range(600)])
    console, meanwhile = signed_in(app, mo), signed_in(app, mo)
    download = console.http.get("/console/audit.csv", buffered=False)
    chunks = iter(download.response)
    first = next(chunks)
    assert meanwhile.post(f"/console/people/{me.id}/suspend", reason="while downloading").status_code == 303
    rows = list(csv.reader(io.StringIO(b"".join([first, *chunks]).decode())))[1:]
    reasons = [row[5] for row in rows if "old " in row[5]]
    assert len(reasons) == 600 == len(set(reasons))


@pytest.mark.parametrize("signed_out_by", ["password_change", "sign_out_everywhere", "another_moderator"])
def test_signing_out_everywhere_ends_the_console_sessions_too(world, otp_inbox, signed_out_by):
    app, client, mo, _, _, _, _ = world
    console = signed_in(app, mo)
    if signed_out_by == "password_change":
        changed = client.patch("/users/me", headers=mo.headers, json={"password": "a-new-password",
                                                                      "currentPassword": PASSWORD})
        assert changed.status_code == 200
    elif signed_out_by == "sign_out_everywhere":
        assert client.delete("/auth/sessions?others=true", headers=mo.headers).status_code == 200
    else:
        other = another_moderator(app, client, otp_inbox)
        colleague = signed_in(app, other)
        page = colleague.get(f"/console/people/{mo.id}").get_data(as_text=True)
        assert 'id="console-sessions"' in page and "Console" in page  # Mo's console session is listed
        assert colleague.post(f"/console/people/{mo.id}/end-all-sessions", reason="lost laptop").status_code == 303
    signed_out = console.get("/console/")
    assert signed_out.status_code == 303 and signed_out.headers["Location"].endswith("/console/sign-in")


def test_reading_a_persons_page_writes_nothing(world):
    app, _, mo, me, _, _, _ = world
    console = signed_in(app, mo)
    before = logged(console)
    for _ in range(2):
        assert "End this session" in console.get(f"/console/people/{me.id}").get_data(as_text=True)
    assert logged(console) == before


def test_a_missing_file_does_not_sign_the_browser_out(world):
    app, _, mo, _, _, _, _ = world
    console = signed_in(app, mo)
    missing = console.get("/console/static/no-such-file.css")
    assert missing.status_code == 404
    assert not [h for h in missing.headers.getlist("Set-Cookie") if h.startswith("b2_console=")]
    assert console.get("/console/").status_code == 200
    console.http.set_cookie("b2_console", "not-a-session", path="/console")
    refused = console.get("/console/")
    assert refused.status_code == 303 and any(h.startswith("b2_console=;") for h in refused.headers.getlist("Set-Cookie"))


def test_unknown_console_paths_and_methods_are_console_404_pages(world):
    app, client, mo, _, _, _, report = world
    console = signed_in(app, mo)
    for method, path in (("get", "/console/no-such-page"), ("post", "/console/"),
                         ("get", f"/console/reports/{report['id']}/dismiss")):
        response = getattr(console.http, method)(path)
        assert (response.status_code, response.mimetype) == (404, "text/html"), (method, path)
        assert "Not found" in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store" and "script-src 'self'" in \
            response.headers["Content-Security-Policy"]
    assert console.get("/console/").status_code == 200  # and still signed in
    api = client.get("/no-such-route")
    assert (api.status_code, api.get_json()["code"]) == (404, "not_found")
    assert client.put("/auth/login").get_json()["code"] == "method_not_allowed"


def test_a_reason_of_only_spaces_is_no_reason(world):
    app, _, mo, me, _, _, report = world
    console = signed_in(app, mo)
    refused = console.post(f"/console/reports/{report['id']}/dismiss", reason="      ")
    assert refusal(refused) == (400, "validation_error") and "reason" in refused.get_data(as_text=True)
    assert console.post(f"/console/people/{me.id}/suspend", reason="  ok  ").status_code == 400  # 2 characters
    assert console.post(f"/console/people/{me.id}/suspend", reason="  spam  ").status_code == 303
    assert "reason:</span> spam<" in console.get("/console/audit").get_data(as_text=True)


def test_an_attachment_link_is_only_ever_a_web_link(world):
    app, _, mo, _, _, _, report = world
    kept = ["javascript:alert(1)", "data:text/html,<script>alert(2)</script>", "https://files.example/a.pdf",
            "https://files.example/b.pdf?token=abc&part=2"]
    Report.objects(id=report["id"]).update_one(set__evidence__0__attachments=kept)  # as an import may have kept them
    page = signed_in(app, mo).get(f"/console/reports/{report['id']}").get_data(as_text=True)
    assert [html.unescape(link) for link in re.findall(r'class="attachment" href="([^"]+)"', page)] == [
        "https://files.example/a.pdf", "https://files.example/b.pdf?token=abc&part=2"]  # another site's query kept
    assert "javascript:" not in page and "data:text" not in page


def test_password_guesses_on_the_console_and_the_api_count_together(make_app):
    app = make_app(use_redis=False, RATE_LIMIT_AUTH="3 per minute")
    api, console = app.test_client(), ConsoleClient(app)
    guess = {"phone": "+14155550199", "password": "guess"}
    assert [api.post("/auth/login", json=guess).status_code for _ in range(2)] == [401, 401]
    console.get("/console/sign-in")
    assert [console.post("/console/sign-in", **guess).status_code for _ in range(2)] == [401, 429]
    assert api.post("/auth/verify-otp-login", json={"phone": guess["phone"], "otp": "123456"}).status_code == 429


def test_a_number_gets_no_more_codes_by_asking_the_console_as_well(make_app):
    app = make_app(use_redis=False, RATE_LIMIT_OTP_PER_PHONE="2 per minute", OTP_RESEND_SECONDS=0)
    api, console = app.test_client(), ConsoleClient(app)
    phone = "+14155550188"
    assert api.post("/auth/send-otp-login", json={"phone": phone}).status_code != 429
    console.get("/console/sign-in")
    assert console.post("/console/sign-in/code", phone=phone).status_code != 429
    assert api.post("/auth/send-otp-login", json={"phone": phone}).status_code == 429
    assert console.post("/console/sign-in/code", phone=phone).status_code == 429
    assert api.post("/auth/send-otp", json={"phone": "+14155550187"}).status_code == 200  # another number


def test_a_page_past_the_end_says_so_and_leads_back(world):
    app, _, mo, _, _, _, _ = world
    console = signed_in(app, mo)
    for path, empty in (("/console/audit", "No entries."), ("/console/reports", "No reports here.")):
        page = console.get(path, query_string={"page": "4"}).get_data(as_text=True)
        assert empty in page and "Page 4 of 1<" in page and "page=1" in page, path
    nothing = console.get("/console/reports", query_string={"view": "resolved", "page": "2"}).get_data(as_text=True)
    assert "Page 2 of 1<" in nothing and " of 0" not in nothing


def test_the_audit_log_filters_by_moderator(world, two_moderators):
    _, _, mo, me, _, _, _ = world
    first, second, path = two_moderators
    other = User.objects(name="Other").first()
    second.post(f"{path}/assign", reason="mine now")
    first.post(f"/console/people/{me.id}/suspend", reason="cooling off")
    assert logged(first, moderator=str(other.id)) == ["report_assigned", "console_signed_in"]
    own = logged(first, moderator=mo.id)
    assert own[0] == "user_suspended" and "report_assigned" not in own


def test_ending_one_session_signs_out_that_device_only(world):
    app, client, mo, me, _, _, _ = world
    other_device = client.post("/auth/login", json={"phone": me.phone, "password": PASSWORD}).get_json()
    second = {"Authorization": f"Bearer {other_device['token']}"}
    assert client.get("/users/me", headers=second).status_code == 200
    console = signed_in(app, mo)
    page = console.get(f"/console/people/{me.id}").get_data(as_text=True)
    ends = re.findall(rf'action="/console/people/{me.id}/sessions/([0-9a-f]+)/end"', page)
    assert len(ends) == 2
    mine = {s["id"] for s in client.get("/auth/sessions", headers=me.headers).get_json()["sessions"] if s["current"]}
    (theirs,) = set(ends) - mine
    assert console.post(f"/console/people/{me.id}/sessions/{theirs}/end", reason="lost phone").status_code == 303
    assert client.get("/users/me", headers=second).status_code == 401
    assert client.get("/users/me", headers=me.headers).status_code == 200
    assert logged(console, target=me.id) == ["session_ended"]


def test_the_overview_shows_the_oldest_reports_age_devices_and_push_queue(world):
    app, _, mo, _, _, _, report = world
    Report.objects(id=report["id"]).update_one(set__created_at=utcnow() - timedelta(hours=3, minutes=5))
    page = signed_in(app, mo).get("/console/").get_data(as_text=True)
    assert 'id="oldest-report">3 hours<' in page
    devices = int(metrics.REGISTRY.get_sample_value("backend2_sockets_connected") or 0)
    assert f'id="connected-devices">{devices}<' in page  # what /metrics counts
    queued = app.test_client().get("/health").get_json()["push"].get("queued")
    assert f'id="push-queue">{queued if queued is not None else "unreachable"}<' in page  # what /health reports
