from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "ledgerlink.connectors"
    label = "connectors"

    def ready(self) -> None:
        from ledgerlink.connectors import navigation
        from ledgerlink.connectors.worker import keep_alive_all
        from ledgerlink.core.worker import register_job

        navigation.register()
        register_job("keep-alive", keep_alive_all)
