"""Shared building blocks: model helpers, time, errors, audit log, mail outbox, authorisation policy."""
