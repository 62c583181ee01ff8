"""Comments arranged by the document's sections, in document order."""

from flask_babel import gettext as _

from agreements.reviews.models import Comment, CommentRound
from agreements.templates_lib.fields import section_titles


def grouped_by_section(
    comments: list[Comment], comment_round: CommentRound, language: str
) -> list[tuple[str, list[Comment]]]:
    """(section title, its comments) for the sections that have comments, in document order."""
    titles = section_titles(comment_round.agreement.template_version.manifest, language)
    return [
        (title, grouped)
        for key, title in titles.items()
        if (grouped := [comment for comment in comments if comment.section_key == key])
    ]


def comment_by(comment: Comment) -> str:
    """Who made a comment: the author and the organisation they spoke for."""
    author = comment.author.name if comment.author is not None else _("a removed user")
    if comment.author_organisation is None:
        return _("%(name)s (invited personally)", name=author)
    return f"{author}, {comment.author_organisation.name}"
