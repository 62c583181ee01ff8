"""Values and parts of pages that depend only on a few named values: built once per process for each.

Every page repeats the same navigation, menus and footer for the user's language and roles; building them
again on each request costs more than the rest of a small page. Nothing here may depend on the database,
on the user beyond the key, or on the request beyond the key and the application root.
"""

from collections.abc import Callable

from flask import current_app, request
from jinja2 import nodes
from jinja2.ext import Extension

#: How many values ``kept_for_process`` keeps per application; past it, each is built afresh every time.
KEPT_VALUES = 10_000


def kept_for_process(key: tuple, build: Callable[[], object]):
    """``build()``, built once per application process for ``key`` and the application root; ``key`` must
    name everything the value depends on besides the application's own routes and translations."""
    kept = current_app.extensions.setdefault("kept_for_process", {})
    key = (request.script_root, *key)
    value = kept.get(key, kept)
    if value is kept:
        value = build()
        if len(kept) < KEPT_VALUES:
            kept[key] = value
    return value


class KeptFragments(Extension):
    """``{% kept "name", value, … %}…{% endkept %}``: the part of the template between the tags, rendered
    once per process for the name and values (see ``kept_for_process``); the part must show nothing that
    the values do not decide."""

    tags = {"kept"}

    def parse(self, parser) -> nodes.CallBlock:
        """A call of ``_kept`` with the tag's values as the key and the part as its ``caller``."""
        lineno = next(parser.stream).lineno
        key = parser.parse_tuple()
        if not isinstance(key, nodes.Tuple):
            key = nodes.Tuple([key], "load")
        body = parser.parse_statements(("name:endkept",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_kept", [key]), [], [], body).set_lineno(lineno)

    def _kept(self, key, caller):
        return kept_for_process(("fragment", *key), caller)
