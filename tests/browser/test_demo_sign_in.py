"""The demo's one-click sign-in, on a phone, for the editor and the city administrator
as for the other roles: each lands on their own desk."""

import pytest
from playwright.sync_api import expect

from mycity.accounts.models import RoleKind
from tests.browser.conftest import sign_in_as
from tests.conftest import person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("browser_locale", ["en-US"]),
]


@pytest.mark.parametrize(
    ("login", "kind", "heading"),
    [
        ("editor", RoleKind.EDITOR, "Outages and works"),
        ("cityadmin", RoleKind.CITY_ADMIN, "Setting the city up"),
    ],
)
def test_one_click_for_the_editor_and_the_city_administrator(
    site, page, demo, city, login, kind, heading
):
    person(f"{login}@polotsk.example", kind, city=city)
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in_as(page, site, login)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
