"""The demo runs with DEBUG on; its pages still answer 404 and 500 with the console's own error
pages, never Django's technical ones (which list every URL pattern), signed in or out."""

from __future__ import annotations

import pytest
from django.urls import path

from console.models import Role
from console.urls import urlpatterns as console_urlpatterns
from tests.factories import log_in_as

pytestmark = pytest.mark.django_db


def _broken(request):
    raise RuntimeError("a bug")


urlpatterns = [*console_urlpatterns, path("broken/", _broken)]


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.mark.parametrize("signed_in", [False, True])
def test_an_unknown_url_shows_the_consoles_404(client, debug_on, signed_in):
    if signed_in:
        log_in_as(client, Role.EDITOR)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is nothing here" in page
    assert "URLconf" not in page
    assert "urlpatterns" not in page.lower()


def test_a_missing_object_shows_the_consoles_404(client, debug_on):
    log_in_as(client, Role.EDITOR)
    page = client.get("/groups/sig-00000000/").content.decode()
    assert "There is nothing here" in page
    assert "Raised by" not in page


def test_a_crash_shows_the_consoles_500(client, debug_on, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "Traceback" not in page
    assert "RuntimeError" not in page


def test_api_errors_stay_json(client, debug_on):
    response = client.get("/api/no-such-endpoint")
    assert response["Content-Type"].startswith("application/json")
