"""The matrix of `may(user, action, target)`."""

import pytest

from mycity.accounts.permissions import Action, Scope, may
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        ("resident", set()),
        (
            "dispatcher",
            {
                Action.USE_CONSOLE,
                Action.DISPATCH,
                Action.EXECUTE,
                Action.REGISTER_APPEALS,
                Action.READ_REPORTS,
                Action.CONTROL_APPEALS,
            },
        ),
        ("moderator", {Action.USE_CONSOLE, Action.MODERATE}),
        (
            "city_admin",
            {
                Action.USE_CONSOLE,
                Action.EDIT_CITY,
                Action.EDIT_CALENDAR,
                Action.GRANT_ROLES,
                Action.READ_AUDIT,
                Action.READ_REPORTS,
                Action.HANDLE_PERSONAL_DATA,
                Action.MANAGE_WEBHOOKS,
                Action.LINK_OWN_SYSTEM,
            },
        ),
        ("platform_admin", set(Action)),
    ],
)
def test_each_city_role_grants_its_actions_in_its_city(request, city, actor, allowed):
    user = request.getfixturevalue(actor)
    assert {action for action in Action if may(user, action, city)} == allowed


def test_an_executor_works_only_for_its_own_organisation(city, organisation, executor):
    assert may(executor, Action.EXECUTE, organisation)
    assert may(executor, Action.USE_CONSOLE, organisation)
    sibling = OrganisationFactory(city=city)
    assert not may(executor, Action.EXECUTE, sibling)
    assert not may(executor, Action.EXECUTE, city)
    assert not may(executor, Action.DISPATCH, organisation)


def test_a_head_connects_only_their_own_organisations_system(city, organisation):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    head = person("head@example.org", RoleKind.HEAD, organisation=organisation)
    assert may(head, Action.LINK_OWN_SYSTEM, organisation)
    assert not may(head, Action.LINK_OWN_SYSTEM, OrganisationFactory(city=city))
    assert not may(head, Action.LINK_OWN_SYSTEM, city)


def test_an_object_of_the_organisation_is_in_the_executors_scope(city, organisation, executor):
    assert may(executor, Action.EXECUTE, Scope(city_id=city.pk, organisation_id=organisation.pk))
    assert not may(executor, Action.EXECUTE, Scope(city_id=city.pk, organisation_id=None))


def test_staff_of_one_city_can_do_nothing_in_another(
    other_city, other_organisation, dispatcher, city_admin, executor
):
    for user in (dispatcher, city_admin, executor):
        assert not any(may(user, action, other_city) for action in Action)
        assert not any(may(user, action, other_organisation) for action in Action)


def test_an_executor_of_another_city_can_do_nothing_here(
    city, organisation, executor_of_other_city
):
    assert not any(may(executor_of_other_city, a, organisation) for a in Action)


def test_the_platform_admin_may_everything_everywhere(platform_admin, other_city, organisation):
    assert all(may(platform_admin, a, other_city) for a in Action)
    assert all(may(platform_admin, a, organisation) for a in Action)


def test_anonymous_and_inactive_users_may_nothing(city, dispatcher):
    from django.contrib.auth.models import AnonymousUser

    assert not any(may(AnonymousUser(), a, city) for a in Action)
    dispatcher.is_active = False
    assert not any(may(dispatcher, a, city) for a in Action)


def test_roles_are_read_once_per_user_object(city, dispatcher, django_assert_num_queries):
    dispatcher.__dict__.pop("_mycity_roles", None)
    with django_assert_num_queries(1):
        for action in Action:
            may(dispatcher, action, city)
