"""Form definitions: every demo form is a valid Draft 2020-12 schema whose pages cover its fields;
a definition that is not is refused when saved, with what to fix."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from jsonschema import Draft202012Validator

from opendvc.dossiers.tests.factories import World
from opendvc.forms.demo import demo_form_definitions
from opendvc.forms.models import ProcedureForm
from opendvc.forms.schema import FormDefinitionError, form_spec_build
from opendvc.forms.services import procedure_form_save

BIRTH = "1.001193"


def definition(code: str = BIRTH) -> tuple[dict[str, Any], dict[str, Any]]:
    document = copy.deepcopy(demo_form_definitions()[code])
    return document["schema"], document["ui"]


@pytest.mark.parametrize("code", sorted(demo_form_definitions()))
def test_each_demo_form_is_a_valid_2020_12_schema_with_one_topic_per_page(code: str) -> None:
    schema, ui = definition(code)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    spec = form_spec_build(schema, ui)
    assert len(spec.pages) >= 5
    assert all(1 <= len(page.fields) <= 8 for page in spec.pages)
    assert all(field.title and field.title_en for field in spec.fields.values()), code
    assert all(page.title_en for page in spec.pages)


def test_the_birth_registration_asks_what_the_tờ_khai_asks() -> None:
    spec = form_spec_build(*definition())
    assert spec.page("quan-he").fields[0].title == "Quan hệ với người được khai sinh"  # type: ignore[union-attr]
    kinds = {pointer: field.kind for pointer, field in spec.fields.items()}
    assert kinds["/tre/ngay_sinh"] == "date"
    assert kinds["/tre/noi_sinh/tinh"] == "province"
    assert kinds["/tre/noi_sinh/xa"] == "commune"
    assert kinds["/nguoi_yeu_cau/so_dinh_danh"] == "personal_id"
    assert spec.fields["/nguoi_yeu_cau/so_dinh_danh"].ui["prefill"] == "personal_id"
    assert kinds["/cam_doan"] == "confirm"
    assert not spec.fields["/cha/ho_ten"].required and spec.fields["/me/ho_ten"].required


@pytest.mark.parametrize(
    ("breakage", "problem"),
    [
        (lambda s, u: s.update(type="array"), "schema gốc phải là object"),
        (lambda s, u: s["properties"].update(so_ban_sao={"type": "integer", "minimum": "một"}), "schema không hợp lệ"),
        (lambda s, u: u["pages"][0]["fields"].append("/khong_co"), "không có trường /khong_co"),
        (lambda s, u: u["pages"][1]["fields"].append("/tre/ho_ten"), "/tre/ho_ten đã ở trang"),
        (lambda s, u: u["pages"].pop(), "/cam_doan không ở trang nào"),
        (lambda s, u: u["pages"][0].update(id="Người yêu cầu"), "id «Người yêu cầu»"),
        (lambda s, u: u["fields"].update({"/tre/ho_ten": {"prefill": "password"}}), "prefill phải là một trong"),
        (lambda s, u: u.update(checks=[{"type": "ngay_am_lich"}]), "loại kiểm tra"),
        (lambda s, u: s.update({"$schema": "http://json-schema.org/draft-07/schema#"}), "Draft 2020-12"),
    ],
)
def test_a_broken_definition_is_refused_with_what_to_fix(breakage: Any, problem: str) -> None:
    schema, ui = definition()
    breakage(schema, ui)
    with pytest.raises(FormDefinitionError) as caught:
        form_spec_build(schema, ui)
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_the_model_refuses_to_save_an_invalid_schema(world: World) -> None:
    form = ProcedureForm.objects.get(procedure_version=world.version)
    form.schema = {**form.schema, "properties": {"x": {"type": "no-such-type"}}}
    with pytest.raises(ValidationError):
        form.save()


def test_saving_a_changed_form_gives_it_the_next_version(world: World) -> None:
    schema, ui = definition()
    form, changed = procedure_form_save(
        version=world.version,
        title="Tờ khai đăng ký khai sinh",
        schema=schema,
        ui=ui,
        template_reference=demo_form_definitions()[BIRTH]["template_reference"],
    )
    assert (form.version, changed) == (1, False)
    ui["pages"][0]["hint"] = "Kiểm tra lại thông tin của bạn."
    form, changed = procedure_form_save(version=world.version, title=form.title, schema=schema, ui=ui)
    assert (form.version, form.label, changed) == (2, "1.2", True)


def test_load_demo_forms_is_idempotent_and_skips_procedures_not_in_the_catalogue(world: World, capsys: Any) -> None:
    ProcedureForm.objects.all().delete()
    call_command("load_demo_forms")
    first = capsys.readouterr()
    assert "1 created or updated" in first.out and "9 skipped" in first.out
    assert "3.000347" in first.err
    call_command("load_demo_forms")
    assert "0 created or updated, 1 unchanged" in capsys.readouterr().out
    assert ProcedureForm.objects.get().version == 1
