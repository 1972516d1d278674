"""A public report's own page: only what the public map shows, the answer's facts and
the photos after the work, "me too", a link to share, Open Graph tags; linked from the
map, the site search and Open311."""

import re

import pytest

from mycity.appeals.actions.moderation import hide_photo
from mycity.appeals.actions.moves import answer_appeal, reject_appeal, start_work
from mycity.appeals.models import MeToo
from tests.appeal_fixtures import jpeg, submit_report

pytestmark = pytest.mark.django_db


def page_url(appeal):
    return f"/{appeal.city.slug}/reports/{appeal.pk}/"


def roof(resident, leaking_roof, **values):
    return submit_report(
        resident,
        leaking_roof,
        description="Течёт крыша, звоните +375 29 123-45-67",
        extra={"entrance": 3},
        **values,
    )


@pytest.fixture
def answered(resident, executor, leaking_roof):
    appeal = roof(resident, leaking_roof, files=[jpeg(800, 600)])
    start_work(actor=executor, appeal=appeal, note="Бригада Иванова выехала")
    answer_appeal(
        actor=executor,
        appeal=appeal,
        text="Уважаемая Анна Петровна, крышу отремонтировали.",
        files=[jpeg(200, 100, name="letter.jpg")],
        after_photos=[jpeg(640, 480)],
        result="satisfied",
    )
    return appeal


def test_anyone_reads_the_report_without_personal_data_or_staff_notes(client, answered, resident):
    response = client.get(page_url(answered), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert answered.number in page
    assert "Течёт крыша" in page
    assert "123-45-67" not in page
    assert resident.email not in page
    assert "Анна Петровна" not in page  # the answer letter is the applicant's
    assert "Бригада Иванова" not in page  # a staff note
    assert "executor@example.org" not in page
    assert "Result: Satisfied." in page


def test_the_page_shows_the_photos_and_the_photos_after_the_work_but_no_letter(client, answered):
    page = client.get(page_url(answered)).content.decode()
    photo, letter, after = (
        answered.files.get(role="photo"),
        answered.files.get(role="answer"),
        answered.files.get(role="after"),
    )
    assert f"/files/{photo.pk}" in page
    assert f"/files/{after.pk}" in page
    assert f"/files/{letter.pk}" not in page
    # The API serves the after-photo to anyone, as the page promises.
    assert client.get(f"/api/v1/appeals/{answered.pk}/files/{after.pk}").status_code == 200


def test_a_photo_hidden_by_moderation_is_not_on_the_page(client, answered, dispatcher):
    photo = answered.files.get(role="photo")
    hide_photo(actor=dispatcher, appeal=answered, file_id=photo.pk, reason="Лицо прохожего")
    assert f"/files/{photo.pk}" not in client.get(page_url(answered)).content.decode()


def test_the_link_previews_with_open_graph_tags(client, answered):
    page = client.get(page_url(answered)).content.decode()
    url = f"http://testserver{page_url(answered)}"
    assert f'<meta property="og:url" content="{url}">' in page
    assert f'<link rel="canonical" href="{url}">' in page
    assert re.search(r'<meta property="og:title" content="[^"]*' + answered.number, page)
    assert re.search(r'<meta property="og:image" content="http://testserver/api/v1/appeals/', page)
    description = re.search(r'<meta property="og:description" content="([^"]*)"', page)
    assert description and "123-45-67" not in description.group(1)
    assert f'value="{url}" readonly' in page


@pytest.mark.parametrize("state", ["moderation", "rejected", "e_appeal"])
def test_what_is_not_public_has_no_page(
    client, state, resident, dispatcher, leaking_roof, housing_question, city
):
    from tests.factories import CategoryFactory

    if state == "moderation":
        hidden = CategoryFactory(city=city, slug="graffiti", needs_moderation=True)
        appeal = submit_report(resident, hidden)
    elif state == "rejected":
        appeal = roof(resident, leaking_roof)
        reject_appeal(actor=dispatcher, appeal=appeal, note="Не в компетенции")
    else:
        from mycity.appeals.actions.submission import submit_appeal
        from tests.appeal_fixtures import e_appeal_draft

        appeal = submit_appeal(
            applicant=resident, city=city, draft=e_appeal_draft(housing_question)
        ).appeal
    assert client.get(page_url(appeal)).status_code == 404


def test_a_report_of_one_city_has_no_page_under_another(client, answered, other_city):
    assert client.get(f"/{other_city.slug}/reports/{answered.pk}/").status_code == 404


def test_me_too_from_the_page_comes_back_to_it(client, answered, executor, city):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    neighbour = person("neighbour@example.org", RoleKind.RESIDENT, city=city)
    client.force_login(neighbour)
    open_report = answered  # answered is still open: the applicant may disagree
    response = client.post(f"/{city.slug}/reports/{open_report.pk}/me-too", {"back": "report"})
    assert response["Location"] == page_url(open_report)
    assert MeToo.objects.filter(appeal=open_report, user=neighbour).exists()
    again = client.get(page_url(open_report), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You have joined this report." in again


def test_the_map_the_search_and_open311_link_to_the_page(client, answered, city):
    link = page_url(answered)
    assert f'href="{link}"' in client.get(f"/{city.slug}/map/").content.decode()
    geojson = client.get(f"/api/v1/cities/{city.slug}/reports.geojson").json()
    assert geojson["features"][0]["properties"]["url"] == link
    found = client.get(f"/{city.slug}/search/", {"q": "крыша"}).content.decode()
    assert f'href="{link}"' in found


def test_a_photo_after_the_work_is_moderated_like_the_residents(client, answered, dispatcher):
    after = answered.files.get(role="after")
    client.force_login(dispatcher)
    card = client.get(f"/console/{answered.city.slug}/appeals/{answered.pk}/").content.decode()
    assert f'name="file_id" value="{after.pk}"' in card
    hide_photo(actor=dispatcher, appeal=answered, file_id=after.pk, reason="Номер машины")
    client.logout()
    assert f"/files/{after.pk}" not in client.get(page_url(answered)).content.decode()
