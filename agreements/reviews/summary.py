"""The summary report (vastineraportti) of a comment round: one read model, shown as a page and as a .docx.

``build_summary`` gathers per section every live comment, its thread of replies and its resolution;
the page template and ``summary_docx`` only lay that out. Strings are translated in the request's locale.
"""

import io
import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from agreements.accounts.models import User
from agreements.reviews import queries
from agreements.reviews.models import Comment, CommentRound
from agreements.reviews.policy import can_view_summary
from agreements.templates_lib.fields import section_titles
from agreements.templates_lib.rendering import word_text


@dataclass(frozen=True)
class Reply:
    """A reply in a comment's thread."""

    author: str
    organisation: str | None
    created_at: datetime
    body: str


@dataclass(frozen=True)
class Entry:
    """A comment with who gave it, its resolution and the replies in its thread."""

    author: str
    #: The organisation the author spoke for; None for a user invited personally.
    organisation: str | None
    created_at: datetime
    body: str
    resolution: str | None
    reasoning: str
    replies: list[Reply]
    #: The phase of the consultation the comment was given in.
    phase: int = 1

    @property
    def speaker(self) -> str:
        """Whose view this is: the organisation, or the person invited personally."""
        return self.organisation or _("%(name)s (invited personally)", name=self.author)


@dataclass(frozen=True)
class Section:
    """A section of the document (key None: the document as a whole) and the comments on it."""

    key: str | None
    title: str
    #: Views were asked on this section in particular.
    asked: bool
    entries: list[Entry]


@dataclass(frozen=True)
class AnswerRow:
    """How one invitee answered the round."""

    name: str
    personal: bool
    comment_count: int
    no_comments: bool

    @property
    def status(self) -> str:
        if self.comment_count:
            return ngettext("%(num)s comment", "%(num)s comments", self.comment_count)
        return _("No comments") if self.no_comments else _("Did not answer")


@dataclass(frozen=True)
class Summary:
    """Everything the summary report shows."""

    round_id: int
    language: str
    reference: str
    title: str
    version_number: int
    opened_at: datetime
    deadline: datetime
    closed_at: datetime | None
    shared_at: datetime | None
    contact_person: str | None
    background: str
    questions: str
    #: Titles of the sections on which views were asked; empty when they were asked on every section.
    asked_sections: list[str]
    answers: list[AnswerRow]
    sections: list[Section]
    unresolved_count: int

    @property
    def final(self) -> bool:
        return self.shared_at is not None

    def draft_reasons(self) -> list[str]:
        """Why the summary is still a draft: the round is open, or comments wait for a resolution."""
        return _draft_reasons(self.closed_at, self.shared_at, self.unresolved_count)


def _draft_reasons(closed_at: datetime | None, shared_at: datetime | None, unresolved: int) -> list[str]:
    """Why a round's summary is still a draft: the round is open, or comments wait for a resolution."""
    if shared_at is not None:
        return []
    reasons = [_("The round is still open.")] if closed_at is None else []
    if unresolved:
        reasons.append(
            ngettext(
                "%(num)s comment still needs a resolution.",
                "%(num)s comments still need a resolution.",
                unresolved,
            )
        )
    return reasons


@dataclass(frozen=True)
class PhaseRow:
    """One phase of a consultation as its summary report lists it."""

    round_id: int
    phase: int
    version_number: int
    opened_at: datetime
    deadline: datetime
    closed_at: datetime | None
    shared_at: datetime | None
    invited: int
    answered: int
    unresolved_count: int

    def draft_reasons(self) -> list[str]:
        """Why this phase's summary is still a draft."""
        return _draft_reasons(self.closed_at, self.shared_at, self.unresolved_count)


@dataclass(frozen=True)
class ConsultationSummary:
    """The summary report of every phase of a consultation the reader may see: per section each comment
    with its phase."""

    #: The round the report was asked from (its links lead back there).
    round_id: int
    language: str
    reference: str
    title: str
    phases: list[PhaseRow]
    sections: list[Section]

    @property
    def final(self) -> bool:
        return all(phase.shared_at is not None for phase in self.phases)

    def draft_reasons(self) -> list[str]:
        """Why the report is still a draft, phase by phase."""
        return [
            _("Phase %(number)s: %(reasons)s", number=phase.phase, reasons=" ".join(phase.draft_reasons()))
            for phase in self.phases
            if phase.draft_reasons()
        ]


def _author(comment: Comment) -> str:
    return comment.author.name if comment.author else _("Unknown")


def _organisation(comment: Comment) -> str | None:
    return comment.author_organisation.name if comment.author_organisation else None


def _replies(visible: list[Comment]) -> dict[int, list[Reply]]:
    """The visible replies of each thread, by the id of the comment that started it, oldest first."""
    threads: dict[int, list[Reply]] = {}
    for comment in visible:
        if comment.parent_id is None:
            continue
        reply = Reply(_author(comment), _organisation(comment), comment.created_at, comment.body)
        threads.setdefault(queries.thread_root(comment).id, []).append(reply)
    return threads


def _entry(comment: Comment, replies: list[Reply]) -> Entry:
    return Entry(
        author=_author(comment),
        organisation=_organisation(comment),
        created_at=comment.created_at,
        body=comment.body,
        resolution=comment.resolution.title if comment.resolution else None,
        reasoning=comment.resolution_reasoning,
        replies=replies,
        phase=comment.round.phase,
    )


def _sections(rounds: list[CommentRound], language: str, visible: list[Comment]) -> list[Section]:
    """The whole document first, then the sections in the document's order, each with its comments
    (in the order given: phase by phase)."""
    threads = _replies(visible)
    by_key: dict[str | None, list[Entry]] = {}
    for comment in visible:
        if comment.parent_id is None:
            by_key.setdefault(comment.section_key, []).append(_entry(comment, threads.get(comment.id, [])))
    asked = {key for comment_round in rounds for key in comment_round.sections}
    manifest = rounds[0].agreement.template_version.manifest
    return [
        Section(key, title, key in asked, by_key.get(key, []))
        for key, title in section_titles(manifest, language).items()
    ]


def _answers(comment_round: CommentRound) -> list[AnswerRow]:
    return [
        AnswerRow(
            answer.name, answer.invitation.user_id is not None, answer.comment_count, answer.no_comments
        )
        for answer in queries.answers(comment_round)
    ]


def build_summary(comment_round: CommentRound, language: str, reader: User) -> Summary:
    """The summary report of a round as ``reader`` may see it, section titles in ``language``.

    In a round whose comments only the drafting organisation sees, an invitee's report holds the threads
    of their own organisation, so the report reveals nothing the round page would not.
    """
    sections = _sections([comment_round], language, queries.visible_comments(comment_round, reader))
    return Summary(
        round_id=comment_round.id,
        language=language,
        reference=comment_round.agreement.reference,
        title=comment_round.version.title,
        version_number=comment_round.version.number,
        opened_at=comment_round.opened_at,
        deadline=comment_round.deadline,
        closed_at=comment_round.closed_at,
        shared_at=comment_round.summary_shared_at,
        contact_person=comment_round.contact_person.name if comment_round.contact_person else None,
        background=comment_round.background,
        questions=comment_round.questions,
        asked_sections=[section.title for section in sections if section.asked],
        answers=_answers(comment_round),
        sections=sections,
        unresolved_count=len(queries.unresolved_comments(comment_round)),
    )


def _phase_row(comment_round: CommentRound) -> PhaseRow:
    answers = queries.answers(comment_round)
    return PhaseRow(
        round_id=comment_round.id,
        phase=comment_round.phase,
        version_number=comment_round.version.number,
        opened_at=comment_round.opened_at,
        deadline=comment_round.deadline,
        closed_at=comment_round.closed_at,
        shared_at=comment_round.summary_shared_at,
        invited=len(answers),
        answered=sum(1 for answer in answers if answer.answered),
        unresolved_count=len(queries.unresolved_comments(comment_round)),
    )


def build_consultation_summary(
    comment_round: CommentRound, language: str, reader: User
) -> ConsultationSummary:
    """The summary report of every phase of the round's consultation whose own summary ``reader`` may read,
    each phase's comments as its own report would show them to ``reader``."""
    phases = [phase for phase in queries.consultation(comment_round) if can_view_summary(reader, phase)]
    visible = [comment for phase in phases for comment in queries.visible_comments(phase, reader)]
    return ConsultationSummary(
        round_id=comment_round.id,
        language=language,
        reference=comment_round.agreement.reference,
        title=phases[-1].version.title,
        phases=[_phase_row(phase) for phase in phases],
        sections=_sections(phases, language, visible),
    )


def summary_filename(summary: Summary) -> str:
    """A file name like SOP-2026-0042_summary_report_round_7.docx, its words in the interface language."""
    return _filename(summary.reference, _("summary report, round %(number)s", number=summary.round_id))


def _filename(reference: str, words: str) -> str:
    """``reference`` and ``words`` as a .docx file name, every run of other characters an underscore."""
    words = re.sub(r"[\W_]+", "_", words).strip("_")
    return f"{reference}_{words}.docx"


def _when(value: datetime | None) -> str:
    """A moment as the pages show it (Helsinki time), through the same Jinja filter."""
    return current_app.jinja_env.filters["datetime"](value)


def _multiline(document, text: str, style: str | None = None) -> None:
    """One paragraph per line of ``text``, so the line breaks a user typed are kept."""
    for line in word_text(text).split("\n"):
        document.add_paragraph(line, style=style)


def _fact(document, name: str, value: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{name}: ").bold = True
    paragraph.add_run(word_text(value))


def _docx_header(document, summary: Summary) -> None:
    document.add_heading(_("Summary report"), level=0)
    document.add_paragraph(word_text(f"{summary.reference} · {summary.title}"))
    if not summary.final:
        _fact(document, _("Draft"), " ".join(summary.draft_reasons()))
    document.add_heading(_("The comment round"), level=1)
    _fact(document, _("Version under comment"), str(summary.version_number))
    _fact(document, _("Opened"), _when(summary.opened_at))
    _fact(document, _("Deadline"), _when(summary.deadline))
    _fact(document, _("Closed"), _when(summary.closed_at) or _("Still open"))
    if summary.final:
        _fact(document, _("Shared with the invitees"), _when(summary.shared_at))
    _fact(document, _("Contact person"), summary.contact_person or _("Unknown"))
    _fact(document, _("Views asked on"), ", ".join(summary.asked_sections) or _("Every section"))
    for heading, text in ((_("Background"), summary.background), (_("Questions"), summary.questions)):
        document.add_heading(heading, level=2)
        _multiline(document, text or _("None given."))


def _docx_answers(document, summary: Summary) -> None:
    document.add_heading(_("Answers"), level=1)
    table = document.add_table(rows=1, cols=2, style="Table Grid")
    for cell, text in zip(table.rows[0].cells, (_("Invitee"), _("Answer")), strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for answer in summary.answers:
        name = _("%(name)s (invited personally)", name=answer.name) if answer.personal else answer.name
        cells = table.add_row().cells
        cells[0].text, cells[1].text = word_text(name), answer.status


def _docx_entry(document, entry: Entry, with_phase: bool) -> None:
    document.add_heading(word_text(entry.speaker), level=3)
    if with_phase:
        _fact(document, _("Phase"), str(entry.phase))
    document.add_paragraph(word_text(f"{entry.author} · {_when(entry.created_at)}"))
    _multiline(document, entry.body)
    _fact(document, _("Resolution"), entry.resolution or _("No resolution yet"))
    if entry.resolution:
        _fact(document, _("Reasoning"), entry.reasoning)
    for reply in entry.replies:
        speaker = f"{reply.author}, {reply.organisation}" if reply.organisation else reply.author
        _fact(document, _("Reply in the thread"), f"{speaker} · {_when(reply.created_at)}")
        _multiline(document, reply.body, style="Quote")


def _docx_sections(document, summary: Summary | ConsultationSummary) -> None:
    with_phase = isinstance(summary, ConsultationSummary)
    document.add_heading(_("Comments"), level=1)
    for section in summary.sections:
        title = f"{section.title} ({_('views asked')})" if section.asked else section.title
        document.add_heading(word_text(title), level=2)
        if not section.entries:
            document.add_paragraph(_("No comments on this part."))
        for entry in section.entries:
            _docx_entry(document, entry, with_phase)


def _new_document(summary: Summary | ConsultationSummary):
    import docx  # python-docx loads with the first document made, not in every web worker

    document = docx.Document()
    document.core_properties.title = word_text(f"{_('Summary report')} {summary.reference}")
    document.core_properties.language = summary.language
    return document


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def summary_docx(summary: Summary) -> bytes:
    """The summary report as a Word document, with real heading styles and a table of the answers."""
    document = _new_document(summary)
    _docx_header(document, summary)
    _docx_answers(document, summary)
    _docx_sections(document, summary)
    return _saved(document)


def _docx_phases(document, summary: ConsultationSummary) -> None:
    document.add_heading(_("Phases"), level=1)
    headings = (_("Phase"), _("Version under comment"), _("Opened"), _("Deadline"), _("Closed"), _("Answers"))
    table = document.add_table(rows=1, cols=len(headings), style="Table Grid")
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for phase in summary.phases:
        values = (
            str(phase.phase),
            str(phase.version_number),
            _when(phase.opened_at),
            _when(phase.deadline),
            _when(phase.closed_at) or _("Still open"),
            _("%(num)s of %(total)s answered", num=phase.answered, total=phase.invited),
        )
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


def consultation_docx(summary: ConsultationSummary) -> bytes:
    """The summary report of every phase as a Word document: the phases, then per section each comment."""
    document = _new_document(summary)
    document.add_heading(_("Summary report of every phase"), level=0)
    document.add_paragraph(word_text(f"{summary.reference} · {summary.title}"))
    if not summary.final:
        _fact(document, _("Draft"), " ".join(summary.draft_reasons()))
    _docx_phases(document, summary)
    _docx_sections(document, summary)
    return _saved(document)


def consultation_filename(summary: ConsultationSummary) -> str:
    """A file name like SOP-2026-0042_summary_report_every_phase.docx, in the interface language."""
    return _filename(summary.reference, _("summary report, every phase"))
