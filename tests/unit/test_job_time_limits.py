"""A job's `time_limit` holds: Dramatiq's TimeLimit middleware interrupts a job that runs past it
(which it does only once the worker's process has booted its middleware)."""
import threading
import time

from backend2.extensions import jobs


def test_a_job_past_its_time_limit_is_interrupted(make_app):
    app = make_app(use_redis=False)
    steps, ended = [], threading.Event()

    def slow():
        try:
            for step in range(100):  # 5 s if nothing stops it
                steps.append(step)
                time.sleep(0.05)
        finally:
            ended.set()

    with app.app_context():
        jobs.register("slow_probe", slow, "default", max_retries=0, time_limit=300)
        jobs.enqueue("slow_probe")
    assert ended.wait(4), "the job was not interrupted"
    assert len(steps) < 60  # TimeLimit checks once a second: stopped within about 1.3 s, not 5 s
