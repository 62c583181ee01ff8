"""The package layout the README describes: the tiers hold, and web workers stay light."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_web_worker_does_not_import_the_demo_data_generator():
    """Only `flask demo generate` needs the generator's thousands of lines; the app never loads them."""
    code = (
        "import sys\n"
        "from agreements import create_app\n"
        "from config import TestingConfig\n"
        "create_app(TestingConfig)\n"
        "loaded = sorted(name for name in sys.modules if name.startswith('agreements.demo.generate'))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_tier_contracts_hold():
    """lint-imports checks the contracts in pyproject.toml: each package imports only those below it."""
    result = subprocess.run(
        [Path(sys.executable).with_name("lint-imports")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_signal_of_a_lower_package_has_its_receiver(app):
    """A signal nobody answers would silently skip the higher package's part (e.g. voiding signatures)."""
    from agreements.drafting import signals as drafting
    from agreements.organisations import signals as organisations
    from agreements.templates_lib import signals as templates_lib

    signals = [
        drafting.agreement_edited,
        drafting.agreement_cancelled,
        drafting.agreement_ended,
        drafting.answerable_comments,
        drafting.checking_answers,
        drafting.version_added,
        drafting.version_answers,
        organisations.organisation_members,
        organisations.network_coordinators,
        templates_lib.version_usage,
    ]
    assert [signal.name for signal in signals if len(signal.receivers) != 1] == []
    # the organisation page gathers its further pages from each package that has one: members, contacts
    assert len(organisations.organisation_pages.receivers) == 2
