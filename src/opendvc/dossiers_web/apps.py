from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersWebConfig(AppConfig):
    name = "opendvc.dossiers_web"
    label = "dossiers_web"
    verbose_name = _("Trang hồ sơ")
