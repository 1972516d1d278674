"""A month of appeals counted by hand: March 2026 in Polotsk.

Twelve appeals registered in March (three channels, two executors and one without,
two districts and none, every result, each way of keeping or missing the term), one
just before and one just after the month, one in another city. `DEADLINE_PASSED` is
long gone by the time the tests run; `FAR` is far ahead, so the figures do not depend
on the day the tests run.

 #  channel   executor  district  subject   status          result          term
 1  app       zhes-1    D1        roof      closed          satisfied       on time
 2  app       zhes-1    D1        roof      answered        explained       late
 3  app       zhes-1    D2        heating   closed          refused         on time
 4  app       gorsvet   D2        lights    in_progress     —               overdue
 5  app       gorsvet   D1        lights    assigned        —               in term
 6  post      zhes-1    —         letter    not_considered  not_considered  on time
 7  post      —         —         letter    redirected      redirected      late
 8  post      gorsvet   D1        letter    withdrawn       withdrawn       on time
 9  national  zhes-1    D2        letter    closed          thanks          on time
10  national  gorsvet   D2        letter    duplicate       duplicate       on time
11  app       —         D1        heating   submitted       —               in term
12  national  zhes-1    —         letter    assigned        —               overdue
Letters (the e-appeals, 6–10, 12) are registered by the department `uzhkh`.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from mycity.accounts.models import RoleKind, User
from mycity.appeals.models import (
    Answer,
    Appeal,
    AppealEvent,
    AppealKind,
    Category,
    EventKind,
    Status,
)
from mycity.cities.models import City, District, Organisation
from tests.appeal_fixtures import INSIDE
from tests.conftest import person
from tests.factories import CategoryFactory, DistrictFactory, OrganisationFactory

DEADLINE_PASSED = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)
FAR = datetime(2099, 1, 1, tzinfo=UTC)
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


def at(day: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, 9, 0, tzinfo=UTC)


def make_appeal(city: City, number: str, category: Category, registered: date, **fields) -> Appeal:
    """A row as the services leave it, with the result set directly."""
    point = {"lat": INSIDE[0], "lon": INSIDE[1]} if category.kind == AppealKind.PROBLEM else {}
    values = {
        "kind": category.kind,
        "channel": "app",
        "status": Status.SUBMITTED,
        "description": "Текст обращения",
        "submitted_at": datetime(registered.year, registered.month, registered.day, 8, tzinfo=UTC),
        "registered_on": registered,
        "term_start": registered,
        "deadline": DEADLINE_PASSED,
        **point,
        **fields,
    }
    return Appeal.objects.create(city=city, number=number, category=category, **values)


@dataclass
class March:
    city: City
    zhes: Organisation
    gorsvet: Organisation
    department: Organisation
    d1: District
    d2: District
    appeals: dict[int, Appeal]
    dispatcher: User
    executor: User
    head: User
    resident: User


@pytest.fixture
def head(organisation) -> User:
    return person("head@example.org", RoleKind.HEAD, organisation=organisation)


@pytest.fixture
def march(city, organisation, department, dispatcher, executor, head, resident) -> March:
    gorsvet = OrganisationFactory(
        city=city, slug="gorsvet", name_ru="Горсвет", name_be="Гарсвет", name_en="Street lights"
    )
    d1 = DistrictFactory(city=city, slug="d1", name_ru="Задвинье", name_en="Zadvinye")
    d2 = DistrictFactory(city=city, slug="d2", name_ru="Центр", name_en="Centre")
    housing = CategoryFactory(city=city, slug="housing", name_en="Housing", display_order=1)
    roof = CategoryFactory(city=city, slug="roof", parent=housing, name_en="Roof", display_order=1)
    heating = CategoryFactory(
        city=city, slug="heating", parent=housing, name_en="Heating", display_order=2
    )
    lighting = CategoryFactory(city=city, slug="lighting", name_en="Lighting", display_order=2)
    lights = CategoryFactory(city=city, slug="lights", parent=lighting, name_en="Street lights")
    letter = CategoryFactory(
        city=city, slug="letter", kind=AppealKind.E_APPEAL, name_en="Letters", display_order=3
    )
    zhes = organisation
    staff = {"registrar": department}
    rows = {
        1: (roof, {"organisation": zhes, "district": d1, "status": "closed",
                   "result": "satisfied", "answered_at": at(10), "closed_at": at(12)}),
        2: (roof, {"organisation": zhes, "district": d1, "status": "answered",
                   "result": "explained", "answered_at": at(25)}),
        3: (heating, {"organisation": zhes, "district": d2, "status": "closed",
                      "result": "refused", "answered_at": at(12), "closed_at": at(12)}),
        4: (lights, {"organisation": gorsvet, "district": d2, "status": "in_progress"}),
        5: (lights, {"organisation": gorsvet, "district": d1, "status": "assigned",
                     "deadline": FAR}),
        6: (letter, {"channel": "post", **staff, "organisation": zhes,
                     "status": "not_considered", "result": "not_considered",
                     "closed_at": at(5)}),
        7: (letter, {"channel": "post", **staff, "status": "redirected",
                     "result": "redirected", "closed_at": at(25)}),
        8: (letter, {"channel": "post", **staff, "organisation": gorsvet, "district": d1,
                     "status": "withdrawn", "result": "withdrawn", "closed_at": at(6)}),
        9: (letter, {"channel": "national", **staff, "organisation": zhes, "district": d2,
                     "status": "closed", "result": "thanks", "answered_at": at(8),
                     "closed_at": at(9)}),
        10: (letter, {"channel": "national", **staff, "organisation": gorsvet, "district": d2,
                      "status": "duplicate", "result": "duplicate", "closed_at": at(4)}),
        11: (heating, {"district": d1, "status": "submitted", "deadline": FAR}),
        12: (letter, {"channel": "national", **staff, "organisation": zhes,
                      "status": "assigned"}),
    }  # fmt: skip
    appeals = {
        n: make_appeal(city, f"2026-{n:05d}", category, date(2026, 3, n + 1), **fields)
        for n, (category, fields) in rows.items()
    }
    # Just outside the month, on either side, and in another city.
    appeals[13] = make_appeal(
        city, "2026-00013", roof, date(2026, 2, 28), organisation=zhes, status="closed",
        result="satisfied", answered_at=at(27, 2), closed_at=at(27, 2), deadline=at(28, 2),
    )  # fmt: skip
    appeals[14] = make_appeal(
        city, "2026-00014", lights, date(2026, 4, 1), organisation=gorsvet,
        status="in_progress", deadline=FAR,
    )  # fmt: skip

    # The officials' work: answers and status moves, some outside March.
    def answer(n: int, author: User, when: datetime) -> None:
        Answer.objects.create(
            appeal=appeals[n], organisation=zhes, author=author, text="Ответ", created_at=when
        )

    def move(n: int, actor: User, when: datetime, kind: str = EventKind.TRANSITION) -> None:
        AppealEvent.objects.create(
            appeal=appeals[n], kind=kind, actor=actor, created_at=when,
            from_status="submitted", to_status="accepted",
        )  # fmt: skip

    answer(1, executor, at(10))  # on time
    answer(2, executor, at(25))  # late
    answer(3, executor, at(12))  # on time
    answer(13, executor, at(27, 2))  # before March
    answer(9, head, at(8))  # on time
    for n in (4, 5, 11):
        move(n, dispatcher, at(3))
    move(4, dispatcher, at(2, 4))  # after March
    move(4, dispatcher, at(3), kind=EventKind.ASSIGNED)  # not a status move
    move(1, executor, at(9))
    move(2, executor, at(20))
    move(8, resident, at(6))  # the applicant withdrew it: not staff work
    return March(
        city=city,
        zhes=zhes,
        gorsvet=gorsvet,
        department=department,
        d1=d1,
        d2=d2,
        appeals=appeals,
        dispatcher=dispatcher,
        executor=executor,
        head=head,
        resident=resident,
    )


@pytest.fixture
def elsewhere(other_city, march) -> Appeal:
    category = CategoryFactory(city=other_city, slug="roof")
    return make_appeal(other_city, "2026-00001", category, date(2026, 3, 10), status="closed")
