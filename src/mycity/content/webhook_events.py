"""What a notice's webhook says: a published notice is public, so every endpoint of
the city that asked for it (the city's and each organisation's) gets the same public
fields."""

from typing import Any

from mycity.content.models import Notice
from mycity.notify.text import absolute_url
from mycity.webhooks.events import Audience, EventType
from mycity.webhooks.services import emit


def on_published(notice: Notice) -> None:
    emit(
        city_id=notice.city_id,
        event_type=EventType.NOTICE_PUBLISHED,
        data_for=lambda audience: notice_data(notice, audience),
        dedupe_key=f"notice-published:{notice.pk}",
        every_organisation=True,
    )


def notice_data(notice: Notice, audience: Audience) -> dict[str, Any]:
    slug = notice.city.slug
    return {
        "id": notice.pk,
        "city": slug,
        "kind": notice.kind,
        "is_emergency": notice.is_emergency,
        "title": {"ru": notice.title_ru, "be": notice.title_be, "en": notice.title_en},
        "reason": {"ru": notice.reason_ru, "be": notice.reason_be, "en": notice.reason_en},
        "starts_at": notice.starts_at,
        "ends_at": notice.ends_at,
        "published_at": notice.published_at,
        "area": notice.area,
        "url": absolute_url(f"/{slug}/notices/{notice.pk}/"),
        "api_url": absolute_url(f"/api/v1/cities/{slug}/notices/{notice.pk}"),
    }
