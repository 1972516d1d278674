"""Language and links of what a notification says."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

from mycity.accounts.models import User


@contextmanager
def in_language_of(user: User) -> Iterator[None]:
    """Render inside this block to write a notification in its recipient's language.

    with in_language_of(appeal.applicant):
        subject = gettext("Your appeal %(number)s was answered") % {...}
    """
    with translation.override(user.language or settings.LANGUAGE_CODE):
        yield


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def absolute_url(path: str) -> str:
    """A path on the site (what `Notification.url` holds) as a link for outside the site."""
    return f"{site_url()}{path}"
