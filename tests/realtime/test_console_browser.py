"""The moderator console in a real browser (Chromium through Playwright) against a running
server, with both apps' sockets connected: a moderator signs in, opens a message report and sees
the message in its chat, removes it (both apps' devices get the deletion), suspends the sender
(their sockets close, REST answers 403), finds both in the audit log with the reasons; a form
posted without its token is refused, someone without the role sees 404; it works at 1280x800,
on a phone-sized window and from the keyboard. A screenshot of each page is saved under pytest's
temporary folder, and each step asserts what the page says."""
import time

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from support.browser import Screenshots, chromium_path
from support.people import next_phone, open_chat

pytestmark = pytest.mark.redis
MODERATOR_PHONE = next_phone()
LIVE_SERVER_SETTINGS = {"MODERATOR_PHONES": MODERATOR_PHONE}
PASSWORD = "a-good-password"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def screenshots(tmp_path):
    return Screenshots(tmp_path)


@pytest.fixture(scope="module")
def mo(live_server):
    """The moderator (by MODERATOR_PHONES)."""
    return live_server.register(name="Mo", phone=MODERATOR_PHONE, password=PASSWORD)


@pytest.fixture
def reported(live_server, mo):
    """Me and Ada chat, and Ada reported Me's middle message."""
    server = live_server
    me, ada = server.register(name="Me", password=PASSWORD), server.register(name="Ada", password=PASSWORD)
    conversation = open_chat(server.base, ada, me)
    open_chat(server.base, me, ada)
    said = [requests.post(f"{server.base}/messages", headers=who.headers,
                          json={"conversationId": conversation, "text": text}).json()
            for who, text in ((ada, "hello there"), (me, "buy cheap pills at example.com"), (ada, "please stop"))]
    report = requests.post(f"{server.base}/reports", headers=ada.headers,
                           json={"messageId": said[1]["id"], "reason": "spam", "note": "he keeps sending this"})
    assert report.status_code == 201, report.text
    return mo, me, ada, said, report.json()


def sign_in(page, base, phone):
    page.goto(f"{base}/console/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Phone number", exact=True).fill(phone)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_moderator_acts_on_a_message_report_in_the_browser(live_server, browser, reported, connect, screenshots):
    mo, me, ada, said, report = reported
    base = live_server.base
    desktop, mobile = connect(base, ada.token), connect(base, query=f"token={ada.token}")  # Ada on both apps
    senders = [connect(base, me.token), connect(base, query=f"token={me.token}")]
    time.sleep(0.3)  # presence has counted every device in
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    asked = []  # console.js asks before a destructive action: it ran, under the CSP
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    problems = []  # what the browser complains of: a refused inline script or style (CSP), a failed script
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in(page, base, MODERATOR_PHONE)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.locator("#open-reports")).to_have_text("1")
    screenshots.take(page, "overview")

    page.get_by_role("link", name="Reports").click()
    row = page.get_by_role("row").filter(has_text="he keeps sending this")
    expect(row).to_contain_text("spam")
    expect(row).to_contain_text("Me")
    screenshots.take(page, "reports")

    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Report of a message")).to_be_visible()
    messages = page.locator("ol.messages").first.locator("li")
    expect(messages).to_have_count(3)
    expect(messages.nth(0)).to_contain_text("hello there")
    expect(page.locator("#reported-message")).to_contain_text("buy cheap pills at example.com")
    expect(messages.nth(2)).to_contain_text("please stop")
    expect(page.locator("#report-note")).to_have_text("he keeps sending this")
    screenshots.take(page, "report")

    removal = page.locator("form", has=page.get_by_role("button", name="Remove the message for everyone"))
    removal.get_by_label("Reason").fill("spam link, third time")
    removal.get_by_role("button").click()
    expect(page.get_by_role("status")).to_have_text("The message was removed for everyone.")
    assert asked == ["Remove the message for everyone?"]
    for device in (desktop, mobile):
        assert device.wait_for("message_deleted", lambda data: data["id"] == said[1]["id"])["scope"] == "everyone"
    expect(page.locator("#reported-message")).to_contain_text("removed")
    screenshots.take(page, "report-resolved")

    page.locator("#reported-user").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Me")).to_be_visible()
    expect(page.get_by_role("cell", name="other").first).to_be_visible()  # the sessions of Me's devices
    suspension = page.locator("form", has=page.get_by_role("button", name="Suspend"))
    suspension.get_by_label("For").select_option(label="until lifted")
    suspension.get_by_label("Reason").fill("repeated spam")
    suspension.get_by_role("button").click()
    expect(page.locator("#account-state")).to_contain_text("until lifted")
    for device in senders:
        device.wait_for("account_suspended")
    deadline = time.monotonic() + 5
    while any(device.sio.connected for device in senders) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(device.sio.connected for device in senders)
    refused = requests.get(f"{base}/users/me", headers=me.headers)
    assert refused.status_code == 403 and refused.json()["code"] == "account_suspended"
    screenshots.take(page, "person-suspended")

    page.get_by_role("link", name="Audit log").click()
    def entry(action):
        return page.locator("#audit-entries tbody tr").filter(has=page.get_by_role("cell", name=action, exact=True))

    expect(entry("message_deleted")).to_contain_text("spam link, third time")
    expect(entry("user_suspended")).to_contain_text("repeated spam")
    expect(entry("report_resolved")).to_contain_text("resolution: message_deleted")
    screenshots.take(page, "audit")

    # A form posted without its csrf_token is refused, and changes nothing.
    page.go_back()
    lift = page.locator("form", has=page.get_by_role("button", name="Lift the suspension"))
    lift.locator("input[name=csrf_token]").evaluate("input => input.remove()")
    lift.get_by_label("Reason").fill("forged")
    lift.get_by_role("button").click()
    expect(page.locator("[data-code=csrf_failed]")).to_be_visible()
    assert page.title().startswith("403")
    assert requests.get(f"{base}/users/me", headers=me.headers).status_code == 403
    screenshots.take(page, "csrf-refused")
    assert len(screenshots.taken) == 7
    assert [p for p in problems if "403" not in p] == []  # the refused form's own 403 aside


def test_someone_without_the_role_sees_404(live_server, browser, reported, screenshots):
    _, _, ada, _, _ = reported
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, live_server.base, ada.phone)
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    assert page.title().startswith("404")
    screenshots.take(page, "not-a-moderator")
    page.goto(f"{live_server.base}/console/reports")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()  # no session was made


def test_it_works_on_a_phone_sized_window_and_from_the_keyboard(live_server, browser, reported, screenshots):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(f"{live_server.base}/console/sign-in")
    assert page.evaluate("document.activeElement.id") == "phone"  # the first field has focus
    page.keyboard.type(MODERATOR_PHONE)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    for _ in range(2):  # past Overview, to Reports
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Reports"
    page.keyboard.press("Enter")
    expect(page.get_by_role("row").filter(has_text="he keeps sending this").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    screenshots.take(page, "reports-on-a-phone")
