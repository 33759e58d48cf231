"""Mutations: one per registered intent, generated; and the engine's own operations."""

from __future__ import annotations

from typing import Any

import strawberry
from pydantic import ValidationError
from strawberry.file_uploads import Upload
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from nomos_mongo import MAIN_TIMELINE, BlobRef, actor_fields
from nomos_mongo.ids import check_id

from .authorization import SYSTEM_WORKSPACE, need_of
from .catalog import Catalog, IntentKind
from .context import context_of
from .errors import BadUserInput, Forbidden, from_validation_error
from .fields import Argument, docstring, resolver_field
from .ledger import IntentResult
from .uploads import blob_finder, record_upload

ID = strawberry.ID


def intent_mutations(catalog: Catalog) -> list[StrawberryField]:
    return [_intent_mutation(kind, catalog) for kind in catalog.intents]


def _intent_mutation(kind: IntentKind, catalog: Catalog) -> StrawberryField:
    async def resolve(
        info: Info,
        workspace_id: str = SYSTEM_WORKSPACE,
        timeline_id: str = MAIN_TIMELINE,
        intent_id: str | None = None,
        preview: bool = False,
        input: Any = None,
    ) -> IntentResult:
        ctx = context_of(info)
        if not kind.system_scoped and workspace_id == SYSTEM_WORKSPACE:
            # else the first comer could make the system workspace an estate and own it
            raise Forbidden(f"the {SYSTEM_WORKSPACE} workspace takes system intents only")
        user = await ctx.require(workspace_id, need_of(kind.model))
        find_blob = blob_finder(ctx.app, workspace_id, user.id)
        data = await catalog.inputs.wire(input, find_blob) if input is not None else {}
        for name in actor_fields(kind.model):
            data[kind.model.model_fields[name].alias or name] = user.id
        if intent_id is not None:
            check_id("intentId", intent_id)
            data["id"] = intent_id
        try:
            intent = kind.model.model_validate(data)
        except ValidationError as exc:
            raise from_validation_error(exc) from None
        intent_context = ctx.intent_context(workspace_id, timeline_id)
        if preview:
            return catalog.preview_result(await ctx.app.preview(intent, intent_context), workspace_id, timeline_id)
        # a retry with a stored intent id is answered by the engine: the stored result, or CONFLICT
        return await catalog.result(ctx.app, await ctx.app.submit(intent, intent_context))

    arguments = [] if kind.system_scoped else [Argument("workspace_id", ID, description="The estate.")]
    arguments += [
        Argument("timeline_id", ID, MAIN_TIMELINE),
        Argument(
            "intent_id",
            ID | None,
            None,
            description="Your own id for the intent: a retry with the same id and input "
            "returns the first result instead of acting twice; another input with it is a CONFLICT.",
        ),
        Argument(
            "preview",
            bool,
            False,
            description="Plan and execute against the current state and return what would happen "
            "(or the rejection), writing nothing: sequence and entry are null.",
        ),
    ]
    if kind.input_type is not None:
        arguments.append(Argument("input", kind.input_type))
    where = " In the system workspace." if kind.system_scoped else ""
    description = (docstring(kind.model) or f"Dispatch {kind.model.type_name}.") + where
    return resolver_field(kind.mutation, resolve, arguments, IntentResult, description=description)


async def read_upload(file: Any) -> tuple[bytes, str | None]:
    try:
        data = await file.read()
    finally:
        await file.close()  # the spooled temporary file, now rather than at garbage collection
    return (data.encode() if isinstance(data, str) else bytes(data)), getattr(file, "content_type", None)


def upload_field(catalog: Catalog) -> StrawberryField:
    from .authorization import Need

    blob_ref_type = catalog.outputs.object_type(BlobRef)

    async def upload_blob(info: Info, workspace_id: str, file: Any, content_type: str | None = None) -> Any:
        ctx = context_of(info)
        await ctx.require(workspace_id, Need.WRITE)
        if not callable(getattr(file, "read", None)):
            raise BadUserInput("file", "must be a file part of a multipart request, not a JSON value")
        data, sent_type = await read_upload(file)
        ref = await ctx.app.blob.upload_blob(data, content_type or sent_type or "application/octet-stream")
        await record_upload(ctx.app, workspace_id, ctx.require_user().id, ref)
        return catalog.outputs.instance(ref)

    arguments = [
        Argument("workspace_id", ID, description="A workspace you may write to."),
        Argument("file", Upload),
        Argument("content_type", str | None, None, description="Defaults to the part's Content-Type."),
    ]
    return resolver_field(
        "uploadBlob",
        upload_blob,
        arguments,
        blob_ref_type,
        description="Store bytes (multipart request); refer to them by sha256 in BlobInput.",
    )
