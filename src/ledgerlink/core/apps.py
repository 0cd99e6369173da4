from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ledgerlink.core"
    label = "core"

    def ready(self) -> None:
        from ledgerlink.core import checks  # noqa: F401  (registers the system checks)
