"""The catalogue editors' admin: pages, validation, and the new-version / publish workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opendvc.agencies.models import Agency
from opendvc.catalog.admin import ChannelForm, FeeForm
from opendvc.catalog.models import (
    CatalogRevision,
    Channel,
    Fee,
    Procedure,
    ProcedureVersion,
    ServiceOffering,
)
from opendvc.catalog.services import procedure_version_create_draft, procedure_version_publish
from opendvc.catalog.tests.factories import (
    AgencyFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
    procedure_with_parts,
)
from opendvc.core.errors import ApiError

pytestmark = pytest.mark.django_db

PARTS = ("steps", "channels", "fees", "documents", "results", "legal_bases")


def url(model: str, action: str = "changelist", *args: Any) -> str:
    return reverse(f"admin:catalog_{model}_{action}", args=args)


def revision() -> int:
    found = CatalogRevision.objects.filter(pk=1).first()
    return found.revision if found else 0


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_changelists_load_search_and_filter(admin_client: Client) -> None:
    version = procedure_with_parts(code="1.001193")
    ProcedureVersionFactory.create(
        procedure=ProcedureFactory.create(code="1.004222"), name="Đăng ký thường trú", levels=["tinh"], field=None
    )
    agency = AgencyFactory.create(code="H29.17", name="Sở Tư pháp Thành phố Hồ Chí Minh", kind=Agency.Kind.DEPARTMENT)
    ServiceOffering.objects.create(procedure=version.procedure, agency=agency, online_level="full")

    for model in ("procedure", "procedureversion", "field", "serviceoffering"):
        assert admin_client.get(url(model)).status_code == 200

    found = admin_client.get(url("procedureversion"), {"q": "1.001193"}).content.decode()
    assert "Thủ tục đăng ký khai sinh" in found and "Đăng ký thường trú" not in found
    found = admin_client.get(url("procedureversion"), {"q": "thường trú"}).content.decode()
    assert "Đăng ký thường trú" in found and "Thủ tục đăng ký khai sinh" not in found
    by_level = admin_client.get(url("procedureversion"), {"level": "tinh"}).content.decode()
    assert "Đăng ký thường trú" in by_level and "Thủ tục đăng ký khai sinh" not in by_level
    for filters in ({"status__exact": "published"}, {"online_level__exact": "full"}, {"field__id__exact": "1"}):
        assert admin_client.get(url("procedureversion"), filters).status_code == 200
    assert "1.004222" in admin_client.get(url("procedure"), {"q": "thường trú"}).content.decode()
    assert "1.001193.01" in admin_client.get(url("serviceoffering"), {"q": "H29.17"}).content.decode()


def test_change_pages_load_and_published_versions_are_read_only(admin_client: Client) -> None:
    version = procedure_with_parts()
    procedure = version.procedure
    page = admin_client.get(url("procedure", "change", procedure.pk))
    assert page.status_code == 200 and "Thủ tục đăng ký khai sinh" in page.content.decode()

    published = admin_client.get(url("procedureversion", "change", version.pk))
    assert published.status_code == 200 and 'name="_save"' not in published.content.decode()

    draft = procedure_version_create_draft(procedure=procedure)
    editable = admin_client.get(url("procedureversion", "change", draft.pk))
    body = editable.content.decode()
    assert editable.status_code == 200 and 'name="_save"' in body and 'name="channels-TOTAL_FORMS"' in body
    for model in ("procedure", "procedureversion", "field", "serviceoffering"):
        assert admin_client.get(url(model, "add")).status_code == 200


def test_adding_a_procedure_checks_and_normalises_its_code(admin_client: Client) -> None:
    added = admin_client.post(url("procedure", "add"), {"code": "1.003560.000.00.00.H56", "_save": "1"})
    assert added.status_code == 302 and Procedure.objects.filter(code="1.003560").exists()

    refused = admin_client.post(url("procedure", "add"), {"code": "1.23", "_save": "1"})
    assert refused.status_code == 200 and "N.NNNNNN" in refused.content.decode()
    duplicate = admin_client.post(url("procedure", "add"), {"code": "1.003560", "_save": "1"})
    assert duplicate.status_code == 200
    assert Procedure.objects.count() == 1


def test_channel_and_fee_forms_refuse_what_the_constraints_forbid() -> None:
    base = {"position": 1, "kind": "online", "description": ""}
    assert "time_unit" in ChannelForm(data={**base, "time_amount": "5", "time_unit": ""}).errors
    assert "time_amount" in ChannelForm(data={**base, "time_amount": "", "time_unit": "working_days"}).errors
    assert "time_amount" in ChannelForm(data={**base, "time_amount": "0", "time_unit": "working_days"}).errors
    assert ChannelForm(data={**base, "time_amount": "5", "time_unit": "working_days"}).is_valid()

    assert "amount" in FeeForm(data={"position": 1, "amount": "-1000", "description": "Lệ phí"}).errors
    valid = FeeForm(data={"position": 1, "amount": "8000", "description": "Lệ phí", "channel_kinds": ["online"]})
    assert valid.is_valid() and valid.cleaned_data["channel_kinds"] == ["online"]


def _form_data(response: Any) -> dict[str, Any]:
    """The data the change page would post back unchanged: main form and every inline."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or name == "template_file":
                continue
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif isinstance(value, list | tuple) and hasattr(field, "choices"):
                data[form.add_prefix(name)] = [str(v) for v in value]
            else:
                data[form.add_prefix(name)] = str(field.prepare_value(value))

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in inline.formset.forms:
            add(form)
    return data


def test_a_draft_is_edited_in_the_admin_with_its_parts(admin_client: Client) -> None:
    version = procedure_with_parts()
    draft = procedure_version_create_draft(procedure=version.procedure)
    change = url("procedureversion", "change", draft.pk)
    data = _form_data(admin_client.get(change))
    data["name"] = "Thủ tục đăng ký khai sinh (sửa đổi)"
    data["fees-0-amount"] = "-5"
    refused = admin_client.post(change, {**data, "_save": "1"})
    assert refused.status_code == 200 and "Số tiền không được âm." in refused.content.decode()

    data["fees-0-amount"] = "5000"
    data["channels-0-time_amount"] = "2"
    before = revision()
    saved = admin_client.post(change, {**data, "_save": "1"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.name.endswith("(sửa đổi)") and draft.status == ProcedureVersion.Status.DRAFT
    assert Fee.objects.get(version=draft).amount == 5000
    assert Channel.objects.get(version=draft).time_amount == 2
    assert Fee.objects.get(version=version).amount == 0
    assert revision() > before


def test_new_version_and_publish_actions(admin_client: Client) -> None:
    version = procedure_with_parts()
    procedure = version.procedure
    made = admin_client.post(
        url("procedure"), {"action": "create_draft", "_selected_action": [procedure.pk]}, follow=True
    )
    draft = ProcedureVersion.objects.get(procedure=procedure, number=2)
    assert draft.status == ProcedureVersion.Status.DRAFT and "Đã tạo bản dự thảo" in " ".join(messages_of(made))
    for part in PARTS:
        assert getattr(draft, part).count() == getattr(version, part).count() == 1
    assert draft.fees.get().description == "Miễn phí" and draft.channels.get().time_unit == "working_days"
    procedure.refresh_from_db()
    assert procedure.current_version_id == version.pk

    twice = admin_client.post(
        url("procedureversion"), {"action": "create_draft", "_selected_action": [version.pk]}, follow=True
    )
    assert "đã có một bản dự thảo" in " ".join(messages_of(twice))
    assert procedure.versions.count() == 2

    before = revision()
    published = admin_client.post(
        url("procedureversion"), {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "Đã công bố" in " ".join(messages_of(published))
    draft.refresh_from_db()
    version.refresh_from_db()
    procedure.refresh_from_db()
    assert draft.status == ProcedureVersion.Status.PUBLISHED and draft.effective_from == timezone.localdate()
    assert version.status == ProcedureVersion.Status.SUPERSEDED and version.effective_to == timezone.localdate()
    assert procedure.current_version_id == draft.pk and revision() > before

    again = admin_client.post(
        url("procedureversion"), {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "Chỉ công bố được bản dự thảo" in " ".join(messages_of(again))


def test_publish_uses_the_drafts_effective_date_and_refusals_have_codes() -> None:
    version = procedure_with_parts(effective_from=dt.date(2025, 7, 1))
    draft = procedure_version_create_draft(procedure=version.procedure)
    assert draft.effective_from is None
    draft.effective_from = dt.date(2026, 3, 1)
    draft.save()
    procedure_version_publish(version=draft, change_note="Nghị định 07/2025/NĐ-CP")
    version.refresh_from_db()
    assert version.effective_to == dt.date(2026, 3, 1)

    with pytest.raises(ApiError) as not_draft:
        procedure_version_publish(version=version)
    assert not_draft.value.code == "version_not_draft"
    orphan = ProcedureFactory.create(code="1.000001")
    with pytest.raises(ApiError) as nothing:
        procedure_version_create_draft(procedure=orphan)
    assert nothing.value.code == "no_published_version"
    assert nothing.value.message_vi != nothing.value.message_en
