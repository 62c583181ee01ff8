"""A generated commitment's approval before it opens for joining, as drafting.approval.record_approval
records it: a decision of the network's steering group on the version about to be sent, its row and the
``agreement.approve`` event, recorded by the drafter shortly before sending."""

from datetime import datetime, timedelta

from agreements.demo.generate_clock import local_day

#: The deciding body of a generated commitment, in the document's language.
BODIES = {"fi": "Verkoston ohjausryhmä", "sv": "Nätverkets styrgrupp"}
#: How long before sending the decision is recorded (the steering group met some days earlier).
RECORDED_BEFORE = timedelta(hours=1)


def write_approval(story, sent: datetime) -> None:
    """Approve the story's latest version before ``sent``, unless that version is approved already."""
    version_id = story.version_ids[-1]
    if story.approved_version_id == version_id:
        return
    saved = story.version_times[-1]
    recorded = max(sent - RECORDED_BEFORE, saved + (sent - saved) / 2)
    decided_on = max(local_day(saved), local_day(recorded) - timedelta(days=story.rng.randint(0, 10)))
    number = story.rng.randint(1, 12)
    decision_id = story.world.writer.new_id("approval_decisions")
    row = {
        "id": decision_id,
        "agreement_id": story.plan.id,
        "version_id": version_id,
        "body": BODIES[story.plan.language],
        "decided_on": decided_on,
        "minutes_reference": f"{number}/{decided_on.year} § {story.rng.randint(3, 15)}",
        "attachment": None,
        "attachment_sha256": None,
        "recorded_by_id": story.drafter.id,
        "recorded_at": recorded,
    }
    story.world.writer.add("approval_decisions", row)
    details = {
        "decision": decision_id,
        "version": len(story.version_ids),
        "body": row["body"],
        "decided_on": decided_on.isoformat(),
        "minutes_reference": row["minutes_reference"],
        "attachment_sha256": None,
    }
    story.event(recorded, "agreement.approve", "agreements", story.plan.id, story.drafter, details)
    story.approved_version_id = version_id
