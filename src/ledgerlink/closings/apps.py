from django.apps import AppConfig


class ClosingsConfig(AppConfig):
    name = "ledgerlink.closings"
    label = "closings"

    def ready(self) -> None:
        from ledgerlink.closings import messages, navigation  # noqa: F401  (messages fills the catalogue)

        navigation.register()
