"""Account pages: register, log in and out, verify a phone or e-mail, the account page with its tokens."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from opendvc.accounts.forms import AccessTokenForm, LoginForm, RegistrationForm, VerificationForm
from opendvc.accounts.models import User, VerificationCode
from opendvc.accounts.selectors import access_token_list, officer_role_list, organisation_list_for
from opendvc.accounts.services import (
    access_token_create,
    access_token_revoke,
    citizen_register,
    verification_code_confirm,
    verification_code_send,
)
from opendvc.core.errors import ApiError

# The page's word for a channel (``/accounts/verify/phone/``) and the notification channel it uses.
VERIFY_CHANNELS = {"phone": VerificationCode.Channel.SMS, "email": VerificationCode.Channel.EMAIL}


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    next_page = "/"


class LogoutView(auth_views.LogoutView):
    next_page = "/"


def _current_user(request: HttpRequest) -> User:
    return cast(User, request.user)


@never_cache
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = citizen_register(**form.registration_data())
        except ApiError as error:
            form.add_service_error(error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("accounts:verify", channel="phone")
    return render(request, "accounts/register.html", {"form": form})


def _masked(address: str) -> str:
    """Enough of an address for people to recognise it: ``*******678``, ``n***@example.com``."""
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return "*" * max(len(address) - 3, 0) + address[-3:]


def _next_after_verifying(user: User, channel: str) -> str:
    if channel == "phone" and user.email and user.email_verified_at is None:
        return reverse("accounts:verify", kwargs={"channel": "email"})
    return reverse("accounts:account")


@never_cache
@login_required
def verify(request: HttpRequest, channel: str) -> HttpResponse:
    if channel not in VERIFY_CHANNELS:
        raise Http404
    user = _current_user(request)
    address = user.phone if channel == "phone" else user.email
    verified_at = user.phone_verified_at if channel == "phone" else user.email_verified_at
    form = VerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification_code_confirm(user=user, channel=VERIFY_CHANNELS[channel], code=form.cleaned_data["code"])
        except ApiError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Đã xác thực số điện thoại.") if channel == "phone" else _("Đã xác thực địa chỉ thư điện tử."),
            )
            return redirect(_next_after_verifying(user, channel))
    context = {
        "form": form,
        "channel": channel,
        "address": _masked(address) if address else "",
        "verified_at": verified_at,
        "next_url": _next_after_verifying(user, channel),
    }
    return render(request, "accounts/verify.html", context)


@require_POST
@login_required
def verify_resend(request: HttpRequest, channel: str) -> HttpResponse:
    if channel not in VERIFY_CHANNELS:
        raise Http404
    try:
        verification_code_send(user=_current_user(request), channel=VERIFY_CHANNELS[channel])
    except ApiError as error:
        messages.error(request, error.message())
    else:
        messages.success(request, _("Đã gửi mã xác thực mới. Mã cũ không dùng được nữa."))
    return redirect("accounts:verify", channel=channel)


def _account_page(request: HttpRequest, token_form: AccessTokenForm) -> HttpResponse:
    user = _current_user(request)
    context = {
        "account": user,
        "roles": officer_role_list(user=user),
        "organisations": organisation_list_for(user=user),
        "tokens": access_token_list(user=user),
        "token_form": token_form,
    }
    return render(request, "accounts/account.html", context)


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request, AccessTokenForm())


@never_cache
@require_POST
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    """The new token is shown in this response only (never stored in a session or the database)."""
    form = AccessTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = access_token_create(user=_current_user(request), **form.token_data())
        except ApiError as error:
            form.add_service_error(error)
        else:
            return render(request, "accounts/token_created.html", {"token": token, "secret": secret})
    return _account_page(request, form)


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = access_token_revoke(user=_current_user(request), token_id=token_id)
    except ApiError as error:
        raise Http404(error.message()) from None
    messages.success(request, _("Đã thu hồi mã truy cập “%(name)s”.") % {"name": token.name})
    return redirect(reverse("accounts:account") + "#tokens")
