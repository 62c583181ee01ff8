"""Drafting views: the agreements list, new agreement, editing a draft, cancelling."""

from agreements.drafting.blueprint import bp  # noqa: F401 - routes are added here
