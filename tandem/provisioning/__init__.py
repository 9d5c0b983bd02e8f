"""Provisioning by SCIM 2.0: an identity provider creates, updates and deactivates people and
teams (docs/scim.md)."""
