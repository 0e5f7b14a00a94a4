"""Handling units (承办单位) and the chain above them that escalations climb (unit → … → HQ)."""

from collections.abc import Callable

from pydantic import BaseModel, Field


class Unit(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9-]{2,64}$")
    name: str
    name_zh: str
    parent_id: str | None = Field(default=None, description="The unit above this one; None at the top.")
    contacts: list[str] = Field(default_factory=list, description="Where notifications go (e-mail, SMS, topic).")


def climb(unit_id: str, unit_of: Callable[[str], Unit | None]) -> list[Unit]:
    """The unit and those above it, nearest first; stops at an unknown unit or a loop in the hierarchy."""
    chain: list[Unit] = []
    next_id: str | None = unit_id
    while next_id is not None and len(chain) < 16:
        unit = unit_of(next_id)
        if unit is None or unit in chain:
            break
        chain.append(unit)
        next_id = unit.parent_id
    return chain
