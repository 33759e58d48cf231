"""Postal and email addresses."""

from __future__ import annotations

import re

from pydantic import field_validator

from .base import ContractViolation, DomainText, TextLine, ValueObject

_COUNTRY = re.compile(r"[A-Z]{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class PostalAddress(ValueObject):
    """`country` is an ISO 3166-1 alpha-2 code ("US"); `region` is a state or province."""

    street: TextLine
    city: TextLine
    country: str
    postal_code: TextLine | None = None
    region: TextLine | None = None

    @field_validator("country")
    @classmethod
    def _country_code(cls, raw: str) -> str:
        code = raw.strip().upper()
        if not _COUNTRY.fullmatch(code):
            raise ValueError(f"must be a two-letter ISO 3166 country code such as 'US', got {raw!r}")
        return code

    @property
    def single_line(self) -> str:
        parts = [self.street, self.city, self.region, self.postal_code, self.country]
        return ", ".join(part for part in parts if part)


class EmailAddress(DomainText):
    """Checked for shape only; whether it receives mail is for the invitation to find out."""

    max_length = 254

    @classmethod
    def _refine(cls, text: str) -> str:
        if not _EMAIL.fullmatch(text):
            raise ContractViolation(cls.__name__, f"{text!r} is not an email address")
        local, _, domain = text.rpartition("@")
        # Domains are case-insensitive; the local part may not be, so it is kept.
        return f"{local}@{domain.lower()}"
