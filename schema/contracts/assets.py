"""The kind of a trackable asset, as a lower-case code ("hvac", "chiller", "generic")."""

from __future__ import annotations

import re
from typing import ClassVar, Self

from .base import ClassConstant, ContractViolation, DomainText

_SLUG = re.compile(r"[a-z][a-z0-9_-]*")


class AssetType(DomainText):
    max_length = 64

    generic: ClassVar[ClassConstant] = ClassConstant("generic")

    @classmethod
    def _refine(cls, text: str) -> str:
        code = text.lower()
        if not _SLUG.fullmatch(code):
            raise ContractViolation(
                cls.__name__,
                f"must be a code of letters, digits, '_' and '-' starting with a letter, such as 'hvac', got {text!r}",
            )
        return code

    @classmethod
    def from_code(cls, code: str | None) -> Self:
        """A missing or blank code means the generic type."""
        if code is None or (isinstance(code, str) and not code.strip()):
            return cls.generic
        return cls.from_string(code)

    @property
    def code(self) -> str:
        return self.root

    @property
    def is_generic(self) -> bool:
        return self.root == "generic"
