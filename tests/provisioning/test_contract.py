"""scim2-server's contract for storages, run against Tandem's (real database), with Tandem's
provider: what its configuration does not announce (sorting, cursors) is skipped."""

from __future__ import annotations

import pytest
from scim2_models import ScimProvider
from scim2_server.testing import ScimStorageContract

from tandem.provisioning.scim import PROVIDER
from tandem.provisioning.storage import TandemStorage


@pytest.mark.django_db
class TestTandemStorage(ScimStorageContract):
    @pytest.fixture
    def provider(self) -> ScimProvider:
        return PROVIDER

    @pytest.fixture
    def storage(self) -> TandemStorage:
        return TandemStorage()
