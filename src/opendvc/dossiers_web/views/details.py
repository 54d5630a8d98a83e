"""The parts of a dossier both the applicant's and the officer's page show: its files and form answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from opendvc.dossiers.models import Attachment, Dossier

IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})


@dataclass(frozen=True)
class DocumentView:
    attachment: Attachment
    download_url: str
    view_url: str
    kind_label: str
    size_text: str

    @property
    def is_image(self) -> bool:
        return self.attachment.content_type in IMAGE_TYPES

    @property
    def is_pdf(self) -> bool:
        return self.attachment.content_type == "application/pdf"


@dataclass(frozen=True)
class Answer:
    """One answer of the form: a label and either a value or nested answers."""

    label: str
    value: str = ""
    children: list[Answer] = field(default_factory=list)


@dataclass(frozen=True)
class DossierDetails:
    documents: list[DocumentView]
    results: list[DocumentView]
    answers: list[Answer]


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    if size >= 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size} B"


def _label(key: str) -> str:
    """A form key as a label: keys written as words are kept, ``ho_ten`` style keys get spaces."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else str(key)


def _value(value: Any) -> str:
    if value is True:
        return _("Có")
    if value is False:
        return _("Không")
    if value is None or value == "":
        return "—"
    return str(value)


def form_answers(data: Any) -> list[Answer]:
    """The dossier's ``form_data`` as label/value pairs, nested objects and lists as nested answers."""
    if not isinstance(data, dict):
        return []
    answers = []
    for key, value in data.items():
        if isinstance(value, dict):
            answers.append(Answer(_label(key), children=form_answers(value)))
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            children = [
                Answer(f"{index}", children=form_answers(item))
                if isinstance(item, dict)
                else Answer(f"{index}", _value(item))
                for index, item in enumerate(value, start=1)
            ]
            answers.append(Answer(_label(key), children=children))
        elif isinstance(value, list):
            answers.append(Answer(_label(key), "; ".join(_value(item) for item in value) or "—"))
        else:
            answers.append(Answer(_label(key), _value(value)))
    return answers


def dossier_details(dossier: Dossier, *, for_officer: bool) -> DossierDetails:
    """Files split into what was submitted (with supplements) and the results; uses the prefetched files."""
    documents: list[DocumentView] = []
    results: list[DocumentView] = []
    for attachment in dossier.attachments.all():
        view = DocumentView(
            attachment=attachment,
            download_url=f"/api/v1/dossiers/{dossier.code}/attachments/{attachment.pk}",
            view_url=reverse(
                "dossiers_web:attachment_view", kwargs={"code": dossier.code, "attachment_id": attachment.pk}
            ),
            kind_label=str(attachment.get_kind_display()),
            size_text=size_text(attachment.size),
        )
        (results if attachment.kind == Attachment.Kind.RESULT else documents).append(view)
    return DossierDetails(documents=documents, results=results, answers=form_answers(dossier.form_data))
