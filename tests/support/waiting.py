"""Waiting for another thread or process to get somewhere."""

import time


def eventually(condition, timeout: float = 10, interval: float = 0.05):
    """Wait until ``condition()`` is true (and return its value), or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"{condition.__name__} not true within {timeout} s"
        time.sleep(interval)
    return value
