from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "opendvc.core"
    verbose_name = "Lõi hệ thống"
