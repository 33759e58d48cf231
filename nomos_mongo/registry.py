"""Explicit registries: every type the engine stores is named and registered by a module.

Decoding JSON goes through here: the `serialisationTargetClassName` picks the class, and a
missing or invalid field is reported by its JSON name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError

from .errors import SerializationError, UnknownType
from .model import TYPE_FIELD, Aggregate, Directive, Event, Intent, NomosModel, Payload

if TYPE_CHECKING:
    from .authorization import AuthorizerFactory

T = TypeVar("T", bound=NomosModel)


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
    #: the module that holds a domain's permissions builds the API's authorizer
    authorizer: AuthorizerFactory | None = None


class _Kind:
    def __init__(self, kind: str, base: type[NomosModel]) -> None:
        self.kind = kind
        self.base = base
        self.by_name: dict[str, type[NomosModel]] = {}

    def add(self, cls: type[NomosModel]) -> None:
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise TypeError(f"{cls!r} is not a {self.base.__name__} subclass")
        existing = self.by_name.get(cls.type_name)
        if existing is not None and existing is not cls:
            raise TypeError(
                f"{self.kind} type name {cls.type_name!r} is registered twice "
                f"({existing.__module__}.{existing.__qualname__} and {cls.__module__}.{cls.__qualname__})"
            )
        self.by_name[cls.type_name] = cls

    def get(self, type_name: object) -> type[NomosModel]:
        if not isinstance(type_name, str) or type_name not in self.by_name:
            raise UnknownType(self.kind, type_name, list(self.by_name))
        return self.by_name[type_name]


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
        if not isinstance(data, Mapping):
            raise SerializationError(f"a {kind} must be a JSON object, got {type(data).__name__}")
        if TYPE_FIELD not in data:
            raise SerializationError(f'JSON for a {kind} must contain a "{TYPE_FIELD}" field', field=TYPE_FIELD)
        cls = self._kinds[kind].get(data[TYPE_FIELD])
        body = {key: value for key, value in data.items() if key != TYPE_FIELD}
        return validate_json(cls, body)

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
