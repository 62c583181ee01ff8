"""Annexes ending with their main agreement, or kept in force; and kept annexes moved to a renewal.

Whoever ends a main agreement is shown its annexes that have not ended, each with a "keep in force" box;
those not kept end with it the same way. Cancelling a main agreement cancels its annexes that are drafts or
out for comments; the ways a signed agreement ends (notice, termination) are in reminders.renewal, which
uses ``record_kept`` below. An annex awaiting signatures cannot end either way: it stays,
and the confirmation says so.

Annexes moved to a renewal draft are linked to it at once (the draft's page lists them, and a new annex of the
next term can be linked to it too). If that renewal draft is cancelled, the annexes it still has go back to
the agreement it renews, which is still in force (unless that has ended meanwhile), audited on each annex as
``agreement.annex_returned``: so no annex is left linked to a cancelled agreement while its real main
agreement goes on.
"""

from collections.abc import Collection

from flask_babel import ngettext

from agreements.core.audit import record
from agreements.drafting import lifecycle, operations, queries
from agreements.drafting.models import Agreement, AgreementStatus


def record_kept(main: Agreement, kept: list[Agreement], actor) -> None:
    """Note on the main agreement which annexes the user kept in force when it ended."""
    if kept:
        record("agreement.annexes_kept", main, {"annexes": [annex.reference for annex in kept]}, actor=actor)


def cancellable(main: Agreement) -> list[Agreement]:
    """The annexes cancelled with the main agreement unless kept: drafts and those out for comments."""
    return [a for a in queries.live_annexes(main) if lifecycle.can_move(a, AgreementStatus.CANCELLED)]


def cancel_with_annexes(
    main: Agreement, keep_ids: Collection[int], actor, reason: str = ""
) -> list[Agreement]:
    """Cancel the main agreement and, unless kept, its cancellable annexes; returns the annexes cancelled.

    The annexes left of a cancelled renewal draft go back to the agreement it renews (``return_target``).
    """
    operations.ensure_cancellable(main)
    offered = cancellable(main)
    following = [annex for annex in offered if annex.id not in keep_ids]
    record_kept(main, [annex for annex in offered if annex.id in keep_ids], actor)
    operations.cancel_agreement(main, actor, reason)
    for annex in following:
        operations.cancel_agreement(annex, actor, reason, with_main=main)
    _return_annexes(main, actor)
    return following


def return_target(renewal: Agreement) -> Agreement | None:
    """The agreement the annexes of ``renewal`` go back to if it is cancelled: the one it renews, unless
    that has ended (or ``renewal`` renews nothing)."""
    renewed = renewal.renewal_of
    return renewed if renewed is not None and renewed.status not in lifecycle.FINISHED else None


def _return_annexes(cancelled: Agreement, actor) -> None:
    """Link the annexes still in force of a cancelled renewal back to the agreement it renews, audited."""
    target = return_target(cancelled)
    if target is None:
        return
    for annex in queries.live_annexes(cancelled):
        annex.main_agreement = target
        details = {"from": cancelled.reference, "to": target.reference}
        record("agreement.annex_returned", annex, details, actor=actor)


def movable(main: Agreement) -> list[Agreement]:
    """The annexes a renewal of the main agreement may take over: those that have not ended."""
    return queries.live_annexes(main)


def move_to_renewal(main: Agreement, renewal: Agreement, annex_ids: Collection[int], actor) -> None:
    """Link the chosen annexes of ``main`` to its ``renewal`` instead, audited on each annex."""
    for annex in movable(main):
        if annex.id in annex_ids:
            annex.main_agreement = renewal
            details = {"from": main.reference, "to": renewal.reference}
            record("agreement.annex_moved", annex, details, actor=actor)


def ended_message(ended: list[Agreement]) -> str:
    """The message naming the annexes that ended with the main agreement."""
    return ngettext(
        "Annex %(references)s followed the main agreement.",
        "Annexes %(references)s followed the main agreement.",
        len(ended),
        references=", ".join(annex.reference for annex in ended),
    )
