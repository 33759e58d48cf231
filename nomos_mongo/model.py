"""The four kinds of domain type: Intent, Directive (with its Payload), Event and Aggregate.

All are frozen pydantic models. Their JSON uses camelCase keys and carries
`serialisationTargetClassName`, the registered type name; see `registry.py`. Stored
documents also carry `schemaVersion`, and `upcasters` bring older documents up to date
(see `upcasting.py`).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from .access import Access, Scope
from .descriptions import DescribeContext, IntentDescription
from .frozen import quick_init

if TYPE_CHECKING:
    from .context import DirectiveContext
    from .readers import SnapshotReader

TYPE_FIELD = "serialisationTargetClassName"
VERSION_FIELD = "schemaVersion"
CONTEXT_VERSION_FIELD = "contextVersion"  # stored with each directive: the behaviour that ran
M = TypeVar("M", bound=BaseModel)

JsonObject: TypeAlias = dict[str, Any]
#: Stored JSON of version N (without the type and version keys) -> the JSON of version N + 1.
#: An event's upcaster may return a list: one stored event becoming several, or none. A
#: returned object that names a `serialisationTargetClassName` is that type's document
#: (at its `schemaVersion`, 1 when absent) and continues through that type's upcasters.
Upcaster: TypeAlias = Callable[[JsonObject], JsonObject | list[JsonObject]]


class ActorField:
    """Marks an intent field that must hold the dispatching actor's id.

    `created_by: Annotated[UserId, ACTOR]` lets an API fill the field from the
    authenticated user, and the engine refuses an intent whose field names someone else.
    """

    def __repr__(self) -> str:
        return "ACTOR"


ACTOR = ActorField()


_ACTOR_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {}


def actor_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    found = _ACTOR_FIELDS.get(cls)
    if found is None:
        found = tuple(
            name for name, info in cls.model_fields.items() if any(isinstance(m, ActorField) for m in info.metadata)
        )
        if cls.__pydantic_complete__:
            _ACTOR_FIELDS[cls] = found
    return found


_new_object = object.__new__
# BaseModel's slot descriptors: setting through them skips object.__setattr__'s lookup
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_FAST_COPY: dict[type[BaseModel], bool] = {}
_FIELD_SETS: dict[frozenset[str], set[str]] = {}


def _shared_fields_set(names: set[str]) -> set[str]:
    """One set object per distinct `__pydantic_fields_set__`: frozen models never change theirs."""
    key = frozenset(names)
    found = _FIELD_SETS.get(key)
    if found is None:
        if len(_FIELD_SETS) >= 10_000:
            return set(key)
        found = _FIELD_SETS[key] = set(key)
    return found


def _copies_fast(cls: type[BaseModel]) -> bool:
    """Frozen, no extra and no private attributes: a copy is its `__dict__` and fields set."""
    config = cls.model_config
    fast = bool(
        config.get("frozen")
        and config.get("extra") != "allow"
        and not cls.__private_attributes__
        and cls.__new__ is _new_object
    )
    _FAST_COPY[cls] = fast
    return fast


_ALL_FIELDS: dict[type[BaseModel], set[str]] = {}


def share_fields_set(model: BaseModel) -> None:
    """Let a stored frozen model use the shared set of its field names (~200 bytes less each)."""
    cls = model.__class__
    fast = _FAST_COPY.get(cls)
    if fast or (fast is None and _copies_fast(cls)):
        fields_set = model.__pydantic_fields_set__
        every = _ALL_FIELDS.get(cls)
        if every is None:
            every = _ALL_FIELDS[cls] = _shared_fields_set(set(cls.__pydantic_fields__))
        if fields_set is every:
            return
        # most stored models have every field set: compare before building a frozenset key
        shared = every if fields_set == every else _shared_fields_set(fields_set)
        if shared is not fields_set:
            _set_fields_set(model, shared)


def _copy_with(model: M, changes: dict[str, Any]) -> M:
    """`model.model_copy(update=changes)` for frozen models without extra or private state.

    Same result (no validation, fields set extended), a fraction of the cost: the copy
    shares the fields-set object instead of copying it, which also saves memory.
    """
    cls = model.__class__
    fast = _FAST_COPY.get(cls)
    if not (fast or (fast is None and _copies_fast(cls))):
        return model.model_copy(update=changes)
    fields_set = model.__pydantic_fields_set__
    if not fields_set.issuperset(changes):
        fields_set = _shared_fields_set(fields_set.union(changes))
    copied = _new_object(cls)
    _set_dict(copied, {**model.__dict__, **changes})
    _set_extra(copied, None)
    _set_fields_set(copied, fields_set)
    _set_private(copied, None)
    return copied


class NomosModel(BaseModel):
    """Frozen, camelCase on the wire, snake_case in Python, unknown keys refused."""

    model_config = ConfigDict(
        frozen=True,
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        extra="forbid",
        arbitrary_types_allowed=False,
    )

    type_name: ClassVar[str] = ""
    #: The version of this type's JSON shape; raise it with an upcaster from the old one.
    schema_version: ClassVar[int] = 1
    #: step N -> N + 1 for each older version still found in stores
    upcasters: ClassVar[Mapping[int, Upcaster]] = {}
    #: names this type was stored under before a rename (versions continue across it)
    previous_type_names: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "type_name" not in cls.__dict__:
            cls.type_name = cls.__name__

    def to_json(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", by_alias=True)
        data[TYPE_FIELD] = self.type_name
        if self.schema_version != 1:  # JSON without a version is version 1
            data[VERSION_FIELD] = self.schema_version
        return data

    def to_document(self) -> dict[str, Any]:
        """The stored JSON: `to_json` with the schema version it was written at."""
        data = self.to_json()
        data[VERSION_FIELD] = self.schema_version
        return data


class Payload(NomosModel):
    """The input of one directive on one aggregate."""


class Event(NomosModel):
    """An immutable fact about what happened to one aggregate."""


class Aggregate(NomosModel):
    """State rebuilt by applying events; `apply` returns a new instance and never mutates.

    Every field of a subclass needs a default so that `empty(id)` can build the state
    before the first event. `deleted` marks a removed aggregate: reads skip it, history keeps it.
    """

    id: str
    deleted: bool = False

    #: what undoing or redoing a change to this aggregate needs, at least (see nomos_mongo.authorization)
    undo_access: ClassVar[Access] = Access.WRITE

    @classmethod
    def empty(cls, aggregate_id: str) -> Self:
        return cls(id=aggregate_id)

    @abstractmethod
    def apply(self, event: Event) -> Self: ...

    def validate_state(self) -> None:
        """Business invariants of the resulting state; raise IntentRejected to refuse."""

    def evolve(self, **changes: Any) -> Self:
        """A copy with `changes`; cheap, because apply runs for every replayed event."""
        return _copy_with(self, changes)


A = TypeVar("A", bound=Aggregate)
P = TypeVar("P", bound=Payload)


class Intent(NomosModel):
    """What a user wants. The unit of audit, atomicity and undo.

    `id` is assigned at dispatch (UUIDv7 from the context's generator) unless the client
    set it, which makes client retries idempotent.
    """

    id: str | None = None

    requires_server_execution: ClassVar[bool] = False
    #: the level the actor needs in the intent's workspace, checked by the API before dispatch
    access: ClassVar[Access] = Access.WRITE
    #: where the intent is dispatched: the workspace the caller names, or the system workspace
    scope: ClassVar[Scope] = Scope.WORKSPACE

    def with_id(self, intent_id: str) -> Self:
        return _copy_with(self, {"id": intent_id})

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription("{actor} ran " + self.type_name, {"actor": ctx.actor_name()})


@quick_init
@dataclass(frozen=True, slots=True)
class ExecutionTarget(Generic[A, P]):
    aggregate_id: str
    payload: P
    snapshot: A


class Directive(NomosModel, Generic[A, P]):
    """How one intent changes aggregates: `plan` may read (async), `execute` is pure.

    `execute` must be deterministic: no clock, no randomness. Time and ids come from the
    `DirectiveContext` during `plan` and travel in the payload.
    """

    aggregate_type: ClassVar[type[Aggregate]]
    #: The version of what `plan` and `execute` do; raise it when the same intent would now
    #: produce other events. Verification re-executes only entries of the current version.
    context_version: ClassVar[int] = 1

    payload: P

    def to_document(self) -> dict[str, Any]:
        data = super().to_document()
        data["payload"] = self.payload.to_document()  # typed and versioned: payloads evolve too
        data[CONTEXT_VERSION_FIELD] = self.context_version
        return data

    @abstractmethod
    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[A, P]]: ...

    @abstractmethod
    def execute(self, snapshot: A, payload: P) -> Sequence[Event]: ...

    async def current(
        self,
        aggregate_id: str,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> A:
        """The state to plan against: staged by an earlier directive of this intent, else stored, else empty."""
        from .readers import latest_state

        found = await latest_state(self.aggregate_type, aggregate_id, snapshots, staged)
        return found if found is not None else self.aggregate_type.empty(aggregate_id)  # type: ignore[return-value]


class SingleAggregateDirective(Directive[A, P]):
    """A directive on one aggregate whose id the payload names; override `target_id`."""

    @abstractmethod
    def target_id(self) -> str: ...

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[A, P]]:
        aggregate_id = self.target_id()
        snapshot = await self.current(aggregate_id, snapshots, staged)
        return [ExecutionTarget(aggregate_id, self.payload, snapshot)]
