"""Ports of the duplicates process. Adapters implement these; unit tests use fakes."""

from typing import Protocol

from hotline.domain.duplicates.rules import DuplicateRules


class DuplicateRulesRepository(Protocol):
    def get(self) -> DuplicateRules:
        """The stored rules, or the defaults until an admin stores some."""
        ...

    def save(self, rules: DuplicateRules) -> None: ...
