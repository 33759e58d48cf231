"""Forwarding server-only intents from a client runtime."""

from __future__ import annotations

from typing import Protocol

from .context import IntentContext
from .ledger import IntentLedgerEntry
from .model import Intent


class ServerIntentTransport(Protocol):
    async def send(self, intent: Intent, ctx: IntentContext) -> IntentLedgerEntry:
        """Execute `intent` on a server runtime and return its ledger entry."""
        ...
