"""A small estate from the documents' examples, so that GraphiQL shows data at once.

Intents are named, not imported: the loader dispatches whatever of them is registered and
says which it skipped. Intent ids are fixed, so loading twice changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from nomos_mongo import IntentContext, NomosApp, NomosError, actor_fields, derived_id

from .authorization import SYSTEM_WORKSPACE, is_system_scoped

log = logging.getLogger("nomos.graph")
ESTATE = "estate-001"


@dataclass(frozen=True)
class Step:
    intent: str
    data: dict[str, Any]
    actor: str | None = None  # None: the demo user


STEPS = (
    Step("CreateUserIntent", {"displayName": "Developer", "email": "dev@example.com"}),
    Step("CreateUserIntent", {"displayName": "Bob", "email": "bob@example.com"}, actor="user-456"),
    Step(
        "CreateEstateIntent",
        {
            "estateId": ESTATE,
            "name": "Corporate Campus",
            "address": {"street": "Main St", "city": "Boston", "country": "US"},
        },
    ),
    Step(
        "CreateSiteWithTopologyDraftIntent",
        {
            "siteId": "site-001",
            "siteName": "Building A",
            "estateId": ESTATE,
            "initialBuilding": {"name": "Main Structure", "levelCount": 3},
        },
    ),
    Step(
        "CreateTrackableAssetIntent",
        {
            "assetId": "asset-001",
            "name": "HVAC Unit A",
            "assetType": "hvac",
            "customFields": {"serial_number": "HV-2041"},
        },
    ),
    Step(
        "GrantEstateAccessIntent",
        {
            "targetUserId": "user-456",
            "estateId": ESTATE,
            "role": {"type": "estate", "value": "admin"},
            "reason": "Team lead for building maintenance",
        },
    ),
)


async def load_demo(app: NomosApp, user_id: str = "dev") -> list[str]:
    """Dispatch the demo intents as `user_id`; returns the descriptions of what was done."""
    done: list[str] = []
    for number, step in enumerate(STEPS):
        intent_type = app.registry.intents.get(step.intent)
        if intent_type is None:
            log.info("demo: %s is not registered yet; skipped", step.intent)
            continue
        actor = step.actor or user_id
        data = {**step.data, "id": derived_id("nomos-demo", f"{number}-{step.intent}")}
        for name in actor_fields(intent_type):
            data[intent_type.model_fields[name].alias or name] = actor
        workspace = SYSTEM_WORKSPACE if is_system_scoped(intent_type) else ESTATE
        try:
            intent = intent_type.model_validate(data)
            entry = await app.dispatch(intent, IntentContext(workspace_id=workspace, actor_id=actor))
        except (ValidationError, NomosError) as exc:
            log.warning("demo: %s skipped: %s", step.intent, str(exc).splitlines()[0])
            continue
        done.append(entry.description)
    return done
