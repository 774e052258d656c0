"""Labelled metrics keep their children (backend2/infra/metrics.py): one child per set of
label values, counted as prometheus-client counts them."""
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.metrics import MetricWrapperBase

from backend2.infra.metrics import Counter, Histogram


def test_one_child_per_set_of_values_and_every_count_kept():
    registry = CollectorRegistry()
    events = Counter("events_total", "Events", ["event", "outcome"], registry=registry)
    seconds = Histogram("event_seconds", "Latency", ["event"], buckets=(0.1, 1), registry=registry)
    assert events.labels("message", "ok") is events.labels("message", "ok")
    assert events.labels("message", "ok") is not events.labels("message", "rate_limited")
    for _ in range(3):
        events.labels("message", "ok").inc()
        seconds.labels("message").observe(0.5)
    events.labels("typing", "ok").inc()
    text = generate_latest(registry).decode()
    assert 'events_total{event="message",outcome="ok"} 3.0' in text
    assert 'events_total{event="typing",outcome="ok"} 1.0' in text
    assert 'event_seconds_bucket{event="message",le="1.0"} 3.0' in text


def test_a_set_of_values_asks_prometheus_client_once(monkeypatch):
    """The point of keeping them: prometheus-client's own labels() (its checks and lock) runs
    once per set of values, not at every count."""
    asked = []
    own = MetricWrapperBase.labels
    monkeypatch.setattr(MetricWrapperBase, "labels", lambda self, *values: asked.append(values) or own(self, *values))
    events = Counter("sent_total", "Sent", ["event"], registry=CollectorRegistry())
    for _ in range(5):
        events.labels("message").inc()
    events.labels("typing").inc()
    assert asked == [("message",), ("typing",)]
