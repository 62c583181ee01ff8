"""The summary report: every live comment under its section with its resolution, as a page and a .docx."""

import io
import re

import docx
import pytest

from agreements.accounts.models import MembershipRole, UILanguage
from agreements.extensions import db
from agreements.reviews import operations, queries
from agreements.reviews.models import Resolution, RoundVisibility
from agreements.reviews.summary import build_summary
from tests.support.client import logged_in

WHOLE = "The document as a whole"


def _url(comment_round, docx_file: bool = False) -> str:
    return f"/rounds/{comment_round.id}/summary{'.docx' if docx_file else ''}"


def _share(comment_round, drafter) -> None:
    """Resolve what is unresolved and close the round, which shares the summary."""
    for comment in queries.unresolved_comments(comment_round):
        operations.resolve_comment(comment, Resolution.NOTED, "Tiedoksi.", drafter)
    operations.close_round(comment_round, drafter)
    db.session.commit()
    assert comment_round.summary_shared_at is not None


def _page(client, comment_round) -> str:
    response = client.get(_url(comment_round))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _page_sections(page: str) -> dict[str, str]:
    """The HTML of each section of the comments, by the section's title."""
    chunks = re.split(r"<h3 [^>]*>", page)[1:]
    return {chunk.split("<", 1)[0].strip(): chunk for chunk in chunks}


def _download(client, comment_round) -> docx.document.Document:
    response = client.get(_url(comment_round, docx_file=True))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    return docx.Document(io.BytesIO(response.data))


def _docx_sections(document) -> dict[str, str]:
    """The text under each Heading 2 of the comments part, by the heading's text."""
    sections, current = {}, None
    for paragraph in document.paragraphs:
        style = paragraph.style.name
        if style == "Heading 1":
            current = None
        elif style == "Heading 2" and paragraph.text not in ("Background", "Questions"):
            current = paragraph.text
            sections[current] = ""
        elif current is not None:
            sections[current] += paragraph.text + "\n"
    return sections


@pytest.fixture
def discussed(comment_round, commenter, other_commenter, drafter):
    """A round with a comment on the whole document (resolved, with a reply) and one on "details"."""
    whole = operations.add_comment(comment_round, commenter, "Hyvä pohja.\nToinen rivi.")
    operations.add_comment(comment_round, drafter, "Kiitos, katsotaan.", parent=whole)
    details = operations.add_comment(comment_round, other_commenter, "Korvaus on liian pieni.", "details")
    operations.resolve_comment(whole, Resolution.ACCEPTED, "Otetaan sellaisenaan.", drafter)
    db.session.commit()
    return whole, details


def test_the_read_model_matches_the_comments(comment_round, discussed, drafter):
    summary = build_summary(comment_round, "en", drafter)
    assert [(s.key, s.title) for s in summary.sections] == [
        (None, WHOLE),
        ("basics", "1 Basics"),
        ("details", "2 Details"),
    ]
    (whole,), basics, (details,) = (section.entries for section in summary.sections)
    assert basics == []
    assert (whole.organisation, whole.author, whole.body) == ("Tredu", "Kalle Kommentoija", discussed[0].body)
    assert (whole.resolution, whole.reasoning) == ("Accepted", "Otetaan sellaisenaan.")
    assert [(r.author, r.organisation, r.body) for r in whole.replies] == [
        ("Eeva Editori", "Tampereen Työpaja", "Kiitos, katsotaan.")
    ]
    assert (details.organisation, details.author, details.resolution) == ("Sataedu", "Outi Oppilaitos", None)
    assert summary.unresolved_count == 1 and not summary.final


def test_the_page_shows_every_comment_under_its_section(client, login, drafter, comment_round, discussed):
    login(client, drafter)
    sections = _page_sections(_page(client, comment_round))
    assert list(sections) == [WHOLE, "1 Basics", "2 Details"]
    whole = sections[WHOLE]
    for text in (
        "Tredu",
        "Kalle Kommentoija",
        "Hyvä pohja.<br>Toinen rivi.",
        "Accepted",
        "Otetaan sellaisenaan.",
    ):
        assert text in whole
    assert "Korvaus" not in whole
    assert "No comments" in sections["1 Basics"]
    details = sections["2 Details"]
    for text in ("Sataedu", "Outi Oppilaitos", "Korvaus on liian pieni.", "No resolution yet"):
        assert text in details


def test_the_docx_shows_every_comment_under_its_section(client, login, drafter, comment_round, discussed):
    login(client, drafter)
    document = _download(client, comment_round)
    sections = _docx_sections(document)
    assert list(sections) == [WHOLE, "1 Basics", "2 Details"]
    lines = sections[WHOLE].split("\n")
    assert lines[0] == "Tredu" and lines[1].startswith("Kalle Kommentoija · ")
    assert lines[2:6] == [
        "Hyvä pohja.",
        "Toinen rivi.",
        "Resolution: Accepted",
        "Reasoning: Otetaan sellaisenaan.",
    ]
    assert sections["1 Basics"] == "No comments on this part.\n"
    for text in ("Sataedu", "Outi Oppilaitos", "Korvaus on liian pieni.", "Resolution: No resolution yet"):
        assert text in sections["2 Details"]
    headings = {p.text: p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert headings["Answers"] == "Heading 1" and headings["Tredu"] == "Heading 3"


def test_a_reply_stands_in_its_thread(client, login, drafter, comment_round, discussed):
    login(client, drafter)
    whole = _page_sections(_page(client, comment_round))[WHOLE]
    assert whole.index("Hyvä pohja.") < whole.index("Replies") < whole.index("Kiitos, katsotaan.")
    assert "Kiitos, katsotaan." not in _page_sections(_page(client, comment_round))["2 Details"]
    docx_whole = _docx_sections(_download(client, comment_round))[WHOLE]
    reply = docx_whole.index("Reply in the thread: Eeva Editori, Tampereen Työpaja")
    assert docx_whole.index("Hyvä pohja.") < reply
    assert docx_whole.index("Reply in the thread: Eeva") < docx_whole.index("Kiitos, katsotaan.")


def test_withdrawn_comments_and_replies_are_left_out(
    client, login, drafter, commenter, comment_round, discussed
):
    gone = operations.add_comment(comment_round, commenter, "Vedän tämän pois.", "basics")
    reply = operations.add_comment(comment_round, commenter, "Poistettava vastaus.", parent=discussed[0])
    operations.withdraw_comment(gone, commenter)
    operations.withdraw_comment(reply, commenter)
    db.session.commit()
    login(client, drafter)
    page = _page(client, comment_round)
    document_text = "\n".join(p.text for p in _download(client, comment_round).paragraphs)
    for text in ("Vedän tämän pois.", "Poistettava vastaus."):
        assert text not in page and text not in document_text
    assert "No comments" in _page_sections(page)["1 Basics"]


def test_the_answers_table_tells_comments_no_comments_and_silence(
    client,
    login,
    drafter,
    open_round,
    provider,
    other_provider,
    make_organisation,
    commenter,
    other_commenter,
    make_user,
):
    silent = make_organisation(name="Hiljainen opisto")
    person = make_user(name="Pekka Persoona")
    comment_round = open_round(organisations=[provider, other_provider, silent], users=[person])
    operations.add_comment(comment_round, commenter, "Yksi.")
    operations.add_comment(comment_round, commenter, "Kaksi.", "basics")
    operations.add_comment(comment_round, person, "Oma näkemys.")
    operations.answer_no_comments(comment_round, other_provider, other_commenter)
    db.session.commit()
    login(client, drafter)
    page = _page(client, comment_round)
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>\s*<td>([^<]+)</td>', page))
    assert rows == {
        "Hiljainen opisto": "Did not answer",
        "Pekka Persoona (invited personally)": "1 comment",
        "Sataedu": "No comments",
        "Tredu": "2 comments",
    }
    assert "Pekka Persoona (invited personally)" in _page_sections(page)[WHOLE]
    table = _download(client, comment_round).tables[0]
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Invitee", "Answer"],
        ["Hiljainen opisto", "Did not answer"],
        ["Pekka Persoona (invited personally)", "1 comment"],
        ["Sataedu", "No comments"],
        ["Tredu", "2 comments"],
    ]


def test_the_summary_is_a_draft_until_every_comment_is_resolved_and_it_is_shared(
    client, login, drafter, comment_round, discussed
):
    login(client, drafter)
    page = _page(client, comment_round)
    assert "Draft" in page and "The round is still open." in page
    assert "1 comment still needs a resolution." in page
    operations.close_round(comment_round, drafter)
    db.session.commit()
    page = _page(client, comment_round)
    assert "The round is still open." not in page and "1 comment still needs a resolution." in page
    operations.resolve_comment(discussed[1], Resolution.NOT_ACCEPTED, "Budjetti ei jousta.", drafter)
    db.session.commit()
    page = _page(client, comment_round)
    assert "Draft" not in page and "Final: shared with the invitees on" in page
    assert "Not accepted" in _page_sections(page)["2 Details"] and "No resolution yet" not in page
    document_text = "\n".join(p.text for p in _download(client, comment_round).paragraphs)
    assert "Draft" not in document_text and "Shared with the invitees:" in document_text


def test_the_docx_of_a_draft_says_so(client, login, drafter, comment_round, discussed):
    login(client, drafter)
    document_text = "\n".join(p.text for p in _download(client, comment_round).paragraphs)
    assert "Draft: The round is still open. 1 comment still needs a resolution." in document_text


@pytest.mark.parametrize("docx_file", [False, True])
def test_invitees_and_readers_see_the_summary_once_it_is_shared(
    app, comment_round, discussed, drafter, commenter, make_user, workshop, docx_file
):
    clients = [
        logged_in(app, user)
        for user in (commenter, make_user(organisation=workshop, role=MembershipRole.VIEWER))
    ]
    assert [c.get(_url(comment_round, docx_file)).status_code for c in clients] == [404, 404]
    _share(comment_round, drafter)
    assert [c.get(_url(comment_round, docx_file)).status_code for c in clients] == [200, 200]


@pytest.mark.parametrize("docx_file", [False, True])
def test_the_drafter_and_administrators_see_the_draft(app, comment_round, drafter, make_user, docx_file):
    clients = [logged_in(app, user) for user in (drafter, make_user(admin=True))]
    assert [c.get(_url(comment_round, docx_file)).status_code for c in clients] == [200, 200]


@pytest.mark.parametrize("docx_file", [False, True])
def test_an_organisation_not_invited_never_sees_the_summary(
    client, login, comment_round, discussed, drafter, make_organisation, make_user, docx_file
):
    outsider = make_user(organisation=make_organisation(name="Muu opisto"), role=MembershipRole.EDITOR)
    login(client, outsider)
    assert client.get(_url(comment_round, docx_file)).status_code == 404
    _share(comment_round, drafter)
    assert client.get(_url(comment_round, docx_file)).status_code == 404


def test_a_missing_round_is_404(client, login, make_user):
    login(client, make_user(admin=True))
    assert client.get("/rounds/999999/summary").status_code == 404
    assert client.get("/rounds/999999/summary.docx").status_code == 404


def test_markup_in_a_comment_is_shown_literally(client, login, drafter, commenter, comment_round):
    body = "<script>alert(1)</script> & <b>lihava</b>"
    comment = operations.add_comment(comment_round, commenter, body)
    operations.resolve_comment(comment, Resolution.NOTED, "Ei <i>kursiivia</i> & muuta.", drafter)
    db.session.commit()
    login(client, drafter)
    page = _page(client, comment_round)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;lihava&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<b>lihava" not in page
    assert "Ei &lt;i&gt;kursiivia&lt;/i&gt; &amp; muuta." in page
    document_text = "\n".join(p.text for p in _download(client, comment_round).paragraphs)
    assert body in document_text and "Reasoning: Ei <i>kursiivia</i> & muuta." in document_text


def test_characters_word_cannot_hold_do_not_break_the_docx(client, login, drafter, commenter, comment_round):
    operations.add_comment(comment_round, commenter, "Sarake\x0bvaihtuu\x01 tässä.")
    db.session.commit()
    login(client, drafter)
    document_text = "\n".join(p.text for p in _download(client, comment_round).paragraphs)
    assert "Sarakevaihtuu tässä." in document_text


def test_the_sections_views_were_asked_on_are_marked(client, login, drafter, open_round, provider):
    comment_round = open_round(organisations=[provider], sections=["details"])
    login(client, drafter)
    page = _page(client, comment_round)
    sections = _page_sections(page)
    assert "views asked" in sections["2 Details"] and "views asked" not in sections["1 Basics"]
    document = _download(client, comment_round)
    assert "2 Details (views asked)" in _docx_sections(document)
    assert "Views asked on: 2 Details" in [p.text for p in document.paragraphs]


def test_the_report_is_in_the_interface_language(client, login, drafter, comment_round, discussed):
    drafter.locale = UILanguage.FI
    db.session.commit()
    login(client, drafter)
    assert "1 Perustiedot" in _page_sections(_page(client, comment_round))
    response = client.get(_url(comment_round, docx_file=True))
    headings = [p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs]
    assert "1 Perustiedot" in headings and "2 Yksityiskohdat" in headings
    assert comment_round.agreement.reference in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith(".docx")


def test_the_header_names_the_round(client, login, drafter, comment_round, discussed):
    login(client, drafter)
    page = _page(client, comment_round)
    agreement = comment_round.agreement
    assert f"{agreement.reference} · {agreement.title} · Version 1" in page
    for text in ("Eeva Editori", "Uusi sopimuspohja.", "Onko korvaus sopiva?", "Still open", "Every section"):
        assert text in page
    assert f'href="/rounds/{comment_round.id}"' in page
    assert f'href="/rounds/{comment_round.id}/summary.docx"' in page


def test_in_a_private_round_an_invitee_s_report_holds_only_their_own_threads(
    open_round, provider, other_provider, commenter, other_commenter, drafter
):
    comment_round = open_round(
        organisations=[provider, other_provider], visibility=RoundVisibility.DRAFTER_ONLY
    )
    operations.add_comment(comment_round, commenter, "Meidän näkemys.")
    operations.add_comment(comment_round, other_commenter, "Toisen näkemys.")
    db.session.commit()

    def bodies(reader):
        summary = build_summary(comment_round, "en", reader)
        return [entry.body for section in summary.sections for entry in section.entries]

    assert bodies(drafter) == ["Meidän näkemys.", "Toisen näkemys."]
    assert bodies(commenter) == ["Meidän näkemys."]
    assert bodies(other_commenter) == ["Toisen näkemys."]
