from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "opendvc.catalog"
    verbose_name = _("Cơ sở dữ liệu thủ tục hành chính")
