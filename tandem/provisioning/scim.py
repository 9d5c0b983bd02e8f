"""What Tandem's SCIM service is: its resources (Users with the enterprise extension, Groups),
the capabilities it announces, how lenient it reads (Entra's and Okta's habits), and who may
call it (an admin's SCIM token, checked again on every request)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    ETag,
    External,
    Filter,
    ForbiddenException,
    Group,
    Patch,
    PatchOp,
    Reference,
    Resource,
    ResourceType,
    ResponseParameters,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    UnauthorizedException,
    User,
)
from scim2_server.handler import ScimHandler
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.routing import Target
from scim2_server.service import ScimService

from tandem.provisioning import quirks
from tandem.provisioning.storage import TandemStorage

MAX_RESULTS = 200
# A SCIM request is one user or one group: a megabyte is far more than any identity provider
# sends (a group of 10k members is about 500 kB).
MAX_BODY_BYTES = 1024 * 1024
DOCUMENTATION = "https://github.com/tandem-okr/tandem/blob/main/docs/scim.md"


@dataclass(frozen=True)
class ScimCaller:
    """Who sent a SCIM request: the admin whose SCIM token it carried."""

    token_id: int
    person_id: str
    admin: bool


CONFIG = ServiceProviderConfig(
    documentation_uri=Reference[External](DOCUMENTATION),
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_RESULTS),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=True),
    authentication_schemes=[
        AuthenticationScheme(
            type=AuthenticationScheme.Type.oauthbearertoken,
            name="SCIM token",
            description="A SCIM token an admin creates in Settings > Provisioning or with "
            "`tandem token create ADMIN --scope scim`, sent as 'Authorization: Bearer <token>'",
            spec_uri=Reference[External]("https://datatracker.ietf.org/doc/html/rfc6750"),
            primary=True,
        )
    ],
)

PROVIDER = ScimProvider(
    models=[User, EnterpriseUser, Group],
    resource_types=[
        ResourceType.from_resource(User[EnterpriseUser]),
        ResourceType.from_resource(Group),
    ],
    config=CONFIG,
    # Entra sends a PATCH remove with the members to remove as its value, and replaces
    # emails[type eq "work"].value on users who have no work e-mail yet; both IdPs send
    # attributes of their own that Tandem has no use for.
    policy=ScimPolicy(
        unknown=ScimPolicy.Unknown.ignore,
        remove_value_as_filter=ScimPolicy.RemoveValue.apply,
        unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
    ),
)


class TandemScimService(ScimService):
    def read_patch(
        self, resource_type: ResourceType, body: bytes, content_type: str | None
    ) -> PatchOp[Any]:
        return super().read_patch(resource_type, quirks.patch_fixed(body), content_type)

    def read_creation(
        self, resource_type: ResourceType, body: bytes, content_type: str | None
    ) -> Resource[Any]:
        return super().read_creation(resource_type, quirks.resource_fixed(body), content_type)

    def read_replacement(
        self, resource_type: ResourceType, body: bytes, content_type: str | None
    ) -> Resource[Any]:
        return super().read_replacement(resource_type, quirks.resource_fixed(body), content_type)

    def patch_response(
        self,
        base_url: str,
        resource: Resource[Any],
        response_parameters: ResponseParameters[Any],
    ) -> ScimResponse:
        # RFC 7644 allows 204 here; Okta reads the user back from the 200 it documents.
        published = self.publish(base_url, resource)
        return self.resource_response(
            published, Context.RESOURCE_REPLACEMENT_RESPONSE, response_parameters
        )

    def authorize(self, request: ScimRequest, target: Target, resource_type: ResourceType) -> None:
        caller = request.subject
        if not isinstance(caller, ScimCaller):
            raise UnauthorizedException(detail="send an admin's SCIM token as a Bearer token")
        if not caller.admin:
            raise ForbiddenException(
                detail=f"the SCIM token's person ({caller.person_id}) is no longer an admin; "
                "an admin creates a new token in Settings > Provisioning"
            )


class TandemScimStorage(TandemStorage):
    def operation(self) -> AbstractContextManager[Any]:
        # One transaction per operation: a PUT or PATCH reads, checks the version and writes.
        return transaction.atomic()


SERVICE = TandemScimService(PROVIDER)
HANDLER = ScimHandler(SERVICE, TandemScimStorage())
