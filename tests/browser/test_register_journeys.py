"""The appeals register in Chromium: an intake clerk registers a paper letter, and the
head of the department marks a repeat appeal, which is then left without
consideration."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.moves import answer_appeal
from mycity.appeals.actions.submission import AppealDraft
from mycity.appeals.intake import register_received_appeal
from mycity.appeals.models import Appeal, ApplicantNotice, Status
from mycity.cities.models import Organisation
from tests.browser.conftest import sign_in_as
from tests.conftest import person
from tests.factories import CategoryFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("browser_locale", ["en-US"]),
]

ANNA = {
    "applicant_name": "Anna Ivanova Petrovna",
    "applicant_address": "211400 Polotsk, Nizhne-Pokrovskaya 5, flat 3",
}


@pytest.fixture
def housing(site, city):
    department = Organisation.objects.get(city=city, slug="ispolkom")
    category = CategoryFactory(
        city=city,
        slug="housing-question",
        kind="e_appeal",
        name_en="Housing question",
        is_public=False,
        default_organisation=department,
        service_time_value=15,
        service_time_unit="calendar_days",
    )
    return department, category


def test_an_intake_clerk_registers_a_paper_letter(site, page, demo, city, housing):
    department, category = housing
    person("intake@polotsk.example", RoleKind.INTAKE, city=city)
    sign_in_as(page, site, "intake")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register an appeal")
    page.get_by_label("How it arrived").select_option("post")
    page.get_by_label("Arrived", exact=True).fill("2026-04-19T12:00")
    page.get_by_label("Registered by").select_option(str(department.pk))
    page.get_by_label("Subject").select_option(category.slug)
    page.get_by_label("Full name", exact=True).fill(ANNA["applicant_name"])
    page.get_by_label("Postal address", exact=True).fill(ANNA["applicant_address"])
    page.get_by_label("Text of the appeal").fill("Please explain how to join the housing queue.")
    page.get_by_label("Its own number").fill("OUT-17")
    page.get_by_role("button", name="Register").click()
    appeal = Appeal.objects.get()
    # Sunday 19 April 2026; Monday 20 April a day off, Tuesday 21 April Radunitsa.
    expect(page.get_by_role("status")).to_contain_text(
        f"Registered as {appeal.registration_number} on 22/04/2026; the answer is due by 07/05/2026"
    )
    assert appeal.channel == "post" and appeal.source_number == "OUT-17"
    assert appeal.organisation == department and appeal.status == Status.ASSIGNED


def test_the_head_leaves_a_repeat_appeal(site, page, demo, city, housing):
    department, category = housing
    clerk = person("clerk@polotsk.example", RoleKind.INTAKE, city=city)
    official = demo["executor"]
    person("official2@polotsk.example", RoleKind.EXECUTOR, organisation=department)
    # Leaving a repeat without consideration is the head's decision (art. 15, 21).
    person("head@polotsk.example", RoleKind.HEAD, organisation=department)
    # The demo executor answers for the department in this journey.
    from mycity.accounts.services import grant_role

    grant_role(actor=None, user=official, kind=RoleKind.EXECUTOR, organisation=department)

    def letter(days_ago: int) -> Appeal:
        return register_received_appeal(
            actor=clerk,
            city=city,
            registrar=department,
            channel="post",
            received_at=timezone.now() - timedelta(days=days_ago),
            draft=AppealDraft(
                category_slug=category.slug,
                description="Please explain how to join the housing queue.",
                **ANNA,
            ),
        ).appeal

    first = letter(40)
    answer_appeal(actor=official, appeal=first, text="You join the queue at the committee.")
    again = letter(0)
    sign_in_as(page, site, "head")
    page.goto(f"{site.url}/console/{city.slug}/appeals/{again.pk}/")
    expect(page.get_by_text("Earlier appeals of this applicant")).to_be_visible()
    expect(page.get_by_text("You join the queue at the committee.")).to_be_visible()
    page.get_by_text("Mark as a repeat appeal", exact=True).first.click()
    page.locator("form:has(button[value='mark_repeat']) select[name=repeat_of]").select_option(
        first.number
    )
    page.get_by_role("button", name="Mark as a repeat appeal").click()
    expect(page.locator(".status")).to_have_text("Left without consideration")
    again.refresh_from_db()
    assert again.ground == "repeat"
    assert ApplicantNotice.objects.filter(appeal=again, sent_at__isnull=True).count() == 1
