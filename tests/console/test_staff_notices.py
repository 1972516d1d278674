"""Staff notifications: a new assignment, a reopened appeal, a term ending on the next
working day; the header's unread count and the notifications page."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.moves import (
    answer_appeal,
    assign_appeal,
    disagree_with_answer,
    start_work,
)
from mycity.appeals.errors import StaleAppeal
from mycity.appeals.models import Appeal
from mycity.appeals.staff_notices import (
    TOPIC_ASSIGNED,
    TOPIC_DUE_TOMORROW,
    TOPIC_REOPENED,
    notify_due_tomorrow,
)
from mycity.notify.models import Delivery, Notification
from mycity.notify.services import notify
from tests.appeal_fixtures import submit_report
from tests.conftest import person
from tests.factories import CategoryFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
MINSK = ZoneInfo("Europe/Minsk")
# Friday 17 April 2026: the weekend, Monday 20 April (a day off by transfer) and
# Tuesday 21 April (Radunitsa) follow; Wednesday 22 April is the next working day.
FRIDAY_MORNING = datetime(2026, 4, 17, 10, 0, tzinfo=MINSK)


def end_of(day: int) -> datetime:
    return datetime(2026, 4, day, 23, 59, 59, tzinfo=MINSK)


def notices(user, topic):
    return list(Notification.objects.filter(recipient=user, topic=topic))


@pytest.fixture
def gas_service(city):
    return OrganisationFactory(city=city, slug="gorgaz", activities=["gas"], name_en="Gas service")


@pytest.fixture
def gas_executor(gas_service):
    return person("gas@example.org", RoleKind.EXECUTOR, organisation=gas_service)


@pytest.fixture
def unrouted(resident, city):
    """A report no organisation's activity covers: it waits for the dispatcher."""
    return submit_report(resident, CategoryFactory(city=city, slug="gas", activity="gas-leak"))


def due_on(appeal, deadline):
    Appeal.objects.filter(pk=appeal.pk).update(deadline=deadline)
    return appeal


# --- a new assignment -----------------------------------------------------------------


def test_a_routed_submission_notifies_the_organisations_executors(executor, resident, leaking_roof):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    [notice] = notices(executor, TOPIC_ASSIGNED)
    assert appeal.number in notice.subject
    assert notice.url == reverse(
        "console:card", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk}
    )
    assert notice.data["appeal"] == appeal.pk


def test_the_dispatchers_routing_notifies_the_chosen_organisations_executors(
    dispatcher, gas_service, gas_executor, unrouted
):
    assign_appeal(actor=dispatcher, appeal=unrouted, organisation=gas_service)
    [notice] = notices(gas_executor, TOPIC_ASSIGNED)
    assert unrouted.number in notice.body


def test_executors_of_other_organisations_are_not_notified(
    executor, dispatcher, gas_service, unrouted
):
    assign_appeal(actor=dispatcher, appeal=unrouted, organisation=gas_service)
    assert notices(executor, TOPIC_ASSIGNED) == []


def test_a_refused_assignment_notifies_nobody(dispatcher, gas_service, gas_executor, unrouted):
    with pytest.raises(StaleAppeal):
        assign_appeal(
            actor=dispatcher,
            appeal=unrouted,
            organisation=gas_service,
            expected_version=unrouted.version - 1,
        )
    assert notices(gas_executor, TOPIC_ASSIGNED) == []


def test_an_assignment_notice_is_in_app_only(
    django_capture_on_commit_callbacks, executor, resident, leaking_roof
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_report(resident, leaking_roof, extra={"entrance": 1})
    [notice] = notices(executor, TOPIC_ASSIGNED)
    assert notice.in_app
    assert not Delivery.objects.filter(notification=notice).exists()
    assert all(executor.email not in message.to for message in mail.outbox)


def test_the_notice_names_things_in_the_executors_language(
    dispatcher, gas_service, gas_executor, unrouted
):
    gas_executor.language = "en"
    gas_executor.save(update_fields=["language"])
    assign_appeal(actor=dispatcher, appeal=unrouted, organisation=gas_service)
    [notice] = notices(gas_executor, TOPIC_ASSIGNED)
    assert "Gas service" in notice.body


def test_a_reassignment_notifies_again(dispatcher, gas_service, gas_executor, unrouted):
    assign_appeal(actor=dispatcher, appeal=unrouted, organisation=gas_service)
    assign_appeal(actor=dispatcher, appeal=unrouted, organisation=gas_service)
    assert len(notices(gas_executor, TOPIC_ASSIGNED)) == 2


# --- a reopened appeal ---------------------------------------------------------------


@pytest.fixture
def answered(executor, resident, leaking_roof):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    start_work(actor=executor, appeal=appeal)
    answer_appeal(actor=executor, appeal=appeal, text="Кровля отремонтирована.")
    return Appeal.objects.select_related("city", "category", "organisation").get(pk=appeal.pk)


def test_a_disagreement_notifies_the_citys_dispatchers(dispatcher, resident, answered):
    disagree_with_answer(actor=resident, appeal=answered, reason="Всё ещё течёт")
    [notice] = notices(dispatcher, TOPIC_REOPENED)
    assert answered.number in notice.subject


def test_dispatchers_of_another_city_are_not_told_of_a_reopened_appeal(
    other_city, resident, answered
):
    stranger = person("d@orsha.example.org", RoleKind.DISPATCHER, city=other_city)
    disagree_with_answer(actor=resident, appeal=answered, reason="Всё ещё течёт")
    assert notices(stranger, TOPIC_REOPENED) == []


def test_a_disagreement_out_of_time_notifies_nobody(dispatcher, resident, answered):
    from mycity.appeals.errors import DisagreementWindowClosed

    Appeal.objects.filter(pk=answered.pk).update(answered_at=timezone.now() - timedelta(days=60))
    answered.refresh_from_db()
    with pytest.raises(DisagreementWindowClosed):
        disagree_with_answer(actor=resident, appeal=answered, reason="Поздно")
    assert notices(dispatcher, TOPIC_REOPENED) == []


# --- due tomorrow -------------------------------------------------------------------


@pytest.fixture
def assigned(executor, resident, leaking_roof):
    return submit_report(resident, leaking_roof, extra={"entrance": 1})


def test_due_tomorrow_notifies_the_executors_of_an_appeal_due_on_the_next_working_day(
    executor, assigned
):
    due_on(assigned, end_of(22))
    assert notify_due_tomorrow(now=FRIDAY_MORNING) == 1
    [notice] = notices(executor, TOPIC_DUE_TOMORROW)
    assert assigned.number in notice.subject


def test_due_tomorrow_covers_the_days_off_before_the_next_working_day(executor, assigned):
    due_on(assigned, end_of(20))  # Monday, off by transfer
    assert notify_due_tomorrow(now=FRIDAY_MORNING) == 1


def test_due_tomorrow_leaves_out_appeals_due_today(executor, assigned):
    due_on(assigned, end_of(17))
    assert notify_due_tomorrow(now=FRIDAY_MORNING) == 0


def test_due_tomorrow_leaves_out_appeals_due_after_the_next_working_day(executor, assigned):
    due_on(assigned, end_of(23))
    assert notify_due_tomorrow(now=FRIDAY_MORNING) == 0


def test_due_tomorrow_leaves_out_answered_appeals(executor, assigned):
    start_work(actor=executor, appeal=assigned)
    answer_appeal(actor=executor, appeal=assigned, text="Готово.")
    due_on(assigned, end_of(22))
    assert notify_due_tomorrow(now=FRIDAY_MORNING) == 0


def test_due_tomorrow_tells_each_executor_once_a_day(executor, assigned):
    due_on(assigned, end_of(22))
    notify_due_tomorrow(now=FRIDAY_MORNING)
    assert notify_due_tomorrow(now=FRIDAY_MORNING + timedelta(hours=3)) == 0
    assert len(notices(executor, TOPIC_DUE_TOMORROW)) == 1


def test_due_tomorrow_tells_again_on_another_day(executor, assigned):
    due_on(assigned, end_of(22))
    notify_due_tomorrow(now=FRIDAY_MORNING)
    notify_due_tomorrow(now=FRIDAY_MORNING + timedelta(days=1))  # Saturday
    assert len(notices(executor, TOPIC_DUE_TOMORROW)) == 2


def test_due_tomorrow_tells_only_the_assigned_organisations_executors(
    executor, gas_executor, assigned
):
    due_on(assigned, end_of(22))
    notify_due_tomorrow(now=FRIDAY_MORNING)
    assert notices(gas_executor, TOPIC_DUE_TOMORROW) == []


def test_the_due_tomorrow_command_reports_what_it_wrote(executor, assigned):
    out = StringIO()
    call_command("notify_due_tomorrow", stdout=out)
    assert "due-tomorrow notifications" in out.getvalue()


# --- the header and the notifications page ----------------------------------------


def tell(user, n, **more):
    for i in range(n):
        notify(
            recipient=user,
            topic="appeal.assigned",
            subject=f"Новое обращение {i}",
            body="Текст",
            url="/console/",
            channels=("in_app",),
            **more,
        )


def test_the_console_header_shows_the_unread_count(client, dispatcher, city):
    tell(dispatcher, 2)
    client.force_login(dispatcher)
    page = client.get(reverse("console:queue", kwargs={"slug": city.slug})).content.decode()
    assert "Уведомления (2)" in page


def test_opening_the_notifications_page_marks_them_read(client, dispatcher, city):
    tell(dispatcher, 2)
    client.force_login(dispatcher)
    page = client.get(reverse("console:notifications")).content.decode()
    assert "Новое обращение 1" in page
    assert "Уведомления (0)" in page
    assert not Notification.objects.filter(recipient=dispatcher, read_at__isnull=True).exists()


def test_the_notifications_page_shows_only_ones_own(client, dispatcher, executor, city):
    notify(recipient=executor, topic="x", subject="Чужое", body="…", channels=("in_app",))
    client.force_login(dispatcher)
    page = client.get(reverse("console:notifications")).content.decode()
    assert "Чужое" not in page
    assert Notification.objects.get(recipient=executor).read_at is None


def test_the_notifications_page_costs_the_same_for_3_and_30(client, dispatcher, city):
    client.force_login(dispatcher)

    def queries():
        Notification.objects.update(read_at=None)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("console:notifications")).status_code == 200
        return len(captured)

    tell(dispatcher, 3)
    three = queries()
    tell(dispatcher, 27, data={"more": True})
    assert queries() == three


def test_a_resident_has_no_notifications_page(client, resident):
    client.force_login(resident)
    assert client.get(reverse("console:notifications")).status_code == 404
