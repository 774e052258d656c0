"""A web process imports the link previews' page fetcher (httpx and its kin, about 8 MB) only at
a first fetch, and threads that fetch at once all get the fetcher whole (the worker runs its jobs
on threads). Run in a fresh interpreter, where nothing has imported it yet."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys, threading, time
from backend2 import create_app
create_app("testing")
print("at start:", sorted(m for m in ("httpx", "httpcore", "bs4", "backend2.infra.page_fetcher") if m in sys.modules))

from backend2.services.media.preview_images import store_preview_image
outcomes, start = [], threading.Barrier(8)

def fetch():
    start.wait()
    try:
        store_preview_image("http://127.0.0.1/card.png", "owner", time.monotonic() + 3, ())
    except Exception as exc:  # what each thread got: the fetcher's refusal, nothing else
        outcomes.append(type(exc).__name__)

threads = [threading.Thread(target=fetch) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("threads:", sorted(outcomes))
"""


def test_the_page_fetcher_is_imported_by_the_first_fetch_whole_for_threads_at_once():
    env = {**os.environ, "JWT_SECRET": "x" * 48, "REDIS_URL": "", "MONGODB_URI": "", "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert "at start: []" in run.stdout
    assert f"threads: {['Refused'] * 8}" in run.stdout  # loopback refused, by a fetcher each thread saw whole
