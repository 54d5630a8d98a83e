"""A dossier's file shown inside the page (PDF in a frame, images as images) for the people in its scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from opendvc.core.errors import ApiError
from opendvc.dossiers.selectors import attachment_get_for_user
from opendvc.dossiers_web.views.common import current_user


@login_required
@require_safe
@xframe_options_sameorigin
def attachment_view(request: HttpRequest, code: str, attachment_id: int) -> FileResponse:
    """The file inline (the API's download sends it as an attachment and may not be framed).

    Its type was sniffed from its content at upload (PDF, JPEG, PNG only), so serving it inline
    under that type is safe; the same 404 as the API for anything out of scope.
    """
    try:
        attachment = attachment_get_for_user(user=current_user(request), code=code, attachment_id=attachment_id)
        handle = attachment.file.open("rb")
    except (ApiError, OSError) as error:
        raise Http404("attachment_not_found") from error
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response
