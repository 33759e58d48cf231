"""The engine's own intents: undo and redo. They carry no directives; they strike out."""

from __future__ import annotations

from .descriptions import DescribeContext, IntentDescription
from .model import Intent
from .registry import NomosModule


class UndoIntent(Intent):
    target_intent_id: str
    target_description: str = ""

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} undid: {what}",
            {"actor": ctx.actor_name(), "what": self.target_description or self.target_intent_id},
        )


class RedoIntent(Intent):
    target_undo_intent_id: str
    redone_intent_id: str
    target_description: str = ""

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} redid: {what}",
            {"actor": ctx.actor_name(), "what": self.target_description or self.redone_intent_id},
        )


SYSTEM_INTENTS: tuple[type[Intent], ...] = (UndoIntent, RedoIntent)


def system_module() -> NomosModule:
    return NomosModule(name="nomos.system", intents=SYSTEM_INTENTS)
