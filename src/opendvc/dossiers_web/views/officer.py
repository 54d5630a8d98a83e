"""Officer pages: worklists per role, a dossier with only the actions allowed now, the confirmation
that states each action's consequence, and the desk's registration of a dossier brought in person.

Every read and write goes through the dossiers app's selectors and services, which check scope: a
dossier of another agency is a 404 here exactly as in the API. A refusal from a service is shown in
place on the dossier page, never as a server error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from opendvc.accounts.models import User
from opendvc.accounts.selectors import RoleAtAgency, officer_role_list
from opendvc.agencies.selectors import agency_get
from opendvc.audit.services import audit_record
from opendvc.catalog.memo import catalog_memo
from opendvc.core.calendar import WorkingCalendar, display_calendar
from opendvc.core.errors import ApiError
from opendvc.dossiers import services
from opendvc.dossiers.models import Attachment, Dossier, DossierStatus, Role, Step
from opendvc.dossiers.selectors import (
    DUE_SOON_WORKING_DAYS,
    WORKLISTS,
    DossierAccess,
    WorklistFilters,
    dossier_due_explanation,
    dossier_get_for_user,
    dossier_timeline,
    dossier_timeliness,
    dossier_worklist,
)
from opendvc.dossiers.services import ApplicantInput, DocumentInput, TimeLimit
from opendvc.dossiers.transitions import Action
from opendvc.dossiers.workflow import PROCESSING_STEPS, workflow_for
from opendvc.dossiers_web import presenters
from opendvc.dossiers_web import selectors as page_selectors
from opendvc.dossiers_web.forms import (
    ACTION_FORMS,
    ACTION_SLUGS,
    SLUG_ACTIONS,
    ActionForm,
    FilesMixin,
    RegisterForm,
    WorklistFilterForm,
)
from opendvc.dossiers_web.views.common import audited, current_user, error_text, language, safe_back
from opendvc.dossiers_web.views.details import dossier_details
from opendvc.payments.selectors import dossier_obligations

PAGE_SIZE = 20
WORKLIST_PATH = "/can-bo/"

#: The worklist tabs in the order officers meet them; each shows for the roles its list serves.
TAB_ORDER = ("new", "received", "to_appraise", "to_approve", "to_issue", "to_return", "due_soon", "overdue", "all")
DEFAULT_TAB = {"desk": "new", "specialist": "to_appraise", "leader": "to_approve", "clerk": "to_issue"}


def tab_label(name: str) -> str:
    return {
        "new": _("Mới tiếp nhận"),
        "received": _("Chờ chuyển xử lý"),
        "to_appraise": _("Chờ thẩm định"),
        "to_approve": _("Chờ phê duyệt"),
        "to_issue": _("Chờ phát hành"),
        "to_return": _("Chờ trả kết quả"),
        "due_soon": _("Sắp đến hạn"),
        "overdue": _("Quá hạn"),
        "all": _("Tất cả"),
    }[name]


def tab_empty_text(name: str) -> str:
    return {
        "new": _("Không có hồ sơ mới chờ tiếp nhận."),
        "received": _("Không có hồ sơ đã tiếp nhận chờ chuyển xử lý."),
        "to_appraise": _("Không có hồ sơ chờ thẩm định."),
        "to_approve": _("Không có hồ sơ chờ phê duyệt."),
        "to_issue": _("Không có hồ sơ chờ phát hành kết quả."),
        "to_return": _("Không có hồ sơ chờ trả kết quả."),
        "due_soon": _("Không có hồ sơ đến hạn trong %(days)s ngày làm việc tới.") % {"days": DUE_SOON_WORKING_DAYS},
        "overdue": _("Không có hồ sơ quá hạn."),
        "all": _("Không có hồ sơ nào."),
    }[name]


# --- Worklist -----------------------------------------------------------------------------------------


#: Stands for a dossier code in a page address built once per list (``reverse`` is not cheap).
CODE_SLOT = "H00-000000-0000"


@dataclass(frozen=True)
class WorklistRow:
    """One line of a worklist, its cells ready to print (a list shows twenty of them per page)."""

    dossier: Dossier
    due: presenters.DueCell
    status: str
    step: str
    url: str
    procedure_name: str
    received: str
    submitted: str
    assignee: str


def _tabs_for(roles: list[RoleAtAgency]) -> list[str]:
    names = {role.role for role in roles}
    return [tab for tab in TAB_ORDER if not WORKLISTS[tab].roles or names & {str(r) for r in WORKLISTS[tab].roles}]


def _default_tab(roles: list[RoleAtAgency], tabs: list[str]) -> str:
    for role in ("desk", "specialist", "leader", "clerk"):
        if any(r.role == role for r in roles) and DEFAULT_TAB[role] in tabs:
            return DEFAULT_TAB[role]
    return "all"


def _filter_params(form: WorklistFilterForm) -> dict[str, str]:
    """The filters as typed, so every link (tab, next page, a dossier's way back) keeps them."""
    if not form.is_bound:
        return {}
    names = ("procedure", "status", "from_day", "from_month", "from_year", "to_day", "to_month", "to_year")
    return {name: str(form.data.get(name, "")).strip() for name in names if str(form.data.get(name, "")).strip()}


def _filter_fields(form: WorklistFilterForm, *, agency_ids: set[int], in_use: bool) -> str:
    """The filter box's fields; with no filter typed, the same empty form for every officer of these agencies.

    Its procedure list runs to hundreds of options, so the empty form is rendered once per catalogue
    revision, set of agencies and language rather than on every worklist view.
    """
    template = "dossiers_web/officer/_worklist_filters.html"
    if in_use:
        return render_to_string(template, {"form": form})

    def render_empty() -> str:
        empty = WorklistFilterForm(procedures=partial(page_selectors.procedures_offered, agency_ids=agency_ids))
        return render_to_string(template, {"form": empty})

    key = (tuple(sorted(agency_ids)), translation.get_language())
    return catalog_memo("worklist_filter_fields", key, render_empty)


@login_required
@require_safe
def worklist(request: HttpRequest) -> HttpResponse:
    """The officer's dossiers, one tab per list their roles serve, newest work first, keyset pages."""
    user = current_user(request)
    roles = officer_role_list(user=user)
    if not roles:
        return render(request, "dossiers_web/officer/no_role.html", status=403)
    tabs = _tabs_for(roles)
    agency_ids = {role.agency_id for role in roles}
    offered = partial(page_selectors.procedures_offered, agency_ids=agency_ids)
    form = WorklistFilterForm(request.GET or None, procedures=offered)
    filters = form.filters() if form.is_bound else WorklistFilters()
    tab = request.GET.get("tab", "")
    if tab not in tabs:
        tab = _default_tab(roles, tabs)
    cursor = request.GET.get("cursor") or None
    error = None
    try:
        page = dossier_worklist(user=user, name=tab, filters=filters, cursor=cursor, limit=PAGE_SIZE)
    except ApiError as problem:
        error = error_text(problem)
        page = dossier_worklist(user=user, name=tab, filters=filters, cursor=None, limit=PAGE_SIZE)
        cursor = None
    now = timezone.now()
    calendar = display_calendar()
    params = _filter_params(form)
    filter_fields = _filter_fields(form, agency_ids=agency_ids, in_use=bool(params) or bool(form.errors))
    back = request.get_full_path()
    back_query = urlencode({"back": back})
    base_url = reverse("dossiers_web:officer_dossier", kwargs={"code": CODE_SLOT})
    rows = [
        WorklistRow(
            dossier=dossier,
            due=presenters.due_cell(dossier, now=now, calendar=calendar, soon_days=DUE_SOON_WORKING_DAYS),
            status=str(DossierStatus(dossier.status).label),
            step=presenters.step_label(dossier.current_step) if dossier.current_step else "",
            url=f"{base_url.replace(CODE_SLOT, dossier.code)}?{back_query}",
            procedure_name=Truncator(dossier.procedure_version.name).chars(90),
            received=presenters.local_date(dossier.received_at),
            submitted=presenters.local_date(dossier.submitted_at),
            assignee=(dossier.assignee.full_name or dossier.assignee.username) if dossier.assignee else "",
        )
        for dossier in page.items
    ]
    context = {
        "form": form,
        "filter_fields": filter_fields,
        "tabs": [
            {
                "name": name,
                "label": tab_label(name),
                "url": "?" + urlencode({**params, "tab": name}),
                "current": name == tab,
            }
            for name in tabs
        ],
        "tab": tab,
        "tab_label": tab_label(tab),
        "empty_text": tab_empty_text(tab),
        "rows": rows,
        "filtered": bool(params),
        "clear_url": "?" + urlencode({"tab": tab}),
        "first_url": "?" + urlencode({**params, "tab": tab}) if cursor else "",
        "next_url": "?" + urlencode({**params, "tab": tab, "cursor": page.next_cursor}) if page.next_cursor else "",
        "error": error,
        "is_desk": any(role.role == Role.DESK for role in roles),
    }
    return render(request, "dossiers_web/officer/worklist.html", context)


# --- One dossier ----------------------------------------------------------------------------------------


def officer_access(request: HttpRequest, code: str) -> DossierAccess:
    """The dossier for an officer of its agency; anything else (unknown, out of scope, malformed) is a 404."""
    try:
        access = dossier_get_for_user(user=current_user(request), code=code)
    except ApiError as error:
        raise Http404(error.code) from error
    if not access.is_officer:
        raise Http404("dossier_not_found")
    return access


def officer_actions(access: DossierAccess) -> list[str]:
    """The actions the officer may take now, from the transition table (the applicant's are not theirs)."""
    return [str(action) for action in access.actions if action in ACTION_FORMS]


@dataclass
class ActionSetup:
    """What building the action forms needs, read once per page and only for the actions offered."""

    access: DossierAccess
    user: User
    now: Any = field(default_factory=lambda: timezone.now())
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def dossier(self) -> Dossier:
        return self.access.dossier

    def documents(self) -> list[tuple[int, str]]:
        if "documents" not in self._cache:
            rows = page_selectors.required_documents(version_id=self.dossier.procedure_version_id)
            self._cache["documents"] = [(row.pk, row.name) for row in rows]
        return self._cache["documents"]  # type: ignore[no-any-return]

    def catalogue_limit(self) -> TimeLimit | None:
        if "limit" not in self._cache:
            self._cache["limit"] = page_selectors.catalogue_time_limit(dossier=self.dossier)
        return self._cache["limit"]  # type: ignore[no-any-return]

    def receive_preview(self) -> str:
        limit = self.catalogue_limit()
        if limit is None:
            return ""
        due = page_selectors.due_preview(dossier=self.dossier, limit=limit, at=self.now)
        return _("%(moment)s (thời hạn %(amount)s)") % {
            "moment": presenters.moment_text(due.due_at),
            "amount": presenters.amount_text(limit.amount, limit.unit),
        }

    def forward_targets(self) -> list[tuple[str, list[tuple[str, str]]]]:
        if "targets" in self._cache:
            return self._cache["targets"]  # type: ignore[no-any-return]
        d = self.dossier
        current = d.current_step if d.status == DossierStatus.IN_PROGRESS else ""
        order = list(PROCESSING_STEPS)
        if current in order:
            start = order.index(Step(current))
            steps = [*order[start + 1 :], *reversed(order[:start])]
        else:
            steps = order[:1]
        roles = {spec.step.value: spec.role.value for spec in workflow_for(procedure_id=d.procedure_id)}
        wanted = [step for step in steps if step.value in roles]
        people = page_selectors.officers_with_roles(
            agency_id=d.agency_id, roles=sorted({roles[step.value] for step in wanted})
        )
        targets: list[tuple[str, list[tuple[str, str]]]] = []
        for step in wanted:
            role = roles[step.value]
            options = [
                (f"{step.value}:{person.username}", person.full_name or person.username) for person in people[role]
            ]
            if options:
                targets.append((f"{presenters.step_label(step.value)} ({Role(role).label})", options))
        self._cache["targets"] = targets
        return targets

    def form(self, action: str, data: Any = None, files: Any = None) -> ActionForm:
        cls = ACTION_FORMS[action]
        kwargs: dict[str, Any] = {"prefix": ACTION_SLUGS[action]}
        if action == Action.RECEIVE:
            kwargs["needs_limit"] = self.catalogue_limit() is None
        elif action == Action.REQUEST_SUPPLEMENT:
            kwargs["documents"] = self.documents()
        elif action == Action.FORWARD:
            kwargs["targets"] = self.forward_targets()
        return cls(data, files, **kwargs)


def consequence(action: str, setup: ActionSetup, form: ActionForm | None = None) -> str:
    """What the action will do, in one or two sentences, for the form and its confirmation."""
    d = setup.dossier
    data = form.cleaned_data if form is not None and hasattr(form, "cleaned_data") else {}
    if action == Action.RECEIVE:
        preview = setup.receive_preview()
        if not preview and data.get("time_amount") and data.get("time_unit"):
            due = page_selectors.due_preview(
                dossier=d, limit=TimeLimit(data["time_amount"], data["time_unit"]), at=setup.now
            )
            preview = presenters.moment_text(due.due_at)
        text = _(
            "Tiếp nhận hồ sơ sẽ cấp Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01) cho người nộp và bắt đầu "
            "tính thời hạn giải quyết."
        )
        if preview:
            text += " " + _("Nếu tiếp nhận bây giờ, ngày hẹn trả là %(due)s.") % {"due": preview}
        return text
    if action == Action.REFUSE:
        return _(
            "Từ chối sẽ kết thúc hồ sơ và gửi Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03) kèm lý do cho "
            "người nộp. Không thể hoàn tác."
        )
    if action == Action.REQUEST_SUPPLEMENT:
        return _(
            "Trả lại hồ sơ sẽ gửi Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) cho công dân. Thời hạn giải "
            "quyết tạm dừng đến khi công dân bổ sung; thời gian chờ không tính vào thời hạn."
        )
    if action == Action.SUPPLY:
        return _(
            "Ghi nhận người nộp đã bổ sung hồ sơ: thời hạn giải quyết tiếp tục và ngày hẹn trả lùi thêm đúng bằng "
            "thời gian làm việc đã chờ."
        )
    if action == Action.FORWARD:
        target = str(data.get("target") or "")
        if target:
            labels = {value: label for _group, options in setup.forward_targets() for value, label in options}
            step = target.partition(":")[0]
            return _("Hồ sơ sẽ chuyển sang bước «%(step)s» cho %(name)s và rời danh sách việc của bạn.") % {
                "step": presenters.step_label(step),
                "name": labels.get(target, target.partition(":")[2]),
            }
        return _("Hồ sơ sẽ chuyển sang bước tiếp theo cho người bạn chọn và rời danh sách việc của bạn.")
    if action == Action.REQUEST_PAYMENT:
        amount = data.get("amount") or d.fee_amount
        if amount:
            return _("Người nộp sẽ nhận yêu cầu nộp %(amount)s phí, lệ phí. Thời hạn giải quyết vẫn tiếp tục tính.") % {
                "amount": f"{int(amount):,}".replace(",", ".") + " đ"
            }
        return _("Người nộp sẽ nhận yêu cầu nộp phí, lệ phí. Thời hạn giải quyết vẫn tiếp tục tính.")
    if action == Action.PAYMENT_SETTLED:
        return _("Xác nhận người nộp đã nộp phí, lệ phí: hồ sơ trở lại bước đang xử lý.")
    if action == Action.STOP:
        return _(
            "Dừng giải quyết sẽ kết thúc hồ sơ và gửi Thông báo dừng giải quyết hồ sơ (Mẫu 05) kèm lý do cho "
            "người nộp. Không thể hoàn tác."
        )
    if action == Action.RESULT_READY:
        return _(
            "Ghi nhận đã có kết quả: thời điểm kết thúc xử lý được ghi lại để tính đúng hạn, và hồ sơ chuyển bộ "
            "phận một cửa để trả kết quả."
        )
    if action == Action.RETURN:
        return _("Trả kết quả sẽ kết thúc hồ sơ; người nộp được thông báo đã nhận kết quả.")
    if action == Action.APOLOGISE:
        new_due = data.get("new_due_at")
        text = _(
            "Người nộp sẽ nhận Văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04). Hồ sơ vẫn được tính là trễ hạn."
        )
        if new_due is not None:
            text += " " + _("Ngày hẹn trả mới: %(due)s.") % {"due": presenters.moment_text(new_due)}
        return text
    return ""


def action_title(action: str) -> str:
    return {
        Action.RECEIVE: _("Tiếp nhận hồ sơ"),
        Action.REFUSE: _("Từ chối tiếp nhận"),
        Action.REQUEST_SUPPLEMENT: _("Yêu cầu bổ sung hồ sơ"),
        Action.SUPPLY: _("Ghi nhận bổ sung hồ sơ"),
        Action.FORWARD: _("Chuyển xử lý"),
        Action.REQUEST_PAYMENT: _("Yêu cầu nộp phí, lệ phí"),
        Action.PAYMENT_SETTLED: _("Xác nhận đã nộp phí, lệ phí"),
        Action.STOP: _("Dừng giải quyết hồ sơ"),
        Action.RESULT_READY: _("Ghi nhận có kết quả"),
        Action.RETURN: pgettext("action", "Trả kết quả"),
        Action.APOLOGISE: _("Xin lỗi và hẹn lại ngày trả"),
    }[Action(action)]


#: Actions that end or turn back the dossier: their button is styled as a warning.
WARNING_ACTIONS = frozenset({Action.REFUSE, Action.STOP, Action.REQUEST_SUPPLEMENT})


@dataclass(frozen=True)
class ActionPanel:
    action: str
    slug: str
    title: str
    consequence: str
    form: ActionForm
    url: str
    open: bool
    warning: bool
    error: str = ""


def _panels(
    setup: ActionSetup,
    *,
    bound: dict[str, ActionForm] | None = None,
    open_action: str = "",
    error: str = "",
    hide: frozenset[str] = frozenset(),
) -> list[ActionPanel]:
    bound = bound or {}
    panels = []
    for action in officer_actions(setup.access):
        if action in hide:
            continue
        form = bound.get(action) or setup.form(action)
        panels.append(
            ActionPanel(
                action=action,
                slug=ACTION_SLUGS[action],
                title=action_title(action),
                consequence=consequence(action, setup),
                form=form,
                url=reverse(
                    "dossiers_web:officer_action",
                    kwargs={"code": setup.dossier.code, "slug": ACTION_SLUGS[action]},
                ),
                open=action == open_action,
                warning=action in WARNING_ACTIONS,
                error=error if action == open_action else "",
            )
        )
    return panels


def worklist_back(request: HttpRequest) -> str:
    """The worklist page (tab, filters, page) the officer came from, so going back keeps their place."""
    raw = request.GET.get("back") or request.POST.get("back")
    return safe_back(request, raw, prefix=WORKLIST_PATH, default=WORKLIST_PATH)


def dossier_url(code: str, back: str) -> str:
    url = reverse("dossiers_web:officer_dossier", kwargs={"code": code})
    return url if back == WORKLIST_PATH else f"{url}?{urlencode({'back': back})}"


def render_officer_dossier(
    request: HttpRequest,
    setup: ActionSetup,
    *,
    bound: dict[str, ActionForm] | None = None,
    open_action: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    access = setup.access
    d = access.dossier
    timeline = dossier_timeline(dossier=d, for_officer=True)
    calendar = WorkingCalendar(agency=d.agency)  # one read of the decided days for the page
    back = worklist_back(request)
    obligations = dossier_obligations(dossier_id=d.pk)
    # Fees already paid (online or at the desk) are not taken again: the desk's form is not offered.
    paid_online = bool(obligations) and all(row.paid for row in obligations)
    hide = frozenset({Action.PAYMENT_SETTLED.value}) if paid_online else frozenset()
    panels = _panels(setup, bound=bound, open_action=open_action, error=error, hide=hide)
    context = {
        "dossier": d,
        "details": dossier_details(d, for_officer=True),
        "status_label": str(DossierStatus(d.status).label),
        "status_plain": presenters.status_plain(d.status),
        "status_tone": presenters.STATUS_TONE[d.status],
        "step_label": presenters.step_label(d.current_step) if d.current_step else "",
        "timeline": presenters.timeline_items(timeline, language=language(), for_officer=True),
        "explanation": dossier_due_explanation(dossier=d, timeline=timeline, calendar=calendar),
        "timeliness": presenters.TIMELINESS_LABELS.get(dossier_timeliness(dossier=d), ""),
        "due": presenters.due_cell(d, now=setup.now, calendar=calendar),
        "step_overdue": bool(
            d.step_due_at
            and d.step_due_at < setup.now
            and d.status in (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS)
        ),
        "documents": setup.documents(),
        "panels": panels,
        "open_panel": next((panel for panel in panels if panel.open), None),
        "error": error,
        "roles": [str(Role(role).label) for role in access.roles if role != Role.APPLICANT],
        "forms": page_selectors.form_links(dossier=d, for_officer=True),
        "notifications": page_selectors.notifications_about(dossier=d),
        "obligations": obligations,
        "back": back,
    }
    return render(request, "dossiers_web/officer/dossier.html", context, status=status)


@login_required
@require_safe
def dossier(request: HttpRequest, code: str) -> HttpResponse:
    setup = ActionSetup(access=officer_access(request, code), user=current_user(request))
    return render_officer_dossier(request, setup)


# --- Actions ----------------------------------------------------------------------------------------------


def _upload(form: ActionForm, user: User) -> bool:
    """Store the files chosen in the form; their ids join the hidden ``attachments`` field."""
    if not isinstance(form, FilesMixin):
        return True
    ids = form.attachment_ids()
    for upload in form.cleaned_data.get("uploads") or []:
        try:
            ids.append(services.attachment_upload(user=user, file=upload).pk)
        except ApiError as error:
            form.add_error("uploads", f"{upload.name}: {error_text(error)}")
            return False
    form.cleaned_data["attachments"] = ",".join(str(pk) for pk in ids)
    return True


def _perform(action: str, setup: ActionSetup, form: ActionForm) -> Dossier:
    d, user, data = setup.dossier, setup.user, form.cleaned_data
    note = data.get("note", "")
    documents = (
        [DocumentInput(attachment_id=pk) for pk in form.attachment_ids()] if isinstance(form, FilesMixin) else []
    )
    if action == Action.RECEIVE:
        limit = None
        if data.get("time_amount") is not None:
            limit = TimeLimit(amount=data["time_amount"], unit=data.get("time_unit") or "working_days")
        return services.dossier_receive(dossier=d, actor=user, time_limit=limit, note=note)
    if action == Action.REFUSE:
        return services.dossier_refuse(dossier=d, actor=user, reasons=form.reason_list())  # type: ignore[attr-defined]
    if action == Action.REQUEST_SUPPLEMENT:
        return services.dossier_request_supplement(
            dossier=d,
            actor=user,
            reasons=form.reason_list(),  # type: ignore[attr-defined]
            required_document_ids=data.get("documents") or [],
        )
    if action == Action.SUPPLY:
        return services.dossier_supplement_submit(dossier=d, actor=user, documents=documents, note=note)
    if action == Action.FORWARD:
        assignee = User.objects.filter(username=data["assignee"], is_active=True).first()
        if assignee is None:
            raise ApiError(
                "assignee_not_eligible",
                "Người nhận không còn giữ vai trò của bước này.",
                "The assignee no longer holds this step's role.",
                status=422,
            )
        return services.dossier_forward(dossier=d, actor=user, to_step=data["to_step"], assignee=assignee, note=note)
    if action == Action.REQUEST_PAYMENT:
        return services.dossier_request_payment(
            dossier=d, actor=user, amount=data.get("amount"), note=note, description=data.get("description") or ""
        )
    if action == Action.PAYMENT_SETTLED:
        return services.dossier_payment_settled(dossier=d, actor=user, reference=data.get("reference", ""))
    if action == Action.STOP:
        return services.dossier_stop(
            dossier=d, actor=user, legal_reason=data["legal_reason"], legal_basis=data.get("legal_basis", "")
        )
    if action == Action.RESULT_READY:
        return services.dossier_result_ready(dossier=d, actor=user, documents=documents, note=note)
    if action == Action.RETURN:
        return services.dossier_return(dossier=d, actor=user, note=note)
    if action == Action.APOLOGISE:
        return services.dossier_apologise(dossier=d, actor=user, reason=data["reason"], new_due_at=data["new_due_at"])
    raise Http404


def success_message(action: str, dossier: Dossier) -> str:
    code = dossier.code
    due = presenters.moment_text(dossier.due_at)
    if action == Action.RECEIVE:
        return _("Đã tiếp nhận hồ sơ %(code)s. Hẹn trả kết quả lúc %(due)s.") % {"code": code, "due": due}
    if action == Action.REFUSE:
        return _("Đã từ chối tiếp nhận hồ sơ %(code)s; người nộp được thông báo lý do.") % {"code": code}
    if action == Action.REQUEST_SUPPLEMENT:
        return _("Đã gửi yêu cầu bổ sung hồ sơ %(code)s; thời hạn tạm dừng đến khi người nộp bổ sung.") % {"code": code}
    if action == Action.SUPPLY:
        return _("Đã ghi nhận bổ sung hồ sơ %(code)s. Hẹn trả kết quả lúc %(due)s.") % {"code": code, "due": due}
    if action == Action.FORWARD:
        name = dossier.assignee.full_name or dossier.assignee.username if dossier.assignee else ""
        return _("Đã chuyển hồ sơ %(code)s sang bước «%(step)s» cho %(name)s.") % {
            "code": code,
            "step": presenters.step_label(dossier.current_step),
            "name": name,
        }
    if action == Action.REQUEST_PAYMENT:
        return _("Đã gửi yêu cầu nộp phí, lệ phí của hồ sơ %(code)s.") % {"code": code}
    if action == Action.PAYMENT_SETTLED:
        return _("Đã xác nhận nộp phí, lệ phí của hồ sơ %(code)s.") % {"code": code}
    if action == Action.STOP:
        return _("Đã dừng giải quyết hồ sơ %(code)s.") % {"code": code}
    if action == Action.RESULT_READY:
        return _("Đã ghi nhận kết quả của hồ sơ %(code)s; hồ sơ chuyển bộ phận một cửa để trả.") % {"code": code}
    if action == Action.RETURN:
        return _("Đã trả kết quả hồ sơ %(code)s.") % {"code": code}
    return _("Đã gửi văn bản xin lỗi; hẹn trả kết quả mới lúc %(due)s.") % {"due": due}


def _hidden_fields(form: ActionForm) -> list[tuple[str, str]]:
    """The form's values as sent, for the confirmation page to send again (files as attachment ids)."""
    skip = {"csrfmiddlewaretoken", "confirmed", "edit", form.add_prefix("attachments")}
    data = cast(QueryDict, form.data)
    pairs = [(key, value) for key in data for value in data.getlist(key) if key not in skip]
    if isinstance(form, FilesMixin):
        pairs.append((form.add_prefix("attachments"), form.cleaned_data.get("attachments", "")))
    return pairs


@login_required
@require_POST
def action(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    """Check an action's form, ask for confirmation stating its consequence, then call the service."""
    name = SLUG_ACTIONS.get(slug)
    if name is None:
        raise Http404
    user = current_user(request)
    setup = ActionSetup(access=officer_access(request, code), user=user)
    if name not in officer_actions(setup.access):
        problem = services.transition_not_allowed(action=name, status=setup.dossier.status)
        return render_officer_dossier(request, setup, error=error_text(problem), status=problem.status)
    form = setup.form(name, request.POST, request.FILES)
    if request.POST.get("edit"):
        form.is_valid()
        return render_officer_dossier(request, setup, bound={name: form}, open_action=name)
    if not form.is_valid() or not _upload(form, user):
        return render_officer_dossier(request, setup, bound={name: form}, open_action=name, status=400)
    if request.POST.get("confirmed") != "1":
        attachments: list[Attachment] = []
        if isinstance(form, FilesMixin) and form.attachment_ids():
            attachments = list(Attachment.objects.filter(pk__in=form.attachment_ids(), uploaded_by=user))
        context = {
            "dossier": setup.dossier,
            "action": name,
            "title": action_title(name),
            "consequence": consequence(name, setup, form),
            "summary": form.summary(),
            "attachments": attachments,
            "hidden": _hidden_fields(form),
            "url": request.path,
            "warning": name in WARNING_ACTIONS,
            "back": dossier_url(setup.dossier.code, worklist_back(request)),
        }
        return render(request, "dossiers_web/officer/confirm.html", context)
    try:
        with audited(request):
            dossier = _perform(name, setup, form)
    except ApiError as problem:
        if problem.status == 404:
            raise Http404(problem.code) from problem
        setup = ActionSetup(access=officer_access(request, code), user=user)
        return render_officer_dossier(
            request, setup, bound={name: form}, open_action=name, error=error_text(problem), status=problem.status
        )
    messages.success(request, success_message(name, dossier))
    return redirect(dossier_url(dossier.code, worklist_back(request)))


# --- Desk registration (assisted digital) ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """A desk officer registers a dossier brought in person or by post, with the applicant's consent.

    The consent is recorded in the audit log next to the registration (UX.md, "assisted digital").
    """
    user = current_user(request)
    desks = [role for role in officer_role_list(user=user) if role.role == Role.DESK]
    if not desks:
        return render(request, "dossiers_web/officer/no_role.html", {"desk_only": True}, status=403)
    agencies = [(role.agency_id, f"{role.agency_code} — {role.agency_name}") for role in desks]
    form = RegisterForm(
        request.POST or None,
        request.FILES or None,
        agencies=agencies,
        procedures=page_selectors.procedures_offered(agency_ids={role.agency_id for role in desks}),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            dossier = _register(request, form, user=user, desks=desks)
            if dossier is not None:
                messages.success(request, _("Đã đăng ký hồ sơ %(code)s.") % {"code": dossier.code})
                return redirect("dossiers_web:officer_dossier", code=dossier.code)
    return render(request, "dossiers_web/officer/register.html", {"form": form}, status=status)


def _register(request: HttpRequest, form: RegisterForm, *, user: User, desks: list[RoleAtAgency]) -> Dossier | None:
    data = form.cleaned_data
    agency_id = int(data["agency"])
    if agency_id not in {role.agency_id for role in desks}:
        form.add_error("agency", _("Bạn không phải cán bộ một cửa của cơ quan này."))
        return None
    procedure = page_selectors.procedure_offered(agency_id=agency_id, code=data["procedure"])
    if procedure is None:
        form.add_error("procedure", _("Cơ quan không cung cấp thủ tục này; chọn thủ tục khác."))
        return None
    documents = []
    for upload in data.get("uploads") or []:
        try:
            documents.append(DocumentInput(attachment_id=services.attachment_upload(user=user, file=upload).pk))
        except ApiError as error:
            form.add_error("uploads", f"{upload.name}: {error_text(error)}")
            return None
    limit = None
    if data.get("time_amount") is not None:
        limit = TimeLimit(amount=data["time_amount"], unit=data["time_unit"])
    agency = next(role for role in desks if role.agency_id == agency_id)
    try:
        with audited(request):
            dossier = services.dossier_register(
                officer=user,
                agency=agency_get(code=agency.agency_code),
                procedure=procedure,
                channel=data["channel"],
                applicant=ApplicantInput(
                    name=data["applicant_name"],
                    kind=data["applicant_kind"],
                    id_number=data.get("applicant_id") or "",
                    phone=data.get("applicant_phone") or "",
                    email=data.get("applicant_email") or "",
                    address=data.get("applicant_address") or "",
                ),
                documents=documents,
                receive_now=bool(data.get("receive_now")),
                time_limit=limit,
            )
            audit_record(
                action="dossier.assisted_consent",
                actor=user,
                actor_role=Role.DESK.value,
                object_type="dossier",
                object_id=dossier.code,
                data={"agency": agency.agency_code, "channel": data["channel"], "consent": True},
            )
    except ApiError as error:
        form.add_error(None, error_text(error))
        return None
    return dossier
