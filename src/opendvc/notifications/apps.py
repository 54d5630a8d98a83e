from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "opendvc.notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        # Importing the plugins registers them with the sender registry.
        from opendvc.notifications import plugins  # noqa: F401
