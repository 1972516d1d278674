"""The Law on appeals (300-З) where an independent reading found the register wrong:
each rule as it must hold, with real dates (issue 16)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from freezegun import freeze_time

from mycity.accounts.models import RoleKind
from mycity.appeals import consideration
from mycity.appeals.actions.moves import answer_appeal, redirect_appeal, reject_appeal
from mycity.appeals.actions.submission import AppealDraft, submit_appeal
from mycity.appeals.collective import publish_collective_answer
from mycity.appeals.errors import InvalidAppeal, MoveNotAllowed, NoteRequired
from mycity.appeals.intake import register_received_appeal
from mycity.appeals.models import (
    ApplicantNotice,
    EventKind,
    NoticeDelivery,
    NoticeKind,
    Result,
    Status,
)
from mycity.appeals.policy import Ground, is_anonymous
from mycity.appeals.repeats import repeat_candidates
from mycity.appeals.workflow import Move, moves_for
from mycity.privacy.models import ConsentRecord
from tests.appeal_fixtures import ANNA, e_appeal_draft, letter
from tests.conftest import person
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MINSK = ZoneInfo("Europe/Minsk")


def someone_writes(city, category, n):
    """An e-appeal of the n-th of many different residents on the same question."""
    email = f"p{n}@example.org"
    return submit_appeal(
        applicant=UserFactory(email=email),
        city=city,
        draft=e_appeal_draft(
            category, applicant_email=email, applicant_name=f"Житель Номер{n} Иванович"
        ),
    ).appeal


@pytest.fixture
def authorised(department):
    """An official the head authorised to decide on appeals; the city administrator
    granted the role."""
    return person("deputy@example.org", RoleKind.DECIDER, organisation=department)


# 1. Redirection (art. 10) ------------------------------------------------------------


def test_a_posted_letter_redirected_gets_a_letter_due_in_five_working_days(
    clerk, dispatcher, department, housing_question
):
    # Arrived on Sunday 19 April 2026, registered on Wednesday 22 April (20 April off,
    # 21 April Radunitsa); five working days count the working Saturday 25 April.
    appeal = letter(clerk, department, housing_question, datetime(2026, 4, 19, 12, tzinfo=MINSK))
    redirect_appeal(actor=dispatcher, appeal=appeal, to="Полоцкий райисполком")
    (notice,) = ApplicantNotice.objects.filter(appeal=appeal)
    assert notice.kind == NoticeKind.REDIRECTED
    assert notice.delivery == NoticeDelivery.POST and notice.sent_at is None
    assert notice.due_on == date(2026, 4, 28)
    assert "Полоцкий райисполком" in notice.text


def test_a_resident_is_told_of_the_redirection_in_the_app(resident, dispatcher, housing_question):
    appeal = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    redirect_appeal(actor=dispatcher, appeal=appeal, to="Облисполком")
    notice = ApplicantNotice.objects.get(appeal=appeal, kind=NoticeKind.REDIRECTED)
    assert notice.delivery == NoticeDelivery.ACCOUNT and notice.sent_at is not None
    assert resident.notifications.filter(topic="appeal.notice").count() == 1


# 2 and 4. Correspondence stopped (art. 21) -------------------------------------------


def test_a_later_appeal_after_a_stop_is_left_without_a_notice(
    clerk, official, head, department, housing_question
):
    first = letter(clerk, department, housing_question, timezone.now() - timedelta(days=60))
    answer_appeal(actor=official, appeal=first, text="Разъясняем.", result=Result.EXPLAINED)
    second = letter(clerk, department, housing_question, timezone.now())
    consideration.stop_correspondence(
        actor=head, appeal=second, ground="Доводы повторяются.", earlier=first
    )
    later = letter(clerk, department, housing_question, timezone.now())
    assert later.status == Status.NOT_CONSIDERED and later.ground == Ground.CORRESPONDENCE_STOPPED
    assert not ApplicantNotice.objects.filter(appeal=later).exists()


def test_a_dispatcher_cannot_stop_correspondence(
    clerk, official, dispatcher, department, housing_question
):
    first = letter(clerk, department, housing_question, timezone.now() - timedelta(days=60))
    answer_appeal(actor=official, appeal=first, text="Разъясняем.", result=Result.EXPLAINED)
    second = letter(clerk, department, housing_question, timezone.now())
    with pytest.raises(PermissionDenied):
        consideration.stop_correspondence(
            actor=dispatcher, appeal=second, ground="Повтор.", earlier=first
        )
    second.refresh_from_db()
    assert second.status == Status.ASSIGNED


def test_an_authorised_official_stops_correspondence_after_a_repeat_was_left(
    clerk, official, authorised, department, housing_question
):
    first = letter(clerk, department, housing_question, timezone.now() - timedelta(days=60))
    answer_appeal(actor=official, appeal=first, text="Разъясняем.", result=Result.EXPLAINED)
    second = letter(clerk, department, housing_question, timezone.now())
    consideration.mark_repeat(actor=authorised, appeal=second, earlier=first, new_facts=False)
    consideration.stop_correspondence(actor=authorised, appeal=second, ground="Повтор.")
    kinds = list(ApplicantNotice.objects.filter(appeal=second).values_list("kind", flat=True))
    assert kinds == [NoticeKind.NOT_CONSIDERED, NoticeKind.CORRESPONDENCE_STOPPED]


# 3. Repeat appeals -------------------------------------------------------------------


def test_a_repeat_against_an_open_appeal_is_refused(clerk, head, department, housing_question):
    first = letter(clerk, department, housing_question, timezone.now() - timedelta(days=10))
    again = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    assert repeat_candidates(again) == []
    with pytest.raises(InvalidAppeal) as refused:
        consideration.leave_without_consideration(
            actor=head, appeal=again, ground=Ground.REPEAT, repeat_of=first
        )
    assert refused.value.as_dict()["details"][0]["field"] == "repeat_of"
    with pytest.raises(InvalidAppeal):
        consideration.mark_repeat(actor=head, appeal=again, earlier=first, new_facts=True)
    again.refresh_from_db()
    assert again.status == Status.ASSIGNED


def test_a_repeat_is_to_the_same_organisation(
    clerk, official, head, department, housing_question, organisation
):
    first = letter(clerk, department, housing_question, timezone.now() - timedelta(days=30))
    answer_appeal(actor=official, appeal=first, text="Разъясняем.", result=Result.EXPLAINED)
    elsewhere = register_received_appeal(
        actor=person("clerk2@example.org", RoleKind.INTAKE, city=department.city),
        city=department.city,
        registrar=organisation,
        channel="post",
        received_at=timezone.now(),
        draft=AppealDraft(
            category_slug=housing_question.slug,
            description="Прошу разъяснить порядок.",
            addressee_slug=None,
            **ANNA,
        ),
    ).appeal
    # The same question to another organisation: not a repeat of the first.
    elsewhere.organisation = elsewhere.addressee = organisation
    assert first.pk not in {a.pk for a in repeat_candidates(elsewhere)}
    elsewhere.organisation = elsewhere.addressee = department
    assert first.pk in {a.pk for a in repeat_candidates(elsewhere)}


def test_the_three_years_count_from_the_first_appeal_s_arrival(
    clerk, official, department, housing_question
):
    # The first letter arrived on Saturday 7 March 2026 and was registered on Monday 9
    # March; three years from its arrival end on 7 March 2029.
    with freeze_time(datetime(2026, 3, 10, 12, tzinfo=MINSK)):
        first = letter(clerk, department, housing_question, datetime(2026, 3, 7, 12, tzinfo=MINSK))
        answer_appeal(actor=official, appeal=first, text="Разъясняем.", result=Result.EXPLAINED)
    assert first.registered_on == date(2026, 3, 9)
    with freeze_time("2029-03-07T10:00:00+03:00"):
        within = letter(clerk, department, housing_question, timezone.now())
    with freeze_time("2029-03-08T10:00:00+03:00"):
        beyond = letter(clerk, department, housing_question, timezone.now())
    assert [a.pk for a in repeat_candidates(within)] == [first.pk]
    assert repeat_candidates(beyond) == []


# 5. Insulting words get a notice; threats do not --------------------------------------


def test_insulting_words_are_left_with_a_notice_and_threats_without(
    clerk, head, department, housing_question
):
    insulting = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    threatening = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    consideration.leave_without_consideration(actor=head, appeal=insulting, ground=Ground.ABUSIVE)
    consideration.leave_without_consideration(actor=head, appeal=threatening, ground=Ground.THREATS)
    assert ApplicantNotice.objects.filter(appeal=insulting).count() == 1
    assert not ApplicantNotice.objects.filter(appeal=threatening).exists()


# 6. Anonymous: the postal address, not an e-mail ---------------------------------------


def test_a_letter_with_an_e_mail_but_no_postal_address_is_anonymous(
    clerk, department, housing_question
):
    appeal = letter(
        clerk,
        department,
        housing_question,
        timezone.now() - timedelta(days=1),
        anonymous=True,
        applicant_name="Иванова Анна Петровна",
        applicant_email="anna@example.org",
    )
    assert is_anonymous(appeal)


# 7. No refusal without a ground --------------------------------------------------------


def test_an_e_appeal_cannot_be_rejected_by_a_bare_move(resident, dispatcher, housing_question):
    appeal = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    assert Move.REJECT not in moves_for(dispatcher, appeal)
    with pytest.raises(MoveNotAllowed):
        reject_appeal(actor=dispatcher, appeal=appeal, note="Не по адресу.")
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED


# 8. Where to apply ----------------------------------------------------------------------


@pytest.mark.parametrize("ground", [Ground.OTHER_PROCEDURE, Ground.NOT_COMPETENT])
def test_another_procedure_and_not_competent_say_where_to_apply(
    ground, clerk, head, department, housing_question
):
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    with pytest.raises(NoteRequired) as refused:
        consideration.leave_without_consideration(actor=head, appeal=appeal, ground=ground)
    assert refused.value.as_dict()["details"][0]["field"] == "where_to_apply"
    assert Status(type(appeal).objects.get(pk=appeal.pk).status) == Status.ASSIGNED
    consideration.leave_without_consideration(
        actor=head, appeal=appeal, ground=ground, where_to_apply="Полоцкий районный суд"
    )
    (notice,) = ApplicantNotice.objects.filter(appeal=appeal)
    assert "Полоцкий районный суд" in notice.text


# 9. After one answer to many (art. 25¹) -------------------------------------------------


def test_more_than_ten_counts_different_applicants(city, head, department, housing_question):
    # Six people write twice each: twelve appeals, six applicants.
    appeals = []
    for n in range(6):
        email = f"p{n}@example.org"
        person_n = UserFactory(email=email)
        draft = e_appeal_draft(
            housing_question, applicant_email=email, applicant_name=f"Житель Номер{n} Иванович"
        )
        appeals += [
            submit_appeal(applicant=person_n, city=city, draft=draft).appeal for _twice in range(2)
        ]
    assert len(appeals) == 12
    with pytest.raises(InvalidAppeal) as refused:
        publish_collective_answer(
            actor=head,
            organisation=department,
            appeals=appeals,
            title="О постановке на учёт",
            text="Разъясняем порядок.",
            result=Result.EXPLAINED,
        )
    assert refused.value.as_dict()["details"][0]["field"] == "appeals"


def test_a_later_appeal_is_answered_by_a_reference_to_the_publication(
    city, head, official, department, housing_question
):
    appeals = [someone_writes(city, housing_question, n) for n in range(11)]
    with pytest.raises(PermissionDenied):
        publish_collective_answer(
            actor=official,
            organisation=department,
            appeals=appeals,
            title="О постановке на учёт",
            text="Разъясняем порядок.",
            result=Result.EXPLAINED,
        )
    publication = publish_collective_answer(
        actor=head,
        organisation=department,
        appeals=appeals,
        title="О постановке на учёт",
        text="Разъясняем порядок.",
        result=Result.EXPLAINED,
    )
    later = someone_writes(city, housing_question, 99)
    consideration.leave_without_consideration(
        actor=head, appeal=later, ground=Ground.ANSWER_PUBLISHED, publication=publication
    )
    later.refresh_from_db()
    assert later.ground == Ground.ANSWER_PUBLISHED
    (notice,) = ApplicantNotice.objects.filter(appeal=later)
    assert f"/answers/{publication.pk}" in notice.text


# 10. Who decides ------------------------------------------------------------------------


def test_an_executor_cannot_leave_an_appeal_without_consideration(
    clerk, official, head, department, housing_question
):
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    assert Move.LEAVE not in moves_for(official, appeal)
    assert Move.LEAVE in moves_for(head, appeal)
    with pytest.raises(PermissionDenied):
        consideration.leave_without_consideration(
            actor=official, appeal=appeal, ground=Ground.COMPLAINT_LATE
        )


def test_an_automatic_decision_names_the_decision_it_rests_on(
    clerk, head, department, housing_question
):
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    with pytest.raises(ValueError):
        consideration.leave_without_consideration(
            actor=None, appeal=appeal, ground=Ground.COMPLAINT_LATE
        )


# 11. Withdrawal without a notice (art. 16) ----------------------------------------------


def test_a_withdrawal_is_recorded_without_a_notice(resident, housing_question):
    appeal = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    told_before = resident.notifications.count()
    consideration.withdraw_appeal(actor=resident, appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.status == Status.WITHDRAWN
    assert resident.notifications.count() == told_before
    assert not ApplicantNotice.objects.filter(appeal=appeal).exists()


# 12. A signed-in resident's e-appeal needs no e-mail ------------------------------------


def test_a_signed_in_resident_may_leave_the_e_mail_out(resident, housing_question):
    draft = e_appeal_draft(housing_question)
    draft.applicant_email = ""
    appeal = submit_appeal(applicant=resident, city=housing_question.city, draft=draft).appeal
    assert appeal.status == Status.ASSIGNED and appeal.applicant_email == ""


def test_an_e_appeal_without_an_account_still_needs_the_e_mail(housing_question):
    draft = e_appeal_draft(housing_question)
    draft.applicant_email = ""
    with pytest.raises(InvalidAppeal) as refused:
        submit_appeal(applicant=None, city=housing_question.city, draft=draft)
    assert "applicant_email" in {d["field"] for d in refused.value.as_dict()["details"]}


# 13. Local dates ------------------------------------------------------------------------


def test_a_decision_at_half_past_one_in_minsk_counts_on_the_local_date(
    clerk, official, head, department, housing_question
):
    with freeze_time(datetime(2026, 5, 4, 10, tzinfo=MINSK)):
        first = letter(clerk, department, housing_question, timezone.now())
        answer_appeal(actor=official, appeal=first, text="Разъясняем.", result=Result.EXPLAINED)
    with freeze_time(datetime(2026, 5, 20, 10, tzinfo=MINSK)):
        second = letter(clerk, department, housing_question, timezone.now())
    # 01:30 in Minsk on 2 June is still 1 June in UTC.
    with freeze_time(datetime(2026, 6, 2, 1, 30, tzinfo=MINSK)):
        consideration.stop_correspondence(
            actor=head, appeal=second, ground="Повтор.", earlier=first
        )
        later = letter(clerk, department, housing_question, timezone.now())
    left = later.events.get(kind=EventKind.TRANSITION, to_status=Status.NOT_CONSIDERED)
    assert left.data["decision"]["decided_on"] == "2026-06-02"
    assert "02.06.2026" in left.note


# 14. Consent through the API ------------------------------------------------------------


def test_an_api_submission_records_the_consent_with_the_notice_version(
    client, resident, housing_question
):
    from mycity.appeals.actions.api_keys import issue_api_client

    token = issue_api_client(city=housing_question.city, name="app", user=resident).key
    response = client.post(
        f"/api/v1/cities/{housing_question.city.slug}/appeals",
        data={
            "category": housing_question.slug,
            "description": "Прошу разъяснить порядок.",
            "consent": "true",
            "applicant_name": ANNA["applicant_name"],
            "applicant_address": ANNA["applicant_address"],
        },
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.content
    (consent,) = ConsentRecord.objects.filter(user=resident, city=housing_question.city)
    assert consent.notice_version


def test_an_authorised_official_works_from_the_console(
    client, clerk, authorised, department, housing_question
):
    appeal = letter(clerk, department, housing_question, timezone.now() - timedelta(days=1))
    client.force_login(authorised)
    card = client.get(f"/console/polotsk/appeals/{appeal.pk}/")
    assert card.status_code == 200
    assert 'value="leave"' in card.content.decode()
    response = client.post(
        f"/console/polotsk/appeals/{appeal.pk}/act",
        {"action": "leave", "ground": "complaint_late", "note": "Срок подачи жалобы пропущен."},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.NOT_CONSIDERED


def test_an_authorised_official_answers_many_by_one_publication(
    city, authorised, department, housing_question
):
    appeals = [someone_writes(city, housing_question, n) for n in range(11)]
    publication = publish_collective_answer(
        actor=authorised,
        organisation=department,
        appeals=appeals,
        title="О постановке на учёт",
        text="Разъясняем порядок.",
        result=Result.EXPLAINED,
    )
    assert publication.answers.count() == 11


def test_an_anonymous_letter_redirected_by_the_plain_move_tells_nobody(
    clerk, dispatcher, department, housing_question
):
    appeal = letter(
        clerk, department, housing_question, timezone.now() - timedelta(days=1), anonymous=True
    )
    redirect_appeal(actor=dispatcher, appeal=appeal, to="Полоцкий РОВД")
    assert not ApplicantNotice.objects.filter(appeal=appeal).exists()


def test_a_report_without_any_contact_owes_no_letter(dispatcher, street_light, city):
    from mycity.appeals.actions.submission import submit_appeal as submit
    from tests.appeal_fixtures import report_draft

    nameless = submit(
        applicant=None, city=city, draft=report_draft(street_light), key_owner="client:1"
    ).appeal
    redirect_appeal(actor=dispatcher, appeal=nameless, to="Облэнерго")
    assert not ApplicantNotice.objects.filter(appeal=nameless).exists()


def test_a_later_appeal_after_a_stop_is_not_told_it_is_registered(
    resident, official, head, housing_question
):
    city = housing_question.city
    first = submit_appeal(applicant=resident, city=city, draft=e_appeal_draft(housing_question))
    answer_appeal(actor=official, appeal=first.appeal, text="Разъясняем.")
    second = submit_appeal(applicant=resident, city=city, draft=e_appeal_draft(housing_question))
    consideration.stop_correspondence(
        actor=head, appeal=second.appeal, ground="Повтор.", earlier=first.appeal
    )
    told = resident.notifications.count()
    later = submit_appeal(applicant=resident, city=city, draft=e_appeal_draft(housing_question))
    assert later.appeal.status == Status.NOT_CONSIDERED
    assert resident.notifications.count() == told


def test_one_person_known_two_ways_counts_once(city, housing_question, department, head):
    from mycity.appeals.collective import count_applicants

    anna = UserFactory(email="anna@example.org")
    online = submit_appeal(applicant=anna, city=city, draft=e_appeal_draft(housing_question))
    # The same e-mail on a letter: the same person.
    by_post = submit_appeal(
        applicant=None, city=city, draft=e_appeal_draft(housing_question), key_owner="x"
    )
    stranger = someone_writes(city, housing_question, 1)
    assert count_applicants([online.appeal, by_post.appeal, stranger]) == 2
