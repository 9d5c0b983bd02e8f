from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "tandem.organization"
    label = "organization"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from tandem.organization.revision import connect  # noqa: PLC0415

        connect()
