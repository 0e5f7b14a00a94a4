"""What counts as the same matter, as data an admin may change (`CONFIG#duplicates`; these defaults until then)."""

from pydantic import BaseModel, ConfigDict, Field

FILE_DAYS = 90
"""How far back a customer file reads the caller's tickets (its counts are of 30 and 90 days)."""


class DuplicateRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    window_days: int = Field(
        default=7, ge=1, le=90, description="Similar tickets are received within this many days of each other."
    )
    near_metres: int = Field(
        default=500,
        ge=10,
        le=20_000,
        description="Two places this far apart (both with lat/long) score half for place; twice as far, nothing.",
    )
    min_score: float = Field(
        default=0.4,
        ge=0,
        le=1,
        description="Similar tickets score at least this (0 to 1; the mean of place and words): with the place unknown "
        "or `near_metres` away, words 0.3 alike.",
    )
    repeat_window_days: int = Field(
        default=30,
        ge=1,
        le=FILE_DAYS,
        description="A caller's ticket repeats an earlier one of theirs received within this many days before it …",
    )
    repeat_text_score: float = Field(
        default=0.6, ge=0, le=1, description="… in the same category, or in any category with text this similar."
    )


DEFAULT_DUPLICATE_RULES = DuplicateRules()
