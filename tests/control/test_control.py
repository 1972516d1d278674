"""Putting an appeal on the control of an official, and taking it off."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from mycity.appeals.models import Appeal, AppealEvent, EventKind, Status
from mycity.control.errors import AlreadyOnControl, AppealFinished, InvalidControl, NotOnControl
from mycity.control.models import Control
from mycity.control.services import lift_control, put_on_control
from mycity.notify.models import Notification

pytestmark = pytest.mark.django_db


def events(appeal, kind):
    return list(AppealEvent.objects.filter(appeal=appeal, kind=kind))


def test_a_dispatcher_puts_an_appeal_on_the_control_of_the_head(dispatcher, head, appeal):
    control = put_on_control(actor=dispatcher, appeal=appeal, controller=head, note="Жалоба в ЦК")
    assert control.is_active and control.controller == head and control.set_by == dispatcher
    [event] = events(appeal, EventKind.CONTROL_SET)
    assert event.actor == dispatcher
    assert event.data["controller"] == head.pk
    assert not event.visible_to_applicant


def test_the_controlling_official_is_told(dispatcher, head, appeal):
    put_on_control(actor=dispatcher, appeal=appeal, controller=head)
    notification = Notification.objects.get(recipient=head, topic="control.assigned")
    assert appeal.number in notification.subject
    assert notification.url == f"/console/polotsk/appeals/{appeal.pk}/"


def test_the_head_of_the_assigned_organisation_puts_it_on_their_own_control(head, appeal):
    put_on_control(actor=head, appeal=appeal, controller=head)
    assert Control.objects.get(appeal=appeal).controller == head
    # Nobody needs telling what they did themselves.
    assert not Notification.objects.filter(recipient=head).exists()


def test_an_executor_cannot_put_an_appeal_on_control(executor, head, appeal):
    with pytest.raises(PermissionDenied):
        put_on_control(actor=executor, appeal=appeal, controller=head)
    assert not Control.objects.exists()
    assert events(appeal, EventKind.CONTROL_SET) == []


def test_the_head_of_another_organisation_cannot_put_it_on_control(head_of_lighting, appeal):
    with pytest.raises(PermissionDenied):
        put_on_control(actor=head_of_lighting, appeal=appeal, controller=head_of_lighting)
    assert not Control.objects.exists()


def test_a_resident_cannot_be_named_the_controlling_official(dispatcher, resident, appeal):
    with pytest.raises(InvalidControl) as error:
        put_on_control(actor=dispatcher, appeal=appeal, controller=resident)
    assert error.value.field == "controller"
    assert not Control.objects.exists()


def test_an_official_of_another_city_cannot_be_named(dispatcher, executor_of_other_city, appeal):
    with pytest.raises(InvalidControl):
        put_on_control(actor=dispatcher, appeal=appeal, controller=executor_of_other_city)


def test_an_official_who_does_not_handle_the_appeal_cannot_be_named(
    dispatcher, head_of_lighting, appeal
):
    # They could not open its card, nor see the applicant's data.
    with pytest.raises(InvalidControl):
        put_on_control(actor=dispatcher, appeal=appeal, controller=head_of_lighting)
    assert not Control.objects.exists()


def test_an_appeal_is_on_one_control_at_a_time(dispatcher, head, appeal):
    put_on_control(actor=dispatcher, appeal=appeal, controller=head)
    with pytest.raises(AlreadyOnControl):
        put_on_control(actor=dispatcher, appeal=appeal, controller=dispatcher)
    assert Control.objects.filter(appeal=appeal).count() == 1
    assert len(events(appeal, EventKind.CONTROL_SET)) == 1


def test_the_database_refuses_a_second_active_control(dispatcher, head, appeal):
    put_on_control(actor=dispatcher, appeal=appeal, controller=head)
    with pytest.raises(IntegrityError), transaction.atomic():
        Control.objects.create(appeal=appeal, controller=dispatcher, set_at=timezone.now())


def test_a_finished_appeal_is_not_put_on_control(dispatcher, head, appeal):
    Appeal.objects.filter(pk=appeal.pk).update(status=Status.CLOSED)
    appeal.refresh_from_db()
    with pytest.raises(AppealFinished):
        put_on_control(actor=dispatcher, appeal=appeal, controller=head)


def test_control_is_lifted_and_the_history_stays(dispatcher, head, appeal):
    put_on_control(actor=dispatcher, appeal=appeal, controller=head)
    lifted = lift_control(actor=head, appeal=appeal, note="Исполнено")
    assert not lifted.is_active and lifted.lifted_by == head and lifted.lift_note == "Исполнено"
    [event] = events(appeal, EventKind.CONTROL_LIFTED)
    assert event.actor == head and event.data["controller"] == head.pk


def test_after_lifting_the_appeal_can_be_put_on_control_again(dispatcher, head, appeal):
    put_on_control(actor=dispatcher, appeal=appeal, controller=head)
    lift_control(actor=dispatcher, appeal=appeal)
    put_on_control(actor=dispatcher, appeal=appeal, controller=dispatcher)
    assert Control.objects.filter(appeal=appeal).count() == 2
    assert Control.objects.get(appeal=appeal, lifted_at__isnull=True).controller == dispatcher


def test_lifting_an_appeal_not_on_control_is_refused(dispatcher, appeal):
    with pytest.raises(NotOnControl):
        lift_control(actor=dispatcher, appeal=appeal)
    assert events(appeal, EventKind.CONTROL_LIFTED) == []


def test_an_executor_cannot_lift_control(dispatcher, executor, head, appeal):
    put_on_control(actor=dispatcher, appeal=appeal, controller=head)
    with pytest.raises(PermissionDenied):
        lift_control(actor=executor, appeal=appeal)
    assert Control.objects.get(appeal=appeal).is_active
