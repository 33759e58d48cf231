"""Global object identification (Relay): opaque ids unique across workspaces and timelines.

Normalized client caches (Apollo, urql's graphcache, Relay) key an object by its type and `id`.
The same aggregate read on `main` and on a draft timeline is two different objects to them, so
its global id names the type, workspace, timeline and domain id; a state of the past
(`stateAtSequence`) also names its sequence, and a preview's state its intent, so neither
overwrites the current state in a cache.
The domain id stays available as `aggregateId`.

An id is `base64url("<GraphQL type>:<JSON [workspace, timeline, aggregate id(, sequence)]>")`,
the `Type:local-id` shape of graphql-relay, with the local part made unambiguous by JSON. Clients
must treat it as opaque. Strawberry's `relay.Node` resolves nodes through a class method per
statically declared type; these types are generated from the registry and every lookup needs the
workspace authorization the other queries make, so the few lines of resolution live here.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from .authorization import Need
from .context import context_of
from .errors import BadUserInput
from .fields import Argument, resolver_field
from .ledger import Node
from .settings import Settings
from .visibility import may_see

if TYPE_CHECKING:
    from .catalog import Catalog

ID = strawberry.ID


@dataclass(frozen=True, slots=True)
class NodePlace:
    type_name: str  # the GraphQL type, e.g. TrackableAsset
    workspace_id: str
    timeline_id: str
    aggregate_id: str
    sequence: int | None = None  # set for a state of the past
    preview: str | None = None  # the intent id of a preview: a state that was never written


def global_id(place: NodePlace) -> str:
    if place.sequence is None and place.preview is None:  # the id of every listed object: its text made directly
        # each string as json.dumps writes it (ASCII, escaped): ids stay what they always were
        quoted = map(encode_basestring_ascii, (place.workspace_id, place.timeline_id, place.aggregate_id))
        text = f"{place.type_name}:[{','.join(quoted)}]"
    else:
        local: list[Any] = [place.workspace_id, place.timeline_id, place.aggregate_id, place.sequence]
        if place.preview is not None:
            local.append(place.preview)
        text = f"{place.type_name}:{json.dumps(local, separators=(',', ':'))}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def parse_global_id(value: str, argument: str = "id") -> NodePlace:
    problem = BadUserInput(argument, "not an id this API issued; pass an object's `id` field")
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        type_name, _, local = text.partition(":")
        parts = json.loads(local)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise problem from None
    if not isinstance(parts, list) or not 3 <= len(parts) <= 5 or not all(isinstance(p, str) for p in parts[:3]):
        raise problem
    sequence = parts[3] if len(parts) > 3 else None
    if sequence is not None and (not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 0):
        raise problem
    preview = parts[4] if len(parts) > 4 else None
    if len(parts) > 4 and not isinstance(preview, str):
        raise problem
    return NodePlace(type_name, parts[0], parts[1], parts[2], sequence, preview)


async def resolve_node(info: Info, catalog: Catalog, place: NodePlace) -> Any:
    """The object an id names, or None; refuses (FORBIDDEN) a workspace the caller may not read.

    The check comes before any read, so an id of a workspace without a role tells nothing about
    whether the object exists, exactly as the by-id queries do.
    """
    ctx = context_of(info)
    await ctx.require(place.workspace_id, Need.READ)
    kind = catalog.aggregate_kind(place.type_name)
    if kind is None or place.preview is not None:  # a preview was never stored
        return None
    ws, tl, sequence = place.workspace_id, place.timeline_id, place.sequence
    if sequence is None:
        state = await ctx.app.read_latest(kind.model, ws, tl, place.aggregate_id)
    else:  # that one aggregate's history, not the whole timeline's state at the sequence
        state = await ctx.app.read_at_sequence(kind.model, ws, tl, place.aggregate_id, inclusive_sequence=sequence)
    if state is None or not await may_see(ctx, ws, state):  # estate data kept in a shared workspace
        return None
    return catalog.aggregate(state, ws, tl, sequence)


def node_queries(catalog: Catalog, settings: Settings) -> list[StrawberryField]:
    async def node(info: Info, id: str) -> Any:
        return await resolve_node(info, catalog, parse_global_id(id))

    async def nodes(info: Info, ids: list[str]) -> list[Any]:
        if len(ids) > settings.max_page_size:
            raise BadUserInput("ids", f"at most {settings.max_page_size} ids at a time")
        found: list[Any] = []
        for index, value in enumerate(ids):
            try:
                found.append(await resolve_node(info, catalog, parse_global_id(value, f"ids.{index}")))
            except Exception as exc:  # one bad id fails its own item, not the list
                found.append(exc)  # graphql-core reports it at nodes.<index> and leaves the item null
        return found

    return [
        resolver_field(
            "node",
            node,
            [Argument("id", ID, description="An object's `id` (its global id).")],
            Node | None,
            description="The object with this global id; null if there is none (or it is deleted).",
        ),
        resolver_field(
            "nodes",
            nodes,
            [Argument("ids", list[ID])],
            list[Node | None],
            description="The objects with these global ids, in order; null for each that is not there.",
        ),
    ]
