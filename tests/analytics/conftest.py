"""Two days counted by hand: 10 and 11 March 2026 in Polotsk (Europe/Minsk, UTC+3).

 #  category executor district channel submitted (UTC) local day
 1  roof     zhes-1   D1       app     10 Mar 08:00    10 Mar
 2  roof     zhes-1   D1       app     10 Mar 20:00    10 Mar
 3  lights   gorsvet  D2       app     10 Mar 21:30    11 Mar (00:30 local)
 4  letter   —        —        post    10 Mar 06:00    10 Mar
 5  roof     zhes-1   D1       app      9 Mar 08:00     9 Mar
 6  heating  zhes-1   D1       app     10 Mar 09:00    10 Mar

What happened (UTC):
 1  accepted by the dispatcher 10:00 (2 h), assigned 11:00, answered 20:30 (23:30 local,
    12.5 h), on time
 2  answered 21:30 = 00:30 on 11 March local (1.5 h): answered on the 11th, on time
 4  redirected 10 Mar 12:00 without an answer, after its deadline (late)
 5  rated 4 on 10 Mar 07:00, reopened 10 Mar 09:00
 6  sent to moderation automatically (no actor: not a first action)
An appeal of Orsha on 10 March is never counted for Polotsk.

10 March: received 4 (1, 2, 4, 6); first actions 1 (#1, within 4 h); answered 1 (#1,
within 24 h); finished 2 (#1 on time, #4 late); reopened 1; ratings 1 (sum 4); reports in
cells 3. 11 March: received 1 (#3); answered 1 (#2, within 4 h); finished 1, on time.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from mycity.accounts.models import RoleKind, User
from mycity.appeals.models import Appeal, AppealEvent, AppealKind, Category, EventKind, Status
from mycity.cities.models import City, District, Organisation
from tests.appeal_fixtures import INSIDE
from tests.conftest import person
from tests.factories import CategoryFactory, DistrictFactory, OrganisationFactory

FAR = datetime(2099, 1, 1, tzinfo=UTC)
TENTH = date(2026, 3, 10)
ELEVENTH = date(2026, 3, 11)
AFTER = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # "now" for the nightly runs


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def make_appeal(
    city: City, number: str, category: Category, submitted: datetime, registered: date, **fields
) -> Appeal:
    point = {"lat": INSIDE[0], "lon": INSIDE[1]} if category.kind == AppealKind.PROBLEM else {}
    values = {
        "kind": category.kind,
        "channel": "app",
        "status": Status.SUBMITTED,
        "description": "Текст обращения",
        "submitted_at": submitted,
        "registered_on": registered,
        "term_start": registered,
        "deadline": FAR,
        **point,
        **fields,
    }
    return Appeal.objects.create(city=city, number=number, category=category, **values)


def event(appeal: Appeal, kind: str, when: datetime, actor: User | None, **fields) -> None:
    AppealEvent.objects.create(appeal=appeal, kind=kind, actor=actor, created_at=when, **fields)


@dataclass
class Days:
    city: City
    zhes: Organisation
    gorsvet: Organisation
    d1: District
    d2: District
    roof: Category
    lights: Category
    letter: Category
    heating: Category
    appeals: dict[int, Appeal]


@pytest.fixture
def days(city, other_city, organisation, resident) -> Days:
    dispatcher = person("dispatcher-a@example.org", RoleKind.DISPATCHER, city=city)
    gorsvet = OrganisationFactory(
        city=city, slug="gorsvet", name_ru="Горсвет", name_en="Street lights"
    )
    d1 = DistrictFactory(city=city, slug="d1", name_ru="Задвинье", name_en="Zadvinye")
    d2 = DistrictFactory(city=city, slug="d2", name_ru="Центр", name_en="Centre")
    housing = CategoryFactory(city=city, slug="housing", name_en="Housing", activity="housing")
    roof = CategoryFactory(
        city=city, slug="roof", parent=housing, name_en="Roof", activity="housing"
    )
    heating = CategoryFactory(
        city=city, slug="heating", parent=housing, name_en="Heating", activity="heating"
    )
    lights = CategoryFactory(city=city, slug="lights", name_en="Street lights", activity="lighting")
    letter = CategoryFactory(
        city=city, slug="letter", kind=AppealKind.E_APPEAL, name_en="Letters", activity="general"
    )
    zhes = organisation
    a = {
        1: make_appeal(city, "2026-00001", roof, utc(10, 8), TENTH, organisation=zhes, district=d1,
                       status="answered", answered_at=utc(10, 20, 30), applicant=resident),
        2: make_appeal(city, "2026-00002", roof, utc(10, 20), TENTH, organisation=zhes, district=d1,
                       status="answered", answered_at=utc(10, 21, 30)),
        3: make_appeal(city, "2026-00003", lights, utc(10, 21, 30), ELEVENTH, organisation=gorsvet,
                       district=d2, status="assigned"),
        4: make_appeal(city, "2026-00004", letter, utc(10, 6), TENTH, channel="post",
                       status="redirected", result="redirected", closed_at=utc(10, 12),
                       deadline=utc(10, 11)),
        5: make_appeal(city, "2026-00005", roof, utc(9, 8), date(2026, 3, 9), organisation=zhes,
                       district=d1, status="reopened", answered_at=utc(9, 15), rating=4,
                       applicant=resident),
        6: make_appeal(city, "2026-00006", heating, utc(10, 9), TENTH, organisation=zhes,
                       district=d1, status="moderation"),
    }  # fmt: skip
    transition = EventKind.TRANSITION
    event(a[1], transition, utc(10, 8), resident, from_status="", to_status="submitted")
    event(a[1], transition, utc(10, 10), dispatcher, from_status="submitted", to_status="accepted")
    event(a[1], transition, utc(10, 11), dispatcher, from_status="accepted", to_status="assigned")
    event(
        a[1], transition, utc(10, 20, 30), dispatcher, from_status="assigned", to_status="answered"
    )
    event(a[5], EventKind.RATED, utc(10, 7), resident, data={"rating": 4})
    event(a[5], transition, utc(10, 9), resident, from_status="closed", to_status="reopened")
    event(a[6], transition, utc(10, 9), None, from_status="submitted", to_status="moderation")
    other = CategoryFactory(city=other_city, slug="roof")
    make_appeal(other_city, "2026-00001", other, utc(10, 8), TENTH, answered_at=utc(10, 9))
    return Days(city, zhes, gorsvet, d1, d2, roof, lights, letter, heating, a)
