"""Account pages: register, log in and out, verify a phone or e-mail, the account page with its tokens."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

import segno
from django.conf import settings
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

from opendvc.accounts.eid import eid_provider
from opendvc.accounts.forms import AccessTokenForm, LoginForm, OtpForm, RegistrationForm, VerificationForm
from opendvc.accounts.mfa import (
    totp_device_confirmed,
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_provisioning_uri,
    totp_secret_text,
    totp_verify,
)
from opendvc.accounts.models import User, VerificationCode
from opendvc.accounts.receivers import AUTH_METHOD_KEY
from opendvc.accounts.selectors import access_token_list, mfa_required, officer_role_list, organisation_list_for
from opendvc.accounts.services import (
    access_token_create,
    access_token_revoke,
    citizen_register,
    eid_account_link,
    verification_code_confirm,
    verification_code_send,
)
from opendvc.audit.services import audit_context_from_request, audit_record
from opendvc.core.errors import ApiError
from opendvc.core.ratelimit import rate_limited, too_many_requests

# The page's word for a channel (``/accounts/verify/phone/``) and the notification channel it uses.
VERIFY_CHANNELS = {"phone": VerificationCode.Channel.SMS, "email": VerificationCode.Channel.EMAIL}


class LoginView(auth_views.LoginView):
    """Password login. Officers (and administrators) go on to the second factor (``/accounts/mfa/``);
    failed attempts count towards the lockout (django-axes) and a client address may try at most
    ``RATE_LIMITS_PER_MINUTE["login"]`` times a minute."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    next_page = "/"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if rate_limited(scope="login", key=audit_context_from_request(request).ip or ""):
            audit_record(action="login", outcome="refused", reason="too_many_requests")
            form = self.get_form()
            form.add_error(None, too_many_requests().message())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        self.request.session[AUTH_METHOD_KEY] = "password"
        response = super().form_valid(form)
        user = form.get_user()
        if mfa_required(user=user):
            target = self.get_redirect_url() or (
                reverse("dossiers_web:worklist") if user.kind == User.Kind.OFFICER else self.get_success_url()
            )
            return redirect(f"{reverse('accounts:mfa')}?{urlencode({'next': target})}")
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["eid_url"] = f"{reverse('accounts:eid_login')}?{urlencode({'next': self.get_redirect_url() or ''})}"
        return context


class LogoutView(auth_views.LogoutView):
    """Log out of the portal; a person who came in with the national e-ID is then sent through the
    e-ID provider's end-session endpoint, so the shared computer at a one-stop desk is not left
    signed in there (OpenID Connect RP-Initiated Logout 1.0, §2)."""

    next_page = "/"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        came_with_eid = request.session.get(AUTH_METHOD_KEY) == "eid"
        id_token = str(request.session.get(EID_ID_TOKEN_KEY, ""))
        response = super().post(request, *args, **kwargs)
        if not came_with_eid:
            return response
        target = eid_provider().logout_url(id_token=id_token, post_logout_redirect_uri=request.build_absolute_uri("/"))
        if not target:
            return response
        # A page that moves on by itself rather than a redirect: the Content-Security-Policy's
        # ``form-action 'self'`` rightly stops a form's redirect to another origin.
        return render(request, "accounts/logout_eid.html", {"target": target})


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None) -> HttpResponse:
    """django-axes' answer once a username failed too often from one address (``AXES_*`` settings)."""
    audit_record(
        action="login",
        object_type="username",
        object_id=str((credentials or {}).get("username", ""))[:100],
        outcome="refused",
        reason="locked_out",
    )
    minutes = int(float(settings.AXES_COOLOFF_TIME) * 60)
    form = LoginForm(request, data=request.POST or None)
    form.errors.clear()
    form.add_error(
        None,
        _("Tài khoản này tạm khóa %(minutes)d phút vì nhập sai nhiều lần. Hãy đợi rồi thử lại, hoặc liên hệ quản trị.")
        % {"minutes": minutes},
    )
    return render(request, "accounts/login.html", {"form": form, "locked": True}, status=429)


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


# --- The officers' second factor -------------------------------------------------------------------


def _safe_next(request: HttpRequest, fallback: str = "/") -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@never_cache
@login_required
def mfa(request: HttpRequest) -> HttpResponse:
    """The one-time code after the password; the first time, enrolling the authenticator app."""
    user = _current_user(request)
    next_url = _safe_next(request, reverse("dossiers_web:worklist") if user.kind == User.Kind.OFFICER else "/")
    if not mfa_required(user=user) or user.is_verified():  # type: ignore[attr-defined]
        return redirect(next_url)
    form = OtpForm(request.POST or None)
    device = totp_device_confirmed(user=user)
    enrolling = device is None
    pending = totp_enrolment_start(user=user) if enrolling else None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if enrolling:
                totp_enrolment_confirm(request=request, user=user, code=form.cleaned_data["code"])
                messages.success(
                    request, _("Đã đăng ký ứng dụng xác thực. Từ nay mỗi lần đăng nhập, hãy nhập mã trong ứng dụng.")
                )
            else:
                totp_verify(request=request, user=user, code=form.cleaned_data["code"])
        except ApiError as error:
            form.add_service_error(error)
            status = error.status
        else:
            return redirect(next_url)
    elif request.method == "POST":
        status = 400
    context: dict[str, Any] = {"form": form, "next": next_url, "enrolling": enrolling}
    if pending is not None:
        context["secret"] = totp_secret_text(pending)
        context["qr_svg"] = segno.make(totp_provisioning_uri(pending), error="m").svg_inline(
            scale=4, title=_("Mã QR để thêm tài khoản vào ứng dụng xác thực")
        )
    template = "accounts/mfa_enrol.html" if enrolling else "accounts/mfa_verify.html"
    return render(request, template, context, status=status)


# --- National e-ID ---------------------------------------------------------------------------------

EID_NEXT_KEY = "odvc_eid_next"
EID_ID_TOKEN_KEY = "odvc_eid_id_token"  # noqa: S105 - a session key, not a secret


@never_cache
def eid_login(request: HttpRequest) -> HttpResponse:
    """Send the person to the national e-ID provider (``?next=`` is where they land afterwards;
    ``?level=2`` asks the provider for a level-2 identity)."""
    request.session[EID_NEXT_KEY] = _safe_next(request, reverse("dossiers_web:my_dossiers"))
    acr = "urn:vneid:loa:2" if request.GET.get("level") == "2" else ""
    try:
        return eid_provider().authorize_redirect(
            request, redirect_uri=request.build_absolute_uri(reverse("accounts:eid_callback")), acr_values=acr
        )
    except ApiError as error:
        audit_record(action="login", outcome="refused", reason=error.code, data={"method": "eid"})
        return render(request, "accounts/eid_error.html", {"error": error.message()}, status=error.status)


@never_cache
def eid_callback(request: HttpRequest) -> HttpResponse:
    """Back from the e-ID provider: check everything, create or link the account, log in."""
    try:
        identity = eid_provider().callback(request)
        user, created = eid_account_link(identity=identity)
    except ApiError as error:
        audit_record(action="login", outcome="refused", reason=error.code, data={"method": "eid"})
        return render(request, "accounts/eid_error.html", {"error": error.message()}, status=error.status)
    next_url = request.session.pop(EID_NEXT_KEY, "") or reverse("dossiers_web:my_dossiers")
    request.session[AUTH_METHOD_KEY] = "eid"
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[AUTH_METHOD_KEY] = "eid"
    request.session[EID_ID_TOKEN_KEY] = identity.id_token
    if created:
        messages.success(request, _("Đã tạo tài khoản của bạn từ định danh điện tử quốc gia."))
    return redirect(next_url)
