"""Budgets of actions that REST and sockets spend together: messages, typing, calls and chat
requests per account, and every event of one socket connection.

A message sent over REST and one sent over a socket come out of one budget, kept where the
REST rate limits are (Redis when it is there, so every process counts together). A spent
budget is 429 `rate_limited` with `retryAfter`. Like the REST limits, budgets fail open while
their store is unreachable: a Redis outage must not stop people chatting.
"""
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


def spend(budget, owner):
    """Take one from `owner`'s (an account's or a connection's) `budget`, or raise 429."""
    item = parse(current_app.config[BUDGETS[budget]])
    keys = (current_app.config["RATELIMIT_KEY_PREFIX"], "budget", budget, str(owner))
    try:
        if limiter.limiter.hit(item, *keys):
            return
        reset_at, _ = limiter.limiter.get_window_stats(item, *keys)
    except RedisError:
        log.warning("Rate budget %s not counted: its store is unreachable", budget)
        return
    raise TooManyRequests(f"Too many {budget.replace('_', ' ')}: at most {item}; slow down",
                          code=Codes.RATE_LIMITED, retry_after=max(1, math.ceil(reset_at - time.time())))
