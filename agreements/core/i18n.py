"""The interface language outside templates, and the translations templates look up."""

from flask import g
from flask_babel import get_locale, get_translations


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
