"""The interface language outside templates, and the translations templates look up."""

from flask import g, has_app_context
from flask_babel import get_locale, get_translations
from flask_babel import gettext as babel_gettext
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup


def ui_language() -> str:
    """The current interface language code (fi, sv or en); Finnish when none is selected."""
    return str(get_locale() or "fi")


def page_translations():
    """The current locale's translations, as Flask-Babel's ``get_translations`` gives them, kept with the
    request's locale: a page asks for them a hundred times, and Flask-Babel looks them up afresh each time.
    A change of locale within the request (``flask_babel.refresh``) drops the locale, so they are looked up
    again."""
    babel = g.get("_flask_babel")
    kept = getattr(babel, "page_translations", None)
    if kept is None or getattr(babel, "babel_locale", None) is not kept[0]:
        translations = get_translations()
        babel = g._flask_babel
        kept = babel.page_translations = (getattr(babel, "babel_locale", None), translations)
    return kept[1]


def page_text(text) -> str:
    """A lazily translated text (``lazy_gettext`` without variables) in the current language, as ``str``
    gives it, through ``page_translations``: ``str`` looks the translations up afresh, several times a
    row on a page of enum titles and history events. Other values are made ``str`` as such."""
    if (
        isinstance(text, LazyString)
        and text._func is babel_gettext  # LazyString keeps what it calls as these three
        and len(text._args) == 1
        and not text._kwargs
        and has_app_context()
    ):
        return page_translations().ugettext(text._args[0])
    return str(text)


@pass_context
def _template_gettext(context, string: str, **variables) -> str:
    """A template's ``_`` and ``gettext``, as Jinja's new-style gettext gives them (autoescaped, always a
    ``%(name)s`` format), in one call: Jinja's ``_`` resolves ``gettext`` and calls it through the context,
    which calls the translation function through the context again, 70 times a page."""
    text = page_translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - the catalogue is trusted, as in Jinja's own gettext
    return text % variables


def install_template_gettext(jinja_env) -> None:
    """Templates' ``_``, ``gettext`` and ``ngettext`` (and the ``trans`` tag) through ``page_translations``;
    as Flask-Babel installs them otherwise (new-style: autoescaped, with ``%(name)s`` variables)."""
    jinja_env.install_gettext_callables(
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
    )
    jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)
