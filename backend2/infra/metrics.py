"""This process's Prometheus metrics (prometheus-client 0.26): one registry, scraped per process.

HTTP requests by route template and status, with latency; socket events by name and outcome
(`ok` or the error code), with latency; connected sockets; messages stored; receivers of an
event that raised (services/support/announce.py); database commands by name and outcome, with
latency, from pymongo's command monitoring (a real MongoDB, or the embedded one served by
devdb: the in-process embedded database has no wire and so no commands); Redis errors and
open breakers; push counters; background jobs (queued, dead letters, outcomes); and the process's memory and CPU. `GET /metrics`
(controllers/metrics.py) serves it behind METRICS_TOKEN, or `serve_on_port` on METRICS_PORT.
"""
import time

import prometheus_client
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, ProcessCollector, generate_latest, start_http_server
from pymongo import monitoring

from backend2.infra import redis_breaker


class _KeptChildren:
    """`labels(...)` keeps the child it returns: prometheus-client checks the values and takes
    a lock on every call (3 to 4 µs, five times a sent message), though one set of values
    always names the same child."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept = {}

    def labels(self, *values):
        child = self._kept.get(values)
        if child is None:
            child = self._kept[values] = super().labels(*values)
        return child


class Counter(_KeptChildren, prometheus_client.Counter):
    pass


class Gauge(_KeptChildren, prometheus_client.Gauge):
    pass


class Histogram(_KeptChildren, prometheus_client.Histogram):
    pass


REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)  # process_resident_memory_bytes, process_cpu_seconds_total, ...
CONTENT_TYPE = CONTENT_TYPE_LATEST
FAST = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)

http_requests = Counter("backend2_http_requests_total", "HTTP requests", ["method", "route", "status"],
                        registry=REGISTRY)
http_seconds = Histogram("backend2_http_request_duration_seconds", "HTTP request latency", ["method", "route"],
                         buckets=FAST, registry=REGISTRY)
socket_events = Counter("backend2_socket_events_total", "Socket.IO events handled", ["event", "outcome"],
                        registry=REGISTRY)
socket_seconds = Histogram("backend2_socket_event_duration_seconds", "Socket.IO event latency", ["event"],
                           buckets=FAST, registry=REGISTRY)
sockets_connected = Gauge("backend2_sockets_connected", "Socket.IO connections this process holds",
                          registry=REGISTRY)
messages_stored = Counter("backend2_messages_stored_total", "Messages stored", ["type"], registry=REGISTRY)
announce_failures = Counter("backend2_announce_failures_total",
                            "Receivers of an event that raised (logged; the change stayed stored)",
                            ["event", "receiver"], registry=REGISTRY)
db_seconds = Histogram("backend2_db_command_duration_seconds", "Database command latency", ["command", "outcome"],
                       buckets=FAST, registry=REGISTRY)
redis_errors = Counter("backend2_redis_errors_total", "Redis calls that failed on the network", registry=REGISTRY)
redis_breakers_open = Gauge("backend2_redis_breakers_open", "Redis pools failing fast after a network failure",
                            registry=REGISTRY)
redis_breakers_open.set_function(lambda: sum(breaker.is_open() for breaker in redis_breaker.BREAKERS))
redis_breaker.on_trip.append(redis_errors.inc)
storage_errors = Counter("backend2_storage_errors_total", "File storage calls that failed (503 storage_unavailable)",
                         registry=REGISTRY)
legacy_token_uses = Counter("backend2_legacy_token_uses_total", "Requests and connections with an Express token",
                            ["shape"], registry=REGISTRY)
outdated_clients = Counter("backend2_outdated_socketio_clients_total",
                           "Socket.IO v2 (Engine.IO 3) connection attempts, refused", registry=REGISTRY)
push_totals = Gauge("backend2_push_total", "Push deliveries across every process, by outcome (from Redis)",
                    ["outcome"], registry=REGISTRY)
jobs_queued = Gauge("backend2_jobs_queued", "Background jobs waiting (ready or delayed), by queue (from Redis)",
                    ["queue"], registry=REGISTRY)
jobs_dead_letters = Gauge("backend2_jobs_dead_letters", "Background jobs given up on, kept in the dead-letter queue",
                          registry=REGISTRY)
link_preview_refusals = Gauge("backend2_link_preview_refusals_total",
                              "Link preview fetches refused by the rules, by reason, across every process (from Redis)",
                              ["reason"], registry=REGISTRY)
jobs_totals = Gauge("backend2_jobs_total", "Background jobs run by every worker, by outcome: done, failed, "
                    "retried (a failure that will run again), dead (retries used up)", ["outcome"], registry=REGISTRY)


class _CommandTimer(monitoring.CommandListener):
    def started(self, event):
        pass

    def succeeded(self, event):
        db_seconds.labels(event.command_name, "ok").observe(event.duration_micros / 1e6)

    def failed(self, event):
        db_seconds.labels(event.command_name, "error").observe(event.duration_micros / 1e6)


monitoring.register(_CommandTimer())  # every pymongo client made from now on reports to it


def exposition():
    """The registry in Prometheus' text format."""
    return generate_latest(REGISTRY)


def serve_on_port(port, address="0.0.0.0"):
    """Serve /metrics on a port of its own (a thread, a greenlet under gevent), unauthenticated."""
    start_http_server(port, addr=address, registry=REGISTRY)


def observe_since(histogram, started, *labels):
    histogram.labels(*labels).observe(time.perf_counter() - started)
