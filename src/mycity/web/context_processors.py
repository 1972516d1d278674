from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "LANGUAGE_CHOICES": [(code, name) for code, name in settings.LANGUAGES],
        "DEMO_SIGNIN": settings.MYCITY_DEMO_SIGNIN,
    }
