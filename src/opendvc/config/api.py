"""The public REST API (django-ninja): one NinjaAPI, one router per app, uniform errors."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from opendvc.accounts.api import router as accounts_router
from opendvc.agencies.api import router as agencies_router
from opendvc.agencies.api import units_router
from opendvc.catalog.api import router as catalog_router
from opendvc.core.api import router as calendar_router
from opendvc.core.errors import ApiError, error_body
from opendvc.dossiers.api import router as dossiers_router
from opendvc.payments.api import router as payments_router
from opendvc.reporting.api import router as statistics_router
from opendvc.sync.api import router as sync_router

api = NinjaAPI(
    title="OpenDVC API",
    version="1",
    description=(
        'API của Cổng dịch vụ công OpenDVC. Lỗi trả về dạng `{"code", "message", "messages": {"vi", "en"}, "details"}`.'
    ),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)

api.add_router("/v1/accounts", accounts_router)
api.add_router("/v1/administrative-units", units_router)
api.add_router("/v1/agencies", agencies_router)
api.add_router("/v1/procedures", catalog_router)
api.add_router("/v1/dossiers", dossiers_router)
api.add_router("/v1/calendar", calendar_router)
api.add_router("/v1/statistics", statistics_router)
api.add_router("/v1/payments", payments_router)
api.add_router("/v1/sync", sync_router)


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return api.create_response(request, error_body(request, exc), status=exc.status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    error = ApiError(
        "invalid_request",
        "Yêu cầu không hợp lệ: kiểm tra lại các tham số.",
        "Invalid request: check the parameters.",
        details=[
            {"location": ".".join(str(p) for p in e.get("loc", [])), "message": e.get("msg", "")} for e in exc.errors
        ],
    )
    return api.create_response(request, error_body(request, error), status=422)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    error = ApiError("not_authenticated", "Bạn cần đăng nhập.", "Authentication required.", status=401)
    return api.create_response(request, error_body(request, error), status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    error = ApiError("http_error", str(exc), str(exc), status=exc.status_code)
    return api.create_response(request, error_body(request, error), status=exc.status_code)
