from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "opendvc.agencies"
    verbose_name = _("Cơ quan và đơn vị hành chính")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from opendvc.agencies.models import AdministrativeUnit
        from opendvc.agencies.selectors import place_names_forget

        post_save.connect(place_names_forget, sender=AdministrativeUnit, dispatch_uid="place_names_save")
        post_delete.connect(place_names_forget, sender=AdministrativeUnit, dispatch_uid="place_names_delete")
