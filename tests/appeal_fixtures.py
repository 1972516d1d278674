"""Categories, organisations and helpers the appeals specifications share (a pytest
plugin of tests/conftest.py, so every app's tests have them)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mycity.appeals.actions.submission import AppealDraft, submit_appeal
from mycity.appeals.models import Appeal
from mycity.cities.models import Organisation
from tests.factories import CategoryFactory, OrganisationFactory

# Inside the test city (centre 55.4856, 28.7683, ±0.05°).
INSIDE = (55.4860, 28.7690)
OUTSIDE = (55.70, 28.90)


@pytest.fixture
def lighting_service(city) -> Organisation:
    return OrganisationFactory(city=city, slug="gorsvet", activities=["lighting"])


@pytest.fixture
def department(city) -> Organisation:
    return OrganisationFactory(
        city=city, slug="uzhkh", kind=Organisation.Kind.DEPARTMENT, activities=["general"]
    )


@pytest.fixture
def street_light(city, lighting_service):
    return CategoryFactory(
        city=city,
        slug="street-light-out",
        activity="lighting",
        default_organisation=lighting_service,
        extra_fields=[
            {"name": "pole_number", "type": "text", "max_length": 20, "required": False},
            {"name": "entrance", "type": "integer", "min": 1, "max": 30, "required": False},
        ],
    )


@pytest.fixture
def leaking_roof(city, organisation):
    """Routed by activity and service area: the fixture organisation does housing."""
    return CategoryFactory(
        city=city,
        slug="roof-leak",
        activity="housing",
        extra_fields=[
            {
                "name": "entrance",
                "label": {"ru": "Подъезд", "be": "Пад’езд", "en": "Entrance"},
                "type": "integer",
                "min": 1,
                "max": 30,
                "required": True,
            }
        ],
    )


@pytest.fixture
def noisy_neighbours(city):
    """Waits for a moderator; not public; no executor does its activity."""
    return CategoryFactory(
        city=city, slug="noise", activity="trade", is_public=False, needs_moderation=True
    )


@pytest.fixture
def housing_question(city, department):
    return CategoryFactory(
        city=city,
        slug="housing-question",
        kind="e_appeal",
        activity="general",
        is_public=False,
        default_organisation=department,
        service_time_value=15,
        service_time_unit="calendar_days",
    )


def jpeg(width: int = 1600, height: int = 1200, *, name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 200)).save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def report_draft(category, **values) -> AppealDraft:
    defaults = {
        "category_slug": category.slug,
        "description": "Не горит фонарь у подъезда",
        "lat": INSIDE[0],
        "lon": INSIDE[1],
        "consent": True,
    }
    return AppealDraft(**(defaults | values))


def e_appeal_draft(category, **values) -> AppealDraft:
    defaults = {
        "category_slug": category.slug,
        "description": "Прошу разъяснить порядок постановки на учёт нуждающихся в жилье.",
        "applicant_name": "Иванова Анна Петровна",
        "applicant_address": "211400, г. Полоцк, ул. Нижне-Покровская, 5, кв. 3",
        "applicant_email": "anna@example.org",
        "consent": True,
    }
    return AppealDraft(**(defaults | values))


def submit_report(applicant, category, files=(), **values) -> Appeal:
    return submit_appeal(
        applicant=applicant,
        city=category.city,
        draft=report_draft(category, **values),
        files=list(files),
    ).appeal


# --- letters of the register and the officials who handle them ------------------------

# A person who writes to the department by post.
ANNA = {
    "applicant_name": "Иванова Анна Петровна",
    "applicant_address": "211400, г. Полоцк, ул. Нижне-Покровская, 5, кв. 3",
}


@pytest.fixture
def clerk(city):
    """The intake clerk who registers letters."""
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    return person("intake@example.org", RoleKind.INTAKE, city=city)


@pytest.fixture
def official(department):
    """An executor of the department the housing questions go to."""
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    return person("official@example.org", RoleKind.EXECUTOR, organisation=department)


@pytest.fixture
def head(department):
    """The department's head, who decides on appeals (300-З, art. 15, 21, 25¹)."""
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    return person("head@example.org", RoleKind.HEAD, organisation=department)


def letter(clerk, department, category, received, *, anonymous=False, **values) -> Appeal:
    """A letter that arrived by post at `received`, registered by the clerk."""
    from mycity.appeals.intake import register_received_appeal

    fields = {
        "category_slug": category.slug,
        "description": "Прошу разъяснить порядок постановки на учёт нуждающихся в жилье.",
        **({} if anonymous else ANNA),
    } | values
    return register_received_appeal(
        actor=clerk,
        city=department.city,
        registrar=department,
        channel="post",
        received_at=received,
        draft=AppealDraft(**fields),
        anonymous=anonymous,
    ).appeal
