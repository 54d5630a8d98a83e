from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "opendvc.payments"
    verbose_name = _("Thanh toán trực tuyến")

    def ready(self) -> None:
        from opendvc.dossiers.hooks import event_listener_register
        from opendvc.payments.services import obligation_on_dossier_event

        event_listener_register(obligation_on_dossier_event)
