"""Checking an uploaded scan of a signed paper copy: the shared PDF check of core."""

from agreements.core.uploads import MAX_PAPER_BYTES, InvalidUpload, check_pdf

__all__ = ["MAX_PAPER_BYTES", "InvalidUpload", "check_pdf"]
