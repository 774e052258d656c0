"""Budgets of actions that REST and sockets spend together: messages, typing, calls and chat
requests per account, and every event of one socket connection.

A message sent over REST and one sent over a socket come out of one budget, kept where the
REST rate limits are (Redis when it is there, so every process counts together). A
connection's own budget is kept by the connection (`ConnectionBudget`): it lives in one
process, so nothing needs sharing, and no event pays a round trip for it. A spent budget is 429
`rate_limited` with `retryAfter`. Like the REST limits, budgets fail open while their store is
unreachable: a Redis outage must not stop people chatting.
"""
import functools
import logging
import math
import time

from flask import current_app
from limits import parse
from redis.exceptions import RedisError

from backend2.errors import Codes, TooManyRequests
from backend2.extensions import limiter

log = logging.getLogger(__name__)
BUDGETS = {"messages": "RATE_LIMIT_MESSAGES", "typing": "RATE_LIMIT_TYPING", "calls": "RATE_LIMIT_CALLS",
           "chat_requests": "RATE_LIMIT_CHAT_REQUESTS", "socket_events": "RATE_LIMIT_SOCKET_EVENTS"}


@functools.lru_cache(maxsize=32)
def _limit(text):
    """The limit a setting's text names ("30/minute"), parsed once, not once per event."""
    return parse(text)


def spend(budget, owner):
    """Take one from `owner`'s (an account's) `budget`, shared by every process, or raise 429."""
    item = _limit(current_app.config[BUDGETS[budget]])
    keys = (current_app.config["RATELIMIT_KEY_PREFIX"], "budget", budget, str(owner))
    try:
        if limiter.limiter.hit(item, *keys):
            return
        reset_at, _ = limiter.limiter.get_window_stats(item, *keys)
    except RedisError:
        log.warning("Rate budget %s not counted: its store is unreachable", budget)
        return
    _spent(budget, item, reset_at)


def _spent(budget, item, reset_at):
    raise TooManyRequests(f"Too many {budget.replace('_', ' ')}: at most {item}; slow down",
                          code=Codes.RATE_LIMITED, retry_after=max(1, math.ceil(reset_at - time.time())))


class ConnectionBudget:
    """A connection's own budget (RATE_LIMIT_SOCKET_EVENTS), a fixed window the connection keeps:
    a connection lives in one process, so nothing is shared and no store is asked."""

    def __init__(self):
        self.window_start, self.count = 0.0, 0

    def spend(self):
        item = _limit(current_app.config[BUDGETS["socket_events"]])
        now = time.time()
        if now - self.window_start >= item.get_expiry():
            self.window_start, self.count = now, 0
        self.count += 1
        if self.count > item.amount:
            _spent("socket_events", item, self.window_start + item.get_expiry())
