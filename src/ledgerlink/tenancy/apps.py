from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "ledgerlink.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"

    def ready(self) -> None:
        from ledgerlink.tenancy import navigation

        navigation.register()
