"""`flask --app backend2 legacy import|verify`: both Express servers' databases and upload
folders into Backend2, run as an operator runs it (a child process), checked in the target."""
import fcntl
import os
import pty
import struct
import termios
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from bson import ObjectId
from PIL import Image

from support.legacy_world import LegacyWorld

COLLECTIONS = ("files", "users", "sessions", "contacts", "conversations", "chatrequests", "messages")
OUTCOMES = ("imported", "merged", "updated", "unchanged", "rejected")


@pytest.fixture(scope="module")
def imported(legacy_databases):
    """The world and two people who already registered with Backend2 (Cy since the last change on the
    old servers, Bob before it); a dry run, then the import."""
    dbs = legacy_databases
    world = LegacyWorld.build(dbs.client, dbs.desktop, dbs.mobile, dbs.old_uploads)
    now = datetime.now(timezone.utc)
    cy = {"_id": ObjectId(), "name": "Cy (new phone)", "phone": "+14155550103", "email": "cy@example.com",
          "passwordHash": "$2b$04$" + "x" * 53, "about": "", "blockedUsers": [], "createdAt": now, "updatedAt": now}
    bob = {"_id": ObjectId(), "name": "Bobby", "phone": "+14155550102", "email": "bob@example.com",
           "passwordHash": "$2b$04$" + "y" * 53, "blockedUsers": [], "createdAt": datetime(2026, 2, 1),
           "updatedAt": datetime(2026, 2, 1)}
    dbs.client[dbs.target].users.insert_many([cy, bob])
    sources_before = {name: dbs.snapshot(name) for name in (dbs.desktop, dbs.mobile)}
    documents = lambda: {name: state["documents"] for name, state in dbs.snapshot(dbs.target).items()  # noqa: E731
                         if state["documents"]}
    target_before = documents()
    dry_code, dry_output, dry_report = dbs.run("import", "--dry-run")
    dry_run_wrote = documents() != target_before
    code, output, report = dbs.run("import")
    assert code == 0, output
    return SimpleNamespace(dbs=dbs, world=world, ids=world.ids, sources_before=sources_before, report=report,
                           output=output, dry=(dry_code, dry_output, dry_report), dry_run_wrote=dry_run_wrote,
                           backend2_cy=cy, backend2_bob=bob, target=dbs.client[dbs.target])


def counts(report):
    return {name: {key: section[key] for key in ("read", *OUTCOMES)}
            for name, section in report["collections"].items()}


def rejected(report, collection):
    return {(entry["sourceId"], entry["reason"]) for entry in report["collections"][collection]["rejectedDocuments"]}


def test_dry_run_writes_no_document_and_reports_what_the_import_then_did(imported):
    code, output, report = imported.dry
    assert code == 0, output
    assert report["mode"] == "dry-run" and "dry run: nothing written" in output
    assert not imported.dry_run_wrote
    assert counts(report) == counts(imported.report)


def test_on_a_terminal_each_collection_gets_a_progress_bar(imported):
    terminal, child_side = pty.openpty()
    fcntl.ioctl(child_side, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # 40 rows, 120 columns
    process = imported.dbs.start("import", "--dry-run", stdout=child_side, stderr=child_side)
    os.close(child_side)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    assert process.wait(timeout=60) == 0, shown
    assert b"messages" in shown and b"100%|" in shown and b"26/26" in shown


def test_every_source_document_and_index_is_unchanged_afterwards(imported):
    dbs = imported.dbs
    dbs.run("import")
    assert {name: dbs.snapshot(name) for name in (dbs.desktop, dbs.mobile)} == imported.sources_before


def test_a_source_that_is_the_target_or_uploads_that_overlap_upload_dir_are_refused(imported, make_app):
    dbs = imported.dbs
    app = make_app(use_redis=False, **dbs.settings())
    runner = app.test_cli_runner()
    cases = {("--source", dbs.target_uri): "is the target database",
             ("--source", f"{dbs.uri}/{dbs.desktop}", "--uploads", str(dbs.upload_dir.parent)): "overlaps UPLOAD_DIR",
             ("--source", dbs.uri): "names no database", ("--source", "http://example.com/db"): "not a MongoDB URI"}
    dbs.upload_dir.mkdir(exist_ok=True)
    for args, reason in cases.items():
        result = runner.invoke(args=["legacy", "import", *args])
        assert result.exit_code == 2 and reason in result.output, (args, result.output)


def test_the_embedded_database_can_be_the_target_for_trying_it(imported, make_app):
    from backend2.models import LegacyImport, Message
    app = make_app(use_redis=False, **imported.dbs.settings(MONGODB_URI=""))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["legacy", "import", *imported.dbs.source_args()])
    again = runner.invoke(args=["legacy", "import", *imported.dbs.source_args()])
    assert first.exit_code == again.exit_code == 0, first.output + again.output
    assert "embedded database" in first.output
    with app.app_context():
        assert Message.objects.count() == counts(imported.report)["messages"]["imported"]
        assert LegacyImport.objects.count() > Message.objects.count()
    assert all(section["imported"] == section["updated"] == 0 for section in counts_from(again.output).values())


def counts_from(output):
    """{collection: {column: number}} from the summary table a run prints."""
    lines = output.splitlines()
    header = next(number for number, line in enumerate(lines) if line.startswith("collection"))
    columns = lines[header].split()[1:]
    table = {}
    for line in lines[header + 1:]:
        cells = line.split()
        if not line.startswith(" ") and len(cells) == len(columns) + 1:
            table[cells[0]] = dict(zip(columns, map(float, cells[1:])))
    return table


def test_every_document_read_is_accounted_for_and_the_summary_says_how_long_each_took(imported):
    for name, section in counts(imported.report).items():
        assert section["read"] == sum(section[key] for key in OUTCOMES), name
    assert list(imported.report["collections"]) == list(COLLECTIONS)
    header = next(line for line in imported.output.splitlines() if line.startswith("collection"))
    assert header.split() == ["collection", "read", *OUTCOMES, "seconds"]
    assert imported.report["ignoredCollections"][0]["collection"] == "settings"
    assert "messages: 26/26 done in" in imported.output  # a log line, not a progress bar, off a terminal
    users = imported.report["collections"]["users"]
    assert users["shapes"] == {"desktop": 5, "mobile": 2, "either": 6}  # {name, phone} alone could be either
    messages = imported.report["collections"]["messages"]
    assert messages["merged"] == 1  # the older copy of m1 in the mobile database
    assert imported.target.messages.find_one({"_id": imported.ids["msg.m1"]})["text"] == "Hi Bob"


def test_the_report_names_each_rejected_document_with_its_reason(imported):
    ids, report = imported.ids, imported.report
    assert rejected(report, "users") == {("not-an-object-id", "invalid_id"), (str(ids["nobody.d"]), "no_phone")}
    assert rejected(report, "sessions") == {(str(ids["ghost.session"]), "unknown_user")}
    assert rejected(report, "contacts") == {(str(ids["contact.3"]), "invalid_phone")}
    assert rejected(report, "conversations") == {(str(ids["ghost_chat.d"]), "direct_chat_needs_two_people")}
    assert rejected(report, "chatrequests") == {(str(ids["req.pending"]), "duplicate_pending_request"),
                                                (str(ids["req.weird"]), "unknown_status")}
    assert rejected(report, "messages") == {(str(ids["msg.orphan"]), "unknown_conversation"),
                                            (str(ids["msg.odd_text"]), "unreadable_text")}
    assert rejected(report, "files") == {(str(ids["ada.m"]), "file_missing"), (str(ids["msg.c4"]), "file_missing"),
                                         (str(ids["msg.m8"]), "file_refused:unsupported_file_type")}
    repairs = {(e["sourceId"], e["repair"]) for section in report["collections"].values() for e in section["repairs"]}
    assert {(str(ids["eve.d1"]), "matched_by_email"), (str(ids["eve.d2"]), "password_dropped"),
            (str(ids["fay.m1"]), "duplicate_phone_in_one_source"), (str(ids["msg.bad_date"]), "createdAt_from_id"),
            (str(ids["msg.d6"]), "conversation_from_sender_and_recipient"), (str(ids["trio.d"]), "treated_as_group"),
            (str(ids["friends.m"]), "group_named")} <= repairs
    conflicts = report["collections"]["users"]["conflicts"]
    assert any("'Ada L.'" in entry["detail"] and "Ada Lovelace" in entry["detail"] for entry in conflicts)


def test_one_user_per_person_keeping_every_source_id_and_the_newest_values(imported):
    ids, users = imported.ids, imported.target.users
    assert users.count_documents({}) == 7  # Ada, Bob, Cy, Dee, Eve, Fay, Gil
    ada = users.find_one({"phone": "+14155550101"})
    assert ada["_id"] == min(ids["ada.d"], ids["ada.m"]) and set(ada["legacyIds"]) == {ids["ada.d"], ids["ada.m"]}
    assert (ada["name"], ada["email"], ada["about"]) == ("Ada L.", "ada@example.com", "Analyst")
    assert ada["passwordHash"].startswith("$2b$") and ada["avatar"].startswith("/uploads/")  # the desktop avatar
    dee = users.find_one({"phone": "+14155550104"})
    assert set(dee["legacyIds"]) == {ids["dee.d"], ids["dee.m"]}
    eve = users.find_one({"phone": "+14155550105"})
    assert set(eve["legacyIds"]) == {ids["eve.d1"], ids["eve.d2"]} and "passwordHash" not in eve
    fay = users.find_one({"phone": "+14155550106"})
    assert fay["name"] == "Fay F" and set(fay["legacyIds"]) == {ids["fay.m1"], ids["fay.m2"]}
    assert users.find_one({"phone": "+14155550102"})["about"] == "Out fishing"
    assert users.find_one({"phone": "+14155550108"})["passwordHash"]  # a desktop shape in the mobile database


def test_a_person_already_in_backend2_keeps_their_account_and_newer_values(imported):
    ids, before = imported.ids, imported.backend2_cy
    cy = imported.target.users.find_one({"phone": "+14155550103"})
    assert cy["_id"] == before["_id"] and cy["legacyIds"] == [ids["cy.m"]]
    assert (cy["name"], cy["email"], cy["passwordHash"]) == (before["name"], before["email"], before["passwordHash"])
    assert cy["about"] == "Hi" and cy["avatar"].startswith("/uploads/")  # what Backend2 lacked, filled in
    fay = imported.target.users.find_one({"phone": "+14155550106"})
    assert cy["blockedUsers"] == [fay["_id"]]  # blocked on the mobile server, blocked here
    assert any(c["sourceId"] == str(ids["cy.m"]) and c["conflict"] == "kept_newer_backend2_values"
               for c in imported.report["collections"]["users"]["conflicts"])


def test_newer_values_from_the_old_servers_never_take_away_what_only_backend2_has(imported):
    before = imported.backend2_bob
    bob = imported.target.users.find_one({"phone": "+14155550102"})
    assert bob["_id"] == before["_id"] and bob["legacyIds"] == [imported.ids["bob.d"]]
    assert (bob["name"], bob["about"]) == ("Bob", "Out fishing")  # the desktop server's are newer
    assert bob["passwordHash"].startswith("$2a$")  # the password Bob last set, on the desktop server
    assert bob["email"] == "bob@example.com"  # the desktop server had none: Backend2's stays


def test_sessions_keep_their_ids_and_ended_ones_come_across_revoked(imported):
    ids, sessions = imported.ids, imported.target.sessions
    ada = sessions.find_one({"_id": ids["ada.session"]})
    assert "revokedAt" not in ada and ada["deviceName"] == "Ada's laptop" and ada["platform"] == "electron"
    assert "revokedAt" not in sessions.find_one({"_id": ids["bob.session"]})
    assert sessions.find_one({"_id": ids["bob.old_session"]})["revokedAt"]
    expired = sessions.find_one({"_id": ids["bob.expired_session"]})
    assert expired is None or expired["revokedAt"]  # revoked, and then removed by the TTL index


def test_a_chat_on_both_servers_becomes_one_and_groups_keep_members_and_admins(imported):
    ids, conversations = imported.ids, imported.target.conversations
    users = {u["phone"][-2:]: u["_id"] for u in imported.target.users.find()}
    merged = conversations.find_one({"legacyIds": ids["ada_dee.m"]})
    assert merged["_id"] == min(ids["ada_dee.d"], ids["ada_dee.m"])
    assert set(merged["legacyIds"]) == {ids["ada_dee.d"], ids["ada_dee.m"]}
    assert conversations.count_documents({"participantKey": merged["participantKey"]}) == 1
    team = conversations.find_one({"_id": ids["team.d"]})
    assert (team["type"], team["name"], team["admins"]) == ("group", "Team", [users["02"]])
    assert team["participants"] == [users["01"], users["02"], users["04"]]
    friends = conversations.find_one({"_id": ids["friends.m"]})
    assert (friends["name"], friends["admins"]) == ("Group", [users["01"]])
    assert conversations.find_one({"_id": ids["trio.d"]})["type"] == "group"


def test_chat_requests_keep_their_state_and_one_pending_per_pair(imported):
    ids, requests = imported.ids, imported.target.chatrequests
    accepted = requests.find_one({"_id": ids["req.accepted"]})
    assert accepted["status"] == "accepted" and accepted["conversation"] == ids["ada_cy.m"]
    pending = requests.find_one({"_id": ids["req.pending_again"]})
    assert pending["status"] == "pending" and pending["pendingKey"]
    assert requests.find_one({"_id": ids["req.rejected"]})["status"] == "rejected"
    assert requests.count_documents({}) == 3


def test_contacts_become_one_address_book_read_in_the_owners_country(imported):
    ada = imported.target.users.find_one({"phone": "+14155550101"})
    book = imported.target.contacts.find_one({"user": ada["_id"]})
    assert sorted((e["phone"], e["name"]) for e in book["entries"]) == [("+14155550102", "Bobby"),
                                                                       ("+14155550103", "Cy")]


def test_messages_keep_their_ids_order_state_and_files(imported):
    ids, messages = imported.ids, imported.target.messages
    message = lambda name: messages.find_one({"_id": ids[f"msg.{name}"]})  # noqa: E731
    assert messages.count_documents({}) == 23
    report = message("m2")["attachments"][0]
    assert report["url"].startswith("/uploads/") and report["url"].endswith(".pdf")
    assert (report["name"], report["mimeType"]) == ("Q1 report.pdf", "application/pdf")
    photo = message("m4")
    assert photo["type"] == "image" and photo["attachments"][0]["thumbnailUrl"].startswith("/uploads/")
    with Image.open(imported.dbs.upload_dir / photo["attachments"][0]["url"].rsplit("/", 1)[1]) as stored:
        assert not stored.getexif().get(0x8825)  # the GPS position did not come across
    assert message("m5")["editedAt"] and message("c2")["editedAt"]
    tombstone = message("m6")
    assert tombstone["deleted"] and tombstone["text"] == "" and tombstone["deletedAt"]
    assert message("c4")["text"] == "Cy three" and message("c4")["attachments"] == []
    assert message("m8")["text"] == "bad file" and message("m8")["type"] == "text"
    assert message("m3")["replyTo"] == ids["msg.m1"] and "replyTo" not in message("m7")  # m7's was another chat's
    merged = imported.target.conversations.find_one({"legacyIds": ids["ada_dee.m"]})["_id"]
    assert [m["text"] for m in messages.find({"conversation": merged}).sort("createdAt", 1)] == [
        "desktop 1", "mobile 2", "desktop 3", "mobile 4", "desktop 5", "mobile 6 (no conversation)"]
    assert message("bad_date")["createdAt"] == ids["msg.bad_date"].generation_time.replace(tzinfo=None)


def test_uploads_record_their_old_path(imported):
    uploads = {u["legacyNames"][0]: u for u in imported.target.uploads.find()}
    assert set(uploads) == {"1709283600000-ada.png", "avatars/cy.png", "1709283700000-photo.jpg", "report.pdf"}
    assert uploads["avatars/cy.png"]["mimeType"] == "image/png"


def test_a_second_run_imports_nothing_and_changes_nothing(imported):
    dbs = imported.dbs
    before = dbs.snapshot(dbs.target)
    code, output, report = dbs.run("import")
    assert code == 0, output
    for name, section in counts(report).items():
        assert section["imported"] == section["merged"] == section["updated"] == 0, (name, section)
    assert dbs.snapshot(dbs.target) == before
    code, output, _ = dbs.run("verify")
    assert code == 0 and "nothing missing or different" in output, output


def test_a_later_run_brings_what_changed_since_and_keeps_newer_backend2_changes(imported):
    from datetime import datetime, timezone

    from support.legacy_world import at
    dbs, ids, world = imported.dbs, imported.ids, imported.world
    world.mobile.users.insert_one({"_id": world.oid("gus.m", 700), "name": "Gus", "phone": "+14155550107"})
    world.mobile.messages.insert_one(world.mobile_message("late", 700, "ada_cy.m", "cy.m", "ada.m", "late one"))
    world.desktop.messages.update_one({"_id": ids["msg.m7"]}, {"$set": {
        "content": "unread one (edited)", "isEdited": True, "editedAt": at(701), "updatedAt": at(701)}})
    world.desktop.messages.update_one({"_id": ids["msg.m3"]}, {"$set": {"content": "Thanks!!", "updatedAt": at(702)}})
    now = datetime.now(timezone.utc)  # meanwhile in Backend2, Bob deleted m3 for everyone and Ada signed out
    imported.target.messages.update_one({"_id": ids["msg.m3"]}, {"$set": {
        "deleted": True, "deletedAt": now, "text": "", "updatedAt": now}})
    imported.target.sessions.update_one({"_id": ids["ada.session"]}, {"$set": {"revokedAt": now, "updatedAt": now}})
    world.desktop.sessions.update_one({"_id": ids["ada.session"]}, {"$set": {  # the old server saw her later still
        "lastActivity": now + timedelta(hours=1), "updatedAt": now + timedelta(hours=1)}})

    code, output, report = dbs.run("import")
    assert code == 0, output
    found = counts(report)
    assert (found["users"]["imported"], found["messages"]["imported"], found["messages"]["updated"]) == (1, 1, 1)
    messages = imported.target.messages
    edited = messages.find_one({"_id": ids["msg.m7"]})
    assert edited["text"] == "unread one (edited)" and edited["editedAt"]
    assert messages.find_one({"_id": ids["msg.m3"]})["deleted"] is True
    assert any(c["sourceId"] == str(ids["msg.m3"]) and c["conflict"] == "kept_newer_backend2_values"
               for c in report["collections"]["messages"]["conflicts"])
    chat = imported.target.conversations.find_one({"_id": ids["ada_cy.m"]})
    assert chat["lastMessage"] == ids["msg.late"]
    session = imported.target.sessions.find_one({"_id": ids["ada.session"]})
    assert session["revokedAt"] and session["lastSeenAt"] > now.replace(tzinfo=None)  # updated, still signed out


def test_verify_names_what_the_target_is_missing(imported):
    dbs, ids = imported.dbs, imported.ids
    imported.target.messages.delete_one({"_id": ids["msg.m1"]})
    imported.target.users.delete_one({"phone": "+14155550103"})
    code, output, report = dbs.run("verify")
    assert code == 1, output
    missing = {source for entries in report["verify"].values() for entry in entries["missing"]
               for source in entry.get("sourceIds", [])}
    assert {str(ids["msg.m1"]), str(ids["cy.m"])} <= missing
    assert "missing in messages" in output
