"""The one walk from a shape to the Python annotation Strawberry types: inputs and outputs differ
only in what a model, a union, a map entry and a blob become."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from .enums import EnumTypes
from .scalars import SCALAR_TYPES
from .shapes import (
    BlobShape,
    EnumShape,
    ListShape,
    MapShape,
    ModelShape,
    OptionalShape,
    ScalarShape,
    SchemaBuildError,
    Shape,
    UnionShape,
)


class ShapeAnnotations(ABC):
    direction: ClassVar[str]
    _enums: EnumTypes

    def annotation(self, shape: Shape) -> Any:
        if isinstance(shape, OptionalShape):
            return self.annotation(shape.inner) | None
        if isinstance(shape, ScalarShape):
            return SCALAR_TYPES[shape.graphql]
        if isinstance(shape, EnumShape):
            return self._enums.graphql_type(shape.enum)
        if isinstance(shape, ModelShape):
            return self.model_annotation(shape)
        if isinstance(shape, UnionShape):
            return self.union_annotation(shape)
        if isinstance(shape, ListShape):
            return list[self.annotation(shape.item)]  # type: ignore[misc]
        if isinstance(shape, MapShape):
            if shape.key_field is not None:  # a map keyed by its values' own key field is a list of them
                return list[self.annotation(shape.value)]  # type: ignore[misc]
            return list[self.entry_annotation(shape)]  # type: ignore[misc]
        if isinstance(shape, BlobShape):
            return self.blob_annotation()
        raise SchemaBuildError(f"no {self.direction} type for {shape!r}")

    @abstractmethod
    def model_annotation(self, shape: ModelShape) -> Any: ...

    @abstractmethod
    def union_annotation(self, shape: UnionShape) -> Any: ...

    @abstractmethod
    def entry_annotation(self, shape: MapShape) -> Any: ...

    @abstractmethod
    def blob_annotation(self) -> Any: ...
