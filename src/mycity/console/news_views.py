"""Editors write news in the console: drafts, publishing now or at a time, archiving."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from mycity.accounts.models import User
from mycity.console.editing import console_page, editor_city
from mycity.content import news as news_services
from mycity.content.models import News
from mycity.web.form_errors import refusals

TEXT = forms.Textarea(attrs={"rows": 3})
BODY = forms.Textarea(attrs={"rows": 10})


class NewsForm(forms.Form):
    title_ru = forms.CharField(label=gettext_lazy("Title (Russian)"), max_length=200)
    title_be = forms.CharField(
        label=gettext_lazy("Title (Belarusian)"), max_length=200, required=False
    )
    title_en = forms.CharField(
        label=gettext_lazy("Title (English)"), max_length=200, required=False
    )
    lead_ru = forms.CharField(label=gettext_lazy("Lead (Russian)"), required=False, widget=TEXT)
    lead_be = forms.CharField(label=gettext_lazy("Lead (Belarusian)"), required=False, widget=TEXT)
    lead_en = forms.CharField(label=gettext_lazy("Lead (English)"), required=False, widget=TEXT)
    body_ru = forms.CharField(label=gettext_lazy("Text (Russian, HTML)"), widget=BODY)
    body_be = forms.CharField(
        label=gettext_lazy("Text (Belarusian, HTML)"), required=False, widget=BODY
    )
    body_en = forms.CharField(
        label=gettext_lazy("Text (English, HTML)"), required=False, widget=BODY
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags, separated by commas"), max_length=300, required=False
    )
    cover = forms.FileField(label=gettext_lazy("Cover image"), required=False)
    publish_at = forms.DateTimeField(
        label=gettext_lazy("Publish at (empty: now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def draft(self) -> news_services.NewsDraft:
        data = self.cleaned_data
        return news_services.NewsDraft(
            title={lang: data[f"title_{lang}"] for lang in ("ru", "be", "en")},
            lead={lang: data[f"lead_{lang}"] for lang in ("ru", "be", "en")},
            body={lang: data[f"body_{lang}"] for lang in ("ru", "be", "en")},
            tags=[tag.strip() for tag in data["tags"].split(",")],
        )


def _initial(item: News) -> dict[str, Any]:
    values: dict[str, Any] = {"tags": ", ".join(item.tags), "publish_at": item.publish_at}
    for name in ("title", "lead", "body"):
        for lang in ("ru", "be", "en"):
            values[f"{name}_{lang}"] = getattr(item, f"{name}_{lang}")
    return values


@require_safe
@login_required
def news_list(request: HttpRequest, slug: str) -> HttpResponse:
    city = editor_city(request, slug)
    rows = News.objects.filter(city=city).order_by("-created_at")[:200]
    return console_page(request, city, "console/news_list.html", items=rows)


@login_required
@require_http_methods(["GET", "POST"])
def news_item(request: HttpRequest, slug: str, news_id: int | None = None) -> HttpResponse:
    city = editor_city(request, slug)
    found = None
    if news_id is not None:
        found = News.objects.filter(city=city, pk=news_id).first()
        if found is None:
            raise Http404
    form = NewsForm(
        request.POST or None,
        request.FILES or None,
        initial=_initial(found) if found is not None else {},
    )
    problems: list[str] = []
    status = 200
    actor = cast(User, request.user)
    if request.method == "POST" and request.POST.get("archive") and found is not None:
        news_services.archive_news(actor=actor, news=found)
        messages.success(request, _("The news item is archived."))
        return redirect("console:news_item", slug=city.slug, news_id=found.pk)
    if request.method == "POST":
        if form.is_valid():
            with refusals(form) as refused:
                saved = news_services.save_news(
                    actor=actor,
                    city=city,
                    draft=form.draft(),
                    news=found,
                    cover=form.cleaned_data["cover"],
                )
                if request.POST.get("publish"):
                    news_services.publish_news(
                        actor=actor, news=saved, at=form.cleaned_data["publish_at"]
                    )
                    messages.success(request, _("The news item is published."))
                else:
                    messages.success(request, _("The news item is saved."))
                return redirect("console:news_item", slug=city.slug, news_id=saved.pk)
            problems, status = refused.problems, refused.status
        else:
            status = 400
    return console_page(
        request,
        city,
        "console/news_item.html",
        form=form,
        item=found,
        problems=problems,
        status=status,
    )
