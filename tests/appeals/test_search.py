"""Full-text search over appeals: Russian and Belarusian word forms, numbers, AND of
words, query syntax in the text, the staff's scope, the console and the REST queue."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from mycity.appeals import search, selectors
from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.actions.moves import assign_appeal, return_appeal
from mycity.appeals.models import Appeal, AppealSearch
from mycity.appeals.selectors import QueueFilters, appeals_handled_by, search_appeals
from tests.appeal_fixtures import submit_report
from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db
INJECTIONS = [
    '"',
    "AND OR NOT (",
    "*",
    "NEAR(",
    'фонарь" OR "',
    "'; DROP TABLE x; --",
    "a:*|!b",
    ")",
    "я" * 3000,
]


@pytest.fixture(autouse=True, params=["ids", "subquery"])
def matches_passed_as(request, monkeypatch):
    """Every search both ways: its matches as a list of ids (few), or as a subquery
    (more than FEW_MATCHES; here more than none)."""
    if request.param == "subquery":
        monkeypatch.setattr(search, "FEW_MATCHES", 0)
    return request.param


def found(text: str) -> set[str]:
    return set(search_appeals(Appeal.objects.all(), text).values_list("number", flat=True))


def test_russian_word_forms_find_each_other(resident, street_light):
    lamp = submit_report(resident, street_light, description="Не горит фонарь у подъезда")
    lamps = submit_report(resident, street_light, description="Фонари во дворе горят днём")
    assert found("фонари") == {lamp.number, lamps.number}
    assert found("фонарём") == {lamp.number, lamps.number}
    assert found("подъезд") == {lamp.number}
    assert found("двор") == {lamps.number}


def test_a_word_is_found_by_the_beginning_of_its_stem(resident, street_light):
    appeal = submit_report(resident, street_light, description="Нет уличного освещения")
    assert found("освещ") == {appeal.number}
    assert found("улич") == {appeal.number}


def test_yo_and_ye_are_the_same_letter(resident, street_light):
    appeal = submit_report(resident, street_light, description="Упала ёлка на дорогу")
    assert found("елка") == {appeal.number}


def test_belarusian_word_forms_find_each_other(resident, street_light):
    dark = submit_report(resident, street_light, description="Не гарыць ліхтар ля пад’езда")
    street = submit_report(resident, street_light, description="На вуліцы ліхтары не гараць")
    assert found("не гарыць") == {dark.number, street.number}
    assert found("не гарыць ліхтар") == {dark.number, street.number}
    assert found("ліхтарамі") == {dark.number, street.number}
    assert found("вуліца") == {street.number}
    assert found("пад'езд") == {dark.number}


def test_the_appeal_number_finds_it_whole_or_without_leading_zeros(resident, street_light):
    appeal = submit_report(resident, street_light)
    other = submit_report(resident, street_light)
    sequence = appeal.number.split("-")[1]  # "000001"
    assert found(appeal.number) == {appeal.number}
    assert found(sequence) == {appeal.number}
    assert found(sequence.lstrip("0")) == {appeal.number}
    assert other.number not in found(appeal.number)


def test_a_house_number_matches_only_whole(resident, city, street_light):
    street = StreetFactory(city=city, name_ru="Нижне-Покровская")
    five = BuildingFactory(street=street, number="5", lat=55.4861, lon=28.7691)
    fifty_two = BuildingFactory(street=street, number="52", lat=55.4900, lon=28.7800)
    at_five = submit_report(resident, street_light, lat=None, lon=None, building_id=five.pk)
    submit_report(resident, street_light, lat=None, lon=None, building_id=fifty_two.pk)
    annex = submit_report(
        resident, street_light, description="Темно у дома 12а", lat=55.45, lon=28.73
    )
    assert found("Покровская 5") == {at_five.number}
    assert found("12а") == {annex.number}
    assert found("12") == set()


def test_every_word_of_a_query_must_be_there(resident, street_light):
    both = submit_report(resident, street_light, description="Яма возле фонаря")
    lamp = submit_report(resident, street_light, description="Фонарь мигает")
    assert found("фонарь") == {both.number, lamp.number}
    assert found("фонарь яма") == {both.number}
    assert found("фонарь трамвай") == set()


def test_a_text_without_words_filters_nothing(resident, street_light):
    appeal = submit_report(resident, street_light)
    assert found("  — … !") == {appeal.number}


@pytest.mark.parametrize("text", INJECTIONS)
def test_query_syntax_in_the_text_is_searched_as_words(resident, street_light, text):
    appeal = submit_report(resident, street_light, description="Не горит фонарь")
    assert found(text) <= {appeal.number}
    assert found(f"фонарь {text}") <= {appeal.number}


def test_the_index_follows_a_changed_text(resident, street_light):
    appeal = submit_report(resident, street_light, description="Не горит фонарь")
    Appeal.objects.filter(pk=appeal.pk).update(description="Сломана скамейка")
    appeal.refresh_from_db()
    search.index_appeal(appeal)
    assert found("фонарь") == set()
    assert found("скамейки") == {appeal.number}


def test_reindex_indexes_appeals_written_without_their_index(resident, street_light):
    appeal = submit_report(resident, street_light, description="Не горит фонарь")
    AppealSearch.objects.all().delete()
    assert found("фонарь") == set()
    call_command("reindex_appeals", stdout=io.StringIO())
    assert found("фонарь") == {appeal.number}


def test_reindex_of_the_missing_leaves_indexed_appeals_alone(resident, street_light):
    indexed = submit_report(resident, street_light, description="Не горит фонарь")
    missing = submit_report(resident, street_light, description="Яма на дороге")
    AppealSearch.objects.filter(pk=missing.pk).delete()
    AppealSearch.objects.filter(pk=indexed.pk).update(terms="стар")
    out = io.StringIO()
    call_command("reindex_appeals", "--missing", stdout=out)
    assert out.getvalue().startswith("Indexed 1 appeals")
    assert found("яма") == {missing.number}
    assert found("стар") == {indexed.number}


def test_a_search_stays_within_the_executors_organisation(
    resident, executor, city, street_light, leaking_roof
):
    ours = submit_report(
        resident, leaking_roof, description="Течёт крыша над подъездом", extra={"entrance": 1}
    )
    theirs = submit_report(resident, street_light, description="Темно в подъезде")
    page = appeals_handled_by(executor, city, QueueFilters(text="подъезд"))
    assert page is not None
    assert [a.number for a in page] == [ours.number]
    assert theirs.number in found("подъезд")


def test_the_console_queue_searches_with_q(client, dispatcher, resident, city, street_light):
    lamp = submit_report(resident, street_light, description="Не горит фонарь у подъезда")
    pit = submit_report(resident, street_light, description="Яма на тротуаре")
    client.force_login(dispatcher)
    url = reverse("console:queue", kwargs={"slug": city.slug})
    page = client.get(url, {"tab": "work", "q": "фонари"}).content.decode()
    assert lamp.number in page and pit.number not in page
    assert 'name="q" value="фонари"' in page
    for text in INJECTIONS:
        assert client.get(url, {"tab": "work", "q": text}).status_code == 200


def test_the_rest_queue_searches_with_q(client, dispatcher, resident, city, street_light):
    lamp = submit_report(resident, street_light, description="Не горит фонарь у подъезда")
    submit_report(resident, street_light, description="Яма на тротуаре")
    token = issue_api_client(city=city, name="desk", user=dispatcher).key
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/cities/{city.slug}/appeals"
    body = client.get(url, {"q": "фонарём"}, **auth).json()
    assert [item["number"] for item in body["items"]] == [lamp.number]
    for text in INJECTIONS:
        assert client.get(url, {"q": text}, **auth).status_code == (
            200 if len(text) <= 200 else 400
        )


def test_search_terms_are_only_letters_and_digits():
    terms = search.search_terms("\"фонарь\" AND (яма*) NEAR(x) 'a':* | !b -c")
    assert terms == "фонар and ям near x a b c"
    assert selectors.search_appeals is search_appeals


def test_the_index_row_follows_the_appeals_executor(
    resident, city, dispatcher, executor, leaking_roof, organisation, lighting_service
):

    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    assert AppealSearch.objects.get(appeal=appeal).organisation_id == organisation.pk
    return_appeal(actor=executor, appeal=appeal, note="Не наш участок")
    assert AppealSearch.objects.get(appeal=appeal).organisation_id is None
    assign_appeal(actor=dispatcher, appeal=appeal, organisation=lighting_service)
    assert AppealSearch.objects.get(appeal=appeal).organisation_id == lighting_service.pk
