"""Public reads come from the shared cache with an ETag and `Cache-Control: public`, and
every write that changes what they show makes them stale the moment it commits; nothing
about a person is ever shared, and languages never mix."""

from contextlib import suppress
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone

from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.actions.catalogue import upsert_category
from mycity.appeals.actions.moderation import redact_description
from mycity.appeals.actions.moves import reject_appeal
from mycity.appeals.models import AppealKind
from mycity.cities.services import upsert_city, upsert_organisation
from mycity.content.events import EventDraft, save_event
from mycity.content.models import Place
from mycity.content.news import NewsDraft, publish_news, save_news
from mycity.content.places import save_place
from mycity.content.services import NoticeDraft, publish_notice, save_notice, withdraw_notice
from mycity.core.public_reads import page_key
from tests.appeal_fixtures import submit_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cached_reads")]
PUBLIC = "public, max-age=1"
PRIVATE = "private, no-store"
REPORTS = "/api/v1/cities/polotsk/reports"


def public_reads(report_id: int) -> list[str]:
    return [
        "/polotsk/",
        "/polotsk/map/",
        "/polotsk/news/",
        "/polotsk/notices/",
        "/polotsk/events/",
        "/polotsk/places/",
        REPORTS,
        f"{REPORTS}.geojson",
        "/api/v1/cities",
        "/api/v1/cities/polotsk/notices",
        "/api/v1/cities/polotsk/news",
        "/open311/v2/services.json?jurisdiction_id=polotsk",
        "/open311/v2/requests.json?jurisdiction_id=polotsk",
        f"/open311/v2/requests/{report_id}.json?jurisdiction_id=polotsk",
    ]


# --- headers and conditional requests ----------------------------------------------------


def test_every_public_read_may_be_kept_by_shared_caches(client, report):
    for path in public_reads(report.pk):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == PUBLIC, path
        assert response["ETag"].startswith('"'), path
        vary = {v.strip() for v in response["Vary"].split(",")}
        assert {"Accept-Language", "Cookie"} <= vary, path


def test_a_copy_is_kept_per_host_since_answers_name_their_own_links(client, report, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mycity.example"]
    path = "/open311/v2/requests.json?jurisdiction_id=polotsk"
    client.get(path)
    other = client.get(path, HTTP_HOST="mycity.example").content.decode()
    assert "testserver" not in other


def test_a_map_page_from_the_cache_still_lets_its_tiles_load(client, report):
    # The tile server joins the page's Content-Security-Policy through the response it
    # was rendered into; a copy served from the cache must say the same.
    first, second = client.get("/polotsk/map/"), client.get("/polotsk/map/")
    for response in (first, second):
        assert "https://tile.openstreetmap.org" in response["Content-Security-Policy"]


def test_a_repeat_with_the_etag_is_a_304_without_a_body(client, report):
    for path in public_reads(report.pk):
        first = client.get(path)
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, path
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == PUBLIC


def test_an_old_etag_gets_the_new_page(
    client, report, dispatcher, django_capture_on_commit_callbacks
):
    old = client.get(REPORTS)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        reject_appeal(actor=dispatcher, appeal=report, note="Уже чиним.")
    response = client.get(REPORTS, HTTP_IF_NONE_MATCH=old)
    assert response.status_code == 200
    assert response["ETag"] != old


def test_a_weak_etag_from_a_proxy_still_matches(client, report):
    etag = client.get(REPORTS)["ETag"]
    assert client.get(REPORTS, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304


def test_the_same_page_computed_without_the_cache_has_the_same_etag(client, report, settings):
    cached = client.get("/polotsk/news/")["ETag"]
    settings.PUBLIC_READS_CACHE = False
    computed = client.get("/polotsk/news/")
    assert computed["ETag"] == cached
    assert client.get("/polotsk/news/", HTTP_IF_NONE_MATCH=cached).status_code == 304


# --- nothing personal is shared ----------------------------------------------------------


def test_a_signed_in_resident_never_gets_a_shared_page(client, resident, report):
    client.force_login(resident)
    for path in public_reads(report.pk):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == PRIVATE, path
        assert "ETag" not in response, path


def test_a_signed_in_resident_is_not_served_the_anonymous_copy(client, resident, report):
    anonymous = client.get("/polotsk/").content.decode()
    assert "Sign out" not in anonymous and "Выйти" not in anonymous
    client.force_login(resident)
    page = client.get("/polotsk/").content.decode()
    assert "/my/appeals/" in page


def test_a_bearer_token_is_never_answered_from_the_shared_cache(client, resident, city, report):
    token = issue_api_client(city=city, name="Моё приложение", user=resident).key
    client.get(REPORTS)
    response = client.get(REPORTS, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response["Cache-Control"] == PRIVATE
    assert "ETag" not in response


def test_an_anonymous_session_is_not_shared(client, report):
    # An anonymous session can hold flash messages meant for that visitor alone.
    client.cookies["sessionid"] = "anything"
    response = client.get("/polotsk/news/")
    assert response["Cache-Control"] == PRIVATE
    client.cookies.pop("sessionid")
    client.cookies["messages"] = "anything"
    assert client.get("/polotsk/news/")["Cache-Control"] == PRIVATE


def test_a_shared_page_carries_no_csrf_token_and_sets_no_cookie(client, report):
    response = client.get("/polotsk/")
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies


def test_no_public_read_sets_a_cookie_for_a_first_visitor(report):
    # A shared cache (nginx's micro-cache, a CDN) keeps no answer that sets a cookie: one
    # set for visitors without it would leave every first visit, the bulk of the
    # public load, to the web nodes. Each path is read by a new visitor, twice (the
    # computed answer and the copy from the cache).
    for path in public_reads(report.pk):
        for _ in range(2):
            response = Client().get(path)
            assert response.status_code == 200, path
            assert not response.cookies, (path, response.cookies)
            assert "Set-Cookie" not in response, path


def test_an_anonymous_visitor_switches_language_without_a_token(city, settings):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/language/", {"language": "be", "next": "/polotsk/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "be"


def test_a_signed_in_users_language_switch_still_needs_the_token(city, resident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    assert client.post("/language/", {"language": "be"}).status_code == 403
    page = client.get("/polotsk/")
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post("/language/", {"language": "be", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.language == "be"


# --- languages do not mix ----------------------------------------------------------------


def test_each_language_has_its_own_copy(client, report, settings):
    russian = client.get("/polotsk/news/", HTTP_ACCEPT_LANGUAGE="ru")
    belarusian = client.get("/polotsk/news/", HTTP_ACCEPT_LANGUAGE="be")
    english = client.get("/polotsk/news/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ru">' in russian.content.decode()
    assert '<html lang="be">' in belarusian.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert len({russian["ETag"], belarusian["ETag"], english["ETag"]}) == 3
    # The language cookie picks the copy as well.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "be"
    again = client.get("/polotsk/news/", HTTP_ACCEPT_LANGUAGE="ru")
    assert again["ETag"] == belarusian["ETag"]
    assert '<html lang="be">' in again.content.decode()


def test_a_russian_etag_does_not_validate_the_belarusian_page(client, report):
    russian = client.get("/polotsk/", HTTP_ACCEPT_LANGUAGE="ru")["ETag"]
    response = client.get("/polotsk/", HTTP_ACCEPT_LANGUAGE="be", HTTP_IF_NONE_MATCH=russian)
    assert response.status_code == 200


# --- every write shows at once -----------------------------------------------------------


def report_ids(client) -> list[int]:
    return [item["id"] for item in client.get(REPORTS).json()["items"]]


def test_a_submitted_report_is_listed_at_once(
    client, resident, street_light, report, django_capture_on_commit_callbacks
):
    assert report_ids(client) == [report.pk]
    with django_capture_on_commit_callbacks(execute=True):
        newer = submit_report(resident, street_light, description="Яма на дороге у школы")
    assert report_ids(client) == [newer.pk, report.pk]
    assert str(newer.pk) in client.get(f"{REPORTS}.geojson").content.decode()
    open311 = client.get("/open311/v2/requests.json?jurisdiction_id=polotsk").json()
    assert str(newer.pk) in {str(r["service_request_id"]) for r in open311}


def test_a_report_turned_away_leaves_the_list_at_once(
    client, dispatcher, report, django_capture_on_commit_callbacks
):
    assert report_ids(client) == [report.pk]
    with django_capture_on_commit_callbacks(execute=True):
        reject_appeal(actor=dispatcher, appeal=report, note="Не в ведении города.")
    assert report_ids(client) == []


def test_a_moderated_text_shows_at_once(
    client, dispatcher, report, django_capture_on_commit_callbacks
):
    assert "у моста" in client.get(REPORTS).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        redact_description(actor=dispatcher, appeal=report, text="Не горит фонарь", reason="Лишнее")
    body = client.get(REPORTS).content.decode()
    assert "у моста" not in body and "Не горит фонарь" in body


def test_a_write_that_rolls_back_changes_nothing(
    client, dispatcher, report, django_capture_on_commit_callbacks
):
    etag = client.get(REPORTS)["ETag"]
    with (
        django_capture_on_commit_callbacks(execute=True),
        suppress(RuntimeError),
        transaction.atomic(),
    ):
        reject_appeal(actor=dispatcher, appeal=report, note="Не в ведении города.")
        raise RuntimeError("the rest of the work failed")
    assert client.get(REPORTS, HTTP_IF_NONE_MATCH=etag).status_code == 304


def notice_draft(title: str) -> NoticeDraft:
    start = timezone.now() + timedelta(days=1)
    return NoticeDraft(
        kind="hot_water",
        title={"ru": title},
        reason={"ru": "Ремонт теплотрассы"},
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        # Polotsk's old town, drawn on the map.
        area={
            "type": "Polygon",
            "coordinates": [[[28.75, 55.48], [28.80, 55.48], [28.80, 55.50], [28.75, 55.48]]],
        },
    )


def test_a_published_and_a_withdrawn_notice_show_at_once(
    client, editor, city, django_capture_on_commit_callbacks
):
    assert "Отключение горячей воды" not in client.get("/polotsk/notices/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        notice = save_notice(actor=editor, city=city, draft=notice_draft("Отключение горячей воды"))
        notice = publish_notice(actor=editor, notice=notice)
    for path in ("/polotsk/notices/", "/polotsk/", "/polotsk/map/"):
        assert "Отключение горячей воды" in client.get(path).content.decode(), path
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_notice(actor=editor, notice=notice)
    assert "Отключение горячей воды" not in client.get("/polotsk/notices/").content.decode()


def test_published_news_shows_at_once(client, editor, city, django_capture_on_commit_callbacks):
    assert "Новый сквер" not in client.get("/polotsk/news/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        item = save_news(
            actor=editor,
            city=city,
            draft=NewsDraft(title={"ru": "Новый сквер"}, lead={}, body={"ru": "<p>Да.</p>"}),
        )
        publish_news(actor=editor, news=item)
    assert "Новый сквер" in client.get("/polotsk/news/").content.decode()
    assert "Новый сквер" in client.get("/polotsk/").content.decode()


def test_a_new_event_shows_at_once(client, editor, city, django_capture_on_commit_callbacks):
    path = "/api/v1/cities/polotsk/events"
    assert client.get(path).json() == []
    start = timezone.now() + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        save_event(
            actor=editor,
            city=city,
            draft=EventDraft(
                category="concert",
                name={"ru": "Вечер органной музыки"},
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            ),
        )
    assert [e["name"] for e in client.get(path).json()] == ["Вечер органной музыки"]


def test_a_new_place_shows_at_once(client, editor, city, django_capture_on_commit_callbacks):
    assert "Софийский собор" not in client.get("/polotsk/places/").content.decode()
    place = Place(city=city, kind="sight", name_ru="Софийский собор", lat=55.4863, lon=28.7606)
    with django_capture_on_commit_callbacks(execute=True):
        save_place(actor=editor, place=place)
    assert "Софийский собор" in client.get("/polotsk/places/").content.decode()


def test_a_new_category_shows_at_once(client, city, django_capture_on_commit_callbacks):
    path = "/open311/v2/services.json?jurisdiction_id=polotsk"
    assert "broken-bench" not in client.get(path).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        upsert_category(
            city=city,
            slug="broken-bench",
            names={"ru": "Сломана скамейка"},
            kind=AppealKind.PROBLEM,
        )
    assert "broken-bench" in client.get(path).content.decode()


def test_a_new_organisation_shows_on_the_home_page_at_once(
    client, city, django_capture_on_commit_callbacks
):
    assert "Горсвет" not in client.get("/polotsk/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        upsert_organisation(city=city, slug="gorsvet", kind="executor", names={"ru": "Горсвет"})
    assert "Горсвет" in client.get("/polotsk/").content.decode()


def test_a_new_city_is_listed_at_once(client, city, django_capture_on_commit_callbacks):
    assert [c["slug"] for c in client.get("/api/v1/cities").json()] == ["polotsk"]
    with django_capture_on_commit_callbacks(execute=True):
        upsert_city(
            slug="lida",
            names={"ru": "Лида"},
            region="grodno",
            population=100_000,
            centre=(53.8885, 25.2846),
            boundary={
                "type": "Polygon",
                "coordinates": [[[25.2, 53.8], [25.4, 53.8], [25.4, 54.0], [25.2, 53.8]]],
            },
        )
    assert sorted(c["slug"] for c in client.get("/api/v1/cities").json()) == ["lida", "polotsk"]


def test_a_write_to_one_city_leaves_another_citys_pages_cached(
    client, city, other_city, editor, django_capture_on_commit_callbacks
):
    etag = client.get("/orsha/news/")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        save_notice(actor=editor, city=city, draft=notice_draft("Отключение"))
    assert client.get("/orsha/news/", HTTP_IF_NONE_MATCH=etag).status_code == 304


# --- one process computes a stale page ---------------------------------------------------


def test_while_one_process_computes_a_page_the_others_show_the_copy_before(
    client, editor, city, django_capture_on_commit_callbacks
):
    before = client.get("/polotsk/news/")
    with django_capture_on_commit_callbacks(execute=True):
        item = save_news(
            actor=editor,
            city=city,
            draft=NewsDraft(title={"ru": "Новый сквер"}, lead={}, body={"ru": "<p>Да.</p>"}),
        )
        publish_news(actor=editor, news=item)
    computing = page_key("http://testserver/polotsk/news/", "ru") + ":computing"
    cache.add(computing, 1)
    assert client.get("/polotsk/news/")["ETag"] == before["ETag"]
    cache.delete(computing)
    assert "Новый сквер" in client.get("/polotsk/news/").content.decode()


def test_a_page_nobody_may_share_does_not_keep_the_others_waiting(client, city):
    # The one computing found nothing to keep (a 404): the next reader computes its own.
    assert client.get("/nowhere/news/").status_code == 404
    assert client.get("/nowhere/news/").status_code == 404
    assert cache.get(page_key("http://testserver/nowhere/news/", "ru") + ":computing") is None


def test_a_cached_map_still_lets_its_tiles_in(client, city, settings):
    settings.MAP_TILES_URL = "https://tiles.example.by/{z}/{x}/{y}.png"
    for _ in range(2):  # computed, then from the cache
        response = client.get("/polotsk/map/")
        policy = response["Content-Security-Policy"]
        assert "https://tiles.example.by" in policy.split("img-src")[1].split(";")[0]


# --- a big answer is read from the process's memory --------------------------------------


def test_a_read_fetches_only_the_small_stamp_when_the_process_holds_the_answer(
    client, report, monkeypatch
):
    path = "/open311/v2/requests.json?jurisdiction_id=polotsk"
    first = client.get(path)
    fetched: list[str] = []
    real_get = cache.get

    def get(key, *args, **kwargs):
        fetched.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get)
    again = client.get(path)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert fetched == []  # the stamp came with the versions (get_many); no answer fetched


def test_a_write_makes_the_answer_held_in_memory_stale_at_once(
    client, report, resident, street_light, django_capture_on_commit_callbacks
):
    path = "/open311/v2/requests.json?jurisdiction_id=polotsk"
    client.get(path)
    with django_capture_on_commit_callbacks(execute=True):
        newer = submit_report(resident, street_light, description="Яма на дороге у школы")
    assert f'"service_request_id": "{newer.pk}"' in client.get(path).content.decode()
