import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

GENERIC_ERROR = "Those credentials are not valid."


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_wrong_password_and_unknown_user_get_the_same_message(client, member):
    user = member().user

    wrong_password = sign_in(client, user.username, "not-the-password").content.decode()
    unknown_user = sign_in(client, "nobody-here", DEFAULT_PASSWORD).content.decode()

    for page in (wrong_password, unknown_user):
        assert page.count(GENERIC_ERROR) == 1
        assert "password" not in page.split(GENERIC_ERROR)[1].split("</div>")[0]
        assert "case-sensitive" not in page
    assert "_auth_user_id" not in client.session


def test_right_credentials_sign_in(client, member):
    user = member().user
    response = sign_in(client, user.username, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_five_failures_lock_the_username_out_even_with_the_right_password(client, member, settings):
    user = member().user
    assert settings.AXES_FAILURE_LIMIT == 5

    for _ in range(4):
        assert GENERIC_ERROR in sign_in(client, user.username, "wrong").content.decode()
    locked = sign_in(client, user.username, "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()

    response = sign_in(client, user.username, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client, member):
    locked_user, other_user = member().user, member().user
    for _ in range(5):
        sign_in(client, locked_user.username, "wrong")
    assert sign_in(client, other_user.username, DEFAULT_PASSWORD).status_code == 302


def test_pages_need_a_signed_in_member(client):
    response = client.get(reverse("console:tokens"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_twelve_usernames_from_one_address_lock_that_address_out(client, member, settings):
    """Per address too: twelve usernames, each below its own limit, still trip the address's."""
    assert settings.LOGIN_IP_FAILURE_LIMIT == 20
    victim = member().user
    statuses = []
    for attempt in range(2):
        for n in range(12):
            statuses.append(sign_in(client, f"guess{n}", f"wrong-{attempt}").status_code)
    # As for a username, the failure that reaches the limit is already answered with the pause.
    assert statuses[:19] == [200] * 19
    assert set(statuses[19:]) == {429}
    # The right password for a username never tried is refused from this address now…
    locked = sign_in(client, victim.username, DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # …and accepted from another one.
    elsewhere = client.post(
        reverse("login"),
        {"username": victim.username, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="10.0.0.7",
    )
    assert elsewhere.status_code == 302


def test_a_valid_sign_in_does_not_reset_the_addresss_count(client, member):
    user = member().user
    for n in range(19):
        sign_in(client, f"guess{n}", "wrong")
    assert sign_in(client, user.username, DEFAULT_PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "one-more-guess", "wrong").status_code == 429


def test_behind_a_proxy_the_forwarded_address_counts(client, member, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = member().user
    for n in range(20):
        client.post(
            reverse("login"),
            {"username": f"guess{n}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",  # the proxy
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    ok = client.post(
        reverse("login"),
        {"username": user.username, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.4",  # another client behind the same proxy
    )
    assert ok.status_code == 302
