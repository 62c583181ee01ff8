"""What drafting tells the packages above it. They connect receivers; drafting imports none of them.

Each is sent with the agreement as its sender.
"""

from blinker import Namespace

_signals = Namespace()

#: A new version of the agreement is about to be saved by ``actor``: a pending signature request is voided
#: before the version is added, so its signatories are told about the version they were asked to sign.
agreement_edited = _signals.signal("agreement-edited")

#: The agreement is about to be cancelled by ``actor``: its open comment rounds close.
agreement_cancelled = _signals.signal("agreement-cancelled")

#: The signed agreement has just ended (terminated or superseded) by ``actor``: a commitment's joining closes.
agreement_ended = _signals.signal("agreement-ended")

#: Asks for the comments the agreement's next version may answer: each receiver returns a list of them.
answerable_comments = _signals.signal("answerable-comments")

#: Asks the packages above to refuse ``comments`` that a new version may not answer: a receiver raises
#: InvalidAgreement (on the field "answered_comments"), else returns nothing.
checking_answers = _signals.signal("checking-answers")

#: A new ``version`` of the agreement was added, answering ``answered_comments``: a receiver records that.
version_added = _signals.signal("version-added")

#: Asks which comments each of ``versions`` answers that ``user`` may read: each receiver returns a mapping
#: of version number to those comments.
version_answers = _signals.signal("version-answers")
