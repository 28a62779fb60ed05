"""Text that can't be stored, in a page's address, query or form: a 400 naming where it is."""

from __future__ import annotations

import pytest

from console.models import Role


@pytest.fixture
def signed_in(client, member):
    client.force_login(member(Role.EDITOR).user)
    return client


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("/cascade/?os=Lin%00ux", "The query parameter “os” contains a NUL character"),
        ("/cascade/?o%00s=Linux", "The name of a query parameter contains a NUL character"),
    ],
)
def test_a_page_names_the_part_of_the_request_that_cannot_be_stored(signed_in, address, message):
    response = signed_in.get(address)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_form_field_that_cannot_be_stored_is_named(signed_in):
    response = signed_in.post("/cascade/refresh/", {"gallery_name": "gal\x00lery"})

    assert response.status_code == 400
    assert "The form field “gallery_name” contains a NUL character" in response.content.decode()
