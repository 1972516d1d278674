"""A person's access tokens for apps and scripts, in the settings area: see them, make
one (its secret is shown once), revoke one. The same services as /api/v1/me/tokens."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from mycity.accounts.models import User
from mycity.appeals import selectors
from mycity.appeals.actions.api_keys import (
    DEFAULT_LIFETIME_DAYS,
    LIFETIMES_DAYS,
    issue_personal_token,
    revoke_api_token,
)
from mycity.appeals.errors import TokenNotFound
from mycity.appeals.models import PERSONAL_SCOPES, ApiClient, ApiScope
from mycity.cities.models import City
from mycity.cities.selectors import active_cities
from mycity.web.choice import chosen_city
from mycity.web.form_errors import refusals


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        help_text=gettext_lazy("Where the token is used, e.g. «phone app»."),
    )
    city = forms.ModelChoiceField(label=gettext_lazy("City"), queryset=City.objects.none())
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("What it may do"),
        choices=[(scope.value, scope.label) for scope in PERSONAL_SCOPES],
        widget=forms.CheckboxSelectMultiple,
    )
    lifetime_days = forms.TypedChoiceField(
        label=gettext_lazy("Expires in"),
        coerce=int,
        choices=[(days, gettext_lazy("%(days)s days") % {"days": days}) for days in LIFETIMES_DAYS],
        initial=DEFAULT_LIFETIME_DAYS,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        city = cast(forms.ModelChoiceField, self.fields["city"])
        city.queryset = active_cities()


def _scope_labels(client: ApiClient) -> str:
    labels = dict(ApiScope.choices)
    return "; ".join(str(labels.get(scope, scope)) for scope in client.scopes)


def _page(
    request: HttpRequest, form: TokenForm, *, status: int = 200, **extra: Any
) -> HttpResponse:
    now = timezone.now()
    tokens = [
        (client, _scope_labels(client), client.expires_at is not None and client.expires_at <= now)
        for client in selectors.tokens_of(request.user)
    ]
    context = {"form": form, "tokens": tokens, **extra}
    return render(request, "web/api_tokens.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = TokenForm(
        request.POST or None,
        initial={"city": user.home_city or chosen_city(request), "scopes": [ApiScope.RESIDENT]},
    )
    if request.method != "POST":
        return _page(request, form)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    with refusals(form) as refused:
        issued = issue_personal_token(
            owner=user,
            city=data["city"],
            name=data["name"],
            scopes=data["scopes"],
            lifetime_days=data["lifetime_days"],
        )
        # The secret is shown on this answer only; a fresh form for the next one.
        return _page(request, TokenForm(initial=form.initial), issued=issued)
    return _page(request, form, status=refused.status)


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        revoke_api_token(owner=cast(User, request.user), token_id=token_id)
    except TokenNotFound as error:
        raise Http404 from error
    messages.success(request, _("The token is revoked."))
    return redirect("web:api_tokens")
