"""Browser tests: the app on a live server in a thread, driven by Debian's Chromium through Playwright.

The server uses the session's `app`, whose database is a file (or TEST_DATABASE_URL's), so data the
factories commit is what the browser sees. Chromium that cannot be launched fails the run when CI=true
and skips the browser tests elsewhere. `playwright install` is never used: the browser is Debian's.
"""

import os
import threading

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from agreements.accounts.models import MembershipRole, UILanguage
from agreements.organisations.models import OrganisationKind

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def live_server(app):
    """Base URL of the app served on a free port of 127.0.0.1 for the whole session."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, launched once per session."""
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            message = f"Chromium cannot be launched from {CHROMIUM}: {error}"
            if os.environ.get("CI") == "true":
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_server):
    """Factory: a page in a fresh browser context (its own cookies) pointed at the live server."""
    contexts = []

    def make():
        context = chromium.new_context(base_url=live_server, locale="fi-FI")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def people(make_organisation, make_user, make_network):
    """One user of each role the browser tests drive, with the organisation each of them works in.

    They use Finnish, the default for new accounts, so switching away from it is what the tests see.
    """
    fi = {"locale": UILanguage.FI}
    network = make_network(name="ALU Selainverkosto", region_codes=("06",))
    workshop = make_organisation(OrganisationKind.WORKSHOP, name="Työpaja Selain")
    provider = make_organisation(OrganisationKind.PROVIDER, name="Selaimen ammattiopisto")
    return {
        "admin": (make_user(admin=True, name="Anna Ylläpitäjä", **fi), workshop),
        "coordinator": (make_user(networks=[network], name="Kaisa Koordinaattori", **fi), workshop),
        "workshop editor": (
            make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Eero Editori", **fi),
            workshop,
        ),
        "provider signatory": (
            make_user(
                organisation=provider, role=MembershipRole.SIGNATORY, name="Siiri Allekirjoittaja", **fi
            ),
            provider,
        ),
    }
