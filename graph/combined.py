"""Several schema extensions run as one, because Strawberry's per-extension cost is per request.

For every request, Strawberry instantiates each extension and wraps each hook it overrides
in a context manager of its own (a `functools.wraps` and a generator per hook and
extension). Seven small extensions cost more in that machinery than in what they do; run
as one, the request pays for four hooks instead of twenty-eight. The parts are Strawberry's
own extensions and ours, unchanged: `Combined` enters their synchronous hooks in list order
and leaves them in reverse, as Strawberry does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from strawberry.extensions import SchemaExtension

HOOKS = ("on_operation", "on_parse", "on_validate", "on_execute")


_OVERRIDDEN: dict[tuple[type[SchemaExtension], str], bool] = {}  # per class and hook, not per request


def _overrides(extension: type[SchemaExtension], hook: str) -> bool:
    key = (extension, hook)
    found = _OVERRIDDEN.get(key)
    if found is None:
        found = _OVERRIDDEN[key] = getattr(extension, hook) is not getattr(SchemaExtension, hook)
    return found


def combined(factories: Sequence[Callable[[], SchemaExtension]]) -> type[SchemaExtension]:
    """One extension class running the parts each factory makes, per request."""
    parts = tuple(factories)

    class Combined(SchemaExtension):
        def __init__(self, **_: Any) -> None:
            self._parts = [make() for make in parts]
            self._hooks = {hook: [p for p in self._parts if _overrides(type(p), hook)] for hook in HOOKS}

        def _run(self, hook: str) -> Iterator[None]:
            entered = []
            for part in self._hooks[hook]:
                part.execution_context = self.execution_context
                steps = getattr(part, hook)()
                next(steps)
                entered.append(steps)
            yield
            for steps in reversed(entered):
                next(steps, None)

        def on_operation(self) -> Iterator[None]:
            yield from self._run("on_operation")

        def on_parse(self) -> Iterator[None]:
            yield from self._run("on_parse")

        def on_validate(self) -> Iterator[None]:
            yield from self._run("on_validate")

        def on_execute(self) -> Iterator[None]:
            yield from self._run("on_execute")

    return Combined
