"""What an account export costs a worker in memory, for a large account.

    .venv/bin/python bench/export_memory.py [--messages 50000] [--files 20] [--file-mb 10]

An account with `--messages` messages of its own (in 50 chats) and `--files` uploads of
`--file-mb` MB each (random bytes, which do not compress), in the shared embedded database
(backend2.devdb, in this process) and a local upload folder; the real Redis (database
BENCH_REDIS_DB, default 12, emptied). One worker process (`flask --app backend2 worker`) builds
the export; its resident memory is read from /proc before, during (every 50 ms) and after.
For bench/RESULTS.md.
"""
import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
os.environ.setdefault("TEST_REDIS_DB", os.environ.get("BENCH_REDIS_DB", "12"))

import redis  # noqa: E402
from bson import ObjectId  # noqa: E402

from backend2 import create_app  # noqa: E402
from backend2.infra.devdb import SharedEmbeddedDatabase  # noqa: E402
from backend2.models import Conversation, Message, Upload, User  # noqa: E402
from backend2.services.accounts import account_export  # noqa: E402
from backend2.utils.time import utcnow  # noqa: E402
from support.environment import TEST_JWT_SECRET, TEST_REDIS_URL  # noqa: E402
from support.servers import WorkerProcess, memory_mb  # noqa: E402


def account(messages, files, file_mb, folder):
    """The owner of a large account, made directly in the database and the upload folder."""
    owner = User(name="Hoarder", phone=f"+1555{uuid.uuid4().int % 10**7:07d}").save()
    others = [User(name=f"Friend {n}", phone=f"+1556{n:07d}").save() for n in range(50)]
    chats = [Conversation(type="direct", participants=[owner.id, other.id],
                          participant_key=":".join(sorted((str(owner.id), str(other.id))))).save() for other in others]
    now = utcnow()
    for start in range(0, messages, 5000):
        Message._get_collection().insert_many([
            Message(id=ObjectId(), conversation=chats[n % len(chats)].id, sender=owner.id, text=f"message {n} " * 8,
                    created_at=now, updated_at=now).to_mongo().to_dict()
            for n in range(start, min(messages, start + 5000))])
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(files):
        name = f"{uuid.uuid4().hex}.bin"
        (folder / name).write_bytes(os.urandom(file_mb * 1024 * 1024))
        Upload(stored_name=name, owner=owner.id, name=f"video {n}.bin", size=file_mb * 1024 * 1024,
               mime_type="application/octet-stream").save()
    return owner


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--file-mb", type=int, default=10)
    options = parser.parse_args()
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    database = SharedEmbeddedDatabase(port=0)
    database.run()
    uploads = Path(tempfile.mkdtemp(prefix="bench-export-"))
    settings = {"MONGODB_URI": f"{database.uri}/export_bench", "REDIS_URL": TEST_REDIS_URL,
                "UPLOAD_DIR": str(uploads), "JWT_SECRET": TEST_JWT_SECRET, "EXPORT_INLINE_MAX_BYTES": "1000"}
    app = create_app("development", {**os.environ, **settings})
    worker = WorkerProcess(**settings)
    try:
        with app.app_context():
            started = time.perf_counter()
            owner = account(options.messages, options.files, options.file_mb, uploads)
            print(f"account: {options.messages} messages, {options.files} x {options.file_mb} MB files "
                  f"(made in {time.perf_counter() - started:.0f} s)")
            idle = memory_mb(worker.process.pid, "VmRSS")
            peak, done = [idle], threading.Event()

            def sample():
                while not done.is_set():
                    peak.append(memory_mb(worker.process.pid, "VmRSS"))
                    time.sleep(0.05)

            threading.Thread(target=sample, daemon=True).start()
            started = time.perf_counter()
            kind, job = account_export.export_now_or_later(owner)
            assert kind == "job"
            while (state := account_export.export_job(owner, job["jobId"]))["status"] == "pending":
                time.sleep(0.1)
            took = time.perf_counter() - started
            done.set()
            assert state["status"] == "ready", worker.log_tail()
            name = state["url"].split("?")[0].rsplit("/", 1)[1]
            with zipfile.ZipFile(uploads / name) as archive:
                entries = len(archive.namelist())
            size_mb = (uploads / name).stat().st_size / 1024 / 1024
        print(f"export: {took:.1f} s, zip {size_mb:.0f} MB ({entries} entries)")
        print(f"worker resident memory: idle {idle:.0f} MB, peak during the export {max(peak):.0f} MB "
              f"(+{max(peak) - idle:.0f} MB), peak ever (VmHWM) {memory_mb(worker.process.pid):.0f} MB")
    finally:
        worker.stop()
        database.close()


if __name__ == "__main__":
    main()
