"""Writing one planned agreement: its row, parties and versions, and — through the reviews, signing and
terms writers — everything that happened to it, each change with its audit event in the agreement's chain."""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from agreements.core.dates import notice_deadline
from agreements.demo.generate_accession import AccessionWriter
from agreements.demo.generate_audit import Chain, new_agreement_chain, write_agreement_chain
from agreements.demo.generate_clock import Clock, seeded
from agreements.demo.generate_notices import Notices
from agreements.demo.generate_people import Org, People, Person, existing, unique
from agreements.demo.generate_plan import Plan
from agreements.demo.generate_reviews import RoundWriter
from agreements.demo.generate_signers import Signers
from agreements.demo.generate_signing import JointWriter
from agreements.demo.generate_terms import TermWriter
from agreements.demo.generate_texts import ANSWER_NOTES
from agreements.demo.generate_values import change_note, initial_values, revised, title
from agreements.demo.generate_writer import RowWriter

RENEWAL_NOTE = _l("Renewal of %(reference)s")


@dataclass
class World:
    """What every agreement's story is written with."""

    seed: str
    clock: Clock
    writer: RowWriter
    notices: Notices
    people: People
    #: Per template key: (template version id, number, manifest).
    templates: dict
    #: (template version id, language) → (.docx bytes, SHA-256).
    documents: dict
    paper: tuple[bytes, str]
    region_names: dict
    #: Who signs for each organisation, and its signing contacts.
    signers: Signers
    reminder_days: dict
    reminder_hour: int
    late_after: object
    #: Values of signed agreements a later renewal copies, by agreement id.
    renewed_values: dict = field(default_factory=dict)


class Story:
    """One agreement, written from its plan."""

    def __init__(self, world: World, plan: Plan):
        self.world, self.plan = world, plan
        self.rng = seeded(world.seed, "story", plan.id)
        self.chain: Chain = new_agreement_chain(plan.id)
        self.template_version_id, self.manifest = world.templates[plan.key]
        self.drafter = self.editor(plan.owner, plan.created)
        self.status = "draft"
        self.updated = plan.created
        self.version_ids: list[int] = []
        #: When each version was saved; and the version a commitment's approval decision approved.
        self.version_times: list[datetime] = []
        self.approved_version_id: int | None = None
        self.values: dict = {}
        self.answerable: list[int] = []
        self.title = title(plan)
        #: The editor whose save voided the latest request (the save is theirs too).
        self.voided_by: Person | None = None
        #: A commitment opened for joining: its parties are bound only from the day each joined.
        self.opened_for_joining = False
        self.joined: dict[int, date] = {}
        self.invited_later: list[Org] = []

    # People acting ----------------------------------------------------------------------------------

    def editor(self, org: Org, when: datetime) -> Person:
        """One of the organisation's editors who had joined by ``when``."""
        return self.rng.choice(existing(org.editors, when) or org.editors)

    def signatory(self, org: Org, when: datetime) -> Person:
        """One of the organisation's signatories who had joined by ``when``."""
        return self.rng.choice(existing(org.signatories, when) or org.signatories)

    def drafters(self, when: datetime) -> list[Person]:
        """The drafting workshop's editors, who follow the agreement."""
        return existing(self.plan.owner.editors, when)

    def party_editors(self, when: datetime) -> list[Person]:
        """Every party's editors, who hear of renewals and notice."""
        return unique(p for org in self.plan.parties for p in existing(org.editors, when))

    # Recording --------------------------------------------------------------------------------------

    def event(self, when, action, table, object_id, actor: Person | None, details=None) -> None:
        """An audit event in the agreement's chain; a change of the agreement itself updates it."""
        self.chain.add(when, action, table, object_id, actor.id if actor else None, details)
        if table == "agreements":
            self.updated = max(self.updated, when)

    def transition(
        self, when, target: str, action: str, actor: Person | None, reason: str = "", details=None
    ):
        """A lifecycle move, audited as the app's lifecycle.transition does."""
        details = {
            "from": self.status,
            "to": target,
            **({"reason": reason} if reason else {}),
            **(details or {}),
        }
        self.event(when, f"agreement.{action}", "agreements", self.plan.id, actor, details)
        self.status = target

    def notify(self, people, kind: str, template: str, moment: datetime, link: str, caused_by=None, **params):
        """Notify ``people`` at ``moment`` about this agreement."""
        params = {"title": self.title, "reference": self.plan.reference, "link": link, **params}
        self.world.notices.notify(self.rng, people, kind, template, moment, params, caused_by)

    # The story --------------------------------------------------------------------------------------

    def write(self) -> None:
        """Every row of the agreement."""
        self._first_version()
        for when, kind, detail in self.plan.steps:
            if kind == "save":
                self._save(when, detail)
            elif kind == "round":
                self.answerable = RoundWriter(self, detail).write()
            elif kind == "request":
                (AccessionWriter if detail.mode == "accession" else JointWriter)(self, detail).write()
            else:
                self.transition(when, "cancelled", "cancel", self.editor(self.plan.owner, when))
        if self.plan.signed_at:
            TermWriter(self).write()
        self._agreement()
        write_agreement_chain(self.chain, self.world.writer)

    def _first_version(self) -> None:
        """Version 1: new values, or those of the signed agreement a renewal renews."""
        plan = self.plan
        original = plan.renewal_of
        if original:
            self.values = self.world.renewed_values.pop(original.id)
            note = self.world.notices.phrase(RENEWAL_NOTE, self.drafter.locale) % {
                "reference": original.reference
            }
        else:
            self.values, note = initial_values(plan, self.rng, self.world.region_names), ""
        self._version(plan.created, note)
        details = {"reference": plan.reference, "template_version_id": self.template_version_id, "version": 1}
        self.event(plan.created, "agreement.create", "agreements", plan.id, self.drafter, details)

    def _save(self, when: datetime, reason: str) -> None:
        """A new version: an edit, the answer to a comment round, or the edit that voided a request."""
        actor = self.voided_by if reason == "void" else self.editor(self.plan.owner, when)
        self.values = revised(self.plan, self.rng, self.values)
        answered = self.answerable if reason == "answer" else []
        note = ANSWER_NOTES[self.plan.language] if answered else change_note(self.rng, self.plan.language)
        self._version(when, note, answered, actor)
        details = {"version": len(self.version_ids), "change_note": note, "answered_comments": answered}
        self.event(when, "agreement.save", "agreements", self.plan.id, actor, details)
        self.answerable = []

    def _version(self, when: datetime, note: str, answered=(), actor: Person | None = None) -> None:
        """An immutable version with the plan's header and the current values."""
        plan, writer = self.plan, self.world.writer
        version_id = writer.new_id("agreement_versions")
        self.version_ids.append(version_id)
        self.version_times.append(when)
        writer.add(
            "agreement_versions",
            {
                "id": version_id,
                "agreement_id": plan.id,
                "number": len(self.version_ids),
                "created_at": when,
                "created_by_id": (actor or self.drafter).id,
                "change_note": note[:500],
                "title": self.title,
                "start_date": plan.start,
                "end_date": plan.end,
                "notice_period_months": plan.notice_months,
                "auto_renew": plan.auto_renew,
                "party_ids": [org.id for org in plan.parties],
                "values": self.values,
            },
        )
        for comment_id in answered:
            writer.add(
                "version_answered_comments", {"agreement_version_id": version_id, "comment_id": comment_id}
            )

    def _agreement(self) -> None:
        """The agreement row in its final state, and its parties."""
        plan, writer = self.plan, self.world.writer
        end = plan.final_end
        if plan.renewal is not None and plan.signed_at:
            self.world.renewed_values[plan.id] = self.values
        given_on, given_by = plan.notice or (None, None)
        writer.add(
            "agreements",
            {
                "id": plan.id,
                "reference": plan.reference,
                "status": self.status,
                "template_version_id": self.template_version_id,
                "language": plan.language,
                "owner_id": plan.owner.id,
                "created_by_id": self.drafter.id,
                "title": self.title,
                "start_date": plan.start,
                "end_date": end,
                "notice_period_months": plan.notice_months,
                "auto_renew": plan.auto_renew,
                "notice_deadline": notice_deadline(end, plan.notice_months),
                "renewal_of_id": plan.renewal_of.id if plan.renewal_of else None,
                "main_agreement_id": plan.main.id if plan.main else None,
                "notice_given_on": given_on,
                "notice_given_by_id": given_by.id if given_by else None,
                "current_version_number": len(self.version_ids),
                "updated_at": self.updated,
                "created_at": plan.created,
            },
        )
        for org in [*plan.parties, *self.invited_later]:
            joined = self.joined.get(org.id)
            writer.add(
                "agreement_parties",
                {
                    "agreement_id": plan.id,
                    "organisation_id": org.id,
                    "bound": joined is not None or not self.opened_for_joining,
                    "joined_on": joined,
                    "notice_given_on": given_on if org is given_by else None,
                },
            )
