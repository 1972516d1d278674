"""An editor writes a notice in the console, publishes it and withdraws it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mycity.content.models import Notice
from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def street(city):
    street = StreetFactory(city=city, name_ru="Нижне-Покровская")
    for number in ("1", "2", "3", "4", "5", "5А"):
        BuildingFactory(street=street, number=number)
    return street


def form(**values):
    start = timezone.localtime() + timedelta(days=1)
    return {
        "kind": "hot_water",
        "title_ru": "Отключение горячей воды",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
        "street_0": "Нижне-Покровская",
        "houses_0": "1-3",
        "parity_0": "all",
        "street_1": "нижне-покровская",
        "houses_1": "5А",
    } | values


def test_an_editor_lands_on_the_notices_and_publishes_one(client, editor, city, street):
    client.force_login(editor)
    assert client.get("/console/").url == "/console/polotsk/notices/"
    response = client.post("/console/polotsk/notices/new", form(publish="1"))
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = Notice.objects.get()
    assert notice.state == "published"
    assert sorted(notice.affected.values_list("building__number", flat=True)) == [
        "1",
        "2",
        "3",
        "5А",
    ]
    page = client.get(response.url).content.decode()
    assert 'value="1-3"' in page and 'value="5А"' in page
    client.post(f"/console/polotsk/notices/{notice.pk}/withdraw")
    notice.refresh_from_db()
    assert notice.state == "withdrawn"


def test_mistakes_are_shown_at_their_fields_and_nothing_is_saved(client, editor, street):
    client.force_login(editor)
    start = timezone.localtime() + timedelta(days=1)
    response = client.post(
        "/console/polotsk/notices/new",
        form(
            ends_at=(start - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            street_2="Несуществующая",
            street_3="Нижне-Покровская",
            houses_3="99",
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="errorlist"') >= 2
    assert not Notice.objects.exists()
    after_form = client.post("/console/polotsk/notices/new", form(ends_at=form()["starts_at"]))
    assert after_form.status_code == 422
    assert not Notice.objects.exists()


def test_only_editors_reach_the_notices(client, dispatcher, resident, city):
    client.force_login(dispatcher)
    assert client.get("/console/polotsk/notices/").status_code == 403
    client.force_login(resident)
    assert client.get("/console/polotsk/notices/").status_code == 404
