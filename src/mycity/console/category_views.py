"""The city's catalogue of categories, for its administrator: the tree, and a form per
category that saves through `appeals.actions.catalogue.save_category`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from mycity.accounts.permissions import Action, may
from mycity.appeals.actions.catalogue import save_category
from mycity.appeals.models import Category
from mycity.appeals.selectors import catalogue_tree
from mycity.cities.models import City
from mycity.console.access import console_city_for
from mycity.console.category_forms import (
    CategoryForm,
    ExtraFieldFormSet,
    category_initial,
    extra_field_definitions,
    extra_field_initial,
)
from mycity.console.editing import console_page
from mycity.web.form_errors import refusals


def setup_city(request: HttpRequest, slug: str) -> City:
    """The city whose setup the person changes; a 404 for anyone else."""
    city = console_city_for(request.user, slug)
    if not may(request.user, Action.EDIT_CITY, city):
        raise Http404
    return city


@require_safe
@login_required
def categories(request: HttpRequest, slug: str) -> HttpResponse:
    city = setup_city(request, slug)
    tree = catalogue_tree(city)
    return console_page(
        request,
        city,
        "console/categories.html",
        tree=tree,
        can_read_audit=may(request.user, Action.READ_AUDIT, city),
    )


@login_required
@require_http_methods(["GET", "POST"])
def category(request: HttpRequest, slug: str, category_id: int | None = None) -> HttpResponse:
    city = setup_city(request, slug)
    current = None
    if category_id is not None:
        current = (
            Category.objects.filter(city=city, pk=category_id)
            .select_related("parent", "default_organisation")
            .first()
        )
        if current is None:
            raise Http404
    previous = list(current.extra_fields) if current else []
    if request.method == "POST":
        form = CategoryForm(request.POST, city=city, category=current)
        fields = ExtraFieldFormSet(request.POST, prefix="extra")
    else:
        form = CategoryForm(initial=category_initial(current), city=city, category=current)
        fields = ExtraFieldFormSet(initial=extra_field_initial(previous), prefix="extra")
    status = 200
    problems: list[str] = []
    if request.method == "POST":
        status = 400
        if form.is_valid() and fields.is_valid():
            values = dict(form.cleaned_data)
            values["extra_fields"] = extra_field_definitions(fields, previous)
            with refusals(form) as refused:
                saved = save_category(
                    actor=request.user,  # type: ignore[arg-type]
                    city=city,
                    category=current,
                    values=values,
                )
                messages.success(request, _("The category is saved."))
                return redirect("console:category", slug=city.slug, category_id=saved.pk)
            status, problems = refused.status, refused.problems
    return console_page(
        request,
        city,
        "console/category.html",
        category=current,
        form=form,
        fields=fields,
        problems=problems,
        can_read_audit=may(request.user, Action.READ_AUDIT, city),
        status=status,
    )
