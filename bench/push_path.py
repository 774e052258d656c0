"""What pushes cost: on the message path (queueing), and in the push worker (plan and send).

    .venv/bin/python bench/push_path.py [--messages 1000] [--pairs 50]

Each message goes from one person to another of `--pairs` chats whose recipient has an
unconnected phone registered for FCM, so each becomes one push carrying the recipient's badge.

In-process on the embedded database, with the real Redis (BENCH_REDIS_URL, default
redis://127.0.0.1:6379/12, emptied first) and an FCM stand-in in a child process
(tests/support/push_providers.py), so this process's CPU is Backend2's alone. For bench/RESULTS.md.
"""
from gevent import monkey

monkey.patch_all()  # as wsgi.py: the worker's concurrent sends are greenlets, as in the server

import argparse  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

import redis  # noqa: E402
from bson import ObjectId  # noqa: E402

from backend2 import create_app  # noqa: E402
from backend2.database import ensure_indexes  # noqa: E402
from backend2.models import Conversation, PushRegistration, Session, User  # noqa: E402
from backend2.schemas.messages import MessageSendSchema  # noqa: E402
from backend2.services.messages import sending  # noqa: E402
from backend2.services.push import push_planner, push_queue, push_sender  # noqa: E402
from backend2.utils.time import seconds_from_now  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


def serve_fcm(settings_out):
    from support.push_providers import FcmStandIn

    settings_out.put(FcmStandIn().settings())
    time.sleep(3600)


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def chats(app, pairs):
    """[(sender, conversation id)] of `pairs` chats whose recipients have a sleeping phone."""
    with app.app_context():
        ensure_indexes()
        found = []
        for _ in range(pairs):
            me, ada = (User(name=name, phone=f"+1555{uuid.uuid4().int % 10**7:07d}").save() for name in ("Me", "Ada"))
            chat = Conversation(type="direct", participants=[me.id, ada.id],
                                participant_key=f"{me.id}:{ada.id}").save()
            Session(user=ada.id, expires_at=seconds_from_now(3600),
                    push=PushRegistration(provider="fcm", token=f"fcm-{uuid.uuid4().hex}")).save()
            found.append((me, str(chat.id)))
        return found


def sends(app, count, pairs):
    """µs per send (schema + send_message), round the chats."""
    people = chats(app, pairs)
    schema = MessageSendSchema()
    with app.test_request_context():
        started = time.perf_counter()
        for n in range(count):
            sender, chat = people[n % pairs]
            sending.send_message(sender, schema.load({"conversationId": chat, "text": f"message {n}"}))
        return 1e6 * (time.perf_counter() - started) / count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=50)
    options = parser.parse_args()
    count, pairs = options.messages, options.pairs
    redis.Redis.from_url(REDIS_URL).flushdb()
    settings = multiprocessing.Queue()
    stand_in = multiprocessing.Process(target=serve_fcm, args=(settings,), daemon=True)
    stand_in.start()
    fcm = settings.get(timeout=30)

    off = sends(create_app("testing", {"REDIS_URL": REDIS_URL}), count, pairs)
    app = create_app("testing", {"REDIS_URL": REDIS_URL, **fcm})
    on = sends(app, count, pairs)
    print(f"send, push off                     {off:8.1f} µs")
    print(f"send, push on (queues the plan)    {on:8.1f} µs")
    with app.app_context():
        plans = [(job_id, push_queue.claim(job_id)) for job_id in push_queue.due_ids(count)]
        cpu = cpu_seconds()
        for _, job in plans:  # planned once here, alone, to know its share; the worker plans again
            push_planner.plan(job)
        planning = cpu_seconds() - cpu
        for job_id, job in plans:  # back in the queue, for the worker
            push_queue.retry_at(job_id, job, time.time())
        queued = push_queue.stats()["queued"]
        cpu, wall = cpu_seconds(), time.perf_counter()
        while push_queue.stats()["queued"]:
            push_sender.run_push_queue()
        cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
        sent = push_queue.stats()["sent"]
    print(f"worker: {queued} plans -> {sent} pushes sent in {wall:.2f} s: {sent / wall:.0f} pushes/s, "
          f"{1e3 * cpu / sent:.2f} ms CPU per push, of which planning (with the badge) {1e3 * planning / sent:.2f}")
    with app.app_context():
        started = time.perf_counter()
        for _ in range(count):
            push_planner._on_message(SimpleNamespace(id=ObjectId()), conversation=None)
        queueing = 1e6 * (time.perf_counter() - started) / count
    print(f"queueing one plan (what a send pays) {queueing:6.1f} µs")
    stand_in.terminate()


if __name__ == "__main__":
    main()
