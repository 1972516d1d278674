"""News: drafts, scheduled publishing, archiving, cleaned HTML, covers, tags, feeds,
and telling the residents who follow a tag."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mycity.accounts.models import Subscription, SubscriptionKind
from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.errors import UploadRefused
from mycity.content.errors import InvalidNews
from mycity.content.models import News
from mycity.content.news import (
    NewsDraft,
    announce_due_news,
    archive_news,
    publish_news,
    save_news,
    visible_news,
)
from mycity.notify.models import Notification
from tests.appeal_fixtures import jpeg
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def draft(**values) -> NewsDraft:
    fields = {
        "title": {"ru": "В Полоцке открыли новый сквер"},
        "lead": {"ru": "Сквер на Нижне-Покровской открыт для всех."},
        "body": {"ru": "<p>Сквер <strong>открыт</strong>.</p>"},
        "tags": ["благоустройство", "Парки"],
    } | values
    return NewsDraft(**fields)


def test_a_draft_is_not_shown_until_published(editor, city):
    item = save_news(actor=editor, city=city, draft=draft())
    assert list(visible_news(city)) == []
    publish_news(actor=editor, news=item)
    assert list(visible_news(city)) == [item]
    assert item.tags == ["благоустройство", "парки"]


def test_a_scheduled_item_appears_at_its_time(editor, city):
    item = save_news(actor=editor, city=city, draft=draft())
    later = timezone.now() + timedelta(hours=2)
    publish_news(actor=editor, news=item, at=later)
    assert list(visible_news(city)) == []
    assert list(visible_news(city, now=later + timedelta(minutes=1))) == [item]


def test_an_archived_item_is_no_longer_shown(editor, city):
    item = publish_news(actor=editor, news=save_news(actor=editor, city=city, draft=draft()))
    archive_news(actor=editor, news=item)
    assert list(visible_news(city)) == []


def test_unsafe_html_is_removed_and_safe_html_kept(editor, city):
    body = (
        '<p onclick="steal()">Текст <a href="javascript:alert(1)">ссылка</a> '
        '<a href="https://polotsk.gov.by">сайт</a></p><script>alert(1)</script>'
        '<img src=x onerror=alert(1)><iframe src="https://evil"></iframe>'
    )
    item = save_news(actor=editor, city=city, draft=draft(body={"ru": body}))
    assert "script" not in item.body_ru and "onclick" not in item.body_ru
    assert "javascript:" not in item.body_ru and "<img" not in item.body_ru
    assert "iframe" not in item.body_ru
    assert '<a href="https://polotsk.gov.by" rel="noopener noreferrer nofollow">сайт</a>' in (
        item.body_ru
    )


def test_a_body_that_is_only_markup_is_refused(editor, city):
    with pytest.raises(InvalidNews) as refused:
        save_news(actor=editor, city=city, draft=draft(body={"ru": "<script>x</script>"}))
    assert [d["field"] for d in refused.value.as_dict()["details"]] == ["body.ru"]
    assert not News.objects.exists()


def test_a_cover_that_is_not_an_image_is_refused_and_nothing_is_stored(editor, city):
    fake = SimpleUploadedFile("cover.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    with pytest.raises(UploadRefused):
        save_news(actor=editor, city=city, draft=draft(), cover=fake)
    assert not News.objects.exists()


def test_a_cover_is_stored_as_a_clean_jpeg_and_served(client, editor, city):
    item = save_news(actor=editor, city=city, draft=draft(), cover=jpeg())
    publish_news(actor=editor, news=item)
    response = client.get(f"/polotsk/news/{item.pk}/cover.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_only_editors_write_news(resident, city):
    with pytest.raises(PermissionDenied):
        save_news(actor=resident, city=city, draft=draft())


@pytest.mark.django_db(transaction=True)
def test_followers_of_a_tag_are_told_once_when_the_item_appears(editor, city):
    follower = UserFactory()
    Subscription.objects.create(
        user=follower, city=city, kind=SubscriptionKind.NEWS_TAG, topic="парки", channels=[]
    )
    stranger = UserFactory()
    Subscription.objects.create(
        user=stranger, city=city, kind=SubscriptionKind.NEWS_TAG, topic="спорт", channels=[]
    )
    item = save_news(actor=editor, city=city, draft=draft())
    later = timezone.now() + timedelta(hours=1)
    publish_news(actor=editor, news=item, at=later)  # scheduled: nobody told yet
    assert not Notification.objects.filter(topic="news").exists()
    assert announce_due_news(now=later + timedelta(minutes=1)) == 1
    assert announce_due_news(now=later + timedelta(minutes=2)) == 0
    (told,) = Notification.objects.filter(topic="news")
    assert told.recipient == follower and told.url == f"/polotsk/news/{item.pk}/"


def test_the_pages_list_show_and_filter_by_tag(client, editor, city):
    item = publish_news(actor=editor, news=save_news(actor=editor, city=city, draft=draft()))
    other = publish_news(
        actor=editor,
        news=save_news(
            actor=editor,
            city=city,
            draft=draft(title={"ru": "Турнир по мини-футболу"}, tags=["спорт"]),
        ),
    )
    home = client.get("/polotsk/").content.decode()
    assert item.title_ru in home
    tagged = client.get("/polotsk/news/", {"tag": "парки"}).content.decode()
    assert item.title_ru in tagged and other.title_ru not in tagged
    page = client.get(f"/polotsk/news/{item.pk}/").content.decode()
    assert "<strong>открыт</strong>" in page
    draft_item = save_news(actor=editor, city=city, draft=draft())
    assert client.get(f"/polotsk/news/{draft_item.pk}/").status_code == 404


def test_the_news_feeds_carry_the_visible_items(client, editor, city):
    publish_news(actor=editor, news=save_news(actor=editor, city=city, draft=draft()))
    save_news(actor=editor, city=city, draft=draft(title={"ru": "Черновик"}))
    rss = client.get("/polotsk/news.rss").content.decode()
    assert rss.count("<item>") == 1 and "Черновик" not in rss
    assert "<category>парки</category>" in rss
    atom = client.get("/polotsk/news.atom")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert atom.content.decode().count("<entry>") == 1


def test_an_editor_writes_and_schedules_news_in_the_console(client, editor, city):
    client.force_login(editor)
    later = timezone.localtime() + timedelta(days=1)
    response = client.post(
        "/console/polotsk/news/new",
        {
            "title_ru": "Субботник",
            "body_ru": "<p>Приглашаем всех</p>",
            "tags": "благоустройство, субботник",
            "publish_at": later.strftime("%Y-%m-%dT%H:%M"),
            "publish": "1",
            "cover": jpeg(),
        },
    )
    assert response.status_code == 302
    item = News.objects.get()
    assert item.state == "published" and not item.is_visible() and item.cover
    assert sorted(item.tags) == ["благоустройство", "субботник"]


def test_the_api_reads_and_writes_news(client, editor, resident, city):
    import json

    token = issue_api_client(city=city, name="press", user=editor).key
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {"title": {"ru": "Новость"}, "body": {"ru": "<p>Текст<script>x</script></p>"}}
    created = client.post(
        "/api/v1/cities/polotsk/news", json.dumps(body), content_type="application/json", **auth
    )
    assert created.status_code == 201 and created.json()["body_html"] == "<p>Текст</p>"
    news_id = created.json()["id"]
    assert client.get("/api/v1/cities/polotsk/news").json() == []
    client.post(
        f"/api/v1/cities/polotsk/news/{news_id}/publish",
        "{}",
        content_type="application/json",
        **auth,
    )
    assert [n["id"] for n in client.get("/api/v1/cities/polotsk/news").json()] == [news_id]
    assert client.get(f"/api/v1/cities/polotsk/news/{news_id}").json()["title"] == "Новость"
    refused = client.post(
        "/api/v1/cities/polotsk/news",
        json.dumps({"title": {"ru": ""}, "body": {"ru": ""}}),
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 422
    assert {d["field"] for d in refused.json()["details"]} == {"title.ru", "body.ru"}
