"""Parts of every page rendered once per process (agreements/core/kept.py): each user still sees the menus
of their own roles, in their own language, with the page they are on marked."""

import re

from agreements.accounts.models import UILanguage
from agreements.core.kept import kept_for_process


def _navigation(page: str) -> str:
    return re.search(r"<nav .*?</nav>", page, re.S).group(0)


def _client_of(app, login, user):
    client = app.test_client()
    login(client, user)
    return client


def test_each_role_sees_its_own_menus_in_one_process(app, login, make_user, make_network, workshop):
    admin = make_user(admin=True)
    coordinator = make_user(networks=[make_network()])
    editor = make_user(organisation=workshop)
    pages = {
        who: _navigation(_client_of(app, login, user).get("/signatures/verify").text)
        for who, user in (("admin", admin), ("coordinator", coordinator), ("editor", editor))
    }
    assert 'href="/admin/users/"' in pages["admin"]
    assert 'href="/organisations/"' in pages["coordinator"]
    assert 'href="/admin/users/"' not in pages["coordinator"]
    assert "admin-menu" not in pages["editor"] and 'href="/dashboard/"' not in pages["editor"]
    assert all(user.name in pages[who] for who, user in (("admin", admin), ("editor", editor)))


def test_the_menus_follow_the_page_and_the_language(app, login, make_user, workshop):
    english = _client_of(app, login, make_user(organisation=workshop))
    finnish = _client_of(app, login, make_user(organisation=workshop, locale=UILanguage.FI))
    on_list = _navigation(english.get("/agreements/").text)
    in_english = english.get("/signatures/verify").text
    on_verify = _navigation(in_english)
    in_finnish = finnish.get("/signatures/verify").text
    assert re.search(r'active"\s+aria-current="page"\s+href="/agreements/"', on_list)
    assert re.search(r'active"\s+aria-current="page"\s+href="/signatures/verify"', on_verify)
    assert not re.search(r'aria-current="page"\s+href="/agreements/"', on_verify)
    assert "Accessibility statement" in in_english and "Saavutettavuusseloste" not in in_english
    assert "My account" in in_english and re.search(r'aria-pressed="true"\s+title="English"', in_english)
    assert "Saavutettavuusseloste" in in_finnish and "Oma tili" in in_finnish
    assert ">Sopimukset<" in _navigation(in_finnish) and ">Agreements<" in on_verify
    assert re.search(r'aria-pressed="true"\s+title="suomi"', in_finnish)


def test_a_kept_value_is_built_once_for_its_key(app):
    built = []
    with app.test_request_context("/"):
        values = [kept_for_process(("test", key), lambda key=key: built.append(key) or key) for key in "aba"]
    assert values == ["a", "b", "a"] and built == ["a", "b"]
