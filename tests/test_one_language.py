"""One language on a page: every choice a form offers (select options, radio buttons and checkboxes) is in
the user's language, Finnish or Swedish, never the English source text.

Every page of the authorisation matrix is read by a role that may see it, in Finnish and in Swedish; each
label of a choice is compared with the catalogue: an English msgid shown where its translation differs is
a text translated at import time instead of lazily. And a signature page names its request in signature
words: a msgid that comment rounds share (``Keep it open``, ``The request``) has a context (pgettext) for
each meaning, so no signature page reads "comment round" in Finnish or Swedish.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from agreements.accounts.models import UILanguage, User
from agreements.drafting.models import Agreement
from agreements.extensions import db
from tests.support.factories import make_agreement
from tests.support.route_matrix import (
    ADMIN,
    COORD,
    EDITOR,
    MATRIX,
    ORG_ADMIN,
    PROVIDER,
    VIEWER,
    build_world,
    client_as,
)
from tests.support.route_matrix import route_url as url_of

TRANSLATIONS = Path(__file__).resolve().parent.parent / "agreements" / "translations"
#: Who reads each page: the first of these the matrix lets see it.
READERS = (ADMIN, EDITOR, ORG_ADMIN, PROVIDER, COORD, VIEWER)
#: Pages that are files, not forms.
NOT_PAGES = re.compile(r"\.(docx|pdf|csv|xlsx|ics|css)$|/static/")


class _ChoiceLabels(HTMLParser):
    """The texts of a page's <option>s and of the <label>s of its radio buttons and checkboxes."""

    def __init__(self):
        super().__init__()
        self.labels: list[str] = []
        self.choice_ids: set[str] = set()
        self._label_for: dict[str, str] = {}
        self._open: str | None = None  # "option", or the id a <label> names
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("radio", "checkbox") and attrs.get("id"):
            self.choice_ids.add(attrs["id"])
        elif tag == "option" or (tag == "label" and attrs.get("for")):
            self._open, self._text = attrs.get("for", "option"), ""

    def handle_endtag(self, tag):
        if self._open is None or tag not in ("option", "label"):
            return
        text = " ".join(self._text.split())
        if self._open == "option":
            self.labels.append(text)
        else:
            self._label_for[self._open] = text
        self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._text += data

    def choices(self) -> list[str]:
        return self.labels + [text for id_, text in self._label_for.items() if id_ in self.choice_ids]


def choice_labels(page: str) -> list[str]:
    reader = _ChoiceLabels()
    reader.feed(page)
    return [label for label in reader.choices() if label]


def english_only(language: str) -> list[re.Pattern]:
    """The English texts (as patterns, placeholders matching anything) that ``language`` translates
    differently, so that seeing one means the English source was shown."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalogue = read_po(file)
    translated = {string for message in catalogue if message.id for string in _strings(message)}
    patterns = []
    for message in catalogue:
        for english in message.id if isinstance(message.id, tuple) else (message.id,):
            if _worded(english) and english not in translated and english not in _strings(message):
                parts = re.split(r"%\([a-z_]+\)[sd]", english)
                patterns.append(re.compile(".+".join(re.escape(part) for part in parts)))
    return patterns


def _worded(english: str) -> bool:
    """Whether a text has words of its own besides its placeholders (else it would match anything)."""
    return bool(re.search(r"[A-Za-z]{3}", re.sub(r"%\([a-z_]+\)[sd]", "", english)))


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.fixture(scope="module")
def built_world(app, shared_transaction):
    """The authorisation matrix's world and a draft ready to be sent for signature: (user ids, the pages
    to read as (role, URL))."""
    with shared_transaction():
        users, url_values = build_world()
        pages = [(_reader(endpoint), url_of(app, endpoint, url_values)) for endpoint in GET_ENDPOINTS]
        draft = db.session.get(Agreement, url_values["agreement_id"])
        to_send = make_agreement(
            owner=draft.owner,
            providers=[party for party in draft.parties if party != draft.owner],
            template_version=draft.template_version,
        )
        new = f"template_version_id={draft.template_version_id}&language=fi&owner_id={draft.owner_id}"
        pages += [(EDITOR, f"/signatures/send/{to_send.id}"), (EDITOR, f"/agreements/new?{new}")]
        pages = [(role, url) for role, url in pages if role is not None and not NOT_PAGES.search(url)]
        return {role: user.id for role, user in users.items()}, pages


#: The matrix's pages (GET) that somebody may read.
GET_ENDPOINTS = sorted(endpoint for endpoint, method in MATRIX if method == "GET")


def _reader(endpoint: str) -> str | None:
    """The first of READERS who may read the page."""
    return next((role for role in READERS if MATRIX[(endpoint, "GET")][role] == 200), None)


def readers_in(app, built_world, language: str):
    """A logged-in client per reader, each reader's interface set to ``language``; and the pages."""
    user_ids, pages = built_world
    users = {role: db.session.get(User, user_id) for role, user_id in user_ids.items()}
    for user in users.values():
        user.locale = UILanguage(language)
    db.session.commit()
    return {role: client_as(app, users[role]) for role in READERS}, pages


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_no_form_offers_an_english_choice_in_finnish_or_swedish(app, built_world, language):
    clients, pages = readers_in(app, built_world, language)
    english = english_only(language)
    shown = {}
    for role, url in pages:
        response = clients[role].get(url)
        assert response.status_code == 200, url
        labels = choice_labels(response.get_data(as_text=True))
        leaked = [label for label in labels if any(pattern.fullmatch(label) for pattern in english)]
        if leaked:
            shown[url] = leaked
    assert not shown, f"English choices on {language} pages: {shown}"


#: Words of comment rounds, which a signature page must not use for its own request.
COMMENT_WORDS = {
    "fi": re.compile(r"komment|lausun|kierro", re.I),
    "sv": re.compile(r"remiss|kommentar|rund", re.I),
}
#: What a signature request is called.
SIGNATURE_REQUEST = {"fi": "Allekirjoituspyyntö", "sv": "Begäran om underskrift"}


class _Headings(HTMLParser):
    """The page's <title>, headings, buttons and button-like links, as texts."""

    TAGS = ("title", "h1", "h2", "h3", "button", "legend")

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS or (tag == "a" and "btn" in (dict(attrs).get("class") or "")):
            self._open.append("")

    def handle_endtag(self, tag):
        if self._open and (tag in self.TAGS or tag == "a"):
            self.texts.append(" ".join(self._open.pop().split()))

    def handle_data(self, data):
        if self._open:
            self._open[-1] += data


def headings(page: str) -> list[str]:
    reader = _Headings()
    reader.feed(page)
    return reader.texts


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_signature_pages_name_their_request_in_signature_words_not_a_comment_rounds(
    app, built_world, language
):
    clients, pages = readers_in(app, built_world, language)
    wrong = {}
    for role, url in pages:
        if not url.startswith("/signatures/"):
            continue
        page = clients[role].get(url).get_data(as_text=True)
        texts = headings(page)
        if re.fullmatch(r"/signatures/requests/\d+", url):
            assert texts[0].startswith(SIGNATURE_REQUEST[language]), (url, texts[0])  # the <title>
        comment_words = [text for text in texts if COMMENT_WORDS[language].search(text)]
        if comment_words:
            wrong[url] = comment_words
    assert not wrong, f"comment round words on {language} signature pages: {wrong}"
