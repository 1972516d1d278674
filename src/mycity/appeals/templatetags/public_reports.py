"""`{{ report.description|public_text }}`: a report's text as the public reads it."""

from django import template

from mycity.appeals import public_text as masking

register = template.Library()


@register.filter
def public_text(text: str) -> str:
    return masking.public_text(text or "")
