"""The lifecycle from submission to closing: moves, events, answers, ratings, terms."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mycity.appeals.actions.moves import (
    accept_appeal,
    answer_appeal,
    assign_appeal,
    close_answered_appeals,
    close_appeal,
    disagree_with_answer,
    extend_term,
    join_report,
    merge_appeal,
    rate_answer,
    redirect_appeal,
    reject_appeal,
    return_appeal,
    start_work,
)
from mycity.appeals.actions.submission import submit_appeal
from mycity.appeals.errors import (
    DisagreementWindowClosed,
    InvalidAppeal,
    MoveNotAllowed,
    NoteRequired,
    StaleAppeal,
)
from mycity.appeals.models import Appeal, AppealEvent, AppealPolicy, MeToo, Status
from mycity.notify.models import Notification
from tests.appeal_fixtures import submit_report
from tests.factories import CategoryFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(resident, leaking_roof):
    return submit_report(resident, leaking_roof, extra={"entrance": 1})


@pytest.fixture
def unrouted(resident, city):
    return submit_report(resident, CategoryFactory(city=city, slug="gas-smell", activity="gas"))


def answered(appeal, executor):
    start_work(actor=executor, appeal=appeal)
    answer_appeal(actor=executor, appeal=appeal, text="Кровля отремонтирована.")
    return appeal


def test_an_executor_takes_the_appeal_into_work_and_answers_it(assigned, executor, resident):
    start_work(actor=executor, appeal=assigned)
    answer = answer_appeal(actor=executor, appeal=assigned, text="Отремонтировано.")
    assigned.refresh_from_db()
    assert assigned.status == Status.ANSWERED
    assert assigned.answered_at is not None
    assert answer.organisation == assigned.organisation
    assert answer.author == executor
    last = assigned.events.last()
    assert (last.from_status, last.to_status, last.actor) == ("in_progress", "answered", executor)
    bodies = list(Notification.objects.filter(recipient=resident).values_list("body", flat=True))
    assert f"На ваше обращение {assigned.number} дан ответ." in bodies


def test_an_answer_needs_text(assigned, executor):
    with pytest.raises(InvalidAppeal):
        answer_appeal(actor=executor, appeal=assigned, text="  ")
    assert Appeal.objects.get(pk=assigned.pk).status == Status.ASSIGNED


def test_an_executor_of_another_organisation_cannot_touch_the_appeal(assigned, city):
    from tests.conftest import person

    stranger_org = OrganisationFactory(city=city, slug="zheu-9")
    from mycity.accounts.models import RoleKind

    stranger = person("other@example.org", RoleKind.EXECUTOR, organisation=stranger_org)
    with pytest.raises(PermissionDenied):
        start_work(actor=stranger, appeal=assigned)
    with pytest.raises(PermissionDenied):
        answer_appeal(actor=stranger, appeal=assigned, text="Не наше")


def test_an_executor_of_another_city_cannot_touch_the_appeal(assigned, executor_of_other_city):
    with pytest.raises(PermissionDenied):
        start_work(actor=executor_of_other_city, appeal=assigned)


def test_a_dispatcher_routes_an_unrouted_appeal(unrouted, dispatcher, city):
    gas = OrganisationFactory(city=city, slug="gorgaz", activities=["gas"])
    assign_appeal(actor=dispatcher, appeal=unrouted, organisation=gas)
    assert Appeal.objects.get(pk=unrouted.pk).organisation == gas


def test_an_organisation_of_another_city_cannot_be_assigned(
    unrouted, dispatcher, other_organisation
):
    with pytest.raises(InvalidAppeal):
        assign_appeal(actor=dispatcher, appeal=unrouted, organisation=other_organisation)


def test_a_rejection_needs_a_reason_and_tells_the_applicant(unrouted, dispatcher, resident):
    with pytest.raises(NoteRequired):
        reject_appeal(actor=dispatcher, appeal=unrouted, note=" ")
    reject_appeal(actor=dispatcher, appeal=unrouted, note="Не относится к ЖКХ")
    unrouted.refresh_from_db()
    assert unrouted.status == Status.REJECTED
    assert unrouted.closed_at is not None
    assert Notification.objects.filter(recipient=resident, body__contains="Не относится").exists()


def test_a_moderator_approves_a_report_waiting_for_moderation(
    resident, noisy_neighbours, moderator
):
    appeal = submit_report(resident, noisy_neighbours)
    accept_appeal(actor=moderator, appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.status == Status.ACCEPTED
    assert not appeal.is_public  # the category is not public


def test_a_moderator_cannot_dispatch(unrouted, moderator, city):
    with pytest.raises(PermissionDenied):
        assign_appeal(
            actor=moderator,
            appeal=unrouted,
            organisation=OrganisationFactory(city=city, slug="x"),
        )
    with pytest.raises(MoveNotAllowed):
        reject_appeal(actor=moderator, appeal=unrouted, note="not in moderation")


def test_the_executor_returns_an_appeal_that_is_not_theirs(assigned, executor):
    with pytest.raises(NoteRequired):
        return_appeal(actor=executor, appeal=assigned)
    return_appeal(actor=executor, appeal=assigned, note="Это дорожная служба")
    assert Appeal.objects.get(pk=assigned.pk).status == Status.ACCEPTED


def test_a_dispatcher_redirects_to_the_competent_body(unrouted, dispatcher):
    redirect_appeal(actor=dispatcher, appeal=unrouted, to="Полоцкий райисполком")
    unrouted.refresh_from_db()
    assert unrouted.status == Status.REDIRECTED
    assert unrouted.redirected_to == "Полоцкий райисполком"
    with pytest.raises(NoteRequired):
        redirect_appeal(actor=dispatcher, appeal=unrouted, to=" ")


def test_merging_makes_the_applicant_follow_the_original(resident, dispatcher, street_light, city):
    from tests.factories import UserFactory

    neighbour = UserFactory(email="neighbour@example.org")
    original = submit_report(resident, street_light)
    duplicate = submit_report(neighbour, street_light)
    merge_appeal(actor=dispatcher, appeal=duplicate, into=original)
    duplicate.refresh_from_db()
    original.refresh_from_db()
    assert duplicate.status == Status.DUPLICATE
    assert duplicate.duplicate_of == original
    assert original.me_too_count == 1
    assert MeToo.objects.filter(appeal=original, user=neighbour).exists()
    told = Notification.objects.filter(recipient=neighbour).order_by("pk").last()
    assert original.number in told.body


def test_an_appeal_cannot_be_merged_into_itself(assigned, dispatcher):
    with pytest.raises(InvalidAppeal):
        merge_appeal(actor=dispatcher, appeal=assigned, into=assigned)


def test_rating_the_answer_closes_the_appeal(assigned, executor, resident):
    answered(assigned, executor)
    rate_answer(actor=resident, appeal=assigned, rating=5, comment="Спасибо!")
    assigned.refresh_from_db()
    assert (assigned.status, assigned.rating) == (Status.CLOSED, 5)


def test_only_the_applicant_rates_and_only_from_1_to_5(assigned, executor, resident, dispatcher):
    answered(assigned, executor)
    with pytest.raises(PermissionDenied):
        rate_answer(actor=dispatcher, appeal=assigned, rating=5)
    with pytest.raises(InvalidAppeal):
        rate_answer(actor=resident, appeal=assigned, rating=6)


def test_there_is_nothing_to_rate_before_the_answer(assigned, resident):
    with pytest.raises(MoveNotAllowed):
        rate_answer(actor=resident, appeal=assigned, rating=3)


def test_disagreeing_within_the_window_reopens_it_to_the_dispatcher(
    assigned, executor, resident, dispatcher
):
    answered(assigned, executor)
    rate_answer(actor=resident, appeal=assigned, rating=1)
    disagree_with_answer(actor=resident, appeal=assigned, reason="Крыша снова течёт")
    assigned.refresh_from_db()
    assert assigned.status == Status.REOPENED
    assert assigned.closed_at is None
    assert assigned.events.last().note == "Крыша снова течёт"
    assign_appeal(actor=dispatcher, appeal=assigned, organisation=assigned.organisation)
    assert Appeal.objects.get(pk=assigned.pk).status == Status.ASSIGNED


def test_disagreeing_after_the_citys_window_is_refused(assigned, executor, resident, city):
    AppealPolicy.objects.create(city=city, disagreement_window_days=3)
    answered(assigned, executor)
    Appeal.objects.filter(pk=assigned.pk).update(answered_at=timezone.now() - timedelta(days=4))
    assigned.refresh_from_db()
    with pytest.raises(DisagreementWindowClosed):
        disagree_with_answer(actor=resident, appeal=assigned, reason="Не согласна")


def test_disagreeing_needs_a_reason(assigned, executor, resident):
    answered(assigned, executor)
    with pytest.raises(NoteRequired):
        disagree_with_answer(actor=resident, appeal=assigned, reason="")


def test_answered_appeals_close_by_themselves_after_the_window(assigned, executor):
    answered(assigned, executor)
    assert close_answered_appeals() == 0
    later = timezone.now() + timedelta(days=11)
    assert close_answered_appeals(now=later) == 1
    assigned.refresh_from_db()
    assert assigned.status == Status.CLOSED
    assert assigned.events.last().actor is None


def test_a_stale_version_loses_and_changes_nothing(assigned, executor, dispatcher):
    seen = assigned.version
    start_work(actor=executor, appeal=assigned)
    stale = Appeal.objects.get(pk=assigned.pk)
    stale.version = seen
    events = AppealEvent.objects.count()
    with pytest.raises(StaleAppeal):
        return_appeal(actor=executor, appeal=stale, note="late", expected_version=seen)
    assert Appeal.objects.get(pk=assigned.pk).status == Status.IN_PROGRESS
    assert AppealEvent.objects.count() == events


def test_a_forged_move_from_the_wrong_status_is_refused(assigned, dispatcher):
    with pytest.raises(MoveNotAllowed):
        close_appeal(actor=dispatcher, appeal=assigned)
    assert Appeal.objects.get(pk=assigned.pk).status == Status.ASSIGNED


def test_an_e_appeal_term_is_extended_to_one_month_once(
    resident, housing_question, department, dispatcher
):
    from tests.appeal_fixtures import e_appeal_draft

    appeal = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    before = appeal.deadline
    with pytest.raises(NoteRequired):
        extend_term(actor=dispatcher, appeal=appeal, reason="")
    extend_term(actor=dispatcher, appeal=appeal, reason="Нужна проверка на месте")
    appeal.refresh_from_db()
    assert appeal.extended and appeal.deadline > before
    assert 28 <= (appeal.deadline.date() - appeal.term_start).days <= 34
    assert Notification.objects.filter(recipient=resident, body__contains="проверка").exists()
    with pytest.raises(MoveNotAllowed):
        extend_term(actor=dispatcher, appeal=appeal, reason="Ещё раз")


def test_a_report_term_is_extended_by_working_days(assigned, executor):
    before = assigned.deadline
    with pytest.raises(InvalidAppeal):
        extend_term(actor=executor, appeal=assigned, reason="Нужна техника")
    extend_term(actor=executor, appeal=assigned, reason="Нужна техника", working_days=5)
    assert Appeal.objects.get(pk=assigned.pk).deadline - before >= timedelta(days=5)


def test_a_resident_joins_an_open_public_report_once(assigned, city):
    from tests.factories import UserFactory

    neighbour = UserFactory(email="n2@example.org")
    assert join_report(actor=neighbour, appeal=assigned) is True
    assert join_report(actor=neighbour, appeal=assigned) is False
    assert Appeal.objects.get(pk=assigned.pk).me_too_count == 1


def test_a_closed_or_private_report_cannot_be_joined(resident, noisy_neighbours, city):
    from tests.factories import UserFactory

    private = submit_report(resident, noisy_neighbours)
    with pytest.raises(MoveNotAllowed):
        join_report(actor=UserFactory(email="n3@example.org"), appeal=private)


def test_the_daily_command_closes_what_waited_long_enough(assigned, executor):
    from io import StringIO

    from django.core.management import call_command

    answered(assigned, executor)
    Appeal.objects.filter(pk=assigned.pk).update(answered_at=timezone.now() - timedelta(days=30))
    out = StringIO()
    call_command("close_answered_appeals", stdout=out)
    assert "Closed 1" in out.getvalue()
    assert Appeal.objects.get(pk=assigned.pk).status == Status.CLOSED


@pytest.mark.parametrize("how", ["reject", "redirect", "merge"])
def test_a_report_turned_away_leaves_the_public_map(resident, street_light, dispatcher, how):
    original = submit_report(resident, street_light)
    appeal = submit_report(resident, street_light)
    assert appeal.is_public
    if how == "reject":
        reject_appeal(actor=dispatcher, appeal=appeal, note="Не подтвердилось")
    elif how == "redirect":
        redirect_appeal(actor=dispatcher, appeal=appeal, to="РЭС")
    else:
        merge_appeal(actor=dispatcher, appeal=appeal, into=original)
    assert not Appeal.objects.get(pk=appeal.pk).is_public


def test_answer_files_are_never_public(assigned, executor):
    from tests.appeal_fixtures import jpeg

    answer_appeal(actor=executor, appeal=assigned, text="См. акт", files=[jpeg(64, 48)])
    answer_file = assigned.files.get(role="answer")
    assert not answer_file.is_public


def test_an_e_appeal_goes_to_the_department_the_applicant_chose(resident, housing_question, city):
    from tests.appeal_fixtures import e_appeal_draft

    chosen = OrganisationFactory(city=city, slug="education", kind="department")
    draft = e_appeal_draft(housing_question, addressee_slug="education")
    appeal = submit_appeal(applicant=resident, city=city, draft=draft).appeal
    assert appeal.addressee == chosen
    assert appeal.organisation == chosen


def test_an_appeal_handed_back_leaves_the_executors_sight(assigned, executor):
    from mycity.appeals.access import audience_of

    Appeal.objects.filter(pk=assigned.pk).update(is_public=False)
    assigned.refresh_from_db()
    return_appeal(actor=executor, appeal=assigned, note="Это дорожная служба")
    assigned.refresh_from_db()
    assert assigned.organisation is None
    assert audience_of(executor, assigned) is None


def test_a_report_cannot_be_merged_into_an_e_appeal_or_a_closed_report(
    resident, street_light, housing_question, dispatcher, city
):
    from tests.appeal_fixtures import e_appeal_draft

    report = submit_report(resident, street_light)
    e_appeal = submit_appeal(
        applicant=resident, city=city, draft=e_appeal_draft(housing_question)
    ).appeal
    with pytest.raises(InvalidAppeal):
        merge_appeal(actor=dispatcher, appeal=report, into=e_appeal)
    closed = submit_report(resident, street_light)
    reject_appeal(actor=dispatcher, appeal=closed, note="Не подтвердилось")
    with pytest.raises(InvalidAppeal):
        merge_appeal(actor=dispatcher, appeal=report, into=closed)
    assert Appeal.objects.get(pk=report.pk).status == Status.ASSIGNED


def test_a_term_that_has_passed_cannot_be_extended(assigned, executor):
    Appeal.objects.filter(pk=assigned.pk).update(deadline=timezone.now() - timedelta(hours=1))
    assigned.refresh_from_db()
    with pytest.raises(MoveNotAllowed):
        extend_term(actor=executor, appeal=assigned, reason="Поздно", working_days=3)


def test_an_answer_keeps_safe_markup_and_loses_the_rest(assigned, executor):
    answer = answer_appeal(
        actor=executor,
        appeal=assigned,
        text='<p onclick="x()">Кровля <strong>отремонтирована</strong>.</p>'
        '<script>steal()</script><a href="javascript:alert(1)">ссылка</a>'
        '<a href="https://polotsk.gov.by/">сайт</a>',
    )
    assert "<strong>отремонтирована</strong>" in answer.text
    assert "onclick" not in answer.text and "steal" not in answer.text
    assert "javascript" not in answer.text
    assert 'href="https://polotsk.gov.by/"' in answer.text


def test_an_answer_of_nothing_but_markup_is_empty(assigned, executor):
    with pytest.raises(InvalidAppeal):
        answer_appeal(actor=executor, appeal=assigned, text="<script>x</script>")
