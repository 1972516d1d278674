"""The resident's consent to the processing of their personal data (Law 99-З, art. 5),
recorded with the version of the operator's notice they read. One service for every
face: the web forms, the REST API and Open311 all reach it through `submit_appeal`."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from mycity.accounts.models import User
from mycity.cities.models import City
from mycity.privacy.models import ConsentRecord
from mycity.privacy.notice import current_version


def record_consent(
    *, user: User, city: City, at: datetime | None = None, version: str | None = None
) -> ConsentRecord:
    """The resident agreed to the city's current notice (ticking the box on a form, or
    `consent: true` through the API). A standing consent to the same version is
    returned as it is. `version` is the current one when the caller has just read it."""
    version = version or current_version(city)
    standing = ConsentRecord.objects.filter(
        user=user, city=city, notice_version=version, withdrawn_at__isnull=True
    )
    found = standing.first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return ConsentRecord.objects.create(
                user=user, city=city, notice_version=version, given_at=at or timezone.now()
            )
    except IntegrityError:
        # The same resident's second tab got there first.
        return standing.get()
