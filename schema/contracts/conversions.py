"""Between CO2 identifiers and the engine's plain-string workspace and actor ids."""

from __future__ import annotations

from .base import ContractViolation
from .identifiers import EstateId, UserId


class NomosConversionUtils:
    """A workspace is an estate; an actor is a user. Unresolved ids never become either,
    since an intent dispatched to the workspace "unresolved" would be a silent bug."""

    @staticmethod
    def estate_id_to_workspace_id(estate_id: EstateId) -> str:
        if estate_id.is_unresolved:
            raise ContractViolation("estateId", "an unresolved estate is not a workspace")
        return estate_id.value

    @staticmethod
    def workspace_id_to_estate_id(workspace_id: str) -> EstateId:
        return EstateId.from_string(workspace_id)

    @staticmethod
    def user_id_to_actor_id(user_id: UserId) -> str:
        if user_id.is_unresolved:
            raise ContractViolation("userId", "an unresolved user is not an actor")
        return user_id.value

    @staticmethod
    def actor_id_to_user_id(actor_id: str) -> UserId:
        return UserId.from_string(actor_id)
