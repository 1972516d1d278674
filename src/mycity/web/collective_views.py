"""Answers an organisation published for many appeals on one subject (Law on appeals:
more than ten appeals on the same question may be answered by a publication)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from mycity.appeals.models import CollectiveAnswer
from mycity.cities import selectors
from mycity.cities.errors import CityNotFound
from mycity.cities.models import City

PAGE = 50


def _city(slug: str) -> City:
    try:
        return selectors.city_by_slug(slug)
    except CityNotFound:
        raise Http404 from None


@require_safe
def collective_answers(request: HttpRequest, slug: str) -> HttpResponse:
    """The city's published answers, newest first; `?organisation=` narrows to one
    organisation's page."""
    city = _city(slug)
    answers = CollectiveAnswer.objects.filter(city=city).select_related("organisation", "category")
    organisation = None
    wanted = request.GET.get("organisation", "").strip()
    if wanted:
        organisation = selectors.organisations_of(city).filter(slug=wanted).first()
        if organisation is None:
            raise Http404
        answers = answers.filter(organisation=organisation)
    return render(
        request,
        "web/collective_answers.html",
        {"city": city, "organisation": organisation, "answers": list(answers[:PAGE])},
    )


@require_safe
def collective_answer(request: HttpRequest, slug: str, answer_id: int) -> HttpResponse:
    city = _city(slug)
    answer = (
        CollectiveAnswer.objects.filter(city=city, pk=answer_id)
        .select_related("organisation", "category")
        .first()
    )
    if answer is None:
        raise Http404
    return render(
        request,
        "web/collective_answer.html",
        {"city": city, "answer": answer, "appeals": answer.answers.count()},
    )
