from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    name = "opendvc.forms"
    label = "forms"
    verbose_name = _("Tờ khai trực tuyến")

    def ready(self) -> None:
        from opendvc.catalog.memo import catalog_memo_connect
        from opendvc.forms.models import ProcedureForm

        catalog_memo_connect(ProcedureForm)
