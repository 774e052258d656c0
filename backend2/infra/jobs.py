"""Background jobs on Dramatiq: this deployment's broker, its actors, and the worker that runs them.

With REDIS_URL, jobs go through Dramatiq's Redis broker and run in `worker` processes
(`flask --app backend2 worker`, the Procfile's `worker:` line); web processes only enqueue.
Dramatiq acknowledges a job after it ran, retries a failing one with exponential backoff, and
gives a dead worker's jobs to the others once its heartbeat is JOBS_HEARTBEAT_TIMEOUT_MS old;
a job that keeps failing ends in the dead-letter queue. Without REDIS_URL (the embedded
default) a stub broker and a worker inside the process run them, so one process still does
everything.

Each job runs in the app's context, and its outcome is counted in Redis (`{ns}:jobs:stats`),
where every process's /metrics and /health read it.
"""
import logging
import signal
import threading

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import CurrentMessage, Middleware, Retries

log = logging.getLogger(__name__)
QUEUES = ("push", "default")
OUTCOMES = ("done", "failed", "retried", "dead")


class AppContext(Middleware):
    """Runs each job inside the app's context, as a request runs inside it."""

    def __init__(self, app):
        self.app, self.local = app, threading.local()

    def before_process_message(self, broker, message):
        self.local.context = self.app.app_context()
        self.local.context.push()

    def after_process_message(self, broker, message, *, result=None, exception=None):
        context, self.local.context = getattr(self.local, "context", None), None
        if context is not None:
            context.pop()

    after_skip_message = after_process_message


class SharedCounts(Middleware):
    """Counts each job's outcome where every process can read it: done, failed (and retried),
    dead (retries used up: the job is in the dead-letter queue)."""

    def __init__(self, state, key):
        self.state, self.key = state, key

    def after_process_message(self, broker, message, *, result=None, exception=None):
        if exception is None:
            outcomes = ("done",)
        else:
            outcomes = ("failed", "dead" if message.failed else "retried")
        try:
            pipe = self.state.pipeline(transaction=False)
            for outcome in outcomes:
                pipe.hincrby(self.key, outcome, 1)
            pipe.execute()
        except Exception:  # Redis down: the job's outcome stands, only its count is lost
            log.warning("Could not count a job's outcome", exc_info=True)


class Jobs:
    """`jobs.enqueue(name, *args)` from anywhere in the app; `jobs.run_worker()` in a worker."""

    broker = None
    runs_here = False

    def init_app(self, app, state, namespace):
        """A Redis broker on `state` (the app's Redis client) with REDIS_URL, else a stub broker
        whose jobs this process runs."""
        config = app.config
        self.state, self.stats_key = state, f"{namespace}:jobs:stats"
        self.poll_ms, self.threads = config["JOBS_POLL_MS"], config["JOBS_THREADS"]
        self.stop_timeout_ms = int(config["JOBS_STOP_SECONDS"] * 1000)
        if config["REDIS_URL"]:
            # The app's own client: its bounded pool and its breaker (a hung Redis fails fast) hold for jobs too.
            self.broker = RedisBroker(client=state, namespace=f"{namespace}:jobs",
                                      heartbeat_timeout=config["JOBS_HEARTBEAT_TIMEOUT_MS"],
                                      maintenance_chance=config["JOBS_MAINTENANCE_CHANCE"])
        else:
            self.broker = StubBroker()
        self.runs_here = not config["REDIS_URL"]
        self.broker.add_middleware(CurrentMessage())
        self.broker.add_middleware(AppContext(app))
        # Before Retries in the list, so after it when a job ends: it knows whether the job is dead.
        self.broker.add_middleware(SharedCounts(state, self.stats_key), before=Retries)
        for queue in QUEUES:
            self.broker.declare_queue(queue)
        self._local_worker, self._booted = None, False
        self._lock = threading.Lock()

    def register(self, name, fn, queue, **options):
        """`fn` becomes the job `name`; options are Dramatiq's (max_retries, time_limit, ...)."""
        dramatiq.Actor(fn, broker=self.broker, actor_name=name, queue_name=queue, priority=0, options=options)

    def enqueue(self, name, *args, delay_ms=None):
        """Queue the job `name(*args)`, to run after `delay_ms` if given."""
        self.broker.get_actor(name).send_with_options(args=args, delay=int(delay_ms) if delay_ms else None)
        if self.runs_here and self._local_worker is None:
            self._start_local_worker()

    def _start_local_worker(self):
        with self._lock:
            if self._local_worker is None:
                self._local_worker = self._worker()
                self._local_worker.start()

    def _worker(self):
        """A worker of this broker, its middleware booted first as Dramatiq's own CLI boots it
        (`process_boot`: TimeLimit starts the thread that interrupts a job past its `time_limit`)."""
        if not self._booted:
            self._booted = True
            self.broker.emit_after("process_boot")
        return dramatiq.Worker(self.broker, worker_timeout=self.poll_ms, worker_threads=self.threads)

    def depth(self):
        """{queue: jobs not done yet (waiting, delayed, or held or run by a worker), "deadLetters":
        jobs given up on}. Dramatiq's own count: a worker holds a delayed job until it is due."""
        if isinstance(self.broker, RedisBroker):
            prefix = self.broker.namespace
            pipe = self.state.pipeline(transaction=False)
            for queue in QUEUES:
                pipe.hlen(f"{prefix}:{queue}.msgs")
                pipe.hlen(f"{prefix}:{queue}.DQ.msgs")
            for queue in QUEUES:
                pipe.zcard(f"{prefix}:{queue}.XQ")
            counts = pipe.execute()
            waiting = {queue: counts[2 * i] + counts[2 * i + 1] for i, queue in enumerate(QUEUES)}
            return {**waiting, "deadLetters": sum(counts[2 * len(QUEUES):])}
        queues = self.broker.queues
        return {**{queue: queues[queue].unfinished_tasks + queues[f"{queue}.DQ"].unfinished_tasks
                   for queue in QUEUES}, "deadLetters": len(self.broker.dead_letters)}

    def counts(self):
        """{done, failed, retried, dead} across every process."""
        found = self.state.hgetall(self.stats_key)
        return {outcome: int(found.get(outcome.encode(), 0)) for outcome in OUTCOMES}

    def run_worker(self, before_start=None):
        """Run jobs until SIGTERM or SIGINT: then take no more, finish (or put back) what this
        worker holds within JOBS_STOP_SECONDS, and return."""
        stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.set())
        if before_start is not None:
            before_start()
        worker = self._worker()
        worker.start()
        log.info("Worker running %s threads on queues %s", self.threads, ", ".join(QUEUES))
        while not stopping.wait(0.5):
            pass
        log.info("Worker stopping: finishing or putting back the jobs it holds")
        worker.stop(timeout=self.stop_timeout_ms)
        log.info("Worker stopped")
