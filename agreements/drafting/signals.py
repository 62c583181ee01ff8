"""What drafting tells the packages above it. They connect receivers; drafting imports none of them.

Each is sent with the agreement as its sender, except ``readable_comment_ids`` (sender None).
"""

from blinker import Namespace

_signals = Namespace()

#: A new version of the agreement is about to be saved by ``actor``: a pending signature request is voided
#: before the version is added, so its signatories are told about the version they were asked to sign.
agreement_edited = _signals.signal("agreement-edited")

#: The agreement is about to be cancelled by ``actor``: its open comment rounds close.
agreement_cancelled = _signals.signal("agreement-cancelled")

#: Asks for the comments the agreement's next version may answer: each receiver returns a list of them.
answerable_comments = _signals.signal("answerable-comments")

#: Asks which of ``comments`` the ``user`` may read: each receiver returns a set of their ids.
readable_comment_ids = _signals.signal("readable-comment-ids")
