"""Every role against every move and every read of an appeal."""

import pytest

from mycity.accounts.models import RoleKind
from mycity.appeals.access import Audience, audience_of, sees_applicant
from mycity.appeals.models import Appeal, Status
from mycity.appeals.workflow import Move, moves_for
from tests.appeal_fixtures import submit_report
from tests.conftest import person
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "applicant",
    "other_resident",
    "dispatcher",
    "dispatcher_of_other_city",
    "executor",
    "executor_of_other_organisation",
    "executor_of_other_city",
    "moderator",
    "editor",
    "city_admin",
    "platform_admin",
]


@pytest.fixture
def people(city, other_city, organisation, other_organisation, resident):
    from django.contrib.auth.models import AnonymousUser

    other_org = OrganisationFactory(city=city, slug="zheu-2")
    return {
        "anonymous": AnonymousUser(),
        "applicant": resident,
        "other_resident": person("r2@example.org", RoleKind.RESIDENT, city=city),
        "dispatcher": person("d@example.org", RoleKind.DISPATCHER, city=city),
        "dispatcher_of_other_city": person("d2@example.org", RoleKind.DISPATCHER, city=other_city),
        "executor": person("e@example.org", RoleKind.EXECUTOR, organisation=organisation),
        "executor_of_other_organisation": person(
            "e2@example.org", RoleKind.EXECUTOR, organisation=other_org
        ),
        "executor_of_other_city": person(
            "e3@example.org", RoleKind.EXECUTOR, organisation=other_organisation
        ),
        "moderator": person("m@example.org", RoleKind.MODERATOR, city=city),
        "editor": person("ed@example.org", RoleKind.EDITOR, city=city),
        "city_admin": person("ca@example.org", RoleKind.CITY_ADMIN, city=city),
        "platform_admin": person("pa@example.org", RoleKind.PLATFORM_ADMIN),
    }


STAFF_EXECUTING = {"executor", "dispatcher", "platform_admin"}
DISPATCHING = {"dispatcher", "platform_admin"}

# (move, the status it starts from) → who may make it.
MATRIX = [
    (Move.ACCEPT, Status.SUBMITTED, DISPATCHING),
    (Move.APPROVE, Status.MODERATION, DISPATCHING | {"moderator"}),
    (Move.REJECT, Status.MODERATION, DISPATCHING | {"moderator"}),
    (Move.REJECT, Status.ACCEPTED, DISPATCHING),
    (Move.ASSIGN, Status.ACCEPTED, DISPATCHING),
    (Move.ASSIGN, Status.REOPENED, DISPATCHING),
    (Move.REDIRECT, Status.ACCEPTED, DISPATCHING),
    (Move.MERGE, Status.ASSIGNED, DISPATCHING),
    (Move.START, Status.ASSIGNED, STAFF_EXECUTING),
    (Move.RETURN, Status.IN_PROGRESS, STAFF_EXECUTING),
    (Move.ANSWER, Status.IN_PROGRESS, STAFF_EXECUTING),
    (Move.CLOSE, Status.ANSWERED, DISPATCHING | {"applicant"}),
    (Move.REOPEN, Status.ANSWERED, {"applicant"}),
    (Move.REOPEN, Status.CLOSED, {"applicant"}),
]


def appeal_in(status: Status, resident, category, organisation) -> Appeal:
    appeal = submit_report(resident, category, extra={"entrance": 1})
    Appeal.objects.filter(pk=appeal.pk).update(status=status, organisation=organisation)
    return Appeal.objects.select_related("city", "category").get(pk=appeal.pk)


@pytest.mark.parametrize(("move", "status", "allowed_roles"), MATRIX)
def test_who_may_make_each_move(
    people, resident, leaking_roof, organisation, move, status, allowed_roles
):
    appeal = appeal_in(status, resident, leaking_roof, organisation)
    may_move = {role for role in ROLES if move in moves_for(people[role], appeal)}
    assert may_move == allowed_roles


@pytest.mark.parametrize("status", [Status.CLOSED, Status.REJECTED, Status.DUPLICATE])
def test_nobody_moves_a_finished_appeal_except_the_applicant_reopening(
    people, resident, leaking_roof, organisation, status
):
    appeal = appeal_in(status, resident, leaking_roof, organisation)
    for role in ROLES:
        moves = set(moves_for(people[role], appeal))
        assert moves <= {Move.REOPEN}, (role, moves)


PUBLIC_REPORT_AUDIENCE = {
    "anonymous": Audience.PUBLIC,
    "applicant": Audience.APPLICANT,
    "other_resident": Audience.PUBLIC,
    "dispatcher": Audience.STAFF,
    "dispatcher_of_other_city": Audience.PUBLIC,
    "executor": Audience.STAFF,
    "executor_of_other_organisation": Audience.PUBLIC,
    "executor_of_other_city": Audience.PUBLIC,
    "moderator": Audience.PUBLIC,  # handles it only while it waits in moderation
    "editor": Audience.PUBLIC,
    "city_admin": Audience.PUBLIC,
    "platform_admin": Audience.STAFF,
}


def test_who_sees_what_of_a_public_report(people, resident, leaking_roof, organisation):
    appeal = appeal_in(Status.ASSIGNED, resident, leaking_roof, organisation)
    Appeal.objects.filter(pk=appeal.pk).update(is_public=True)
    appeal.refresh_from_db()
    assert {role: audience_of(people[role], appeal) for role in ROLES} == PUBLIC_REPORT_AUDIENCE


def test_who_sees_a_private_appeal_at_all(people, resident, leaking_roof, organisation):
    appeal = appeal_in(Status.ASSIGNED, resident, leaking_roof, organisation)
    Appeal.objects.filter(pk=appeal.pk).update(is_public=False)
    appeal.refresh_from_db()
    seen = {role for role in ROLES if audience_of(people[role], appeal) is not None}
    assert seen == {"applicant", "dispatcher", "executor", "platform_admin"}


def test_a_moderator_handles_an_appeal_only_while_moderating_and_never_sees_the_applicant(
    people, resident, leaking_roof, organisation
):
    appeal = appeal_in(Status.MODERATION, resident, leaking_roof, None)
    Appeal.objects.filter(pk=appeal.pk).update(is_public=False)
    appeal.refresh_from_db()
    assert audience_of(people["moderator"], appeal) == Audience.STAFF
    assert not sees_applicant(people["moderator"], appeal)
    assert sees_applicant(people["dispatcher"], appeal)
    Appeal.objects.filter(pk=appeal.pk).update(status=Status.ACCEPTED)
    appeal.refresh_from_db()
    assert audience_of(people["moderator"], appeal) is None


def test_an_inactive_staff_member_sees_nothing_private(
    people, resident, leaking_roof, organisation
):
    appeal = appeal_in(Status.ASSIGNED, resident, leaking_roof, organisation)
    Appeal.objects.filter(pk=appeal.pk).update(is_public=False)
    appeal.refresh_from_db()
    dispatcher = people["dispatcher"]
    dispatcher.is_active = False
    dispatcher.save()
    assert audience_of(dispatcher, appeal) is None
    assert moves_for(dispatcher, appeal) == []


def test_a_resident_who_is_not_the_applicant_cannot_reopen(resident, leaking_roof, organisation):
    appeal = appeal_in(Status.ANSWERED, resident, leaking_roof, organisation)
    assert Move.REOPEN not in moves_for(UserFactory(email="x@example.org"), appeal)
