"""A generated commitment's accession, as signatures.operations and signatures.accession record it.

Every organisation invited signs (joins, bound from that day; the first to join makes the commitment signed)
or declines for itself — a decline ends only its own invitation. More organisations are invited while the
joining is open, some with a last day to answer, after which the scheduler lets the invitation expire. The
drafter may close the joining: the invitations not answered end, those who joined stay bound; closing it
before anyone joined (by hand, or by editing the text) returns the commitment to draft.
"""

from datetime import datetime

from agreements.demo.generate_approval import write_approval
from agreements.demo.generate_clock import local_day
from agreements.demo.generate_notices import moment_text
from agreements.demo.generate_people import Person
from agreements.demo.generate_requests import RequestPlan
from agreements.demo.generate_signing import EDITED, Party, RequestWriter
from agreements.demo.generate_texts import CLOSE_REASONS, WITHDRAW_REASONS

#: Chance that a drafter closing the joining gives a reason.
CLOSE_REASON_SHARE = 0.7
#: What lifecycle.return_to_draft records when the joining closes before anyone joined.
NOBODY_JOINED = "nobody joined before the joining closed"


class AccessionWriter(RequestWriter):
    """Writes one accession of a story's commitment: its invitations, answers, and its closing."""

    mode = "accession"

    def __init__(self, story, request_plan: RequestPlan):
        super().__init__(story, request_plan)
        self.invited_later: list[tuple[Person, list[Party]]] = []
        for late in request_plan.late:
            inviter = story.editor(story.plan.owner, late.when)
            added = [self._add_party(org, late.when, inviter, late.respond_by) for org in late.orgs]
            self.invited_later.append((inviter, added))

    def _answer(self, position: int) -> datetime | None:
        """When the party at ``position`` signed or declined."""
        return self.plan.signed[position] or self.plan.declined[position]

    def write(self) -> None:
        """Open the joining, then what happened in time order, the reminders and the rows."""
        story, plan = self.story, self.plan
        story.opened_for_joining = True
        write_approval(story, plan.sent)
        self._send()
        for party in self.parties[: len(story.plan.parties)]:
            self._turn(party, plan.sent, story.drafter)
        for _, _, step, argument in sorted(self._happenings(), key=lambda h: h[:2]):
            step(argument)
        for party in self.parties:
            self._reminders(party, party.invited, party.signed or party.ended)
        self._rows("closed" if plan.ended else "pending")

    def _happenings(self) -> list[tuple]:
        """(when, order, step, argument) of every answer, later invitation, expiry and the closing."""
        plan = self.plan
        happenings = [(added[0].invited, 0, self._invite, (by, added)) for by, added in self.invited_later]
        for index, party in enumerate(self.parties):
            for when, step in (
                (plan.signed[index], self._join),
                (plan.declined[index], self._declined),
                (plan.expired[index], self._expire),
            ):
                if when is not None:
                    happenings.append((when, 1, step, party))
        if plan.ended is not None:
            happenings.append((plan.ended, 2, self._close, None))
        return happenings

    def _invite(self, invitation: tuple[Person, list[Party]]) -> None:
        """More organisations invited while the joining is open, as accession.invite records it."""
        by, parties = invitation
        when, respond_by = parties[0].invited, parties[0].respond_by
        details = {"organisations": [party.org.id for party in parties]}
        if respond_by is not None:
            details["respond_by"] = respond_by.isoformat()
        self.story.event(when, "signature_request.invite", "signature_requests", self.id, by, details)
        self.story.invited_later += [party.org for party in parties]
        for party in parties:
            self._turn(party, when, by)

    def _join(self, party: Party) -> None:
        """An organisation signs and joins from that day; the first to join makes the commitment signed."""
        story, when = self.story, party.signed
        actor = self._sign(party)
        day = local_day(when)
        story.joined[party.org.id] = day
        details = {"organisation": party.org.id, "joined_on": day.isoformat()}
        story.event(when, "agreement.join", "agreements", story.plan.id, actor, details)
        if story.status == "awaiting_signatures":
            story.transition(when, "signed", "mark_signed", actor)
        story.notify(
            story.drafters(when),
            "signature_activity",
            "signature_joined",
            when,
            self._link(),
            actor.id,
            organisation=party.org.name,
            when=moment_text(when),
        )

    def _declined(self, party: Party) -> None:
        """An organisation declines to join: only its own invitation ends."""
        when = self.plan.declined[party.position - 1]
        self._decline(party, when, self._decline_reason())
        self.story.notify(
            self.story.drafters(when),
            "signature_activity",
            "signature_party_declined",
            when,
            self._link(),
            party.signer.id,
            organisation=party.org.name,
        )

    def _expire(self, party: Party) -> None:
        """The scheduler ends an invitation whose last day to answer has passed."""
        when = self.plan.expired[party.position - 1]
        party.end("expired", when)
        details = {"organisation": party.org.id}
        self.story.event(when, "signing_party.expired", "signing_parties", party.id, None, details)
        self._invitation_ended(party, "invitation_expired", None)

    def _close(self, _=None) -> None:
        """The joining closes: by hand, or by an edit; the invitations not answered are withdrawn."""
        story, plan, language = self.story, self.plan, self.story.plan.language
        by = story.editor(story.plan.owner, plan.ended)
        if plan.outcome == "voided":
            story.voided_by, self.reason = by, EDITED
        elif plan.outcome == "withdrawn":
            self.reason = WITHDRAW_REASONS[language]
        elif self.rng.random() < CLOSE_REASON_SHARE:
            self.reason = CLOSE_REASONS[language]
        unanswered = [party for party in self.parties if party.status == "pending"]
        for party in unanswered:
            party.end("withdrawn", plan.ended, self.reason)
            details = {"organisation": party.org.id, **({"reason": self.reason} if self.reason else {})}
            story.event(plan.ended, "signing_party.withdrawn", "signing_parties", party.id, by, details)
        details = {"reason": self.reason} if self.reason else None
        story.event(plan.ended, "signature_request.closed", "signature_requests", self.id, by, details)
        self.closed_by = by
        if story.status == "awaiting_signatures":
            story.transition(plan.ended, "draft", "return_to_draft", by, NOBODY_JOINED)
        for party in unanswered:
            self._invitation_ended(party, "joining_closed", by)

    def _invitation_ended(self, party: Party, template: str, by: Person | None) -> None:
        """Tell the party's signer that its invitation ended: nothing to sign."""
        self.story.notify(
            [party.signer],
            "signature_activity",
            template,
            party.ended,
            self._link(),
            by and by.id,
            workshop=self.story.plan.owner.name,
            organisation=party.org.name,
        )
