"""The appeal generator: what it writes must look like what the services would have
written for the same story."""

import json
from collections import Counter
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from mycity.accounts.models import Role, User
from mycity.appeals.actions.submission import AppealDraft, submit_appeal
from mycity.appeals.deadlines import initial_term
from mycity.appeals.generator import RESIDENT_DOMAIN, generate_appeals
from mycity.appeals.models import (
    CLOSED_STATUSES,
    Answer,
    Appeal,
    AppealCounter,
    AppealEvent,
    AppealKind,
    AppealSearch,
    EventKind,
    MeToo,
    Status,
)
from mycity.appeals.selectors import search_appeals
from mycity.appeals.workflow import RULES, Move
from mycity.cities.calendar import calendar_for
from mycity.cities.models import Building, City
from mycity.cities.selectors import point_in_city
from mycity.core.geo import distance_m
from mycity.demo.loader import (
    DATA_DIR,
    DEMO_DOMAIN,
    DemoReport,
    _geonames,
    load_categories,
    load_city,
    load_users,
)

COUNT = 300


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """Polotsk with its registry, catalogue and staff, and 300 appeals of 90 days."""
    with django_db_blocker.unblock():
        report = DemoReport()
        polotsk = load_city(
            json.loads((DATA_DIR / "polotsk.json").read_text("utf-8")), _geonames(), report
        )
        load_categories(polotsk, report)
        load_users(polotsk, report)
        resident = User.objects.get(email=f"resident@{DEMO_DOMAIN}")
        result = generate_appeals(
            city=polotsk,
            count=COUNT,
            days=90,
            seed=7,
            batch_size=120,  # several batches: numbers and duplicates cross them
            featured_applicant=resident,
            featured_count=6,
        )
    yield result
    with django_db_blocker.unblock():
        Appeal.objects.update(duplicate_of=None)
        Appeal.objects.all().delete()
        City.objects.all().delete()
        Role.objects.all().delete()
        User.objects.all().delete()


def _appeals():
    return Appeal.objects.filter(city__slug="polotsk").select_related("category", "building")


def _timelines() -> dict[int, list[AppealEvent]]:
    timelines: dict[int, list[AppealEvent]] = {}
    for event in AppealEvent.objects.order_by("created_at", "pk"):
        timelines.setdefault(event.appeal_id, []).append(event)
    return timelines


@pytest.mark.django_db
def test_it_writes_the_number_of_appeals_asked_for(generated):
    assert generated.appeals == COUNT == _appeals().count()
    assert generated.events == AppealEvent.objects.count()
    assert generated.answers == Answer.objects.count()


@pytest.mark.django_db
def test_every_appeal_is_in_the_search_index(generated):
    assert AppealSearch.objects.filter(appeal__city__slug="polotsk").count() == COUNT
    light = _appeals().filter(category__slug="street-light-out").first()
    assert light is not None
    found = search_appeals(Appeal.objects.all(), light.number)
    assert list(found.values_list("pk", flat=True)) == [light.pk]


@pytest.mark.django_db
def test_every_appeal_starts_with_its_submission_by_the_applicant(generated):
    timelines = _timelines()
    for appeal in _appeals():
        first = timelines[appeal.pk][0]
        assert (first.kind, first.from_status, first.to_status) == (
            EventKind.TRANSITION,
            "",
            Status.SUBMITTED,
        )
        assert first.actor_id == appeal.applicant_id
        assert first.created_at == appeal.submitted_at


@pytest.mark.django_db
def test_each_status_is_where_the_moves_of_its_events_lead(generated):
    timelines = _timelines()
    for appeal in _appeals():
        status = Status.SUBMITTED
        for event in timelines[appeal.pk][1:]:
            if event.kind != EventKind.TRANSITION:
                continue
            rule = RULES[Move(event.data["move"])]
            assert event.from_status == status, appeal.number
            assert status in rule.sources and event.to_status == rule.target, appeal.number
            status = event.to_status
        assert appeal.status == status, appeal.number


@pytest.mark.django_db
def test_the_version_counts_every_change_after_submission(generated):
    timelines = _timelines()
    for appeal in _appeals():
        changes = [
            e
            for e in timelines[appeal.pk][1:]
            if e.kind in (EventKind.TRANSITION, EventKind.EXTENDED)
        ]
        assert appeal.version == 1 + len(changes)
        assert appeal.updated_at == max(
            e.created_at
            for e in timelines[appeal.pk]
            if e.kind in (EventKind.TRANSITION, EventKind.EXTENDED, EventKind.RATED)
        )


@pytest.mark.django_db
def test_the_mix_of_statuses_has_old_ones_closed_and_new_ones_open(generated):
    now = timezone.now()
    old = Counter(
        _appeals()
        .filter(submitted_at__lt=now - timedelta(days=45))
        .values_list("status", flat=True)
    )
    new = Counter(
        _appeals().filter(submitted_at__gt=now - timedelta(days=3)).values_list("status", flat=True)
    )
    assert old[Status.CLOSED] > sum(old.values()) * 0.7
    assert new[Status.ASSIGNED] + new[Status.IN_PROGRESS] + new[Status.ANSWERED] > 0
    assert not new[Status.CLOSED] > sum(new.values()) / 2
    assert generated.statuses[Status.REJECTED] + generated.statuses[Status.DUPLICATE] > 0


@pytest.mark.django_db
def test_answered_and_closed_appeals_have_an_answer_from_their_organisation(generated):
    for appeal in _appeals().filter(status__in=[Status.ANSWERED, Status.CLOSED]):
        answers = list(Answer.objects.filter(appeal=appeal))
        assert answers, appeal.number
        assert {a.organisation_id for a in answers} == {appeal.organisation_id}
        assert appeal.answered_at == max(a.created_at for a in answers)
        assert answers[0].text.strip()
    assert not Answer.objects.filter(appeal__status__in=[Status.REJECTED, Status.DUPLICATE])


@pytest.mark.django_db
def test_finished_appeals_have_their_closing_time_and_open_ones_none(generated):
    finished = [Status.CLOSED, Status.REJECTED, Status.REDIRECTED, Status.DUPLICATE]
    assert not _appeals().filter(status__in=finished, closed_at__isnull=True).exists()
    assert not _appeals().exclude(status__in=finished).filter(closed_at__isnull=False).exists()
    assert not _appeals().filter(status=Status.REDIRECTED, redirected_to="").exists()
    for duplicate in _appeals().filter(status=Status.DUPLICATE):
        assert duplicate.duplicate_of is not None
        assert duplicate.duplicate_of.submitted_at < duplicate.submitted_at
        assert duplicate.duplicate_of.category_id == duplicate.category_id
        assert AppealEvent.objects.filter(
            appeal=duplicate.duplicate_of, kind=EventKind.MERGED, data__duplicate=duplicate.pk
        ).exists()


@pytest.mark.django_db
def test_numbers_are_unique_per_year_and_the_counter_has_moved_past_them(generated):
    numbers = list(_appeals().values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    calendar = calendar_for(City.objects.get(slug="polotsk"))
    for appeal in Appeal.objects.filter(city__slug="polotsk").only("number", "submitted_at"):
        assert appeal.number.startswith(f"{calendar.local_date(appeal.submitted_at).year}-")
    for year in {number.split("-")[0] for number in numbers}:
        last = AppealCounter.objects.get(city__slug="polotsk", year=int(year)).last
        assert last == max(int(n.split("-")[1]) for n in numbers if n.startswith(f"{year}-"))


@pytest.mark.django_db
def test_a_real_submission_afterwards_gets_the_next_number(generated):
    polotsk = City.objects.get(slug="polotsk")
    year = calendar_for(polotsk).local_date(timezone.now()).year
    counter = AppealCounter.objects.filter(city=polotsk, year=year).first()
    last = counter.last if counter else 0
    building = Building.objects.filter(city=polotsk).order_by("pk").first()
    appeal = submit_appeal(
        applicant=User.objects.get(email=f"resident@{DEMO_DOMAIN}"),
        city=polotsk,
        draft=AppealDraft(
            category_slug="street-light-out",
            description="Не горит фонарь",
            lat=building.lat,
            lon=building.lon,
            consent=True,
        ),
    ).appeal
    assert appeal.number == f"{year}-{last + 1:06d}"


@pytest.mark.django_db
def test_reports_lie_in_the_city_a_few_metres_from_a_real_building_of_their_district(generated):
    polotsk = City.objects.get(slug="polotsk")
    reports = _appeals().filter(kind=AppealKind.PROBLEM)
    assert reports.count() > COUNT * 0.8
    for report in reports:
        assert point_in_city(polotsk, lat=report.lat, lon=report.lon), report.number
        assert report.building is not None
        assert distance_m(report.lat, report.lon, report.building.lat, report.building.lon) < 60
        assert report.district_id == report.building.district_id
        with translation.override("ru"):  # the site's language, as the generator writes it
            assert report.address == str(report.building)


@pytest.mark.django_db
def test_e_appeals_are_never_public_and_carry_the_applicants_particulars(generated):
    e_appeals = _appeals().filter(kind=AppealKind.E_APPEAL)
    assert e_appeals.exists()
    for appeal in e_appeals:
        assert not appeal.is_public
        assert len(appeal.applicant_name.split()) == 3
        assert appeal.applicant_address and appeal.applicant_email
        assert appeal.addressee_id == appeal.category.default_organisation_id
        assert appeal.lat is None


@pytest.mark.django_db
def test_every_ended_appeal_has_its_result_and_e_appeals_are_left_on_a_ground(generated):
    appeals = _appeals()
    for appeal in appeals:
        if appeal.status in (Status.ANSWERED, *CLOSED_STATUSES):
            assert appeal.result, appeal.number
        if appeal.kind == AppealKind.E_APPEAL:
            assert appeal.status != Status.REJECTED, appeal.number
        if appeal.status == Status.NOT_CONSIDERED:
            assert appeal.ground, appeal.number


@pytest.mark.django_db
def test_only_accepted_problem_reports_of_public_categories_are_public(generated):
    accepted = set(
        AppealEvent.objects.filter(to_status=Status.ACCEPTED).values_list("appeal_id", flat=True)
    )
    # As the state machine does: a report turned away, redirected or merged leaves the map.
    gone = CLOSED_STATUSES - {Status.CLOSED}
    for appeal in _appeals():
        expected = (
            appeal.kind == AppealKind.PROBLEM
            and appeal.category.is_public
            and appeal.pk in accepted
            and appeal.status not in gone
        )
        assert appeal.is_public == expected, appeal.number


@pytest.mark.django_db
def test_terms_are_the_categorys_on_the_city_calendar(generated):
    calendar = calendar_for(City.objects.get(slug="polotsk"))
    extended = set(
        AppealEvent.objects.filter(kind=EventKind.EXTENDED).values_list("appeal_id", flat=True)
    )
    for appeal in _appeals():
        term = initial_term(calendar, appeal.category, appeal.submitted_at)
        assert appeal.registered_on == appeal.term_start == term.registered_on
        assert isinstance(appeal.registered_on, date)
        if appeal.pk in extended:
            assert appeal.extended and appeal.deadline > term.deadline
        else:
            assert not appeal.extended and appeal.deadline == term.deadline


@pytest.mark.django_db
def test_me_too_counts_match_the_residents_who_joined(generated):
    for appeal in _appeals():
        joined = MeToo.objects.filter(appeal=appeal)
        assert appeal.me_too_count == joined.count()
        assert not joined.filter(user_id=appeal.applicant_id).exists()


@pytest.mark.django_db
def test_applicants_are_generated_residents_who_cannot_sign_in(generated):
    applicants = User.objects.filter(appeals__city__slug="polotsk").distinct()
    generated_ones = applicants.filter(email__endswith=f"@{RESIDENT_DOMAIN}")
    assert generated_ones.count() > 50
    assert not any(user.has_usable_password() for user in generated_ones)
    assert set(applicants.exclude(email__endswith=f"@{RESIDENT_DOMAIN}")) == {
        User.objects.get(email=f"resident@{DEMO_DOMAIN}")
    }


@pytest.mark.django_db
def test_the_featured_resident_gets_reports_in_several_states(generated):
    mine = _appeals().filter(applicant__email=f"resident@{DEMO_DOMAIN}")
    assert mine.count() == 6
    assert len(set(mine.values_list("status", flat=True))) >= 4
    assert not mine.filter(applicant_name="").exists()


@pytest.mark.django_db
def test_staff_act_on_appeals_as_the_demo_roles(generated):
    dispatcher = User.objects.get(email=f"dispatcher@{DEMO_DOMAIN}")
    assigned_by_hand = AppealEvent.objects.filter(
        to_status=Status.ASSIGNED, data__routed__isnull=True
    )
    assert set(assigned_by_hand.values_list("actor_id", flat=True)) <= {dispatcher.pk}
    routed = AppealEvent.objects.filter(to_status=Status.ASSIGNED, data__routed=True)
    assert routed.exists()
    assert not routed.filter(actor__isnull=False).exists()
