"""One loader and check, one commit, one answer to a refusal (agreements/core/actions.py)."""

import pytest
from sqlalchemy import func, select
from wtforms import StringField

from agreements import create_app
from agreements.core.access import can_administer
from agreements.core.actions import acts_on, in_transaction, refusal_shown
from agreements.core.errors import OperationRefused
from agreements.core.forms import FlaskForm
from agreements.extensions import db
from agreements.organisations.models import Network
from config import TestingConfig

#: The routes run in an application of their own, on its own connections, so what they commit is real.
pytestmark = pytest.mark.committing


class NameForm(FlaskForm):
    name = StringField()


def _add_network(name: str) -> Network:
    network = Network(name=name)
    db.session.add(network)
    db.session.flush()
    return network


@pytest.fixture
def action_app(database_url):
    """The application with a few routes that change data and refuse in each way a view can."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = False

    app = create_app(Config)

    @app.post("/t/add/<name>")
    @in_transaction
    def add(name):
        _add_network(name)
        return "added"

    @app.post("/t/refuse/<name>")
    @in_transaction
    def refuse(name):
        _add_network(name)
        raise OperationRefused("Not now.")

    @app.post("/t/conflict/<name>")
    @in_transaction
    def conflict(name):
        _add_network(name)
        return "someone else saved first", 409

    @app.post("/t/form/<name>")
    @in_transaction
    def form_page(name):
        form = NameForm()
        with refusal_shown(form):
            _add_network(name)
            raise OperationRefused("Choose another name.", "name")
        return f"errors: {form.name.errors}; input: {form.name.data}"

    @app.get("/t/network/<int:network_id>")
    @acts_on(Network, can_administer_network)
    def show(network):
        return network.name

    return app


def can_administer_network(user, network) -> bool:
    return can_administer(user)


def networks_named(name: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Network).where(Network.name == name))


def test_a_view_that_answers_below_400_is_committed_once(action_app):
    response = action_app.test_client().post("/t/add/Pohjoinen")
    assert response.status_code == 200
    assert networks_named("Pohjoinen") == 1


def test_a_refused_operation_rolls_back_and_answers_409_with_its_reason(action_app):
    response = action_app.test_client().post("/t/refuse/Itäinen")
    assert response.status_code == 409
    assert "Not now." in response.get_data(as_text=True)
    assert networks_named("Itäinen") == 0


def test_a_view_that_answers_an_error_itself_is_rolled_back(action_app):
    response = action_app.test_client().post("/t/conflict/Keskinen")
    assert response.status_code == 409
    assert networks_named("Keskinen") == 0


def test_a_refusal_shown_on_a_form_keeps_the_input_names_the_field_and_rolls_back(action_app):
    response = action_app.test_client().post("/t/form/Läntinen", data={"name": "Läntinen"})
    assert response.status_code == 409
    assert response.get_data(as_text=True) == "errors: ['Choose another name.']; input: Läntinen"
    assert networks_named("Läntinen") == 0


def test_the_loader_answers_404_for_missing_and_forbidden_alike(action_app, login, make_user, make_network):
    network = make_network(name="Eteläinen")
    client = action_app.test_client()
    assert client.get(f"/t/network/{network.id}").status_code == 302  # anonymous: to the login page
    login(client, make_user())
    assert client.get(f"/t/network/{network.id}").status_code == 404
    admin_client = action_app.test_client()
    login(admin_client, make_user(admin=True))
    assert admin_client.get(f"/t/network/{network.id}").get_data(as_text=True) == "Eteläinen"
    assert admin_client.get(f"/t/network/{network.id + 1000}").status_code == 404
    assert admin_client.get("/t/network/99999999999999999999").status_code == 404


def test_the_refusal_page_links_back_to_the_page_of_this_site_the_user_came_from(action_app):
    client = action_app.test_client()
    came_from = client.post("/t/refuse/Ylä", headers={"Referer": "http://localhost/agreements/7?tab=x"})
    assert 'href="/agreements/7?tab=x"' in came_from.get_data(as_text=True)
    elsewhere = client.post("/t/refuse/Ala", headers={"Referer": "https://evil.example/agreements/7"})
    assert "evil.example" not in elsewhere.get_data(as_text=True)
    assert 'href="/agreements/7"' not in elsewhere.get_data(as_text=True)
