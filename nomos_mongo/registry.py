"""Explicit registries: every type the engine stores is named and registered by a module.

Decoding JSON goes through here: the `serialisationTargetClassName` picks the class (or a
class that was renamed from it), older `schemaVersion`s are upcast (`upcasting.py`), and a
missing or invalid field is reported by its JSON name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError

from .errors import SerializationError, UnknownType
from .model import TYPE_FIELD, VERSION_FIELD, Aggregate, Directive, Event, Intent, NomosModel, Payload
from .upcasting import Upcast, body_of, needs_upcast, upcast

T = TypeVar("T", bound=NomosModel)
#: (kind, stored type name, stored schema version, the error or None): see `TypeRegistry.observer`
DecodeObserver = Callable[[str, object, object, BaseException | None], None]


@dataclass(frozen=True)
class NomosModule:
    """One group of registrations, e.g. a bounded context of the domain."""

    name: str
    intents: tuple[type[Intent], ...] = ()
    directives: tuple[type[Directive[Any, Any]], ...] = ()
    events: tuple[type[Event], ...] = ()
    aggregates: tuple[type[Aggregate], ...] = ()
    payloads: tuple[type[Payload], ...] = ()
    routes: Mapping[type[Intent], Any] = field(default_factory=dict)
    name_resolvers: Mapping[str, Any] = field(default_factory=dict)
    #: the module that holds a domain's permissions builds the API's `Authorizer` from the
    #: system workspace's administrators (typed loosely: the registry must not import the API hook)
    authorizer: Callable[[frozenset[str]], object] | None = None


class _Kind:
    def __init__(self, kind: str, base: type[NomosModel]) -> None:
        self.kind = kind
        self.base = base
        self.by_name: dict[str, type[NomosModel]] = {}
        self.by_stored_name: dict[str, type[NomosModel]] = {}  # current and previous names

    def add(self, cls: type[NomosModel]) -> None:
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise TypeError(f"{cls!r} is not a {self.base.__name__} subclass")
        check_versions(cls)
        for name in (cls.type_name, *cls.previous_type_names):
            existing = self.by_stored_name.get(name)
            if existing is not None and existing is not cls:
                raise TypeError(
                    f"{self.kind} type name {name!r} is registered twice "
                    f"({existing.__module__}.{existing.__qualname__} and {cls.__module__}.{cls.__qualname__})"
                )
        self.by_name[cls.type_name] = cls
        for name in (cls.type_name, *cls.previous_type_names):
            self.by_stored_name[name] = cls

    def get(self, type_name: object) -> type[NomosModel]:
        if not isinstance(type_name, str) or type_name not in self.by_name:
            raise UnknownType(self.kind, type_name, list(self.by_name))
        return self.by_name[type_name]

    def resolve(self, type_name: object) -> type[NomosModel]:
        """The class for a stored type name, also one a class was renamed from."""
        found = self.by_stored_name.get(type_name) if isinstance(type_name, str) else None
        if found is None:
            raise UnknownType(self.kind, type_name, list(self.by_name))
        return found


def check_versions(cls: type[NomosModel]) -> None:
    version = cls.schema_version
    if type(version) is not int or version < 1:
        raise TypeError(f"{cls.__qualname__}.schema_version must be a positive integer, got {version!r}")
    if issubclass(cls, Aggregate) and cls.upcasters:
        raise TypeError(
            f"{cls.__qualname__} declares upcasters, but aggregate state is never upcast: snapshots of an "
            "older version are rebuilt from the ledger (`nomos rebuild-snapshots`)"
        )
    wrong = [step for step in cls.upcasters if type(step) is not int or not 1 <= step < version]
    if wrong:
        raise TypeError(
            f"{cls.__qualname__}.upcasters: keys are the versions they upgrade from (1 to {version - 1}), got {wrong}"
        )


class TypeRegistry:
    def __init__(self, modules: Iterable[NomosModule] = ()) -> None:
        self._kinds = {
            "intent": _Kind("intent", Intent),
            "directive": _Kind("directive", Directive),
            "event": _Kind("event", Event),
            "aggregate": _Kind("aggregate", Aggregate),
            "payload": _Kind("payload", Payload),
        }
        self.modules: list[NomosModule] = []
        self._registered: set[type[NomosModel]] = set()  # every class added, for is_registered
        #: told about every top-level document decoded, for `nomos check-ledger`; None in service
        self.observer: DecodeObserver | None = None
        for module in modules:
            self.register(module)

    def register(self, module: NomosModule) -> None:
        for kind, classes in (
            ("intent", module.intents),
            ("directive", module.directives),
            ("event", module.events),
            ("aggregate", module.aggregates),
            ("payload", module.payloads),
        ):
            for cls in classes:
                self._kinds[kind].add(cls)
                self._registered.add(cls)
        self.modules.append(module)

    # lookups --------------------------------------------------------------------------
    def intent_type(self, name: str) -> type[Intent]:
        return self._kinds["intent"].get(name)  # type: ignore[return-value]

    def aggregate_type(self, name: str) -> type[Aggregate]:
        return self._kinds["aggregate"].get(name)  # type: ignore[return-value]

    def stored_aggregate_type(self, name: str) -> type[Aggregate]:
        """The aggregate type for a name found in a stored document (also a previous name)."""
        return self._kinds["aggregate"].resolve(name)  # type: ignore[return-value]

    def event_type(self, name: str) -> type[Event]:
        return self._kinds["event"].get(name)  # type: ignore[return-value]

    def directive_type(self, name: str) -> type[Directive[Any, Any]]:
        return self._kinds["directive"].get(name)  # type: ignore[return-value]

    def is_registered(self, cls: type[NomosModel]) -> bool:
        if cls in self._registered:
            return True
        return any(kind.by_name.get(cls.type_name) is cls for kind in self._kinds.values())

    def require(self, cls: type[NomosModel], argument: str = "type") -> None:
        if not self.is_registered(cls):
            from .errors import InvalidArgument

            raise InvalidArgument(argument, f"{getattr(cls, '__name__', cls)!r} is not registered")

    @property
    def intents(self) -> dict[str, type[Intent]]:
        return dict(self._kinds["intent"].by_name)  # type: ignore[arg-type]

    @property
    def aggregates(self) -> dict[str, type[Aggregate]]:
        return dict(self._kinds["aggregate"].by_name)  # type: ignore[arg-type]

    @property
    def events(self) -> dict[str, type[Event]]:
        return dict(self._kinds["event"].by_name)  # type: ignore[arg-type]

    # decoding -------------------------------------------------------------------------
    def decode(self, kind: str, data: object) -> Any:
        """One document as the current version of its type (upcast when older)."""
        decoded = self.decode_all(kind, data)
        if len(decoded) != 1:
            raise SerializationError(
                f"a stored {kind} of type {data[TYPE_FIELD]!r} became {len(decoded)} documents on upcasting; "  # type: ignore[index]
                "only an event may be split or dropped",
                type_name=str(data[TYPE_FIELD]),  # type: ignore[index]
            )
        return decoded[0]

    def decode_all(self, kind: str, data: object) -> list[Any]:
        """A document that upcasting may turn into several, or none (stored events)."""
        if self.observer is None:
            return [validate_json(cls, body) for cls, body in self.upcast(kind, data)]
        try:
            decoded = [validate_json(cls, body) for cls, body in self.upcast(kind, data)]
        except Exception as exc:
            self.note(kind, data, exc)
            raise
        self.note(kind, data, None)
        return decoded

    def note(self, kind: str, data: object, error: BaseException | None) -> None:
        if self.observer is not None:
            stored = data if isinstance(data, Mapping) else {}
            self.observer(kind, stored.get(TYPE_FIELD), stored.get(VERSION_FIELD, 1), error)

    def upcast(self, kind: str, data: object) -> list[Upcast]:
        if not isinstance(data, Mapping):
            raise SerializationError(f"a {kind} must be a JSON object, got {type(data).__name__}")
        if TYPE_FIELD not in data:
            raise SerializationError(f'JSON for a {kind} must contain a "{TYPE_FIELD}" field', field=TYPE_FIELD)
        registered = self._kinds[kind]
        name = data[TYPE_FIELD]
        cls = registered.by_name.get(name) if isinstance(name, str) else None
        if cls is not None and not needs_upcast(cls, data):
            found = [(cls, body_of(data))]
        else:
            found = upcast(registered.resolve, data)
        if kind == "directive":
            found = [(cls, self._with_current_payload(cls, body)) for cls, body in found]
        return found

    def _with_current_payload(self, directive: type[NomosModel], body: dict[str, Any]) -> dict[str, Any]:
        payload = body.get("payload")
        declared = directive.model_fields.get("payload")
        expected = declared.annotation if declared is not None else None
        if not isinstance(payload, Mapping) or not (isinstance(expected, type) and issubclass(expected, Payload)):
            return body
        if TYPE_FIELD not in payload:  # written before payloads were typed: the directive's payload, v1
            payload = {**payload, TYPE_FIELD: expected.type_name}
        if not needs_upcast(expected, payload):
            return {**body, "payload": body_of(payload)}
        payloads = self._kinds["payload"]

        def resolve(name: object) -> type[NomosModel]:
            if name == expected.type_name or name in expected.previous_type_names:
                return expected
            return payloads.resolve(name)

        found = upcast(resolve, payload)
        if len(found) != 1:
            raise SerializationError(
                f"the payload of a stored {directive.type_name} became {len(found)} payloads on upcasting",
                type_name=directive.type_name,
            )
        return {**body, "payload": found[0][1]}

    def intent_from_json(self, data: object) -> Intent:
        return self.decode("intent", data)  # type: ignore[no-any-return]

    def event_from_json(self, data: object) -> Event:
        return self.decode("event", data)  # type: ignore[no-any-return]

    def aggregate_from_json(self, data: object) -> Aggregate:
        return self.decode("aggregate", data)  # type: ignore[no-any-return]

    def directive_from_json(self, data: object) -> Directive[Any, Any]:
        return self.decode("directive", data)  # type: ignore[no-any-return]


def validate_json(cls: type[T], body: Mapping[str, Any]) -> T:
    try:
        return cls.model_validate(body)
    except ValidationError as exc:
        raise serialization_error(cls.type_name or cls.__name__, exc) from exc


def serialization_error(type_name: str, exc: ValidationError) -> SerializationError:
    first = exc.errors()[0]
    location = ".".join(str(part) for part in first["loc"]) or "(root)"
    if first["type"] == "missing":
        message = f"{type_name}: missing field {location!r}"
    elif first["type"] == "extra_forbidden":
        message = f"{type_name}: unknown field {location!r}"
    else:
        message = f"{type_name}: field {location!r}: {first['msg']}"
    return SerializationError(message, type_name=type_name, field=location)
