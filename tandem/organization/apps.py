from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "tandem.organization"
    label = "organization"
    verbose_name = "Organisation"
