"""Who is asked to sign for an organisation in a generated request: one of its signatories or, for some
organisations now and then, a person from outside it (an association's chair, a municipal director).

The drafter invites such a person by e-mail when sending (accounts.operations.invite_user); they accept and
sign as "invited", and their first electronic signature makes them a signing contact of the organisation
(signatures.operations.sign), who may be asked again later without a new invitation.
"""

from dataclasses import dataclass
from datetime import datetime

from agreements.demo.generate_audit import Chain
from agreements.demo.generate_clock import days, seeded
from agreements.demo.generate_people import Org, PeopleBuilder, Person
from agreements.demo.generate_writer import RowWriter

#: Share of organisations that sometimes have a person from outside sign for them.
OUTSIDE_SHARE = 0.15
#: Chance that such an organisation's party is given to a newly invited person, while it has none.
INVITE_SHARE = 0.3
#: Chance that a signing contact is asked again.
AGAIN_SHARE = 0.7
#: The role signatures.operations.sign records for a signer who is not a member signatory.
INVITED = "invited"


@dataclass(eq=False)
class Outsider:
    """A person invited to sign for an organisation, and when they first signed for it electronically."""

    person: Person
    contact_since: datetime | None = None


class Signers:
    """Chooses each party's signer and remembers the organisations' outside signers and signing contacts."""

    def __init__(self, seed: str, builder: PeopleBuilder, chain: Chain, writer: RowWriter):
        self.seed, self.builder, self.chain, self.writer = seed, builder, chain, writer
        self._outsiders: dict[int, Outsider] = {}
        self._may_invite: dict[int, bool] = {}

    def choose(self, story, org: Org, when: datetime, answer: datetime | None, by: Person) -> Person:
        """Whom ``by`` asks at ``when`` to sign for ``org``; they answer at ``answer`` (None: not yet)."""
        rng, outsider = story.rng, self._outsiders.get(org.id)
        if outsider is not None:
            since = outsider.contact_since
            if since is not None and since <= when and rng.random() < AGAIN_SHARE:
                return outsider.person
        elif self._may_have_outsider(org) and rng.random() < INVITE_SHARE:
            return self._invite(story, org, when, answer, by)
        return story.signatory(org, when)

    def _may_have_outsider(self, org: Org) -> bool:
        """Whether the organisation is one that sometimes has a person from outside sign for it."""
        if org.id not in self._may_invite:
            self._may_invite[org.id] = seeded(self.seed, "outsider", org.id).random() < OUTSIDE_SHARE
        return self._may_invite[org.id]

    def _invite(self, story, org: Org, when: datetime, answer: datetime | None, by: Person) -> Person:
        """A new outside signer, invited by e-mail as they are asked; they set a password before answering."""
        rng, now = story.rng, story.world.clock.now
        accepted = when + days(rng.uniform(0.01, 2))
        if answer is not None:
            accepted = min(accepted, story.world.clock.between(rng, when, answer))
        person = self.builder.invite_signer(org, when, by, accepted if accepted <= now else None)
        self._outsiders[org.id] = Outsider(person)
        return person

    def role(self, person: Person, org: Org) -> str:
        """The role an electronic signature records: "signatory" for a member, "invited" otherwise."""
        outsider = self._outsiders.get(org.id)
        return INVITED if outsider is not None and outsider.person is person else "signatory"

    def signed(self, person: Person, org: Org, signature_id: int, when: datetime) -> None:
        """An invited person's electronic signature: the first makes them a signing contact (global chain)."""
        outsider = self._outsiders[org.id]
        if outsider.contact_since is not None:
            return
        outsider.contact_since = when
        contact_id = self.writer.new_id("signing_contacts")
        self.writer.add(
            "signing_contacts",
            {
                "id": contact_id,
                "organisation_id": org.id,
                "user_id": person.id,
                "added_at": when,
                "first_signature_id": signature_id,
            },
        )
        details = {"organisation": org.id, "user": person.id, "signature": signature_id}
        self.chain.add(when, "signing_contact.add", "signing_contacts", contact_id, person.id, details)
