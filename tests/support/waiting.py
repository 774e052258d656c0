"""Waiting for what a background job does."""
import time


def eventually(check, timeout=15, interval=0.05):
    """`check()`'s first truthy value within `timeout` seconds; fails with the last one otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            assert found, f"still {found!r} after {timeout} s"
            return found
        time.sleep(interval)
