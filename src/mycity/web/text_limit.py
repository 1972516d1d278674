"""A text box with a limit that never cuts the text: a browser silently drops what is
typed or pasted past a `maxlength`, so the box has none; web/text-counter.js counts
instead, and the form refuses an over-long text with the text kept to shorten."""

from typing import cast

from django import forms


def count_characters(form: forms.Form, name: str) -> None:
    field = cast(forms.CharField, form.fields[name])
    field.widget.attrs.pop("maxlength", None)
    field.widget.attrs["data-limit"] = str(field.max_length)
    field.widget.attrs["data-counter"] = f"{form[name].auto_id}_count"
