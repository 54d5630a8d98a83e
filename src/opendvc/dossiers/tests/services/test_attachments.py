"""Uploads are judged by their content: type by magic bytes, size limit, SHA-256 recorded."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opendvc.audit.models import AuditEntry
from opendvc.core.errors import ApiError
from opendvc.dossiers.files import safe_original_name, sniff_content_type
from opendvc.dossiers.models import Attachment
from opendvc.dossiers.services import attachment_purge_unbound, attachment_upload
from opendvc.dossiers.tests.factories import EXE_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, CitizenFactory

pytestmark = pytest.mark.django_db


def send(content: bytes, name: str, content_type: str = "application/pdf") -> Attachment:
    return attachment_upload(
        user=CitizenFactory.create(), file=SimpleUploadedFile(name, content, content_type=content_type)
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF_BYTES, "application/pdf"), (PNG_BYTES, "image/png"), (JPEG_BYTES, "image/jpeg")],
)
def test_accepted_types_are_recognised_by_content_not_name(content: bytes, expected: str) -> None:
    attachment = send(content, "tep-khong-duoi")
    assert attachment.content_type == expected
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.size == len(content)
    assert attachment.file.read() == content
    assert attachment.original_name == "tep-khong-duoi"
    assert attachment.dossier is None


def test_a_png_named_pdf_is_stored_as_png() -> None:
    attachment = send(PNG_BYTES, "giay-chung-sinh.pdf")
    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith(".png")


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_stored(media_root: Path) -> None:
    with pytest.raises(ApiError) as refused:
        send(EXE_BYTES, "to-khai.pdf")
    assert (refused.value.code, refused.value.status) == ("file_type_not_allowed", 415)
    assert not Attachment.objects.exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))
    assert AuditEntry.objects.get().reason == "file_type_not_allowed"


def test_an_oversize_file_is_refused(settings) -> None:
    settings.DOSSIER_MAX_UPLOAD_BYTES = 50
    with pytest.raises(ApiError) as refused:
        send(PDF_BYTES + b"x" * 100, "lon.pdf")
    assert (refused.value.code, refused.value.status) == ("file_too_large", 413)
    assert not Attachment.objects.exists()


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ApiError) as refused:
        send(b"", "rong.pdf")
    assert refused.value.code == "file_empty"


def test_the_original_name_loses_its_path_and_control_characters() -> None:
    assert safe_original_name("../../etc/passwd") == "passwd"
    assert safe_original_name("C:\\Users\\a\\Tờ khai.pdf") == "Tờ khai.pdf"
    assert safe_original_name("a\x00b<>.pdf") == "a_b_.pdf"
    assert safe_original_name("") == "tep"
    assert sniff_content_type(b"GIF89a") is None


def test_abandoned_uploads_are_purged(settings) -> None:
    attachment = send(PDF_BYTES, "bo-quen.pdf")
    storage, name = attachment.file.storage, attachment.file.name
    Attachment.objects.filter(pk=attachment.pk).update(uploaded_at=attachment.uploaded_at.replace(year=2020))
    assert attachment_purge_unbound() == 1
    assert not Attachment.objects.exists()
    assert not storage.exists(name)
