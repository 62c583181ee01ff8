"""`flask reviews close-expired`: what the scheduler will run, by hand."""

from datetime import timedelta

from agreements.extensions import db
from agreements.reviews.models import RoundStatus


def test_close_expired_closes_past_rounds_and_says_which(app, comment_round, agreement):
    runner = app.test_cli_runner()
    assert "No comment rounds past their deadline." in runner.invoke(args=["reviews", "close-expired"]).output

    comment_round.deadline = comment_round.opened_at - timedelta(minutes=1)
    db.session.commit()
    output = runner.invoke(args=["reviews", "close-expired"]).output
    assert f"Closed round {comment_round.id} on {agreement.reference}" in output

    db.session.expire_all()
    assert comment_round.status == RoundStatus.CLOSED
    assert "No comment rounds past their deadline." in runner.invoke(args=["reviews", "close-expired"]).output
