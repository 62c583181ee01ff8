"""Reading views: preview, .docx and PDF downloads, version history and the redline between versions."""

from agreements.drafting.blueprint import bp  # noqa: F401 - routes are added here
