"""A resident opens “My data” from their settings and downloads everything held about
them: the file is their data and nobody else's."""

import json

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from mycity.privacy.models import DataRequest, RequestKind, RequestStatus
from tests.appeal_fixtures import submit_report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("browser_locale", ["en-US"]),
]


def sign_in(context, site, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site.url}])


def test_a_resident_downloads_their_data(site, page, context, resident, street_light):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    own = submit_report(resident, street_light, description="The lamp by entrance 2 is out")
    neighbour = person("neighbour@example.org", RoleKind.RESIDENT, city=street_light.city)
    submit_report(neighbour, street_light, description="The neighbour's lamp")
    context.add_cookies([{"name": "mycity_language", "value": "en", "url": site.url}])
    sign_in(context, site, resident)
    page.goto(site.url + "/settings/")
    page.get_by_role("link", name="My data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My data")
    expect(page.get_by_role("link", name=own.number)).to_be_visible()
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download my data (JSON)").click()
    download = waiting.value
    assert download.suggested_filename.startswith("my-data-")
    data = json.loads(open(download.path(), encoding="utf-8").read())
    assert data["account"]["email"] == resident.email
    assert [a["number"] for a in data["appeals"]] == [own.number]
    assert data["appeals"][0]["description"] == "The lamp by entrance 2 is out"
    assert "neighbour@example.org" not in json.dumps(data)
    request = DataRequest.objects.get(user=resident)
    assert (request.kind, request.status) == (RequestKind.COPY, RequestStatus.DONE)
