"""Two Express servers' databases and upload folders, as they would be on cutover day.

`LegacyWorld.build(client, desktop_db, mobile_db, uploads)` writes, with pymongo, what the
desktop server ("Backend") and the mobile server ("Backend1") kept: every shape variant the
importer must read (ids as hex strings, dates as BSON, ISO text and epoch milliseconds, phones
without `+` or country code, `attachments` and `fileUrl`, `readBy` and `status`, cursors),
people and chats that exist on both servers, and bad documents. `world.ids[name]` holds each
source id; `world.expect` what the import must make of them.
"""
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import bcrypt
from bson import ObjectId
from PIL import Image

DESKTOP_SECRET = "desktop-secret"  # the Express servers' own secrets: short, as they were
MOBILE_SECRET = "mobile-secret-backend1"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def millis(moment):
    return int(moment.timestamp() * 1000)


def jpeg_with_gps():
    """A JPEG carrying EXIF GPS tags, which the import must not carry over."""
    image = Image.new("RGB", (640, 480), (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png(color=(20, 120, 200), size=(64, 64)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


class LegacyWorld:
    def __init__(self, desktop, mobile, uploads):
        self.desktop, self.mobile, self.uploads = desktop, mobile, Path(uploads)
        self.ids = {}

    def oid(self, name, minutes=0):
        """A source id made at T0 + minutes (so `_id` order follows creation, as on a server)."""
        if name not in self.ids:
            self.ids[name] = ObjectId.from_datetime(at(minutes) - timedelta(days=10))
            self.ids[name] = ObjectId(self.ids[name].binary[:4] + ObjectId().binary[4:])
        return self.ids[name]

    @classmethod
    def build(cls, client, desktop_db, mobile_db, uploads):
        world = cls(client[desktop_db], client[mobile_db], uploads)
        world.write_files()
        world.write_people()
        world.write_sessions()
        world.write_chats()
        world.write_messages()
        world.write_requests_and_contacts()
        return world

    def write_files(self):
        self.uploads.mkdir(parents=True, exist_ok=True)
        (self.uploads / "1709283600000-ada.png").write_bytes(png((250, 200, 0)))
        (self.uploads / "avatars").mkdir(exist_ok=True)
        (self.uploads / "avatars" / "cy.png").write_bytes(png((0, 200, 0)))
        (self.uploads / "1709283700000-photo.jpg").write_bytes(jpeg_with_gps())
        (self.uploads / "report.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        (self.uploads / "setup.exe").write_bytes(b"MZ\x90\x00\x03" + bytes(200))  # refused by the checks

    def write_people(self):
        self.oid("fay.m2", 11)
        ada_hash = bcrypt.hashpw(b"ada-password", bcrypt.gensalt(4)).decode()
        bob_hash = bcrypt.hashpw(b"bob-password", bcrypt.gensalt(4)).decode().replace("$2b$", "$2a$")
        self.desktop.users.insert_many([
            {"_id": self.oid("ada.d", 1), "name": "Ada Lovelace", "phone": "+14155550101",
             "email": "Ada@Example.com", "password": ada_hash, "avatarUrl": "/uploads/1709283600000-ada.png",
             "status": "offline", "createdAt": at(1), "updatedAt": at(5), "__v": 0},
            {"_id": self.oid("bob.d", 2), "name": "Bob", "phoneNumber": "+1 (415) 555-0102", "password": bob_hash,
             "status": "Out fishing", "lastSeen": at(300), "createdAt": at(2), "updatedAt": at(2), "__v": 0},
            {"_id": self.oid("dee.d", 3), "name": "Dee", "phone": "14155550104", "createdAt": at(3),
             "updatedAt": at(3)},
            {"_id": self.oid("eve.d1", 4), "name": "Eve", "phone": "n/a", "email": "eve@example.com",
             "createdAt": at(4), "updatedAt": at(40)},
            {"_id": self.oid("eve.d2", 5), "name": "Eve", "phone": "+14155550105", "email": "eve@example.com",
             "password": "plaintext-oops", "createdAt": at(5), "updatedAt": at(5)},
            {"_id": self.oid("nobody.d", 6), "name": "Nobody", "createdAt": at(6)},
            {"_id": "not-an-object-id", "name": "Strange", "phone": "+14155550199"},
        ])
        self.mobile.users.insert_many([
            {"_id": self.oid("ada.m", 7), "name": "Ada L.", "phone": "4155550101",
             "avatar": "http://10.0.2.2:3000/uploads/avatars/cy.png-missing", "about": "Analyst",
             "createdAt": at(7).isoformat().replace("+00:00", "Z"), "updatedAt": millis(at(60))},
            {"_id": self.oid("cy.m", 8), "name": "Cy", "phone": "+14155550103", "avatar": "uploads/avatars/cy.png",
             "about": "Hi", "lastSeen": millis(at(500)), "blockedUsers": [str(self.ids["fay.m2"])],
             "createdAt": millis(at(8)), "updatedAt": millis(at(8))},
            {"_id": self.oid("dee.m", 9), "name": "Dee", "phone": "+14155550104", "createdAt": at(9),
             "updatedAt": at(9)},
            {"_id": self.oid("fay.m1", 10), "name": "Fay", "phone": "+14155550106", "createdAt": at(10),
             "updatedAt": at(10)},
            {"_id": self.ids["fay.m2"], "name": "Fay F", "phone": "(415) 555-0106", "createdAt": at(11),
             "updatedAt": at(12)},
            # A desktop-shaped document in the mobile server's database: one source, both shapes.
            {"_id": self.oid("gil.d", 12), "name": "Gil", "phoneNumber": "+14155550108", "email": "gil@example.com",
             "password": ada_hash, "createdAt": at(12), "updatedAt": at(12)},
        ])

    def write_sessions(self):
        self.desktop.sessions.insert_many([
            {"_id": self.oid("ada.session", 20), "user": self.ids["ada.d"], "deviceInfo": {"platform": "win32",
             "deviceName": "Ada's laptop"}, "ip": "10.0.0.5", "userAgent": "Electron/28", "isActive": True,
             "lastActivity": at(600), "expiresAt": datetime.now(timezone.utc) + timedelta(days=20),
             "createdAt": at(20), "updatedAt": at(600)},
            {"_id": self.oid("bob.session", 21), "userId": str(self.ids["bob.d"]), "platform": "electron",
             "deviceName": "Bob's PC", "isActive": True,
             "expiresAt": datetime.now(timezone.utc) + timedelta(days=20), "createdAt": at(21)},
            {"_id": self.oid("bob.old_session", 22), "user": self.ids["bob.d"], "deviceInfo": "Old PC",
             "isActive": False, "expiresAt": datetime.now(timezone.utc) + timedelta(days=5), "createdAt": at(22),
             "updatedAt": at(400)},
            {"_id": self.oid("bob.expired_session", 23), "user": self.ids["bob.d"], "isActive": True,
             "expiresAt": at(30), "createdAt": at(23)},
            {"_id": self.oid("ghost.session", 24), "user": ObjectId(), "isActive": True, "createdAt": at(24)},
        ])

    def write_chats(self):
        ids = self.ids
        self.desktop.conversations.insert_many([
            {"_id": self.oid("ada_bob.d", 30), "members": [ids["ada.d"], str(ids["bob.d"])], "isGroup": False,
             "createdAt": at(30), "updatedAt": at(130)},
            {"_id": self.oid("ada_dee.d", 31), "members": [ids["dee.d"], ids["ada.d"]], "createdAt": at(31),
             "updatedAt": at(131)},
            {"_id": self.oid("team.d", 32), "members": [ids["ada.d"], ids["bob.d"], ids["dee.d"]], "isGroup": True,
             "name": "Team", "admin": ids["bob.d"], "createdAt": at(32), "updatedAt": at(132)},
            {"_id": self.oid("ghost_chat.d", 33), "members": [ids["ada.d"], ObjectId()], "createdAt": at(33)},
            {"_id": self.oid("trio.d", 34), "members": [ids["ada.d"], ids["bob.d"], ids["eve.d2"]],
             "name": "Trio", "createdAt": at(34)},
        ])
        self.mobile.conversations.insert_many([
            {"_id": self.oid("ada_cy.m", 35), "participants": [ids["ada.m"], ids["cy.m"]],
             "participantKey": f"{ids['ada.m']}_{ids['cy.m']}", "type": "direct",
             "readUpTo": {str(ids["ada.m"]): at(142), str(ids["cy.m"]): at(143)},
             "deliveredUpTo": {str(ids["ada.m"]): at(144)}, "createdAt": at(35), "updatedAt": at(145)},
            {"_id": self.oid("ada_dee.m", 36), "participants": [ids["ada.m"], ids["dee.m"]], "type": "direct",
             "readUpTo": {str(ids["ada.m"]): at(153)}, "createdAt": at(36), "updatedAt": at(156)},
            {"_id": self.oid("friends.m", 37), "participants": [ids["ada.m"], ids["cy.m"], ids["fay.m1"]],
             "type": "group", "createdAt": at(37)},
        ])

    def write_messages(self):
        ids = self.ids
        desktop = [
            # Ada and Bob (desktop): Bob read up to the second message, Ada everything Bob sent but the last.
            self.desktop_message("m1", 100, "ada_bob.d", "ada.d", "Hi Bob", status="read", readBy=["bob.d"]),
            self.desktop_message("m2", 101, "ada_bob.d", "ada.d", "See attached", readBy=["bob.d"],
                                 attachments=[{"url": "/uploads/report.pdf", "name": "Q1 report.pdf"}]),
            self.desktop_message("m3", 102, "ada_bob.d", "bob.d", "Thanks", readBy=["ada.d"],
                                 replyTo=str(self.ids["msg.m1"])),
            self.desktop_message("m4", 103, "ada_bob.d", "bob.d", "Photo", fileUrl="/uploads/1709283700000-photo.jpg",
                                 type="image", readBy=[str(ids["ada.d"])]),
            self.desktop_message("m5", 104, "ada_bob.d", "bob.d", "typo", isEdited=True, editedAt=at(105),
                                 deliveredTo=["ada.d"]),
            self.desktop_message("m6", 106, "ada_bob.d", "bob.d", "secret", isDeleted=True),
            self.desktop_message("m7", 107, "ada_bob.d", "bob.d", "unread one", replyTo=self.oid("msg.c1", 140)),
            self.desktop_message("m8", 108, "ada_bob.d", "bob.d", "bad file", attachments=["/uploads/setup.exe"]),
            # Ada and Dee on the desktop server.
            self.desktop_message("d1", 150, "ada_dee.d", "dee.d", "desktop 1", readBy=["ada.d"]),
            self.desktop_message("d3", 152, "ada_dee.d", "ada.d", "desktop 3"),
            self.desktop_message("d5", 154, "ada_dee.d", "dee.d", "desktop 5"),
            # The team group.
            self.desktop_message("t1", 160, "team.d", "bob.d", "Team hello", readBy=["ada.d", "dee.d"]),
            self.desktop_message("t2", 161, "team.d", "dee.d", "Team two", readBy=["bob.d"]),
            # Bad ones.
            self.desktop_message("orphan", 170, "ghost_chat.d", "ada.d", "to nobody"),
            {**self.desktop_message("odd_text", 171, "ada_bob.d", "ada.d", "x"), "content": {"$gt": ""}},
            {**self.desktop_message("bad_date", 172, "ada_bob.d", "ada.d", "when?"), "createdAt": "yesterday-ish"},
        ]
        self.desktop.messages.insert_many(desktop)
        # An older copy of a desktop message, in the mobile database: one message, the newest copy.
        self.mobile.messages.insert_one({**desktop[0], "content": "Hi Bob (old copy)", "updatedAt": at(99)})
        self.mobile.messages.insert_many([
            self.mobile_message("c1", 140, "ada_cy.m", "cy.m", "ada.m", "Cy one"),
            self.mobile_message("c2", 141, "ada_cy.m", "ada.m", "cy.m", "Ada one", edited=True),
            self.mobile_message("c3", 142, "ada_cy.m", "cy.m", "ada.m", "Cy two"),
            self.mobile_message("c4", 143, "ada_cy.m", "cy.m", "ada.m", "Cy three",
                                attachments=["uploads/missing.png"]),
            self.mobile_message("c5", 145, "ada_cy.m", "cy.m", "ada.m", "Cy four", deleted=True),
            # Ada and Dee on the mobile server: interleaved with the desktop history.
            self.mobile_message("d2", 151, "ada_dee.m", "dee.m", "ada.m", "mobile 2"),
            self.mobile_message("d4", 153, "ada_dee.m", "dee.m", "ada.m", "mobile 4"),
            self.mobile_message("d6", 155, None, "dee.m", "ada.m", "mobile 6 (no conversation)"),
            self.mobile_message("f1", 165, "friends.m", "fay.m1", None, "Friends!"),
        ])
        self.expect_unread = {
            # conversation name -> {person: unread count Backend2 must show}
            "ada_bob": {"ada": 3, "bob": 0},  # Ada read m3, m4; m5, m7, m8 unread (m6 deleted); Bob read m1, m2
            "ada_cy": {"ada": 1, "cy": 0},  # Ada's cursor covers c1..c3; c4 unread, c5 deleted
            "ada_dee": {"ada": 2, "dee": 1},  # Ada read up to d4 (mobile cursor); d5, d6 unread. Dee: d3
            "team": {"ada": 1, "bob": 0, "dee": 0},  # Ada and Dee read t1, Bob read t2
        }

    def desktop_message(self, name, minutes, conversation, sender, content, readBy=(), deliveredTo=(), **fields):
        people = lambda names: [self.ids.get(n, n) for n in names]  # noqa: E731
        message = {"_id": self.oid(f"msg.{name}", minutes), "conversationId": str(self.ids[conversation]),
                   "sender": self.ids[sender], "content": content, "type": fields.pop("type", "text"),
                   "readBy": people(readBy), "deliveredTo": people(deliveredTo), "createdAt": at(minutes),
                   "updatedAt": at(minutes + 0.5), "__v": 0}
        message.update(fields)
        return message

    def mobile_message(self, name, minutes, conversation, sender, to, text, **fields):
        message = {"_id": self.oid(f"msg.{name}", minutes), "from": self.ids[sender], "text": text,
                   "createdAt": at(minutes).isoformat().replace("+00:00", "Z"), "updatedAt": millis(at(minutes))}
        if conversation:
            message["conversation"] = self.ids[conversation]
        if to:
            message["to"] = self.ids[to]
        message.update(fields)
        return message

    def write_requests_and_contacts(self):
        ids = self.ids
        self.mobile.chatrequests.insert_many([
            {"_id": self.oid("req.accepted", 200), "from": ids["ada.m"], "to": ids["cy.m"], "status": "accepted",
             "message": "hi", "createdAt": at(20), "updatedAt": at(34)},
            {"_id": self.oid("req.pending", 201), "from": ids["cy.m"], "to": ids["dee.m"], "status": "pending",
             "message": "hello Dee", "createdAt": at(201), "updatedAt": at(201)},
            {"_id": self.oid("req.pending_again", 202), "from": ids["dee.m"], "to": ids["cy.m"],
             "status": "pending", "createdAt": at(202), "updatedAt": at(202)},
            {"_id": self.oid("req.rejected", 203), "from": ids["fay.m1"], "to": ids["ada.m"], "status": "rejected",
             "createdAt": at(203), "updatedAt": at(204)},
            {"_id": self.oid("req.weird", 205), "from": ids["fay.m1"], "to": ids["cy.m"], "status": "maybe",
             "createdAt": at(205)},
        ])
        self.mobile.contacts.insert_many([
            {"_id": self.oid("contact.1", 210), "owner": ids["ada.m"], "phone": "(415) 555-0103", "name": "Cy"},
            {"_id": self.oid("contact.2", 211), "user": str(ids["ada.m"]), "phone": "+14155550102",
             "name": "Bobby"},
            {"_id": self.oid("contact.3", 212), "owner": ids["ada.m"], "phone": "12", "name": "Broken"},
        ])
        self.mobile.settings.insert_one({"_id": "app", "theme": "dark"})  # not the servers': reported, not imported


def write_history(client, desktop_db, mobile_db, messages):
    """A long chat on the desktop server between two people with accounts on both servers;
    returns the chat's id."""
    desktop, mobile = client[desktop_db], client[mobile_db]
    ann, ben = ObjectId(), ObjectId()
    desktop.users.insert_many([{"_id": ann, "name": "Ann", "phone": "+14155550301", "createdAt": T0},
                               {"_id": ben, "name": "Ben", "phone": "+14155550302", "createdAt": T0}])
    mobile.users.insert_many([{"_id": ObjectId(), "name": "Ann", "phone": "+14155550301"},
                              {"_id": ObjectId(), "name": "Ben", "phone": "+14155550302"}])
    chat = ObjectId()
    desktop.conversations.insert_one({"_id": chat, "members": [ann, ben], "createdAt": T0})
    batch = []
    for number in range(messages):
        sender = (ann, ben)[number % 2]
        batch.append({"_id": ObjectId(), "conversationId": chat, "sender": sender, "content": f"message {number}",
                      "status": "read", "createdAt": at(number / 60), "updatedAt": at(number / 60)})
        if len(batch) == 1000:
            desktop.messages.insert_many(batch)
            batch = []
    if batch:
        desktop.messages.insert_many(batch)
    return chat
