from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "opendvc.catalog"
    verbose_name = _("Cơ sở dữ liệu thủ tục hành chính")

    def ready(self) -> None:
        from opendvc.catalog import models
        from opendvc.catalog.memo import catalog_memo_connect

        catalog_memo_connect(
            models.Procedure,
            models.ProcedureVersion,
            models.Channel,
            models.Fee,
            models.RequiredDocument,
            models.ServiceOffering,
        )
