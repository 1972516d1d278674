"""The Law on appeals' rules beyond the answer: leaving without consideration (art. 15),
anonymous appeals (art. 23), repeat appeals and stopped correspondence, withdrawal,
thanks, the notice when the work needs more than a month (art. 17), and the result each
appeal ends with."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mycity.appeals import consideration
from mycity.appeals.actions.moves import answer_appeal, disagree_with_answer
from mycity.appeals.actions.submission import submit_appeal
from mycity.appeals.applicant_notices import mark_notice_posted
from mycity.appeals.errors import InvalidAppeal, MoveNotAllowed, NoteRequired
from mycity.appeals.models import (
    Appeal,
    AppealEvent,
    ApplicantNotice,
    CorrespondenceStop,
    EventKind,
    NoticeDelivery,
    Result,
    Status,
)
from mycity.appeals.policy import Ground, is_anonymous
from mycity.appeals.repeats import earlier_appeals
from mycity.cities.calendar import calendar_for
from tests.appeal_fixtures import e_appeal_draft, letter, submit_report
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db
MINSK = ZoneInfo("Europe/Minsk")


def events(appeal, kind):
    return list(AppealEvent.objects.filter(appeal=appeal, kind=kind))


# --- leaving without consideration -----------------------------------------------------


def test_a_letter_left_without_consideration_owes_a_posted_notice_within_five_working_days(
    clerk, official, department, housing_question, head
):
    # Registered on Wednesday 22 April 2026 (20 April off, 21 April Radunitsa); the five
    # working days count the transferred working Saturday 25 April.
    appeal = letter(clerk, department, housing_question, datetime(2026, 4, 19, 12, tzinfo=MINSK))
    assert appeal.registered_on == date(2026, 4, 22)
    consideration.leave_without_consideration(
        actor=head,
        appeal=appeal,
        ground=Ground.OTHER_PROCEDURE,
        note="Решается судом.",
        where_to_apply="Полоцкий районный суд",
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.NOT_CONSIDERED
    assert appeal.result == Result.NOT_CONSIDERED and appeal.ground == "other_procedure"
    notice = ApplicantNotice.objects.get(appeal=appeal)
    assert notice.due_on == date(2026, 4, 28)
    assert notice.delivery == NoticeDelivery.POST and notice.sent_at is None
    assert "Решается судом" in notice.text
    (left,) = [e for e in events(appeal, EventKind.TRANSITION) if e.to_status == "not_considered"]
    assert left.data["ground"] == "other_procedure" and left.data["notice_due"] == "2026-04-28"


def test_a_clerk_marks_the_letter_posted_once(clerk, official, department, housing_question, head):
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    consideration.leave_without_consideration(
        actor=head, appeal=appeal, ground=Ground.NOT_COMPETENT, where_to_apply="Облисполком"
    )
    notice = ApplicantNotice.objects.get(appeal=appeal)
    mark_notice_posted(actor=clerk, notice=notice)
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.sent_by == clerk
    assert len(events(appeal, EventKind.NOTICE_SENT)) == 1
    with pytest.raises(MoveNotAllowed):
        mark_notice_posted(actor=clerk, notice=notice)


def test_an_applicant_with_an_account_is_told_in_the_app_at_once(
    resident, official, department, housing_question, head
):
    appeal = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    consideration.leave_without_consideration(
        actor=head, appeal=appeal, ground=Ground.COMPLAINT_LATE
    )
    notice = ApplicantNotice.objects.get(appeal=appeal)
    assert notice.delivery == NoticeDelivery.ACCOUNT and notice.sent_at is not None
    assert resident.notifications.filter(topic="appeal.notice").count() == 1


def test_threats_are_left_without_a_notice(clerk, department, housing_question, head):
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    consideration.leave_without_consideration(actor=head, appeal=appeal, ground=Ground.THREATS)
    appeal.refresh_from_db()
    assert appeal.status == Status.NOT_CONSIDERED
    assert not ApplicantNotice.objects.filter(appeal=appeal).exists()


def test_a_ground_not_allowed_for_the_kind_is_refused_and_nothing_changes(
    resident, platform_admin, street_light
):
    report = submit_report(resident, street_light)
    before = (report.status, report.version, report.events.count())
    for ground in (Ground.ANONYMOUS, Ground.COMPLAINT_LATE, "no-such-ground"):
        with pytest.raises(InvalidAppeal) as refused:
            consideration.leave_without_consideration(
                actor=platform_admin, appeal=report, ground=ground
            )
        assert refused.value.as_dict()["details"][0]["field"] == "ground"
    report.refresh_from_db()
    assert (report.status, report.version, report.events.count()) == before


def test_an_answered_appeal_can_no_longer_be_left(
    clerk, official, department, housing_question, head
):
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    answer_appeal(actor=official, appeal=appeal, text="Разъясняем порядок.")
    with pytest.raises(MoveNotAllowed):
        consideration.leave_without_consideration(
            actor=head, appeal=appeal, ground=Ground.NOT_COMPETENT
        )


# --- anonymous appeals --------------------------------------------------------------


def test_an_anonymous_letter_is_registered_and_left_without_a_notice(
    clerk, official, department, housing_question, head
):
    appeal = letter(
        clerk, department, housing_question, timezone.now() - timedelta(days=1), anonymous=True
    )
    assert appeal.registration_number and is_anonymous(appeal)
    consideration.leave_without_consideration(actor=head, appeal=appeal, ground=Ground.ANONYMOUS)
    appeal.refresh_from_db()
    assert appeal.status == Status.NOT_CONSIDERED and appeal.ground == "anonymous"
    assert not ApplicantNotice.objects.filter(appeal=appeal).exists()


def test_an_anonymous_report_of_a_crime_goes_to_the_competent_body(
    clerk, dispatcher, department, housing_question
):
    appeal = letter(
        clerk, department, housing_question, timezone.now() - timedelta(days=1), anonymous=True
    )
    consideration.forward_anonymous_report(
        actor=dispatcher, appeal=appeal, to="Полоцкий РОВД", note="Сообщение о краже."
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.REDIRECTED and appeal.result == Result.REDIRECTED
    assert appeal.redirected_to == "Полоцкий РОВД"
    assert not ApplicantNotice.objects.filter(appeal=appeal).exists()


def test_calling_a_named_letter_anonymous_needs_the_reason(
    clerk, official, department, housing_question, head
):
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    assert not is_anonymous(appeal)
    with pytest.raises(NoteRequired):
        consideration.leave_without_consideration(
            actor=head, appeal=appeal, ground=Ground.ANONYMOUS
        )
    consideration.leave_without_consideration(
        actor=head,
        appeal=appeal,
        ground=Ground.ANONYMOUS,
        note="По указанному адресу заявитель не проживает.",
    )
    assert Appeal.objects.get(pk=appeal.pk).status == Status.NOT_CONSIDERED


# --- repeat appeals and stopped correspondence ------------------------------------------


def test_earlier_appeals_of_the_applicant_on_the_subject_in_three_years_are_shown(
    clerk, department, housing_question
):
    other_subject = CategoryFactory(
        city=housing_question.city, slug="roads-question", kind="e_appeal"
    )
    too_old = letter(clerk, department, housing_question, datetime(2023, 3, 1, 10, tzinfo=MINSK))
    within = letter(clerk, department, housing_question, datetime(2024, 6, 3, 10, tzinfo=MINSK))
    letter(clerk, department, other_subject, datetime(2025, 2, 3, 10, tzinfo=MINSK))
    someone_else = {"applicant_name": "Петров Пётр Петрович"}
    letter(
        clerk, department, housing_question, datetime(2025, 2, 3, 10, tzinfo=MINSK), **someone_else
    )
    # The same person writes her name in capitals this time.
    new = letter(
        clerk,
        department,
        housing_question,
        datetime(2026, 3, 2, 10, tzinfo=MINSK),
        applicant_name="ИВАНОВА АННА ПЕТРОВНА",
    )
    assert [a.pk for a in earlier_appeals(new)] == [within.pk]
    assert too_old.registered_on < date(2023, 3, 2)


def test_a_repeat_without_new_facts_is_left_and_one_with_new_facts_is_worked(
    clerk, official, head, department, housing_question
):
    first = letter(clerk, department, housing_question, timezone.now() - timedelta(days=20))
    answer_appeal(actor=official, appeal=first, text="Разъясняем.", result=Result.EXPLAINED)
    again = letter(clerk, department, housing_question, timezone.now())
    consideration.mark_repeat(actor=official, appeal=again, earlier=first, new_facts=True)
    again.refresh_from_db()
    assert again.status == Status.ASSIGNED
    # Leaving it is the head's decision, not the executor's.
    with pytest.raises(PermissionDenied):
        consideration.mark_repeat(actor=official, appeal=again, earlier=first, new_facts=False)
    consideration.mark_repeat(actor=head, appeal=again, earlier=first, new_facts=False)
    again.refresh_from_db()
    assert again.status == Status.NOT_CONSIDERED and again.ground == "repeat"
    marks = events(again, EventKind.REPEAT_MARKED)
    assert [m.data["new_facts"] for m in marks] == [True, False]
    assert all(m.data["repeat_of"] == first.number for m in marks)


def test_a_repeat_must_name_an_earlier_appeal_of_the_same_applicant(
    clerk, head, department, housing_question
):
    stranger = letter(
        clerk,
        department,
        housing_question,
        timezone.now() - timedelta(days=20),
        applicant_name="Петров Пётр Петрович",
    )
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=2))
    with pytest.raises(InvalidAppeal) as refused:
        consideration.mark_repeat(actor=head, appeal=appeal, earlier=stranger, new_facts=False)
    assert refused.value.as_dict()["details"][0]["field"] == "repeat_of"
    assert Appeal.objects.get(pk=appeal.pk).status == Status.ASSIGNED


def test_stopped_correspondence_leaves_the_later_appeals_on_that_subject(
    clerk, official, head, dispatcher, department, housing_question
):
    first = letter(clerk, department, housing_question, timezone.now() - timedelta(days=40))
    answer_appeal(actor=official, appeal=first, text="Разъясняем.", result=Result.REFUSED)
    second = letter(clerk, department, housing_question, timezone.now())
    for not_the_head in (official, dispatcher):
        with pytest.raises(PermissionDenied):
            consideration.stop_correspondence(
                actor=not_the_head, appeal=second, ground="Повтор.", earlier=first
            )
    consideration.stop_correspondence(
        actor=head,
        appeal=second,
        ground="Доводы повторяются, ответ по существу дан.",
        earlier=first,
    )
    second.refresh_from_db()
    # The decision follows leaving the repeat, and its notice says correspondence stops.
    assert second.status == Status.NOT_CONSIDERED and second.ground == "repeat"
    (notice,) = ApplicantNotice.objects.filter(appeal=second)
    assert "переписка" in notice.text.lower() and notice.delivery == NoticeDelivery.POST
    stop = CorrespondenceStop.objects.filter(appeal=second).first()
    assert stop is not None and stop.decided_by == head
    assert events(second, EventKind.CORRESPONDENCE_STOPPED)[0].actor == head

    # Art. 21: the later appeals on that question are left without a notice.
    third = letter(clerk, department, housing_question, timezone.now())
    assert third.status == Status.NOT_CONSIDERED and third.ground == "corr_stopped"
    assert not ApplicantNotice.objects.filter(appeal=third).exists()
    (left,) = [e for e in events(third, EventKind.TRANSITION) if e.to_status == "not_considered"]
    assert left.actor is None and left.data["decision"]["correspondence_stop"] == stop.pk

    other_subject = CategoryFactory(
        city=housing_question.city,
        slug="roads-question",
        kind="e_appeal",
        default_organisation=department,
    )
    elsewhere = letter(clerk, department, other_subject, timezone.now())
    assert elsewhere.status == Status.ASSIGNED


def test_correspondence_is_stopped_only_after_an_answer_on_the_merits(
    clerk, head, department, housing_question
):
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=3))
    with pytest.raises(InvalidAppeal):
        consideration.stop_correspondence(
            actor=head, appeal=appeal, ground="Повтор.", earlier=appeal
        )
    assert not CorrespondenceStop.objects.exists()
    assert Appeal.objects.get(pk=appeal.pk).status == Status.ASSIGNED


# --- withdrawal and thanks ----------------------------------------------------------


def test_the_applicant_withdraws_before_the_answer_and_the_events_stay(
    resident, official, housing_question
):
    appeal = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    consideration.withdraw_appeal(actor=resident, appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.status == Status.WITHDRAWN and appeal.result == Result.WITHDRAWN
    assert appeal.closed_at is not None
    assert appeal.events.filter(to_status="withdrawn", actor=resident).exists()
    assert appeal.events.count() >= 3  # registered, accepted and assigned stay too


def test_nothing_is_withdrawn_after_the_answer(resident, official, housing_question):
    appeal = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    answer_appeal(actor=official, appeal=appeal, text="Ответ.")
    with pytest.raises(MoveNotAllowed):
        consideration.withdraw_appeal(actor=resident, appeal=appeal)


def test_a_written_withdrawal_registered_by_staff_names_the_letter(
    clerk, dispatcher, department, housing_question
):
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    with pytest.raises(NoteRequired):
        consideration.withdraw_appeal(actor=dispatcher, appeal=appeal)
    consideration.withdraw_appeal(actor=dispatcher, appeal=appeal, note="Заявление от 24.11.2026")
    assert Appeal.objects.get(pk=appeal.pk).status == Status.WITHDRAWN


def test_thanks_are_closed_without_an_answer(clerk, official, department, housing_question):
    appeal = letter(
        clerk,
        department,
        housing_question,
        timezone.now() - timedelta(days=1),
        description="Благодарю коллектив за быстрый ремонт подъезда!",
    )
    consideration.record_thanks(actor=official, appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED and appeal.result == Result.THANKS
    assert not appeal.answers.exists()


# --- the answer's result and a term longer than a month ---------------------------------


def test_an_answer_names_its_result(clerk, official, department, housing_question):
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    with pytest.raises(InvalidAppeal) as refused:
        answer_appeal(actor=official, appeal=appeal, text="Ответ.", result="thanks")
    assert refused.value.as_dict()["details"][0]["field"] == "result"
    answer_appeal(actor=official, appeal=appeal, text="Ответ.", result=Result.SATISFIED)
    assert Appeal.objects.get(pk=appeal.pk).result == Result.SATISFIED


def test_work_longer_than_a_month_is_told_with_the_reason_and_the_new_date(
    clerk, official, department, housing_question
):
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=2))
    calendar = calendar_for(appeal.city)
    month = calendar.add_months(appeal.term_start, 1)
    with pytest.raises(InvalidAppeal) as refused:
        consideration.prolong_term(actor=official, appeal=appeal, until=month, reason="Экспертиза")
    assert refused.value.as_dict()["details"][0]["field"] == "until"
    with pytest.raises(InvalidAppeal):
        consideration.prolong_term(
            actor=official,
            appeal=appeal,
            until=appeal.registered_on - timedelta(days=1),
            reason="Экспертиза",
        )
    with pytest.raises(NoteRequired):
        consideration.prolong_term(
            actor=official, appeal=appeal, until=month + timedelta(days=30), reason=" "
        )
    old_deadline = appeal.deadline
    until = month + timedelta(days=30)
    consideration.prolong_term(
        actor=official, appeal=appeal, until=until, reason="Нужна экспертиза здания"
    )
    appeal.refresh_from_db()
    assert calendar.local_date(appeal.deadline) == calendar.next_working_day(until)
    notice = ApplicantNotice.objects.get(appeal=appeal, kind="prolonged")
    assert notice.due_on == calendar.local_date(old_deadline)
    assert "Нужна экспертиза здания" in notice.text
    assert calendar.next_working_day(until).strftime("%d.%m.%Y") in notice.text


def test_a_problem_report_has_no_monthly_term(resident, dispatcher, street_light):
    report = submit_report(resident, street_light)
    with pytest.raises(MoveNotAllowed):
        consideration.prolong_term(
            actor=dispatcher,
            appeal=report,
            until=report.registered_on + timedelta(days=60),
            reason="Экспертиза",
        )


# --- found in review --------------------------------------------------------------------


def test_a_reopened_appeal_was_answered_and_cannot_be_withdrawn(
    resident, official, housing_question
):

    appeal = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    answer_appeal(actor=official, appeal=appeal, text="Ответ.")
    disagree_with_answer(actor=resident, appeal=appeal, reason="Ответ не по существу.")
    assert Appeal.objects.get(pk=appeal.pk).status == Status.REOPENED
    with pytest.raises(MoveNotAllowed):
        consideration.withdraw_appeal(actor=resident, appeal=Appeal.objects.get(pk=appeal.pk))


def test_the_new_date_is_after_the_deadline_and_within_a_year(
    clerk, official, department, housing_question
):
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=2))
    calendar = calendar_for(appeal.city)
    for until in (date(9999, 12, 31), calendar.add_months(appeal.term_start, 13)):
        with pytest.raises(InvalidAppeal):
            consideration.prolong_term(actor=official, appeal=appeal, until=until, reason="R")
    later = calendar.add_months(appeal.term_start, 3)
    consideration.prolong_term(actor=official, appeal=appeal, until=later, reason="Экспертиза")
    shorter = calendar.add_months(appeal.term_start, 2)
    with pytest.raises(InvalidAppeal):
        consideration.prolong_term(
            actor=official, appeal=Appeal.objects.get(pk=appeal.pk), until=shorter, reason="R"
        )
    assert calendar.local_date(Appeal.objects.get(pk=appeal.pk).deadline) >= later


def test_an_applicant_is_told_their_appeal_was_taken_as_thanks(
    resident, official, housing_question
):
    appeal = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    consideration.record_thanks(actor=official, appeal=appeal)
    assert resident.notifications.filter(data__status="closed").exists()


def test_letters_registered_before_the_key_existed_get_it(clerk, department, housing_question):
    import importlib

    from django.apps import apps

    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=2))
    Appeal.objects.filter(pk=appeal.pk).update(applicant_key="")
    filling = importlib.import_module("mycity.appeals.migrations.0012_fill_applicant_keys")
    filling.fill(apps, None)
    assert Appeal.objects.get(pk=appeal.pk).applicant_key == (
        "иванова анна петровна|211400 г полоцк ул нижне покровская 5 кв 3"
    )
