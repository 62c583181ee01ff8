"""Signals let a lower package tell the packages above it what happened, or ask them for values, without
importing them: the lower package defines and sends a blinker signal, a higher one connects a receiver."""

from blinker import Signal


def values_from(signal: Signal, sender, **kwargs) -> list:
    """What each receiver of ``signal`` returned when it was sent for ``sender``."""
    return [value for _receiver, value in signal.send(sender, **kwargs)]
