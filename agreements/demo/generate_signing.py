"""One generated signature request, as the signature operations record it: the frozen placeholder document, a
signing party per organisation with its one named signer (rule "one"), each signature with its evidence,
reminders to whoever keeps the request waiting, and how it ended.

``RequestWriter`` holds what every request has; ``JointWriter`` is a bilateral agreement's or an annex's
request (every party signs; a decline, a withdrawal or an edit ends it). A commitment's accession is written
by generate_accession.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from agreements.demo.generate_clock import days, local_day
from agreements.demo.generate_names import IP_PREFIXES, USER_AGENTS
from agreements.demo.generate_notices import moment_text
from agreements.demo.generate_people import Org, Person, unique
from agreements.demo.generate_requests import RequestPlan
from agreements.demo.generate_signers import INVITED
from agreements.demo.generate_texts import DECLINE_REASONS, SEND_MESSAGES, WITHDRAW_REASONS
from agreements.signatures.consent import CONSENT_VERSION, consent_sha256

#: Share of signatures given on paper, a scanned copy uploaded by the drafter (never for a commitment).
PAPER_SHARE = 0.08
#: How each way of ending a joint request returns the agreement to draft, and whom the signatories hear from.
ENDINGS = {
    "declined": ("signature request declined", "signature_ended"),
    "withdrawn": ("signature request withdrawn", "signature_withdrawn"),
    "voided": ("signature request voided", "signature_voided"),
}
#: The close reason of a request voided by an edit.
EDITED = "edited after sending"


@dataclass(eq=False)
class Party:
    """An organisation asked to sign, its one named signer, and how its part went."""

    id: int
    position: int
    org: Org
    signer: Person
    invited: datetime
    invited_by: Person
    signature_id: int
    #: When it signed (None: it did not); a signature voided by a later edit keeps its time.
    signed: datetime | None
    paper: bool
    respond_by: date | None = None
    status: str = "pending"
    ended: datetime | None = None
    end_reason: str = ""

    def end(self, status: str, when: datetime, reason: str = "") -> None:
        """End the party's part unsigned (declined, withdrawn, expired) or void it."""
        self.status, self.ended, self.end_reason = status, when, reason


class RequestWriter:
    """Writes one signature request of a story's agreement: the parts every request has."""

    mode = "joint"

    def __init__(self, story, request_plan: RequestPlan):
        self.story, self.plan = story, request_plan
        self.rng, self.world = story.rng, story.world
        self.writer, self.now = story.world.writer, story.world.clock.now
        self.id = self.writer.new_id("signature_requests")
        self.docx, self.docx_sha256 = self.world.documents[(story.template_version_id, story.plan.language)]
        self.parties: list[Party] = []
        self.closed_by: Person | None = None
        self.reason = ""
        self._evidence_of: dict[int, dict] = {}
        others = story.plan.parties
        #: The providers (or the other organisations) first, the drafting workshop last.
        for org in [*others[1:], others[0]]:
            self._add_party(org, request_plan.sent, story.drafter)

    def _answer(self, position: int) -> datetime | None:
        """When the party at ``position`` (from 0) answered: signed or declined."""
        return self.plan.signed[position]

    def _add_party(self, org: Org, invited: datetime, by: Person, respond_by: date | None = None) -> Party:
        """A party and its signer, chosen when it was invited."""
        position = len(self.parties)
        signer = self.world.signers.choose(self.story, org, invited, self._answer(position), by)
        paper = self.story.plan.key != "commitment" and self.rng.random() < PAPER_SHARE
        party = Party(
            self.writer.new_id("signing_parties"),
            position + 1,
            org,
            signer,
            invited,
            by,
            self.writer.new_id("signatures"),
            self.plan.signed[position],
            paper,
            respond_by,
        )
        self.parties.append(party)
        return party

    def _link(self, page: str = "request", object_id: int | None = None) -> str:
        """A link to the request's page, or to another page about ``object_id``."""
        return self.world.notices.links(page, object_id or self.id)

    def _send(self) -> None:
        """The agreement goes out for signature; the request is sent."""
        story, plan = self.story, self.plan
        story.transition(plan.sent, "awaiting_signatures", "send_for_signature", story.drafter)
        details = {
            "version": len(story.version_ids),
            "mode": self.mode,
            "docx_sha256": self.docx_sha256,
            "pdf_sha256": None,
        }
        story.event(
            plan.sent, "signature_request.send", "signature_requests", self.id, story.drafter, details
        )

    def _turn(self, party: Party, when: datetime, caused_by: Person) -> None:
        """Ask a party's signer to sign, now that it is their turn."""
        self.story.notify(
            [party.signer],
            "signature_requests",
            "signature_request",
            when,
            self._link("sign", party.signature_id),
            caused_by.id,
            workshop=self.story.plan.owner.name,
            organisation=party.org.name,
        )

    def _sign(self, party: Party) -> Person:
        """A party's signature, electronic or an uploaded paper copy, and the party signed by it; returns
        who acted (the signer, or the drafter who uploaded the copy)."""
        when, story = party.signed, self.story
        if party.paper:
            actor = story.drafter
            pdf, pdf_sha256 = self.world.paper
            details = {
                "organisation": party.org.id,
                "signatory": party.signer.id,
                "method": "paper",
                "paper_sha256": pdf_sha256,
                "size": len(pdf),
            }
            story.event(when, "signature.paper", "signatures", party.signature_id, actor, details)
        else:
            actor, evidence = party.signer, self._evidence(party)
            story.event(when, "signature.sign", "signatures", party.signature_id, actor, evidence)
            if evidence["role"] == INVITED:
                self.world.signers.signed(party.signer, party.org, party.signature_id, when)
        party.status = "signed"
        details = {"organisation": party.org.id, "signers": [party.signer.id]}
        story.event(when, "signing_party.signed", "signing_parties", party.id, actor, details)
        return actor

    def _evidence(self, party: Party) -> dict:
        """The evidence of an electronic signature, as signatures.operations.sign records it."""
        if party.id not in self._evidence_of:
            person, signature_id = party.signer, party.signature_id
            self._evidence_of[party.id] = {
                "organisation": party.org.id,
                "signatory": person.id,
                "role": self.world.signers.role(person, party.org),
                "method": "electronic",
                "signed_at": party.signed.isoformat(),
                "document_sha256": self.docx_sha256,
                "consent_version": CONSENT_VERSION,
                "consent_language": person.locale,
                "consent_sha256": consent_sha256(person.locale),
                "ip": f"{IP_PREFIXES[signature_id % 3]}{signature_id % 250 + 1}",
                "user_agent": USER_AGENTS[signature_id % len(USER_AGENTS)],
            }
        return self._evidence_of[party.id]

    def _reminders(self, party: Party, started: datetime | None, until: datetime | None) -> None:
        """Reminders of a signature waiting since its turn came ``started``, until it was answered, its part
        ended or the request did (``until``; None: still waiting)."""
        if started is None:
            return
        waiting_until = min(until or self.now, self.now)
        person, subject = party.signer, f"signature:{party.signature_id}"
        for count in self.world.reminder_days["signature_pending"]:
            due = started + days(count)
            sent = due + timedelta(minutes=self.rng.randint(0, 29))
            if sent > waiting_until:
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
                self._link("sign", party.signature_id),
                organisation=party.org.name,
                when=moment_text(started),
            )

    def _decline_reason(self) -> str:
        """A reason for declining, in the agreement's language."""
        return self.rng.choice(DECLINE_REASONS[self.story.plan.language])

    def _decline(self, party: Party, when: datetime, reason: str) -> None:
        """A signer declines for their party: the decline and the party's end, as signatures.decline
        records them."""
        details = {"organisation": party.org.id, "reason": reason}
        self.story.event(when, "signature.decline", "signatures", party.signature_id, party.signer, details)
        party.end("declined", when, reason)
        self.story.event(when, "signing_party.declined", "signing_parties", party.id, party.signer, details)

    def _rows(self, status: str) -> None:
        """The request, its parties and their signatures."""
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
                "mode": self.mode,
                "status": status,
                "closed_at": plan.ended,
                "closed_by_id": self.closed_by and self.closed_by.id,
                "close_reason": self.reason,
                "docx": self.docx,
                "docx_sha256": self.docx_sha256,
                "pdf": None,
                "pdf_sha256": None,
            },
        )
        for party in self.parties:
            self.writer.add("signing_parties", self._party_row(party))
            self.writer.add("signatures", self._signature_row(party))

    def _party_row(self, party: Party) -> dict:
        """The signing_parties row of a party."""
        return {
            "id": party.id,
            "request_id": self.id,
            "organisation_id": party.org.id,
            "position": party.position,
            "rule": "one",
            "signers_in_order": False,
            "status": party.status,
            "invited_at": party.invited,
            "invited_by_id": party.invited_by.id,
            "respond_by": party.respond_by,
            "signed_at": party.signed,
            "ended_at": party.ended,
            "end_reason": party.end_reason,
        }

    def _signature_row(self, party: Party) -> dict:
        """The signatures row of a party's one signer: voided when the party's part ended otherwise."""
        status = party.status if party.status in ("pending", "signed", "declined") else "voided"
        signed = party.signed
        paper = bool(signed) and party.paper
        electronic = bool(signed) and not paper
        evidence = self._evidence(party) if electronic else {}
        pdf, pdf_sha256 = self.world.paper
        return {
            "id": party.signature_id,
            "request_id": self.id,
            "party_id": party.id,
            "organisation_id": party.org.id,
            "party_position": party.position,
            "signatory_id": party.signer.id,
            "position": 1,
            "status": status,
            "signed_at": signed,
            "declined_at": party.ended if status == "declined" else None,
            "decline_reason": party.end_reason if status == "declined" else "",
            "voided_at": party.ended if status == "voided" else None,
            "method": ("paper" if paper else "electronic") if signed else None,
            "typed_name": party.signer.name if electronic else None,
            "signer_role": evidence.get("role"),
            "consent_version": CONSENT_VERSION if electronic else None,
            "consent_sha256": evidence.get("consent_sha256"),
            "document_sha256": self.docx_sha256 if signed else None,
            "ip": evidence.get("ip"),
            "user_agent": evidence.get("user_agent"),
            "paper_pdf": pdf if paper else None,
            "paper_sha256": pdf_sha256 if paper else None,
            "uploaded_by_id": self.story.drafter.id if paper else None,
            "reminded_at": None,
        }


class JointWriter(RequestWriter):
    """A joint request: every party signs, in parallel or in order; the last signature makes the agreement
    signed, and a decline, a withdrawal or an edit ends the request and returns the agreement to draft."""

    def __init__(self, story, request_plan: RequestPlan):
        super().__init__(story, request_plan)
        #: Who gave each party's signature: its signer, or the drafter who uploaded a paper copy.
        self.actors: dict[int, Person] = {}

    def _answer(self, position: int) -> datetime | None:
        """When the party at ``position`` signed or declined."""
        declined = position == self.plan.decliner
        return self.plan.ended if declined else self.plan.signed[position]

    def write(self) -> None:
        """Send, sign, remind and end the request as planned, then its rows."""
        plan = self.plan
        self._send()
        for party in self.parties if plan.order == "parallel" else self.parties[:1]:
            self._turn(party, plan.sent, self.story.drafter)
        signing = sorted((p for p in self.parties if p.signed), key=lambda p: p.signed)
        for party in signing:
            self._signed(party)
        for party in self.parties:
            until = min(t for t in (party.signed, plan.ended, self.now) if t)
            self._reminders(party, self._turn_started(party), until)
        if plan.outcome == "completed":
            self._completed(signing[-1])
        self._end()
        self._rows(plan.outcome)

    def _signed(self, party: Party) -> None:
        """A party's signature, and the news to the drafters or the next party's signer."""
        when, plan, story = party.signed, self.plan, self.story
        actor = self._sign(party)
        self.actors[party.id] = actor
        if all(p.status == "signed" for p in self.parties):
            return  # the last signature completes the request
        story.notify(
            story.drafters(when),
            "signature_activity",
            "signature_signed",
            when,
            self._link(),
            actor.id,
            organisation=party.org.name,
        )
        following = party.position  # the next party's index
        still_open = plan.ended is None or when < plan.ended
        if plan.order == "sequential" and following < len(self.parties) and still_open:
            self._turn(self.parties[following], when, actor)

    def _turn_started(self, party: Party) -> datetime | None:
        """When the party's turn came: on sending, or when the party before it signed."""
        if self.plan.order == "parallel" or party.position == 1:
            return self.plan.sent
        return self.parties[party.position - 2].signed

    def _asked(self) -> list[Party]:
        """The parties already asked: all in parallel; in a sequence, up to the first that has not signed."""
        if self.plan.order == "parallel":
            return list(self.parties)
        unsigned = [party.position for party in self.parties if party.signed is None]
        return self.parties[: unsigned[0] if unsigned else len(self.parties)]

    def _end(self) -> None:
        """How the request ended, if it has: completed, declined, withdrawn or voided."""
        plan, story = self.plan, self.story
        if plan.outcome in ("pending", "completed"):
            return
        language = story.plan.language
        if plan.outcome == "declined":
            decliner = self.parties[plan.decliner]
            by, self.reason = decliner.signer, self._decline_reason()
            self._decline(decliner, plan.ended, self.reason)
            story.notify(
                story.drafters(plan.ended),
                "signature_activity",
                "signature_declined",
                plan.ended,
                self._link(),
                by.id,
                organisation=decliner.org.name,
            )
        else:
            by = story.editor(story.plan.owner, plan.ended)
            self.reason = WITHDRAW_REASONS[language] if plan.outcome == "withdrawn" else EDITED
        if plan.outcome == "voided":
            story.voided_by = by
        self._close(by)

    def _close(self, by: Person) -> None:
        """Void the open parts (after an edit, the signed ones too), close the request, reopen the draft."""
        plan, story = self.plan, self.story
        for party in self.parties:
            if party.status == "pending" or (plan.outcome == "voided" and party.status == "signed"):
                party.end("voided", plan.ended)
        reason_text, template = ENDINGS[plan.outcome]
        action, details = f"signature_request.{plan.outcome}", {"reason": self.reason}
        story.event(plan.ended, action, "signature_requests", self.id, by, details)
        story.transition(plan.ended, "draft", "return_to_draft", by, reason_text)
        self.closed_by = by
        others = [party.signer for party in self._asked() if party.status != "declined"]
        story.notify(
            others,
            "signature_activity",
            template,
            plan.ended,
            self._link(),
            by.id,
            workshop=story.plan.owner.name,
        )

    def _completed(self, last: Party) -> None:
        """The last signature completes the request and makes the agreement signed."""
        plan, story = self.plan, self.story
        actor = self.actors[last.id]
        story.event(plan.ended, "signature_request.completed", "signature_requests", self.id, actor)
        story.transition(plan.ended, "signed", "mark_signed", actor)
        people = unique([*story.drafters(plan.ended), *(party.signer for party in self.parties)])
        story.notify(people, "signature_activity", "agreement_signed", plan.ended, self._link(), actor.id)
        self.closed_by = actor
