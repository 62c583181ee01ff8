"""One generated comment round: invitations, comments and replies, "no comments" answers, deadline
reminders, the digest, closing, resolutions and the shared summary — as the reviews operations record them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from agreements.demo.generate_clock import days, local_day, weighted
from agreements.demo.generate_notices import moment_text
from agreements.demo.generate_people import Person, existing, unique
from agreements.demo.generate_plan import RoundPlan
from agreements.demo.generate_texts import BACKGROUNDS, COMMENTS, QUESTIONS, REASONINGS, REPLIES

#: Chance that an invited organisation comments, and that it answers "no comments", in a round for chosen
#: invitees and in one for a whole network.
COMMENT_SHARE = {False: 0.6, True: 0.12}
NO_COMMENTS_SHARE = 0.2
RESOLUTIONS = (("accepted", 0.4), ("partly_accepted", 0.2), ("not_accepted", 0.15), ("noted", 0.25))


@dataclass(eq=False)
class Draft:
    """A comment before it is written: ids are given in the order comments were made."""

    created: datetime
    author: Person
    organisation_id: int | None
    section: str | None
    body: str
    parent: "Draft | None" = None
    invitation: object = None
    withdrawn: datetime | None = None
    edited: datetime | None = None
    resolved: datetime | None = None
    resolution: str | None = None
    resolver: Person | None = None
    id: int = 0


@dataclass(eq=False)
class Invitation:
    """An organisation or a person invited to comment, and their "no comments" answer."""

    id: int
    org: object = None
    person: Person | None = None
    no_comments: datetime | None = None
    no_comments_by: Person | None = None

    def members(self, when: datetime) -> list[Person]:
        """Who speaks for the invitation at ``when``: the organisation's members, or the person."""
        return existing(self.org.members, when) if self.org else [self.person]


class RoundWriter:
    """Writes one comment round of a story's agreement; ``write`` gives the comments to answer."""

    def __init__(self, story, round_plan: RoundPlan):
        self.story, self.plan = story, round_plan
        self.rng, self.world = story.rng, story.world
        self.writer, self.now = story.world.writer, story.world.clock.now
        self.id = self.writer.new_id("comment_rounds")
        self.language = story.plan.language
        self.comments: list[Draft] = []
        self.closed_by: Person | None = None
        #: Comments are made before the round closes and before now.
        self.until = min(round_plan.closed or self.now, self.now, round_plan.deadline)
        keys = self.section_keys = [section["key"] for section in story.manifest["sections"]]
        #: The sections views are asked on; empty means every section.
        self.sections = [] if self.rng.random() < 0.6 else self.rng.sample(keys, min(len(keys), 2))

    def write(self) -> list[int]:
        """Every row and event of the round, in the order things happened."""
        opened, story = self.plan.opened, self.story
        self.invitations = self._invitations()
        if story.status == "draft":
            story.transition(opened, "commenting", "open_for_comments", story.drafter)
        details = {
            "agreement": story.plan.reference,
            "version": len(story.version_ids),
            "deadline": self.plan.deadline.isoformat(),
            "invitations": len(self.invitations),
        }
        story.event(opened, "comment_round.open", "comment_rounds", self.id, story.drafter, details)
        deadline = moment_text(self.plan.deadline)
        invitees = self._invitees(opened)
        self._notify(
            invitees, "comment_requests", "round_invitation", opened, story.drafter, deadline=deadline
        )
        self._comments()
        self._reminders()
        summary = self._close_and_resolve()
        self._rows(summary, self._digest())
        return [c.id for c in self.comments if c.parent is None and c.withdrawn is None]

    def _notify(self, people, kind: str, template: str, when: datetime, actor=None, **params) -> None:
        """Notify ``people`` with a link to the round."""
        link = self.world.notices.links("round", self.id)
        self.story.notify(people, kind, template, when, link, actor and actor.id, **params)

    def _invitees(self, when: datetime, invitations: list[Invitation] | None = None) -> list[Person]:
        """Everyone behind the invitations (all of the round's by default) who had joined by ``when``."""
        chosen = self.invitations if invitations is None else invitations
        return unique(p for i in chosen for p in i.members(when) if p.created <= when)

    def _invitations(self) -> list[Invitation]:
        """Providers that are parties and a few others nearby; a network round asks every organisation."""
        plan, people, rng = self.story.plan, self.world.people, self.rng
        network = plan.network or people.regional_network(plan.owner)
        area = [org for org in (network.organisations if network else []) if org is not plan.owner]
        if self.plan.wide:
            orgs = area
        elif plan.key == "commitment":
            orgs = rng.sample(area, min(len(area), rng.randint(8, 20)))
        else:
            nearby = [org for org in area if org not in plan.parties]
            orgs = plan.parties[1:] + rng.sample(nearby, min(len(nearby), rng.randint(0, 2)))
        coordinators = (
            network.coordinators if network and (plan.key == "commitment" or rng.random() < 0.3) else []
        )
        invitations = [Invitation(0, org=org) for org in dict.fromkeys(orgs)]
        invitations += [Invitation(0, person=p) for p in coordinators if p.created <= self.plan.opened]
        for invitation in invitations:
            invitation.id = self.writer.new_id("round_invitations")
        return invitations

    def _comments(self) -> None:
        """Comments, "no comments" answers and the drafter's replies, made while the round was open."""
        if self.until <= self.plan.opened:
            return
        for invitation in self.invitations:
            draw = self.rng.random()
            share = COMMENT_SHARE[self.plan.wide] if invitation.org else 0.4
            if draw < share:
                for _ in range(self.rng.randint(1, 2)):
                    self._comment(invitation)
            elif draw < share + NO_COMMENTS_SHARE and invitation.org:
                self._no_comments(invitation)
        if self.plan.closed and not self.comments and self.invitations:
            self._comment(self.invitations[0])
        self._replies()
        self._order()

    def _moment(self, after: datetime) -> datetime:
        """A moment after ``after`` while comments were still taken."""
        return self.world.clock.between(self.rng, after, self.until)

    def _comment(self, invitation: Invitation) -> None:
        """A comment from a member of an invited organisation, or from an invited person."""
        created = self._moment(self.plan.opened)
        authors = [p for p in invitation.members(created) if p.accepted]
        if not authors:
            return
        chosen = self.sections or self.section_keys
        section = None if self.rng.random() < 0.3 else self.rng.choice(chosen)
        org_id = invitation.org.id if invitation.org else None
        draft = Draft(
            created, self.rng.choice(authors), org_id, section, self.rng.choice(COMMENTS[self.language])
        )
        draft.invitation = invitation
        if self.rng.random() < 0.03:
            draft.withdrawn = self._moment(created)
        elif self.rng.random() < 0.05:
            draft.edited = self._moment(created)
        self.comments.append(draft)

    def _no_comments(self, invitation: Invitation) -> None:
        """An invited organisation's editor answers that it has no comments."""
        when = self._moment(self.plan.opened)
        people = [p for p in existing(invitation.org.editors, when) if p.accepted]
        if people:
            invitation.no_comments, invitation.no_comments_by = when, self.rng.choice(people)
            details = {"organisation": invitation.org.id}
            self.story.event(
                when,
                "comment_round.no_comments",
                "comment_rounds",
                self.id,
                invitation.no_comments_by,
                details,
            )

    def _replies(self) -> None:
        """The drafter's replies in a quarter of the threads."""
        for parent in [c for c in self.comments if c.withdrawn is None]:
            if self.rng.random() < 0.25:
                created = self._moment(parent.created)
                author = self.story.editor(self.story.plan.owner, created)
                body = self.rng.choice(REPLIES[self.language])
                reply = Draft(created, author, self.story.plan.owner.id, parent.section, body, parent)
                self.comments.append(reply)

    def _order(self) -> None:
        """Ids in the order the comments were made, with their audit events."""
        self.comments.sort(key=lambda c: c.created)
        for comment in self.comments:
            comment.id = self.writer.new_id("comments")
            details = {"round": self.id, "section": comment.section}
            self.story.event(comment.created, "comment.add", "comments", comment.id, comment.author, details)
            if comment.edited:
                self.story.event(comment.edited, "comment.edit", "comments", comment.id, comment.author)
            if comment.withdrawn:
                self.story.event(
                    comment.withdrawn, "comment.withdraw", "comments", comment.id, comment.author
                )

    def _answered(self, invitation: Invitation, when: datetime) -> bool:
        """Whether the invitee had answered by ``when``: with a live comment or "no comments"."""
        if invitation.no_comments and invitation.no_comments <= when:
            return True
        return any(
            c.invitation is invitation and c.created <= when and (c.withdrawn is None or c.withdrawn > when)
            for c in self.comments
        )

    def _reminders(self) -> None:
        """The deadline reminders sent to invitees who had not answered."""
        kind, subject = "comment_deadline", f"round:{self.id}"
        deadline = moment_text(self.plan.deadline)
        for count in self.world.reminder_days[kind]:
            due = self.plan.deadline - days(count)
            sent = due + timedelta(minutes=self.rng.randint(0, 29))
            if sent > self.now or (self.plan.closed and self.plan.closed <= sent) or due <= self.plan.opened:
                continue
            waiting = self._invitees(due, [i for i in self.invitations if not self._answered(i, due)])
            for person in waiting:
                self.world.notices.reminder(
                    f"{kind}_{count}d", self.story.plan.id, subject, person, local_day(due), sent, False
                )
            self._notify(waiting, "comment_reminders", "round_deadline", sent, deadline=deadline)

    def _close_and_resolve(self) -> datetime | None:
        """Close the round (by the deadline job or by hand), resolve the comments; returns when the summary
        was shared, if it was."""
        closed, story = self.plan.closed, self.story
        if closed is None:
            return None
        actor = story.editor(story.plan.owner, closed) if self.plan.by_hand else None
        self.closed_by = actor
        reason = "by hand" if self.plan.by_hand else "deadline"
        story.event(closed, "comment_round.close", "comment_rounds", self.id, actor, {"reason": reason})
        story.transition(closed, "draft", "return_to_draft", actor, "comment round closed")
        resolvable = [c for c in self.comments if c.parent is None and c.withdrawn is None]
        if not resolvable:
            return self._share(closed, actor)
        self._notify(self._invitees(closed), "comment_activity", "round_closed", closed, actor)
        last = self.plan.resolve_by or self.now + days(1)
        for comment in resolvable:
            self._resolve(comment, closed, last)
        times = [c.resolved for c in resolvable]
        if all(times):
            return self._share(max(times), story.editor(story.plan.owner, max(times)))
        return None

    def _resolve(self, comment: Draft, closed: datetime, last: datetime) -> None:
        """The drafter's resolution of a comment, unless it is still to come."""
        when = self.world.clock.between(self.rng, closed, last)
        if when > self.now:
            return
        resolution = weighted(self.rng, RESOLUTIONS)
        comment.resolved, comment.resolution = when, resolution
        comment.resolver = self.story.editor(self.story.plan.owner, when)
        self.story.event(
            when, "comment.resolve", "comments", comment.id, comment.resolver, {"resolution": resolution}
        )

    def _share(self, when: datetime, actor) -> datetime:
        """Share the final summary report with the invitees and the drafters."""
        self.story.event(when, "comment_round.share_summary", "comment_rounds", self.id, actor)
        people = unique([*self._invitees(when), *self.story.drafters(when)])
        self._notify(people, "comment_activity", "round_summary", when, actor)
        return when

    def _digest(self) -> datetime | None:
        """The drafters' digest of new comments, once after the last one; returns how far it reached."""
        drafters = {p.id for p in self.story.plan.owner.editors}
        theirs = [c for c in self.comments if c.author.id not in drafters]
        if not theirs:
            return None
        when = min(
            max(c.created for c in self.comments) + timedelta(minutes=self.rng.randint(1, 59)), self.now
        )
        self._notify(self.story.drafters(when), "comment_activity", "round_digest", when, count=len(theirs))
        return when

    def _rows(self, summary: datetime | None, digest: datetime | None) -> None:
        """The round, its invitations and its comments."""
        story, plan, writer = self.story, self.plan, self.writer
        writer.add(
            "comment_rounds",
            {
                "id": self.id,
                "agreement_id": story.plan.id,
                "version_id": story.version_ids[-1],
                "opened_by_id": story.drafter.id,
                "opened_at": plan.opened,
                "deadline": plan.deadline,
                "contact_person_id": story.drafter.id,
                "background": BACKGROUNDS[self.language],
                "questions": QUESTIONS[self.language] if self.rng.random() < 0.6 else "",
                "sections": self.sections,
                "visibility": "all_invitees" if self.rng.random() < 0.8 else "drafter_only",
                "status": "closed" if plan.closed else "open",
                "closed_at": plan.closed,
                "closed_by_id": self.closed_by and self.closed_by.id,
                "digest_sent_until": digest,
                "summary_shared_at": summary,
            },
        )
        for invitation in self.invitations:
            writer.add(
                "round_invitations",
                {
                    "id": invitation.id,
                    "round_id": self.id,
                    "organisation_id": invitation.org.id if invitation.org else None,
                    "user_id": invitation.person.id if invitation.person else None,
                    "invited_at": plan.opened,
                    "answered_no_comments_at": invitation.no_comments,
                    "answered_no_comments_by_id": invitation.no_comments_by and invitation.no_comments_by.id,
                },
            )
        for comment in self.comments:
            writer.add("comments", self._comment_row(comment))

    def _comment_row(self, comment: Draft) -> dict:
        """The comments row of ``comment``."""
        resolver = comment.resolver
        return {
            "id": comment.id,
            "round_id": self.id,
            "author_id": comment.author.id,
            "author_organisation_id": comment.organisation_id,
            "section_key": comment.section,
            "parent_id": comment.parent.id if comment.parent else None,
            "body": comment.body,
            "created_at": comment.created,
            "edited_at": comment.edited,
            "withdrawn_at": comment.withdrawn,
            "resolution": comment.resolution,
            "resolution_reasoning": REASONINGS[comment.resolution][self.language]
            if comment.resolution
            else "",
            "resolved_by_id": resolver.id if resolver else None,
            "resolved_at": comment.resolved,
        }
