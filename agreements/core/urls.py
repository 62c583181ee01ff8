"""Redirect targets that never leave the site."""

from urllib.parse import urlsplit

from flask import request, url_for


def is_safe_local_path(target: str | None) -> bool:
    """True for a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target:
        return False
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def next_url(default: str | None = None) -> str:
    """The ``next`` parameter when it is a local path, otherwise ``default`` or the home page."""
    target = (request.values.get("next") or "").strip()
    return target if is_safe_local_path(target) else default or url_for("home.index")
