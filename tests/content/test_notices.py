"""Notices of outages and works: which buildings they affect, "does it affect my
address", and the mistakes an editor can make."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from mycity.content import selectors
from mycity.content.errors import InvalidNotice, NoticeStateError
from mycity.content.models import AffectedBuilding, Notice, NoticeState
from mycity.content.services import (
    AddressLine,
    publish_notice,
    save_notice,
    withdraw_notice,
)
from tests.content.conftest import draft, house
from tests.factories import BuildingFactory, StreetFactory

pytestmark = pytest.mark.django_db


def affected_numbers(notice):
    rows = AffectedBuilding.objects.filter(notice=notice).select_related("building")
    return sorted((r.building.number for r in rows), key=lambda n: (int(n.rstrip("А")), n))


def test_a_whole_street_affects_every_house_on_it(editor, city, street, other_building):
    notice = save_notice(
        actor=editor, city=city, draft=draft(addresses=[AddressLine(street_id=street.pk)])
    )
    assert len(affected_numbers(notice)) == 13
    assert notice.state == NoticeState.DRAFT and notice.created_by == editor


def test_a_range_of_odd_numbers_affects_only_those_houses(editor, city, street):
    line = AddressLine(street_id=street.pk, number_from=3, number_to=9, parity="odd")
    notice = save_notice(actor=editor, city=city, draft=draft(addresses=[line]))
    # 5А shares 5's place in the range and its parity.
    assert affected_numbers(notice) == ["3", "5", "5А", "7", "9"]


def test_an_even_range_and_a_single_building_add_up(editor, city, street, other_building):
    lines = [
        AddressLine(street_id=street.pk, number_from=10, parity="even"),
        AddressLine(building_id=other_building.pk),
    ]
    notice = save_notice(actor=editor, city=city, draft=draft(addresses=lines))
    assert set(affected_numbers(notice)) == {"10", "12", other_building.number}


def test_a_drawn_area_affects_the_buildings_inside_it(editor, city):
    inside = BuildingFactory(street__city=city, lat=55.4860, lon=28.7690)
    BuildingFactory(street__city=city, lat=55.4990, lon=28.7690)  # 1.4 km north
    area = {
        "type": "Polygon",
        "coordinates": [
            [[28.768, 55.485], [28.77, 55.485], [28.77, 55.487], [28.768, 55.487], [28.768, 55.485]]
        ],
    }
    notice = save_notice(actor=editor, city=city, draft=draft(area=area))
    assert list(notice.affected.values_list("building_id", flat=True)) == [inside.pk]


def test_a_resident_learns_whether_their_address_is_affected(editor, city, street):
    line = AddressLine(street_id=street.pk, number_from=1, number_to=4)
    notice = publish_notice(
        actor=editor, notice=save_notice(actor=editor, city=city, draft=draft(addresses=[line]))
    )
    assert selectors.notices_affecting(house(street, "2")) == [notice]
    assert selectors.notices_affecting(house(street, "7")) == []


def test_only_published_notices_not_yet_over_affect_an_address(editor, city, street):
    building = house(street, "1")
    lines = [AddressLine(building_id=building.pk)]
    past = timezone.now() - timedelta(days=3)
    ended = save_notice(
        actor=editor,
        city=city,
        draft=draft(addresses=lines, starts_at=past, ends_at=past + timedelta(hours=2)),
    )
    open_ended = save_notice(
        actor=editor, city=city, draft=draft(addresses=lines, starts_at=past, ends_at=None)
    )
    save_notice(actor=editor, city=city, draft=draft(addresses=lines))  # a draft
    withdrawn = save_notice(actor=editor, city=city, draft=draft(addresses=lines))
    for notice in (ended, open_ended, withdrawn):
        publish_notice(actor=editor, notice=notice)
    withdraw_notice(actor=editor, notice=withdrawn)
    assert selectors.notices_affecting(building) == [open_ended]
    assert list(selectors.notices_of(city)) == [open_ended]


def test_changing_a_published_notice_moves_its_buildings(editor, city, street):
    notice = save_notice(
        actor=editor,
        city=city,
        draft=draft(addresses=[AddressLine(building_id=house(street, "1").pk)]),
    )
    publish_notice(actor=editor, notice=notice)
    notice.refresh_from_db()
    save_notice(
        actor=editor,
        city=city,
        notice=notice,
        draft=draft(addresses=[AddressLine(building_id=house(street, "2").pk)]),
    )
    assert selectors.notices_affecting(house(street, "1")) == []
    assert selectors.notices_affecting(house(street, "2")) == [notice]
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED


def problems_of(exc_info) -> dict[str, str]:
    return {d["field"]: d["message"] for d in exc_info.value.as_dict()["details"]}


def test_an_end_before_the_start_is_refused_and_nothing_is_stored(editor, city, street):
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(InvalidNotice) as refused:
        save_notice(
            actor=editor,
            city=city,
            draft=draft(
                starts_at=start,
                ends_at=start - timedelta(hours=1),
                addresses=[AddressLine(street_id=street.pk)],
            ),
        )
    assert refused.value.status == 422
    assert "ends_at" in problems_of(refused)
    assert not Notice.objects.exists() and not AffectedBuilding.objects.exists()


def test_the_database_itself_refuses_an_end_before_the_start(city):
    start = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.create(
            city=city, kind="gas", title_ru="x", starts_at=start, ends_at=start - timedelta(1)
        )


def test_addresses_of_another_city_are_refused(editor, city, other_city):
    elsewhere = BuildingFactory(street=StreetFactory(city=other_city))
    with pytest.raises(InvalidNotice) as refused:
        save_notice(
            actor=editor,
            city=city,
            draft=draft(
                addresses=[
                    AddressLine(building_id=elsewhere.pk),
                    AddressLine(street_id=elsewhere.street_id),
                ]
            ),
        )
    assert set(problems_of(refused)) == {"addresses[0]", "addresses[1]"}
    assert not Notice.objects.exists()


def test_an_area_outside_the_city_is_refused(editor, city):
    far = [[30.0, 53.0], [30.1, 53.0], [30.1, 53.1], [30.0, 53.1], [30.0, 53.0]]
    with pytest.raises(InvalidNotice) as refused:
        save_notice(
            actor=editor, city=city, draft=draft(area={"type": "Polygon", "coordinates": [far]})
        )
    assert set(problems_of(refused)) == {"area"}
    assert not Notice.objects.exists()


def test_a_notice_needs_a_russian_title_a_kind_and_some_place(editor, city):
    with pytest.raises(InvalidNotice) as refused:
        save_notice(actor=editor, city=city, draft=draft(kind="floods", title={"en": "Water"}))
    assert set(problems_of(refused)) == {"kind", "title.ru", "addresses"}


def test_only_the_citys_editors_write_notices(resident, city, other_city, street):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    orsha_editor = person("editor@orsha.example.org", RoleKind.EDITOR, city=other_city)
    for actor in (resident, orsha_editor):
        with pytest.raises(PermissionDenied):
            save_notice(
                actor=actor, city=city, draft=draft(addresses=[AddressLine(street_id=street.pk)])
            )


def test_a_notice_is_published_once_and_a_withdrawn_one_stays_withdrawn(editor, city, street):
    notice = save_notice(
        actor=editor, city=city, draft=draft(addresses=[AddressLine(street_id=street.pk)])
    )
    publish_notice(actor=editor, notice=notice)
    with pytest.raises(NoticeStateError):
        publish_notice(actor=editor, notice=notice)
    withdraw_notice(actor=editor, notice=notice)
    notice.refresh_from_db()
    with pytest.raises(NoticeStateError):
        save_notice(
            actor=editor,
            city=city,
            notice=notice,
            draft=draft(addresses=[AddressLine(street_id=street.pk)]),
        )
