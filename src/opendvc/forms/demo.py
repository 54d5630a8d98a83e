"""The demo forms: real tờ khai of ten procedures of the demo catalogue, in ``forms/data``.

Each ``<code>.json`` holds ``title``, ``template_reference``, ``schema`` and ``ui``. Definitions shared
by several forms (a personal ID, a phone number, the 54 ethnic groups…) are in ``_common.json`` and
copied into each schema's ``$defs``, so every stored form is self-contained.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from opendvc.catalog.models import Procedure, ProcedureVersion
from opendvc.forms.services import procedure_form_save

DATA = Path(__file__).resolve().parent / "data"


@dataclass
class DemoFormsReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@cache
def _common_defs() -> dict[str, Any]:
    return dict(json.loads((DATA / "_common.json").read_text(encoding="utf-8"))["$defs"])


def demo_form_definitions() -> dict[str, dict[str, Any]]:
    """Every demo form by procedure code, with the shared definitions merged into its schema."""
    forms = {}
    for path in sorted(DATA.glob("*.json")):
        if path.name.startswith("_"):
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        schema = document["schema"]
        schema["$defs"] = {**_common_defs(), **schema.get("$defs", {})}
        forms[path.stem] = document
    return forms


def demo_forms_load() -> DemoFormsReport:
    report = DemoFormsReport()
    for code, document in demo_form_definitions().items():
        procedure = Procedure.objects.filter(code=code).select_related("current_version").first()
        version = procedure.current_version if procedure else None
        if version is None or version.status != ProcedureVersion.Status.PUBLISHED:
            report.missing.append(code)
            continue
        with transaction.atomic():
            _, changed = procedure_form_save(
                version=version,
                title=document["title"],
                template_reference=document.get("template_reference", ""),
                schema=document["schema"],
                ui=document["ui"],
            )
        (report.created if changed else report.unchanged).append(code)
    return report
