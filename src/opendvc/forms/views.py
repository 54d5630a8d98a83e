"""The applicant's way from a procedure to a submitted dossier (UX.md, "Citizen journeys").

Start (choose the agency) → task list → one page per topic → one upload page per document → check
your answers → submit → confirmation. Every page works without JavaScript; htmx only refreshes the
list of communes when a province is chosen. A draft that is not the person's own is a 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from opendvc.accounts.models import User
from opendvc.agencies.models import Agency
from opendvc.audit.services import audit_context, audit_context_from_request
from opendvc.catalog.models import ChannelKind, ProcedureVersion
from opendvc.catalog.selectors import procedure_get
from opendvc.core.codes import CodeError, parse_tthc_code
from opendvc.core.errors import ApiError, NotFound
from opendvc.dossiers.files import max_upload_bytes
from opendvc.forms import presenters, selectors, services
from opendvc.forms.inputs import page_input_parse
from opendvc.forms.models import DossierDraft
from opendvc.forms.schema import FormSpec, PageSpec, data_get
from opendvc.forms.validation import FieldError, required_error

RETURN_TO_CHECK = "kiem-tra"
ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def _language() -> str:
    return get_language() or "vi"


@contextmanager
def _audited(request: HttpRequest) -> Iterator[None]:
    """The client's address and request id on the audit entries the dossiers app writes."""
    context = audit_context_from_request(request)
    with audit_context(ip=context.ip, request_id=context.request_id):
        yield


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _url(name: str, fallback: str, **kwargs: Any) -> str:
    """A page of another app by name, or by its address while that app does not name it yet."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return fallback


def _step_url(draft: DossierDraft, step: str | None, *, ready: bool = False) -> str:
    if step is None:
        return reverse("forms:check" if ready else "forms:task_list", kwargs={"draft_id": draft.public_id})
    kind, _, key = step.partition(":")
    if kind == "page":
        return reverse("forms:page", kwargs={"draft_id": draft.public_id, "page_id": key})
    return reverse("forms:document", kwargs={"draft_id": draft.public_id, "document_id": int(key)})


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",") + " MB"
    if size >= 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size} B"


@dataclass(frozen=True)
class ErrorLink:
    href: str
    text: str


def _error_links(spec: FormSpec, errors: list[FieldError]) -> list[ErrorLink]:
    language = _language()
    return [ErrorLink(f"#{presenters.error_anchor(spec, e.pointer)}", e.message(language)) for e in errors]


# --- Drafts: open one, refresh it, or say why not ----------------------------------------------------


class _Closed(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _open(request: HttpRequest, draft_id: UUID) -> tuple[DossierDraft, FormSpec]:
    """The person's draft, moved to the procedure's current version if it changed; the pages that
    cannot be used any more (submitted, procedure no longer online) answer through :class:`_Closed`."""
    try:
        draft = selectors.draft_get(user=_user(request), public_id=draft_id)
    except NotFound:
        raise Http404("draft") from None
    if draft.dossier_id is not None:
        raise _Closed(redirect("forms:confirmation", draft_id=draft.public_id))
    try:
        moved = services.draft_refresh(draft=draft)
    except ApiError as error:
        raise _Closed(
            render(
                request, "forms/unavailable.html", {"draft": draft, "message": error.message(_language())}, status=409
            )
        ) from None
    request.draft_moved = moved is not None  # type: ignore[attr-defined]
    if moved is not None:
        text = _(
            "Thủ tục vừa được cập nhật (phiên bản %(version)s). Thông tin bạn đã khai được chuyển sang tờ khai mới; "
            "hãy kiểm tra lại các phần đang đánh dấu «Đang làm»."
        ) % {"version": moved.version_number}
        if moved.dropped_documents:
            text += " " + _("Một số tệp không còn phù hợp với thành phần hồ sơ mới, hãy tải lại.")
        messages.warning(request, text)
    assert draft.form is not None
    return draft, draft.form.spec


def draft_view(view: Any) -> Any:
    def wrapper(request: HttpRequest, draft_id: UUID, **kwargs: Any) -> HttpResponse:
        try:
            draft, spec = _open(request, draft_id)
        except _Closed as closed:
            return closed.response
        return cast(HttpResponse, view(request, draft, spec, **kwargs))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return login_required(wrapper)


# --- Start ---------------------------------------------------------------------------------------


def _fees_and_time(version: ProcedureVersion) -> dict[str, Any]:
    online = [c for c in version.channels.all() if c.kind == ChannelKind.ONLINE]
    fees = [fee for fee in version.fees.all() if not fee.channel_kinds or ChannelKind.ONLINE in fee.channel_kinds]
    return {"channel": online[0] if online else None, "fees": fees}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    """Before starting: what is needed, then the agency that will receive the dossier."""
    try:
        national = parse_tthc_code(code)
    except CodeError:
        raise Http404("procedure code") from None
    version = procedure_get(code=national)
    if version is None:
        raise Http404("procedure")
    procedure = version.procedure
    form = services.procedure_form_current(procedure=procedure)
    offerings = selectors.online_offerings(procedure=procedure)
    if form is None or not offerings or not selectors.version_accepts_online(version=version):
        return render(request, "forms/not_online.html", {"version": version}, status=404)
    user = _user(request)
    provinces = sorted(
        {(o.agency.province.code, o.agency.province.name) for o in offerings if o.agency.province},
        key=lambda item: item[1],
    )
    chosen_province = request.GET.get("tinh", "")
    if chosen_province:
        shown = [o for o in offerings if o.agency.province and o.agency.province.code == chosen_province]
    else:
        shown = offerings if len(offerings) <= 8 else []
    error = ""
    status = 200
    if request.method == "POST":
        agency_code = request.POST.get("agency", "")
        agency = next((o.agency for o in offerings if o.agency.code == agency_code), None)
        if agency is None:
            error = _("Chọn cơ quan sẽ nhận hồ sơ của bạn.")
            status = 400
        else:
            try:
                draft = services.draft_start(user=user, procedure=procedure, agency=agency)
            except ApiError as problem:
                error = problem.message(_language())
                status = problem.status
            else:
                return redirect("forms:task_list", draft_id=draft.public_id)
    documents = selectors.document_tasks(version=version, spec=form.spec)
    context = {
        "version": version,
        "form": form,
        "documents": documents,
        "offerings": shown,
        "single": offerings[0] if len(offerings) == 1 else None,
        "provinces": provinces if len(offerings) > 8 else [],
        "chosen_province": chosen_province,
        "error": error,
        "is_officer": user.kind == User.Kind.OFFICER,
        "assurance_missing": version.required_assurance_level > user.assurance_level,
        "open_draft": selectors.draft_open_for(user=user, procedure=procedure),
        "page_count": len(form.spec.pages),
        **_fees_and_time(version),
    }
    return render(request, "forms/start.html", context, status=status)


# --- My drafts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftRow:
    draft: DossierDraft
    name: str
    done: int
    total: int


@login_required
@require_safe
def drafts(request: HttpRequest) -> HttpResponse:
    """ "Hồ sơ đang soạn": applications not yet submitted, to carry on or throw away."""
    rows = []
    for draft in selectors.draft_list(user=_user(request))[:50]:
        total = done = 0
        if draft.form is not None:
            spec = draft.form.spec
            total = len(spec.pages)
            done = sum(f"page:{page.id}" in draft.completed for page in spec.pages)
        rows.append(DraftRow(draft, draft.procedure_version.name, done, total))
    return render(
        request,
        "forms/drafts.html",
        {"rows": rows, "my_dossiers_url": _url("dossiers_web:my_dossiers", "/ho-so-cua-toi/")},
    )


# --- Task list --------------------------------------------------------------------------------------


@draft_view
@require_safe
def task_list(request: HttpRequest, draft: DossierDraft, spec: FormSpec) -> HttpResponse:
    progress = selectors.draft_progress(draft=draft, spec=spec)
    return render(
        request,
        "forms/task_list.html",
        {
            "draft": draft,
            "progress": progress,
            "resume_url": _step_url(draft, progress.first_unfinished(), ready=progress.ready),
            "language": _language(),
        },
    )


# --- One page of questions ---------------------------------------------------------------------------


def _province_changed(spec: FormSpec, page: PageSpec, draft: DossierDraft, values: dict[str, Any]) -> set[str]:
    """Commune fields whose province was chosen or changed in this POST (to offer its communes first)."""
    changed = set()
    for field_spec in page.fields:
        if field_spec.kind != "commune":
            continue
        province = spec.fields.get(field_spec.province)
        if province is None or province.pointer not in page.pointers:
            continue
        before = data_get(draft.form_data, province.path)
        if values.get(province.pointer) and values.get(province.pointer) != before:
            changed.add(field_spec.pointer)
    return changed


@draft_view
@require_http_methods(["GET", "HEAD", "POST"])
def page(request: HttpRequest, draft: DossierDraft, spec: FormSpec, page_id: str) -> HttpResponse:
    """One topic: the page title is the question; answers saved on every "Lưu và tiếp tục"."""
    page_spec = spec.page(page_id)
    if page_spec is None:
        raise Http404("page")
    language = _language()
    user = _user(request)
    return_to = request.GET.get("tra-ve") or request.POST.get("tra-ve") or ""
    errors: list[FieldError] = []
    notice = ""
    status = 200
    typed = None
    data = None
    population_error = ""
    if request.method == "POST" and request.POST.get("action") == "population":
        try:
            filled = services.draft_population_prefill(
                draft=draft, page=page_spec, user=user, consent_given=request.POST.get("dong-y") == "1"
            )
        except ApiError as error:
            population_error = error.message(language)
            status = error.status if error.status < 500 else 200
        else:
            if filled.filled:
                messages.success(
                    request,
                    _(
                        "Đã điền thông tin của bạn từ Cơ sở dữ liệu quốc gia về dân cư. "
                        "Hãy kiểm tra lại rồi bấm “Lưu và tiếp tục”."
                    ),
                )
            if filled.warnings:
                messages.warning(
                    request,
                    _(
                        "Số định danh cá nhân chưa khớp hẳn với ngày sinh, giới tính hoặc nơi đăng ký khai sinh "
                        "trong Cơ sở dữ liệu. Nếu thông tin chưa đúng, hãy liên hệ công an xã nơi cư trú."
                    ),
                )
            target = _step_url(draft, f"page:{page_spec.id}")
            return redirect(f"{target}?tra-ve={return_to}" if return_to == RETURN_TO_CHECK else target)
    elif request.method == "POST":
        given = page_input_parse(page_spec, request.POST)
        waiting_for_commune = _province_changed(spec, page_spec, draft, given.values)
        errors = services.draft_page_save(draft=draft, page=page_spec, spec=spec, given=given)
        later = request.POST.get("action") == "later"
        waiting = [
            e
            for e in errors
            if e.pointer in waiting_for_commune and e == required_error(e.pointer, spec.fields[e.pointer])
        ]
        if waiting and not later:
            errors = [e for e in errors if e not in waiting]
            notice = _("Đã chọn tỉnh, thành phố. Bây giờ hãy chọn xã, phường hoặc đặc khu trong danh sách.")
        if later:
            messages.success(request, _("Đã lưu. Bạn có thể quay lại tiếp tục bất cứ lúc nào."))
            return redirect("forms:task_list", draft_id=draft.public_id)
        elif not errors and not notice:
            if return_to == RETURN_TO_CHECK:
                return redirect("forms:check", draft_id=draft.public_id)
            progress = selectors.draft_progress(draft=draft, spec=spec)
            following = progress.next_after(f"page:{page_spec.id}")
            return redirect(_step_url(draft, following, ready=progress.ready))
        elif errors:
            status = 400
        typed = dict(draft.typed)
        typed.update({f.pointer: given.typed[f.pointer] for f in page_spec.fields})
        data = draft.form_data
    elif draft.current_page != page_spec.id:
        draft.current_page = page_spec.id
        draft.save(update_fields=["current_page"])
    fields = presenters.field_views(
        spec=spec, page=page_spec, draft=draft, user=user, language=language, errors=errors, typed=typed, data=data
    )
    index = spec.pages.index(page_spec)
    previous = f"page:{spec.pages[index - 1].id}" if index else None
    back = (
        reverse("forms:check", kwargs={"draft_id": draft.public_id})
        if return_to == RETURN_TO_CHECK
        else _step_url(draft, previous)
    )
    return render(
        request,
        "forms/page.html",
        {
            "draft": draft,
            "page": page_spec,
            "heading": page_spec.heading(language),
            "hint": page_spec.hint_text(language),
            "fields": fields,
            "errors": _error_links(spec, errors),
            "notice": notice,
            "back_url": back,
            "return_to": return_to if return_to == RETURN_TO_CHECK else "",
            "position": index + 1,
            "page_count": len(spec.pages),
            "population_offer": presenters.population_offer(page_spec, user),
            "population_error": population_error,
        },
        status=status,
    )


@require_safe
def communes(request: HttpRequest) -> HttpResponse:
    """The commune list of a province, for htmx to refresh the select next to the province's."""
    source = request.GET.get("from", "")
    target = request.GET.get("id", "")
    if not (source.startswith("f-") and target.startswith("f-")) or len(target) > 120:
        raise Http404("field")
    choices = presenters.commune_choices(request.GET.get(source, ""), "")
    return render(request, "forms/_commune_select.html", {"id": target, "choices": choices, "source": source})


# --- Documents ---------------------------------------------------------------------------------------


def _document_task(draft: DossierDraft, spec: FormSpec, document_id: int) -> selectors.DocumentTask:
    task = next((t for t in selectors.draft_document_tasks(draft=draft, spec=spec) if t.id == document_id), None)
    if task is None:
        raise Http404("document")
    return task


@draft_view
@require_http_methods(["GET", "HEAD", "POST"])
def document(request: HttpRequest, draft: DossierDraft, spec: FormSpec, document_id: int) -> HttpResponse:
    """Upload one component: which document, the accepted types and size, then the files already there."""
    task = _document_task(draft, spec, document_id)
    language = _language()
    error = ""
    status = 200
    return_to = request.GET.get("tra-ve") or request.POST.get("tra-ve") or ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        action = request.POST.get("action", "continue")
        if upload is not None:
            try:
                with _audited(request):
                    attachment = services.draft_document_add(draft=draft, required_document_id=task.id, file=upload)
            except ApiError as problem:
                error = f"{upload.name}: {problem.message(language)}"
                status = problem.status if problem.status < 500 else 400
            else:
                messages.success(request, _("Đã tải lên tệp %(name)s.") % {"name": attachment.original_name})
                task = _document_task(draft, spec, document_id)
        elif action == "upload":
            error = _("Chọn tệp cần tải lên.")
            status = 400
        if not error and action != "upload":
            if task.required and not task.files:
                error = _("Tải lên %(document)s: giấy tờ này bắt buộc.") % {"document": task.heading(language)}
                status = 400
            else:
                services.draft_document_done(draft=draft, required_document_id=task.id)
                if return_to == RETURN_TO_CHECK:
                    return redirect("forms:check", draft_id=draft.public_id)
                progress = selectors.draft_progress(draft=draft, spec=spec)
                return redirect(_step_url(draft, progress.next_after(f"doc:{task.id}"), ready=progress.ready))
        if not error:
            return redirect(request.get_full_path())
    progress = selectors.draft_progress(draft=draft, spec=spec)
    back = (
        reverse("forms:check", kwargs={"draft_id": draft.public_id})
        if return_to == RETURN_TO_CHECK
        else _step_url(draft, progress.previous_before(f"doc:{task.id}"))
    )
    return render(
        request,
        "forms/document.html",
        {
            "draft": draft,
            "task": task,
            "heading": task.heading(language),
            "hint": task.hint_text(language),
            "files": [(f, _size_text(f.size)) for f in task.files],
            "error": error,
            "accept": ACCEPT,
            "max_size": _size_text(max_upload_bytes()),
            "back_url": back,
            "return_to": return_to if return_to == RETURN_TO_CHECK else "",
        },
        status=status,
    )


@draft_view
@require_http_methods(["GET", "HEAD", "POST"])
def document_remove(
    request: HttpRequest, draft: DossierDraft, spec: FormSpec, document_id: int, attachment_id: int
) -> HttpResponse:
    """Remove one uploaded file, after saying which."""
    task = _document_task(draft, spec, document_id)
    file = next((f for f in task.files if f.id == attachment_id), None)
    if file is None:
        raise Http404("file")
    back = reverse("forms:document", kwargs={"draft_id": draft.public_id, "document_id": task.id})
    if request.method == "POST":
        services.draft_document_remove(draft=draft, required_document_id=task.id, attachment_id=file.id)
        messages.success(request, _("Đã xóa tệp %(name)s.") % {"name": file.name})
        return redirect(back)
    return render(
        request,
        "forms/document_remove.html",
        {"draft": draft, "task": task, "file": file, "size": _size_text(file.size), "back_url": back},
    )


# --- Check your answers, submit, confirmation -----------------------------------------------------------


@dataclass(frozen=True)
class CheckError:
    href: str
    text: str


def _check_errors(draft: DossierDraft, spec: FormSpec, error: ApiError) -> list[CheckError]:
    language = _language()
    links = []
    for detail in error.details:
        if "field" in detail:
            owner, _ = spec.field_for(str(detail["field"]))
            target = spec.page_of(owner.pointer) if owner else None
            text = str(detail.get("message_en" if language.startswith("en") else "message_vi", ""))
            href = (
                reverse("forms:page", kwargs={"draft_id": draft.public_id, "page_id": target.id})
                + f"?tra-ve={RETURN_TO_CHECK}#{presenters.error_anchor(spec, str(detail['field']))}"
                if target
                else "#main-content"
            )
            links.append(CheckError(href, text))
        elif "required_document_id" in detail:
            href = reverse(
                "forms:document",
                kwargs={"draft_id": draft.public_id, "document_id": int(detail["required_document_id"])},
            )
            name = str(detail.get("name") or detail.get("title") or "")
            links.append(
                CheckError(f"{href}?tra-ve={RETURN_TO_CHECK}", _("Tải lên %(document)s.") % {"document": name})
            )
    return links or [CheckError("#main-content", error.message(language))]


@draft_view
@require_http_methods(["GET", "HEAD", "POST"])
def check_answers(request: HttpRequest, draft: DossierDraft, spec: FormSpec) -> HttpResponse:
    """Every answer with a "Thay đổi" link that comes back here; "Nộp hồ sơ" submits once."""
    progress = selectors.draft_progress(draft=draft, spec=spec)
    if not progress.ready:
        messages.warning(request, _("Hồ sơ chưa khai xong. Hãy hoàn thành các phần còn lại trước khi nộp."))
        return redirect("forms:task_list", draft_id=draft.public_id)
    errors: list[CheckError] = []
    status = 200
    if request.method == "POST" and getattr(request, "draft_moved", False):
        # The applicant has not seen the new version's rules yet: show them the answers again.
        return redirect("forms:check", draft_id=draft.public_id)
    if request.method == "POST":
        try:
            with _audited(request):
                services.draft_submit(draft=draft)
        except ApiError as problem:
            if problem.code in {"procedure_version_stale", "form_version_stale", "draft_incomplete"}:
                messages.warning(request, problem.message(_language()))
                return redirect("forms:task_list", draft_id=draft.public_id)
            errors = _check_errors(draft, spec, problem)
            status = problem.status if problem.status < 500 else 400
        else:
            return redirect("forms:confirmation", draft_id=draft.public_id)
    language = _language()
    return render(
        request,
        "forms/check.html",
        {
            "draft": draft,
            "sections": selectors.form_answers(spec=spec, data=draft.form_data, language=language),
            "documents": [(t, [(f, _size_text(f.size)) for f in t.files]) for t in progress.documents],
            "errors": errors,
            "return_to": RETURN_TO_CHECK,
            "back_url": reverse("forms:task_list", kwargs={"draft_id": draft.public_id}),
        },
        status=status,
    )


@login_required
@require_safe
def confirmation(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    """The dossier code in a large panel and what happens next; fees paid with the dossier (fixed at
    submission) are paid from here straight away."""
    try:
        draft = selectors.draft_get(user=_user(request), public_id=draft_id)
    except NotFound:
        raise Http404("draft") from None
    dossier = draft.dossier
    if dossier is None:
        return redirect("forms:task_list", draft_id=draft.public_id)
    channel = next((c for c in draft.procedure_version.channels.all() if c.kind == ChannelKind.ONLINE), None)
    agency: Agency = draft.agency
    from opendvc.payments.selectors import dossier_fees_due_now, dossier_obligations

    fees_due = sum(
        row.obligation.amount
        for row in dossier_fees_due_now(status=dossier.status, rows=dossier_obligations(dossier_id=dossier.pk))
    )
    return render(
        request,
        "forms/confirmation.html",
        {
            "draft": draft,
            "dossier": dossier,
            "agency": agency,
            "channel": channel,
            "dossier_url": _url("dossiers_web:my_dossier", f"/ho-so-cua-toi/{dossier.code}/", code=dossier.code),
            "my_dossiers_url": _url("dossiers_web:my_dossiers", "/ho-so-cua-toi/"),
            "track_url": _url("dossiers_web:track", "/tra-cuu-ho-so/"),
            "fees_due": fees_due,
            "pay_url": _url("payments:pay_dossier", f"/thanh-toan/ho-so/{dossier.code}/", code=dossier.code),
        },
    )


@draft_view
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, draft: DossierDraft, spec: FormSpec) -> HttpResponse:
    """Throw the application away, after saying what will be lost."""
    if request.method == "POST":
        services.draft_delete(draft=draft)
        messages.success(request, _("Đã xóa hồ sơ đang soạn."))
        return redirect("forms:drafts")
    return render(
        request,
        "forms/delete.html",
        {"draft": draft, "back_url": reverse("forms:task_list", kwargs={"draft_id": draft.public_id})},
    )
