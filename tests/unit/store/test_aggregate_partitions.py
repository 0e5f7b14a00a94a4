"""Which partitions of the aggregates a period reads: whole months from their rollups, the other days one by one."""

from datetime import date

from hotline.store.aggregates import partitions


def test_whole_months_are_read_from_their_rollups_and_the_rest_by_day() -> None:
    assert partitions(date(2026, 10, 30), date(2027, 1, 2)) == [
        "AGG#2026-10-30",
        "AGG#2026-10-31",
        "AGG#2026-11",
        "AGG#2026-12",
        "AGG#2027-01-01",
        "AGG#2027-01-02",
    ]


def test_a_year_is_twelve_months_and_a_day_is_a_day() -> None:
    assert partitions(date(2026, 1, 1), date(2026, 12, 31)) == [f"AGG#2026-{m:02d}" for m in range(1, 13)]
    assert partitions(date(2026, 2, 28), date(2026, 2, 28)) == ["AGG#2026-02-28"]
    assert partitions(date(2024, 2, 1), date(2024, 2, 29)) == ["AGG#2024-02"]
