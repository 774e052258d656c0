"""The push jobs a worker runs: a plan becomes one delivery per device, and each delivery is
sent once.

A provider that answers `retry` is asked again after its Retry-After or an exponential
backoff (2 s doubling, at most BACKOFF_MAX_SECONDS), up to PUSH_MAX_ATTEMPTS; one that failed
to answer or answered 5xx is left alone by every worker until then, so an outage costs a few
probes, not a storm. A token the provider calls dead is removed at once. Pushes past their
lifetime (PUSH_MAX_AGE_SECONDS, a call's ring time) are dropped, not sent late. While more
than PUSH_QUEUE_MAX pushes wait (an outage's backlog), new ones are dropped and counted.

Dramatiq runs a job at least once; push_state's done-marks and leases make each delivery
(one message or call, one device) leave at most once whatever runs it again, whether the
planning job sent it (a plan of up to INLINE_DELIVERIES) or a `send_push` job of its own.
"""
import logging
import random
import time

from flask import current_app

from backend2.extensions import jobs, push_gateways
from backend2.infra.push_outcome import DEAD_TOKEN, RETRY, SENT
from backend2.services.push import push_planner, push_registrations, push_state

log = logging.getLogger(__name__)
BACKOFF_MAX_SECONDS = 600
INLINE_DELIVERIES = 4  # sent by the planning job itself: no job of their own to queue and fetch


def plan_pushes(job):
    """The job `plan_pushes`: who gets a push for an event (push_planner). A plan of a few
    deliveries (one person's devices) is sent by this job; a larger one fans out, a job each."""
    deliveries = push_planner.plan(job)
    if deliveries and jobs.depth()["push"] > current_app.config["PUSH_QUEUE_MAX"]:  # this job is one of them
        push_state.count("dropped", len(deliveries))
        log.warning("Push backlog full (PUSH_QUEUE_MAX): dropped %s pushes for %s", len(deliveries), job["event"])
        return
    inline = len(deliveries) <= INLINE_DELIVERIES
    for delivery_id, session, push in deliveries:
        if not inline:
            jobs.enqueue("send_push", delivery_id, str(session.id), push)
            continue
        try:
            send_push(delivery_id, str(session.id), push, registration=session.push)
        except Exception:  # this one alone goes to a job of its own, with Dramatiq's retries
            log.warning("Push %s failed; queued to be tried again", delivery_id, exc_info=True)
            jobs.enqueue("send_push", delivery_id, str(session.id), push)


def send_push(delivery_id, session_id, push, attempts=0, registration=None):
    """The job `send_push`: one push to one device, unless it left already. `registration` is
    the device's, when the caller has just read it."""
    held = push_state.claim(delivery_id)
    if held == push_state.DONE:
        return
    if held != push_state.MINE:  # another worker is sending it: see how that ended
        jobs.enqueue("send_push", delivery_id, session_id, push, attempts, delay_ms=held + 100)
        return
    try:
        _deliver(delivery_id, session_id, push, attempts, registration)
    except Exception:
        push_state.release(delivery_id)
        raise  # Dramatiq retries it with backoff, and gives it to the dead letters in the end


def _deliver(delivery_id, session_id, push, attempts, registration):
    if registration is None:
        registration = push_registrations.registration_for(session_id)
    gateway = push_gateways.by_provider.get(registration.provider) if registration else None
    if gateway is None or time.time() >= push["expiresAt"]:  # signed out, unregistered, too late
        push_state.finish(delivery_id)
        push_state.count("dropped")
        return
    wait = push_state.paused_for(gateway.provider)
    if wait:
        _again(delivery_id, session_id, push, attempts, wait)
        return
    outcome = gateway.send(registration, push)
    if outcome.status == SENT:
        push_state.finish(delivery_id)
        push_state.count("sent")
    elif outcome.status == DEAD_TOKEN:
        push_registrations.forget_token(outcome.token)
        push_state.finish(delivery_id)
        push_state.count("droppedTokens")
        log.info("Push %s: %s called the token dead (%s); removed it", delivery_id, gateway.provider, outcome.reason)
    elif outcome.status == RETRY:
        log.warning("Push %s: %s asked to retry (%s)", delivery_id, gateway.provider, outcome.reason)
        if outcome.outage:
            push_state.pause(gateway.provider, outcome.retry_after or _backoff(attempts))
        _retry(delivery_id, session_id, push, attempts + 1, outcome.retry_after)
    else:
        push_state.finish(delivery_id)
        push_state.count("failed")
        log.warning("Push %s: %s refused it (%s)", delivery_id, gateway.provider, outcome.reason)


def _retry(delivery_id, session_id, push, attempts, after):
    if attempts >= current_app.config["PUSH_MAX_ATTEMPTS"]:
        push_state.finish(delivery_id)
        push_state.count("failed")
        log.warning("Push %s: given up after %s attempts", delivery_id, attempts)
        return
    push_state.count("retried")
    _again(delivery_id, session_id, push, attempts, after or _backoff(attempts))


def _again(delivery_id, session_id, push, attempts, seconds):
    push_state.release(delivery_id)
    jobs.enqueue("send_push", delivery_id, session_id, push, attempts, delay_ms=seconds * 1000)


def _backoff(attempts):
    """2, 4, 8… seconds (at most BACKOFF_MAX_SECONDS), give or take a fifth, so retries spread."""
    return min(BACKOFF_MAX_SECONDS, 2 ** max(1, attempts)) * random.uniform(0.8, 1.2)


def move_old_queue():
    """The pushes queued by a version before Dramatiq, into Dramatiq (each once); how many."""
    def requeue(job_id, job, delay_ms):
        if job.get("type") == "plan":
            jobs.enqueue("plan_pushes", {key: value for key, value in job.items() if key != "type"}, delay_ms=delay_ms)
        elif job.get("type") == "push":
            jobs.enqueue("send_push", job_id.removeprefix("push:"), job["sessionId"], job["push"],
                         job.get("attempts", 0), delay_ms=delay_ms)
    return push_state.move_old_queue(requeue)
