from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    name = "tandem.provisioning"
    label = "provisioning"
    verbose_name = "Provisioning (SCIM)"
