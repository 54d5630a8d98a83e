"""The citizen's consent to each look-up in the population database, kept by the portal as proof."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PopulationConsent(models.Model):
    """One consent, for one look-up of one person's record for one purpose (Decree 13/2023/NĐ-CP,
    Art. 11: consent is specific, informed and given by an affirmative act — the box the person ticks).

    Its ``public_id`` travels with the look-up, so the population database can log which consent
    each access relied on.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12)
    purpose = models.CharField(_("mục đích"), max_length=200)
    scope = models.JSONField(_("thông tin được tra cứu"), default=list)
    given_at = models.DateTimeField(_("đồng ý lúc"))
    outcome = models.CharField(_("kết quả tra cứu"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("sự đồng ý tra cứu dân cư")
        verbose_name_plural = _("sự đồng ý tra cứu dân cư")
        indexes = [models.Index(fields=["user", "given_at"], name="population_consent_user_at")]

    def __str__(self) -> str:
        return f"{self.personal_id} — {self.purpose} ({self.given_at:%Y-%m-%d %H:%M})"
