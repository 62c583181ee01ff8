"""Notifications: every notice about comment rounds, signatures and renewals, listed in the service and
mailed immediately, in a daily digest or not at all, as each user prefers."""
