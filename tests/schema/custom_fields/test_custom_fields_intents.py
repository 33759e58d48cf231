"""Custom fields on layers on the engine: definitions, attachment, defaults, bulk application."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from nomos_mongo import IntentRejected, NomosApp
from nomos_mongo.codec import entry_from_document, entry_to_document
from schema.assets import CreateTrackableAssetIntent, TrackableAssetAggregate
from schema.assets.events import AssetUpdatedEvent
from schema.common import Access, Co2Intent, Scope
from schema.contracts import (
    AssetNickname,
    CustomField,
    CustomFieldDefinitionId,
    CustomFieldKey,
    CustomFieldLabel,
    CustomFieldMap,
    CustomFieldType,
    LayerId,
    TrackableAssetId,
    UserId,
)
from schema.custom_fields import (
    MAX_ASSETS_PER_APPLY,
    MODULE,
    AttachCustomFieldToLayerIntent,
    BulkApplyLayerDefaultsIntent,
    CustomFieldDefinitionAggregate,
    DefineCustomFieldIntent,
    DetachCustomFieldFromLayerIntent,
    LayerAggregate,
    SetLayerDefaultCustomFieldsIntent,
)
from schema.custom_fields.events import (
    CustomFieldDefinedEvent,
    LayerCustomFieldAttachedEvent,
    LayerCustomFieldDetachedEvent,
    LayerDefaultCustomFieldsSetEvent,
)
from tests.schema.estates.campus import ESTATE, build_campus
from tests.schema.helpers import estate_ctx

ALICE = UserId("alice")
LAYER = LayerId("layer-electrical")
CTX = estate_ctx(ESTATE, "alice")


def define(key: str, field_type: CustomFieldType = CustomFieldType.text, *options: str) -> DefineCustomFieldIntent:
    return DefineCustomFieldIntent(
        definition_id=CustomFieldDefinitionId(f"def-{key}"),
        key=CustomFieldKey(key),
        label=CustomFieldLabel(key.replace("_", " ").capitalize()),
        field_type=field_type,
        options=options,
        defined_by=ALICE,
    )


def attach(key: str) -> AttachCustomFieldToLayerIntent:
    return AttachCustomFieldToLayerIntent(
        layer_id=LAYER, definition_id=CustomFieldDefinitionId(f"def-{key}"), attached_by=ALICE
    )


def set_defaults(*fields: CustomField) -> SetLayerDefaultCustomFieldsIntent:
    return SetLayerDefaultCustomFieldsIntent(layer_id=LAYER, defaults=CustomFieldMap.of(fields), set_by=ALICE)


def apply(*asset_ids: str, overwrite: bool = False) -> BulkApplyLayerDefaultsIntent:
    return BulkApplyLayerDefaultsIntent(
        layer_id=LAYER, asset_ids=tuple(TrackableAssetId(a) for a in asset_ids), applied_by=ALICE, overwrite=overwrite
    )


async def layer(app: NomosApp) -> LayerAggregate:
    found = await app.read_latest(LayerAggregate, ESTATE, "main", LAYER.value)
    assert found is not None
    return found


async def asset(app: NomosApp, asset_id: str) -> TrackableAssetAggregate:
    found = await app.read_latest(TrackableAssetAggregate, ESTATE, "main", asset_id)
    assert found is not None
    return found


async def assert_rejected(app: NomosApp, intent: object, rule: str) -> IntentRejected:
    before = await app.head(ESTATE, "main")
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, CTX)  # type: ignore[arg-type]
    assert caught.value.rule == rule, caught.value
    assert await app.head(ESTATE, "main") == before
    return caught.value


@pytest.fixture
async def app(co2_app: NomosApp) -> NomosApp:
    """The campus estate, fields voltage (select) and circuit (text) attached to the electrical layer."""
    await build_campus(co2_app)
    for intent in (define("voltage", CustomFieldType.select, "230V", "400V"), define("circuit"), attach("voltage")):
        await co2_app.dispatch(intent, CTX)
    await co2_app.dispatch(attach("circuit"), CTX)
    return co2_app


async def with_assets(app: NomosApp, *asset_ids: str, fields: CustomFieldMap | None = None) -> None:
    for asset_id in asset_ids:
        create = CreateTrackableAssetIntent(
            asset_id=TrackableAssetId(asset_id),
            name=AssetNickname(asset_id),
            created_by_user_id=ALICE,
            custom_fields=fields or CustomFieldMap.empty(),
        )
        await app.dispatch(create, CTX)


async def assert_ledger_round_trips(app: NomosApp, workspace_id: str) -> None:
    """Every stored intent, directive and event survives the JSON a MongoDB ledger stores,
    and re-executing the timeline reproduces its events and snapshots."""
    entries = await app.read_timeline(workspace_id, "main")
    assert entries
    for entry in entries:
        stored = json.loads(json.dumps(entry_to_document(entry)))
        back = entry_from_document(app.registry, stored)
        assert (back.intent, back.directives, back.events) == (entry.intent, entry.directives, entry.events)
    for state in (await app.state_at_sequence(workspace_id, "main", inclusive_sequence=len(entries))).values():
        assert app.registry.aggregate_from_json(json.loads(json.dumps(state.to_json()))) == state
    report = await app.verify_timeline(workspace_id, "main")
    assert report.ok, report.divergence


@pytest.mark.parametrize("intent_type", MODULE.intents, ids=lambda t: t.__name__)
async def test_every_custom_field_intent_is_registered_and_routed(
    co2_app: NomosApp, intent_type: type[Co2Intent]
) -> None:
    assert co2_app.registry.intents[intent_type.__name__] is intent_type
    assert co2_app.policy.routes_for(intent_type)
    assert intent_type.scope is Scope.WORKSPACE
    expected = Access.WRITE if intent_type is BulkApplyLayerDefaultsIntent else Access.ADMIN
    assert intent_type.access is expected


async def test_a_custom_field_is_defined(co2_app: NomosApp) -> None:
    intent = define("voltage", CustomFieldType.select, "230V", "400V")
    assert co2_app.registry.intent_from_json(intent.to_json()) == intent

    entry = await co2_app.dispatch(intent, CTX)

    [record] = entry.events
    assert isinstance(record.event, CustomFieldDefinedEvent)
    assert co2_app.registry.event_from_json(record.event.to_json()) == record.event
    definition = await co2_app.read_latest(CustomFieldDefinitionAggregate, ESTATE, "main", "def-voltage")
    assert definition is not None and definition.options == ("230V", "400V")
    assert co2_app.registry.aggregate_from_json(definition.to_json()) == definition
    assert entry.description == "alice defined custom field Voltage (select)"


async def test_definition_rules(co2_app: NomosApp) -> None:
    with pytest.raises(ValidationError, match="needs at least one option"):
        define("voltage", CustomFieldType.select)
    with pytest.raises(ValidationError, match="only select and multiSelect"):
        define("circuit", CustomFieldType.text, "A")
    with pytest.raises(ValidationError, match="more than once"):
        define("voltage", CustomFieldType.select, "230V", "230V")
    with pytest.raises(ValidationError, match="label"):
        DefineCustomFieldIntent(
            key=CustomFieldKey("x"), label=CustomFieldLabel(""), field_type=CustomFieldType.text, defined_by=ALICE
        )
    await co2_app.dispatch(define("circuit"), CTX)
    await assert_rejected(co2_app, define("circuit"), "custom_fields.key_taken")
    again = define("circuit").model_copy(update={"key": CustomFieldKey("circuit_2")})
    await assert_rejected(co2_app, again, "custom_fields.definition_exists")


async def test_fields_are_attached_to_and_detached_from_a_layer(co2_app: NomosApp) -> None:
    await co2_app.dispatch(define("circuit"), CTX)
    intent = attach("circuit")
    assert co2_app.registry.intent_from_json(intent.to_json()) == intent

    entry = await co2_app.dispatch(intent, CTX)

    [record] = entry.events
    assert isinstance(record.event, LayerCustomFieldAttachedEvent)
    assert co2_app.registry.event_from_json(record.event.to_json()) == record.event
    attached = await layer(co2_app)
    assert [f.key.value for f in attached.fields] == ["circuit"]
    assert co2_app.registry.aggregate_from_json(attached.to_json()) == attached
    assert entry.description == "alice attached custom field Circuit to layer layer-electrical"
    await assert_rejected(co2_app, attach("circuit"), "custom_fields.already_attached")
    await assert_rejected(co2_app, attach("missing"), "custom_fields.definition_not_found")

    await co2_app.dispatch(set_defaults(CustomField.text("circuit", "C-1")), CTX)
    detach = DetachCustomFieldFromLayerIntent(
        layer_id=LAYER, definition_id=CustomFieldDefinitionId("def-circuit"), detached_by=ALICE
    )
    assert co2_app.registry.intent_from_json(detach.to_json()) == detach
    detached = await co2_app.dispatch(detach, CTX)
    assert isinstance(detached.events[0].event, LayerCustomFieldDetachedEvent)
    assert detached.description == "alice detached custom field Circuit from layer layer-electrical"
    after = await layer(co2_app)
    assert after.fields == () and "circuit" not in after.defaults
    await assert_rejected(co2_app, detach.model_copy(update={"id": None}), "custom_fields.not_attached")


async def test_layer_defaults_must_fit_the_attached_fields(app: NomosApp) -> None:
    intent = set_defaults(CustomField.select("voltage", "230V"), CustomField.text("circuit", "C-1"))
    assert app.registry.intent_from_json(intent.to_json()) == intent

    entry = await app.dispatch(intent, CTX)

    [record] = entry.events
    assert isinstance(record.event, LayerDefaultCustomFieldsSetEvent)
    assert app.registry.event_from_json(record.event.to_json()) == record.event
    assert (await layer(app)).defaults == intent.defaults
    assert entry.description == "alice set 2 default custom fields on layer layer-electrical"

    error = await assert_rejected(app, set_defaults(CustomField.text("colour", "red")), "custom_fields.not_attached")
    assert error.field == "defaults.colour"
    wrong_type = set_defaults(CustomField.number("circuit", 7))
    error = await assert_rejected(app, wrong_type, "custom_fields.invalid_default")
    assert "circuit is a text field, got a number value" in error.reason
    error = await assert_rejected(
        app, set_defaults(CustomField.select("voltage", "110V")), "custom_fields.invalid_default"
    )
    assert "110V is not an option of voltage" in error.reason


async def test_defaults_fill_what_assets_lack_in_one_intent(app: NomosApp) -> None:
    await app.dispatch(set_defaults(CustomField.select("voltage", "230V"), CustomField.text("circuit", "C-1")), CTX)
    await with_assets(app, "lamp-1", "lamp-2")
    await with_assets(app, "lamp-3", fields=CustomFieldMap({"circuit": "C-9"}))
    await with_assets(
        app,
        "lamp-4",
        fields=CustomFieldMap.of([CustomField.select("voltage", "230V"), CustomField.text("circuit", "C-1")]),
    )
    intent = apply("lamp-1", "lamp-2", "lamp-3", "lamp-4")
    assert app.registry.intent_from_json(intent.to_json()) == intent
    before = await app.head(ESTATE, "main")

    entry = await app.dispatch(intent, CTX)

    assert entry.workspace_intent_sequence == before + 1
    assert all(isinstance(r.event, AssetUpdatedEvent) for r in entry.events)
    assert [r.aggregate_id for r in entry.events] == ["lamp-1", "lamp-2", "lamp-3"]  # lamp-4 has them all
    assert (await asset(app, "lamp-1")).custom_fields["voltage"].select_value == "230V"
    kept = await asset(app, "lamp-3")
    assert kept.custom_fields["circuit"].text_value == "C-9" and kept.custom_fields["voltage"].select_value == "230V"
    assert entry.description == "alice applied the defaults of layer layer-electrical to 4 assets"
    await assert_ledger_round_trips(app, ESTATE)


async def test_overwrite_replaces_values_assets_have(app: NomosApp) -> None:
    await app.dispatch(set_defaults(CustomField.text("circuit", "C-1")), CTX)
    await with_assets(app, "lamp-3", fields=CustomFieldMap({"circuit": "C-9"}))

    await app.dispatch(apply("lamp-3", overwrite=True), CTX)

    assert (await asset(app, "lamp-3")).custom_fields["circuit"].text_value == "C-1"


async def test_bulk_apply_rules(app: NomosApp) -> None:
    await with_assets(app, "lamp-1")
    await assert_rejected(app, apply("lamp-1"), "custom_fields.no_defaults")
    await app.dispatch(set_defaults(CustomField.text("circuit", "C-1")), CTX)
    await assert_rejected(app, apply("lamp-1", "lamp-missing"), "asset.not_found")
    assert "circuit" not in (await asset(app, "lamp-1")).custom_fields  # all or nothing
    # the cap is part of the intent's type: refused before any asset id is looked at
    with pytest.raises(ValidationError, match=f"at most {MAX_ASSETS_PER_APPLY} items"):
        apply(*(f"lamp-{n}" for n in range(MAX_ASSETS_PER_APPLY + 1)))
    with pytest.raises(ValidationError, match="more than once"):
        apply("lamp-1", "lamp-1")
    with pytest.raises(ValidationError, match="asset"):
        apply()
