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
