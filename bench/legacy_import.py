"""Times `flask legacy import` on a generated pair of Express databases; prints one JSON line per run.

    .venv/bin/python bench/legacy_import.py --messages 100000

The sources and the target live in one `backend2.devdb` served from this process (no MongoDB
server can be installed here), so the numbers include mongomock answering every command.
`import CPU` is the import process's user+system time; `database CPU` is this process's
(devdb's) over the same run. The data: `--people` people with a desktop account, half of them
also a mobile one; direct chats between random pairs on either server, a third of them on
both (merged by the import); groups of ten; messages spread over the chats, half on each
server, the desktop ones with `readBy`/`status` receipts and the mobile chats with cursors.
The second run finds everything imported (the ledger) and writes nothing.
"""
import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bson import ObjectId
from pymongo import MongoClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend2.infra.devdb import SharedEmbeddedDatabase  # noqa: E402

START = datetime(2025, 6, 1, tzinfo=timezone.utc)


class CountingDatabase(SharedEmbeddedDatabase):
    """devdb, counting the commands it answers per (database, command)."""

    def __init__(self, port):
        super().__init__(port)
        self.commands = Counter()

    def respond(self, request):
        self.commands[(request.doc.get("$db"), request.command_name)] += 1
        return super().respond(request)


def populate(client, people, messages, seed=1):
    """Write the two servers' databases; returns how many documents each collection got."""
    rng = random.Random(seed)
    desktop, mobile = client["desktop"], client["mobile"]
    phones = [f"+1415{rng.randrange(2000000, 9999999):07d}" for _ in range(people)]
    phones = list(dict.fromkeys(phones))
    d_users = [{"_id": ObjectId(), "name": f"Person {n}", "phone": phone, "password": "$2b$04$" + "a" * 53,
                "createdAt": START} for n, phone in enumerate(phones)]
    m_users = [{"_id": ObjectId(), "name": f"Person {n}", "phone": phone[2:], "createdAt": START}
               for n, phone in enumerate(phones) if n % 2 == 0]
    m_by_phone = {"+1" + user["phone"]: user["_id"] for user in m_users}
    desktop.users.insert_many(d_users)
    mobile.users.insert_many(m_users)
    chats = []  # (server, conversation id, members)
    for _ in range(len(phones)):
        a, b = rng.sample(range(len(phones)), 2)
        both = a % 2 == 0 and b % 2 == 0
        if not both or rng.random() < 0.5:
            chats.append(("desktop", ObjectId(), [d_users[a]["_id"], d_users[b]["_id"]]))
        if both:
            chats.append(("mobile", ObjectId(), [m_by_phone[phones[a]], m_by_phone[phones[b]]]))
    groups = [("desktop", ObjectId(), [d_users[n]["_id"] for n in rng.sample(range(len(phones)), 10)])
              for _ in range(max(1, people // 40))]
    desktop.conversations.insert_many([{"_id": oid, "members": members, "createdAt": START}
                                       for server, oid, members in chats if server == "desktop"]
                                      + [{"_id": oid, "members": members, "isGroup": True, "name": "Group",
                                          "admin": members[0], "createdAt": START} for _, oid, members in groups])
    mobile.conversations.insert_many([{"_id": oid, "participants": members, "type": "direct", "createdAt": START,
                                       "readUpTo": {str(members[0]): START + timedelta(days=30)}}
                                      for server, oid, members in chats if server == "mobile"])
    everywhere = chats + groups
    batches = {"desktop": [], "mobile": []}
    for number in range(messages):
        server, chat, members = everywhere[rng.randrange(len(everywhere))]
        sender = rng.choice(members)
        at = START + timedelta(seconds=number * 20)
        if server == "desktop":
            readers = [m for m in members if m != sender and rng.random() < 0.7]
            batches["desktop"].append({"_id": ObjectId(), "conversationId": chat, "sender": sender,
                                       "content": f"message {number} " + "x" * rng.randrange(10, 120),
                                       "status": "read" if readers else "delivered", "readBy": readers,
                                       "createdAt": at, "updatedAt": at, "__v": 0})
        else:
            batches["mobile"].append({"_id": ObjectId(), "conversation": chat, "from": sender,
                                      "to": next(m for m in members if m != sender), "text": f"message {number}",
                                      "createdAt": at.isoformat(), "updatedAt": int(at.timestamp() * 1000)})
        for name, batch in batches.items():
            if len(batch) >= 5000:
                client[name].messages.insert_many(batch)
                batch.clear()
    for name, batch in batches.items():
        if batch:
            client[name].messages.insert_many(batch)
    return {"users": len(d_users) + len(m_users), "conversations": len(everywhere), "messages": messages}


def run_import(uri, folder):
    """One `flask legacy import` to its end: (wall seconds, import CPU seconds, report)."""
    report = Path(folder) / f"report-{time.monotonic_ns()}.json"
    env = {**os.environ, "APP_ENV": "testing", "JWT_SECRET": "b" * 40, "REDIS_URL": "", "LOG_LEVEL": "WARNING",
           "MONGODB_URI": f"{uri}/target", "UPLOAD_DIR": str(Path(folder) / "uploads")}
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "backend2", "legacy", "import",
                                "--source", f"{uri}/desktop", "--source", f"{uri}/mobile", "--report", str(report)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"the import failed with status {status}")
    return time.monotonic() - started, usage.ru_utime + usage.ru_stime, json.loads(report.read_text())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=2_000)
    args = parser.parse_args()
    database = CountingDatabase(port=0)
    commands = database.commands
    database.run()
    created = populate(MongoClient(database.uri), args.people, args.messages)
    with tempfile.TemporaryDirectory() as folder:
        for label in ("first", "second"):
            commands.clear()
            own_cpu = resource.getrusage(resource.RUSAGE_SELF)
            wall, cpu, report = run_import(database.uri, folder)
            after = resource.getrusage(resource.RUSAGE_SELF)
            section = report["collections"]["messages"]
            writes = sum(count for (db, name), count in commands.items()
                         if db == "target" and name in ("insert", "update", "delete", "findAndModify"))
            print(json.dumps({
                "run": label, **{f"source {k}": v for k, v in created.items()},
                "messages imported": section["imported"], "messages unchanged": section["unchanged"],
                "users merged": report["collections"]["users"]["merged"],
                "conversations merged": report["collections"]["conversations"]["merged"],
                "seconds": round(wall, 1), "messages/s": round(args.messages / wall),
                "messages seconds": section["seconds"],
                "import CPU s": round(cpu, 1),
                "database CPU s": round(after.ru_utime + after.ru_stime - own_cpu.ru_utime - own_cpu.ru_stime, 1),
                "target write commands": writes}), flush=True)
    database.close()


if __name__ == "__main__":
    main()
