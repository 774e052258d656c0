"""What a push provider answered, in the terms the push queue acts on."""
from typing import NamedTuple

SENT, DEAD_TOKEN, RETRY, FAILED = "sent", "dead_token", "retry", "failed"


class Outcome(NamedTuple):
    """`status`: sent, dead_token (remove `token` at once), retry (after `retry_after` seconds,
    or the queue's backoff when None) or failed (give up); `reason`: the provider's words;
    `outage`: the provider itself is failing (no answer, 5xx), not just this one push."""

    status: str
    reason: str = ""
    retry_after: float = None
    token: str = None
    outage: bool = False


def retry_after_seconds(headers):
    """The Retry-After header in seconds (only the delta-seconds form), or None."""
    value = headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def transport_failure(exc):
    """A request that got no answer (refused, timed out, TLS): try again later."""
    return Outcome(RETRY, f"{type(exc).__name__}: {exc}"[:200], outage=True)
