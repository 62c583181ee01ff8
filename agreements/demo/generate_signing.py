"""One generated signature request: the frozen placeholder document, a signature per party with its evidence,
reminders to whoever keeps the others waiting, and how the request ended — as the signature operations
record them."""

from datetime import datetime, timedelta

from agreements.demo.generate_clock import days, local_day
from agreements.demo.generate_names import IP_PREFIXES, USER_AGENTS
from agreements.demo.generate_notices import moment_text
from agreements.demo.generate_people import Person, unique
from agreements.demo.generate_plan import RequestPlan
from agreements.demo.generate_texts import DECLINE_REASONS, SEND_MESSAGES, WITHDRAW_REASONS
from agreements.signatures.consent import CONSENT_VERSION, consent_sha256

#: Share of signatures given on paper, a scanned copy uploaded by the drafter.
PAPER_SHARE = 0.08
#: How each way of ending a request returns the agreement to draft, and whom the signatories hear from.
ENDINGS = {
    "declined": ("signature request declined", "signature_ended"),
    "withdrawn": ("signature request withdrawn", "signature_withdrawn"),
    "voided": ("signature request voided", "signature_voided"),
}


class RequestWriter:
    """Writes one signature request of a story's agreement."""

    def __init__(self, story, request_plan: RequestPlan):
        self.story, self.plan = story, request_plan
        self.rng, self.world = story.rng, story.world
        self.writer, self.now = story.world.writer, story.world.clock.now
        self.id = self.writer.new_id("signature_requests")
        parties = story.plan.parties
        #: Providers sign first, the drafting workshop last.
        self.orgs = [*parties[1:], parties[0]]
        self.docx, self.docx_sha256 = self.world.documents[(story.template_version_id, story.plan.language)]
        self.signatories = [story.signatory(org, request_plan.sent) for org in self.orgs]
        self.ids = [self.writer.new_id("signatures") for _ in self.orgs]
        on_paper = story.plan.key != "commitment"
        self.paper = [on_paper and self.rng.random() < PAPER_SHARE for _ in self.orgs]
        self.reason = ""

    def write(self) -> None:
        """Send, sign, remind and end the request as planned, then its rows."""
        story, plan = self.story, self.plan
        story.transition(plan.sent, "awaiting_signatures", "send_for_signature", story.drafter)
        details = {"version": len(story.version_ids), "docx_sha256": self.docx_sha256, "pdf_sha256": None}
        story.event(
            plan.sent, "signature_request.send", "signature_requests", self.id, story.drafter, details
        )
        first_turns = range(len(self.orgs)) if plan.order == "parallel" else range(1)
        for position in first_turns:
            self._turn(position, plan.sent)
        for position in sorted(range(len(self.orgs)), key=lambda p: plan.signed[p] or self.now):
            if plan.signed[position]:
                self._signed(position)
        for position in range(len(self.orgs)):
            self._reminders(position)
        closed_by = self._end()
        self._rows(closed_by)

    def _link(self, page: str = "request", object_id: int | None = None) -> str:
        """A link to the request's page, or to another page about ``object_id``."""
        return self.world.notices.links(page, object_id or self.id)

    def _turn(self, position: int, when: datetime) -> None:
        """Ask a signatory to sign, now that it is their turn."""
        signature_id, org = self.ids[position], self.orgs[position]
        sign_link = self._link("sign", signature_id)
        self.story.notify(
            [self.signatories[position]],
            "signature_requests",
            "signature_request",
            when,
            sign_link,
            self.story.drafter.id,
            workshop=self.story.plan.owner.name,
            organisation=org.name,
        )

    def _signed(self, position: int) -> None:
        """A party's signature, its audit event, and the news to the drafters or the next signatory."""
        when, person, org = self.plan.signed[position], self.signatories[position], self.orgs[position]
        if self.paper[position]:
            pdf, pdf_sha256 = self.world.paper
            details = {
                "organisation": org.id,
                "signatory": person.id,
                "method": "paper",
                "paper_sha256": pdf_sha256,
                "size": len(pdf),
            }
            self.story.event(
                when, "signature.paper", "signatures", self.ids[position], self.story.drafter, details
            )
        else:
            details = self._evidence(position)
            self.story.event(when, "signature.sign", "signatures", self.ids[position], person, details)
        if self.plan.outcome == "completed" and when == self.plan.ended:
            return
        self.story.notify(
            self.story.drafters(when),
            "signature_activity",
            "signature_signed",
            when,
            self._link(),
            person.id,
            organisation=org.name,
        )
        following = position + 1
        still_open = self.plan.ended is None or when < self.plan.ended
        if self.plan.order == "sequential" and following < len(self.orgs) and still_open:
            self._turn(following, when)

    def _evidence(self, position: int) -> dict:
        """The evidence of an electronic signature, as signatures.operations.sign records it."""
        person = self.signatories[position]
        return {
            "organisation": self.orgs[position].id,
            "signatory": person.id,
            "role": "signatory",
            "method": "electronic",
            "signed_at": self.plan.signed[position].isoformat(),
            "document_sha256": self.docx_sha256,
            "consent_version": CONSENT_VERSION,
            "consent_language": person.locale,
            "consent_sha256": consent_sha256(person.locale),
            "ip": self._ip(position),
            "user_agent": USER_AGENTS[self.ids[position] % len(USER_AGENTS)],
        }

    def _ip(self, position: int) -> str:
        """An address from the documentation ranges, fixed per signature."""
        signature_id = self.ids[position]
        return f"{IP_PREFIXES[signature_id % 3]}{signature_id % 250 + 1}"

    def _turn_started(self, position: int) -> datetime | None:
        """When the signatory's turn came: on sending, or when the party before signed."""
        if self.plan.order == "parallel" or position == 0:
            return self.plan.sent
        return self.plan.signed[position - 1]

    def _reminders(self, position: int) -> None:
        """Reminders of a signature waiting since the turn came, until it was given or the request ended."""
        started = self._turn_started(position)
        if started is None:
            return
        waiting_until = min(t for t in (self.plan.signed[position], self.plan.ended, self.now) if t)
        person, subject = self.signatories[position], f"signature:{self.ids[position]}"
        for count in self.world.reminder_days["signature_pending"]:
            due = started + days(count)
            sent = due + timedelta(minutes=self.rng.randint(0, 29))
            if sent > waiting_until or sent > self.now:
                continue
            agreement_id = self.story.plan.id
            self.world.notices.reminder(
                f"signature_pending_{count}d", agreement_id, subject, person, local_day(due), sent, False
            )
            self.story.notify(
                [person],
                "signature_reminders",
                "signature_reminder",
                sent,
                self._link("sign", self.ids[position]),
                organisation=self.orgs[position].name,
                when=moment_text(started),
            )

    def _asked(self) -> list[int]:
        """Positions already asked: all in parallel; in a sequence, up to the first never given."""
        if self.plan.order == "parallel":
            return list(range(len(self.orgs)))
        unsigned = [p for p, when in enumerate(self.plan.signed) if when is None]
        return list(range((unsigned[0] if unsigned else len(self.orgs) - 1) + 1))

    def _end(self) -> Person | None:
        """How the request ended, if it has: completed, declined, withdrawn or voided."""
        plan, story = self.plan, self.story
        if plan.outcome == "pending":
            return None
        if plan.outcome == "completed":
            return self._completed()
        by = (
            self.signatories[plan.decliner]
            if plan.outcome == "declined"
            else story.editor(story.plan.owner, plan.ended)
        )
        language = story.plan.language
        self.reason = {
            "declined": self.rng.choice(DECLINE_REASONS[language]),
            "withdrawn": WITHDRAW_REASONS[language],
            "voided": "edited after sending",
        }[plan.outcome]
        if plan.outcome == "declined":
            details = {"organisation": self.orgs[plan.decliner].id, "reason": self.reason}
            story.event(plan.ended, "signature.decline", "signatures", self.ids[plan.decliner], by, details)
            story.notify(
                story.drafters(plan.ended),
                "signature_activity",
                "signature_declined",
                plan.ended,
                self._link(),
                by.id,
                organisation=self.orgs[plan.decliner].name,
            )
        reason_text, template = ENDINGS[plan.outcome]
        story.event(
            plan.ended,
            f"signature_request.{plan.outcome}",
            "signature_requests",
            self.id,
            by,
            {"reason": self.reason},
        )
        story.transition(plan.ended, "draft", "return_to_draft", by, reason_text)
        others = [self.signatories[p] for p in self._asked() if p != plan.decliner]
        story.notify(
            others,
            "signature_activity",
            template,
            plan.ended,
            self._link(),
            by.id,
            workshop=story.plan.owner.name,
        )
        return by

    def _completed(self) -> Person:
        """The last signature completes the request and makes the agreement signed."""
        plan, story = self.plan, self.story
        last = self.signatories[plan.signed.index(plan.ended)]
        story.event(plan.ended, "signature_request.completed", "signature_requests", self.id, last)
        story.transition(plan.ended, "signed", "mark_signed", last)
        people = unique([*story.drafters(plan.ended), *self.signatories])
        story.notify(people, "signature_activity", "agreement_signed", plan.ended, self._link(), last.id)
        return last

    def _rows(self, closed_by: Person | None) -> None:
        """The request and its signatures."""
        plan, story = self.plan, self.story
        self.writer.add(
            "signature_requests",
            {
                "id": self.id,
                "agreement_id": story.plan.id,
                "version_id": story.version_ids[-1],
                "sent_by_id": story.drafter.id,
                "sent_at": plan.sent,
                "message": SEND_MESSAGES[story.plan.language] if self.rng.random() < 0.3 else "",
                "order": plan.order,
                "status": plan.outcome,
                "closed_at": plan.ended,
                "closed_by_id": closed_by and closed_by.id,
                "close_reason": self.reason,
                "docx": self.docx,
                "docx_sha256": self.docx_sha256,
                "pdf": None,
                "pdf_sha256": None,
            },
        )
        for position in range(len(self.orgs)):
            self.writer.add("signatures", self._signature_row(position))

    def _signature_row(self, position: int) -> dict:
        """The signatures row of the party at ``position``."""
        plan = self.plan
        signed = plan.signed[position]
        if plan.outcome == "declined" and position == plan.decliner:
            status = "declined"
        elif plan.outcome == "voided" or (plan.outcome in ("declined", "withdrawn") and not signed):
            status = "voided"
        else:
            status = "signed" if signed else "pending"
        paper = bool(signed) and self.paper[position]
        electronic = bool(signed) and not paper
        evidence = self._evidence(position) if electronic else {}
        person = self.signatories[position]
        pdf, pdf_sha256 = self.world.paper
        return {
            "id": self.ids[position],
            "request_id": self.id,
            "organisation_id": self.orgs[position].id,
            "signatory_id": person.id,
            "position": position + 1,
            "status": status,
            "signed_at": signed,
            "declined_at": plan.ended if status == "declined" else None,
            "decline_reason": self.reason if status == "declined" else "",
            "voided_at": plan.ended if status == "voided" else None,
            "method": ("paper" if paper else "electronic") if signed else None,
            "typed_name": person.name if electronic else None,
            "signer_role": "signatory" if electronic else None,
            "consent_version": CONSENT_VERSION if electronic else None,
            "consent_sha256": evidence.get("consent_sha256"),
            "document_sha256": self.docx_sha256 if signed else None,
            "ip": evidence.get("ip"),
            "user_agent": evidence.get("user_agent"),
            "paper_pdf": pdf if paper else None,
            "paper_sha256": pdf_sha256 if paper else None,
            "uploaded_by_id": self.story.drafter.id if paper else None,
        }
