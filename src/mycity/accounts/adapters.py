from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter, context
from django.http import HttpRequest
from django.utils.encoding import force_str
from django.utils.translation import gettext


@dataclass(frozen=True)
class _Site:
    """What allauth's mail templates call the site: our name, not the host's."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user, form, commit: bool = True):
        """A new resident keeps the language they were using when they signed up."""
        user = super().save_user(request, user, form, commit=False)
        language = getattr(request, "LANGUAGE_CODE", "")
        if language and not user.language:
            user.language = language
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, ctx: dict) -> None:
        request = context.request
        ctx = {"current_site": _Site(name=gettext("My city"), domain=request.get_host()), **ctx}
        super().send_mail(template_prefix, email, ctx)

    def format_email_subject(self, subject: str) -> str:
        return f"[{gettext('My city')}] {force_str(subject)}"
