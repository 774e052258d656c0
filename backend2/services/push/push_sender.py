"""The push worker every server process runs: plans, then sends, each queued job once.

A provider that answers `retry` is asked again after its Retry-After or an exponential
backoff (2 s doubling, at most BACKOFF_MAX_SECONDS), up to PUSH_MAX_ATTEMPTS; one that failed
to answer or answered 5xx is left alone by every process until then, so an outage costs a few
probes, not a storm. A token the provider calls dead is removed at once. Pushes past their
lifetime (PUSH_MAX_AGE_SECONDS, a call's ring time) are dropped, not sent late.
"""
import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

from backend2.extensions import push_gateways
from backend2.infra.push_outcome import DEAD_TOKEN, RETRY, SENT
from backend2.services.push import push_planner, push_queue, push_registrations

log = logging.getLogger(__name__)
BACKOFF_MAX_SECONDS = 600


def run_push_queue():
    """Handle every due job this process can claim; returns how many.

    Up to PUSH_CONCURRENCY jobs at once (greenlets under gevent), claimed as a batch that all
    starts at once, so no claimed job waits behind others while its lease runs.
    """
    app, batch = current_app._get_current_object(), current_app.config["PUSH_CONCURRENCY"]
    handled = 0
    with ThreadPoolExecutor(max_workers=batch) as pool:
        while True:
            due = push_queue.due_ids(batch)
            claimed = [(job_id, job) for job_id in due if (job := push_queue.claim(job_id)) is not None]
            for done in [pool.submit(_handle_in, app, job_id, job) for job_id, job in claimed]:
                done.result()
            handled += len(claimed)
            if len(due) < batch or not claimed:  # all done, or the rest is other processes' work
                return handled


def _handle_in(app, job_id, job):
    with app.app_context():
        try:
            _handle(job_id, job)
        except Exception:
            log.exception("Push job %s failed; retrying", job_id)
            _retry(job_id, job, None)


def _handle(job_id, job):
    kind = job.get("type") if isinstance(job, dict) else None
    if kind == "plan":
        for delivery_id, session_id, push in push_planner.plan(job):
            push_queue.enqueue(f"push:{delivery_id}", {"type": "push", "sessionId": str(session_id), "push": push})
        push_queue.finish(job_id)
    elif kind == "push":
        _deliver(job_id, job)
    else:  # not a job this server makes (another deployment sharing the namespace?): retrying cannot help
        log.warning("Dropping push job %s: it is not a plan or a push", job_id)
        push_queue.finish(job_id)


def _deliver(job_id, job):
    push = job["push"]
    registration = push_registrations.registration_for(job["sessionId"])
    gateway = push_gateways.by_provider.get(registration.provider) if registration else None
    if gateway is None or time.time() >= push["expiresAt"]:  # signed out, unregistered, too late
        push_queue.finish(job_id)
        push_queue.count("dropped")
        return
    wait = push_queue.paused_for(gateway.provider)
    if wait:
        push_queue.retry_at(job_id, job, time.time() + wait)
        return
    outcome = gateway.send(registration, push)
    if outcome.status == SENT:
        push_queue.finish(job_id)
        push_queue.count("sent")
    elif outcome.status == DEAD_TOKEN:
        push_registrations.forget_token(outcome.token)
        push_queue.finish(job_id)
        push_queue.count("droppedTokens")
        log.info("Push %s: %s called the token dead (%s); removed it", job_id, gateway.provider, outcome.reason)
    elif outcome.status == RETRY:
        log.warning("Push %s: %s asked to retry (%s)", job_id, gateway.provider, outcome.reason)
        if outcome.outage:
            push_queue.pause(gateway.provider, outcome.retry_after or _backoff(job.get("attempts", 0)))
        _retry(job_id, job, outcome.retry_after)
    else:
        push_queue.finish(job_id)
        push_queue.count("failed")
        log.warning("Push %s: %s refused it (%s)", job_id, gateway.provider, outcome.reason)


def _retry(job_id, job, after):
    attempts = job.get("attempts", 0) + 1
    if attempts >= current_app.config["PUSH_MAX_ATTEMPTS"]:
        push_queue.finish(job_id)
        push_queue.count("failed")
        log.warning("Push %s: given up after %s attempts", job_id, attempts)
        return
    push_queue.retry_at(job_id, {**job, "attempts": attempts}, time.time() + (after or _backoff(attempts)))
    push_queue.count("retried")


def _backoff(attempts):
    """2, 4, 8… seconds (at most BACKOFF_MAX_SECONDS), give or take a fifth, so retries spread."""
    return min(BACKOFF_MAX_SECONDS, 2 ** max(1, attempts)) * random.uniform(0.8, 1.2)
