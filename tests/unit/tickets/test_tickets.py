"""What a draft may hold: sizes, pairs of coordinates, no unknown fields."""

from typing import Any

import pytest
from hotline.domain.tickets.catalog import Priority, TicketType
from hotline.domain.tickets.ticket import TicketDraft
from pydantic import ValidationError

DRAFT: dict[str, Any] = {
    "type": "complaint",
    "category": "urban.noise",
    "subject": "夜间施工噪音",
    "description": "工地每晚十一点后仍在施工。",
}


def _draft(**changes: Any) -> TicketDraft:
    return TicketDraft.model_validate({**DRAFT, **changes})


def _problem_fields(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {".".join(str(part) for part in problem["loc"]) for problem in error.value.errors()}


def test_minimal_draft_is_normal_priority_with_nothing_optional() -> None:
    draft = _draft()
    assert draft.type is TicketType.COMPLAINT
    assert draft.priority is Priority.NORMAL
    assert draft.location is None and draft.contact is None and draft.attachments == []


def test_subject_and_description_are_trimmed() -> None:
    draft = _draft(subject="  噪音  ", description="\n太吵了\t")
    assert (draft.subject, draft.description) == ("噪音", "太吵了")


@pytest.mark.parametrize(("name", "limit"), [("subject", 200), ("description", 4000), ("demands", 2000)])
def test_text_up_to_its_limit_is_accepted_and_one_more_is_refused(name: str, limit: int) -> None:
    assert len(getattr(_draft(**{name: "字" * limit}), name)) == limit
    with pytest.raises(ValidationError) as error:
        _draft(**{name: "字" * (limit + 1)})
    assert _problem_fields(error) == {name}


@pytest.mark.parametrize("name", ["subject", "description"])
@pytest.mark.parametrize("value", ["", "   \n"])
def test_blank_subject_or_description_is_refused(name: str, value: str) -> None:
    with pytest.raises(ValidationError) as error:
        _draft(**{name: value})
    assert _problem_fields(error) == {name}


@pytest.mark.parametrize("location", [{"lat": 39.9}, {"long": 116.4}, {"address": "建国路88号", "lat": 39.9}])
def test_latitude_and_longitude_come_together(location: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="lat and long must be given together"):
        _draft(location=location)


def test_a_full_location_or_an_address_alone_is_fine() -> None:
    assert _draft(location={"lat": 39.9087, "long": 116.4605}).location is not None
    assert _draft(location={"address": "北京市朝阳区建国路88号"}).location is not None


@pytest.mark.parametrize(("lat", "long"), [(90.1, 0), (-90.1, 0), (0, 180.1), (0, -180.1)])
def test_coordinates_stay_on_the_globe(lat: float, long: float) -> None:
    with pytest.raises(ValidationError):
        _draft(location={"lat": lat, "long": long})


def test_unknown_fields_are_refused_not_ignored() -> None:
    with pytest.raises(ValidationError) as error:
        _draft(status="closed")
    assert _problem_fields(error) == {"status"}


def test_at_most_ten_attachments() -> None:
    assert len(_draft(attachments=[{"ref": f"uploads/{i}.jpg"} for i in range(10)]).attachments) == 10
    with pytest.raises(ValidationError):
        _draft(attachments=[{"ref": f"uploads/{i}.jpg"} for i in range(11)])


@pytest.mark.parametrize("phone", ["13800138000", "+86 138-0013-8000", "021-5555-1234"])
def test_plausible_phones_are_accepted(phone: str) -> None:
    assert _draft(contact={"phone": phone}).contact is not None


@pytest.mark.parametrize("phone", ["1234", "call me", "+86 138 0013 8000 0000 0000", "13800138000; drop"])
def test_implausible_phones_are_refused(phone: str) -> None:
    with pytest.raises(ValidationError) as error:
        _draft(contact={"phone": phone})
    assert _problem_fields(error) == {"contact.phone"}


@pytest.mark.parametrize(("name", "value"), [("type", "rumour"), ("priority", "asap"), ("category", "")])
def test_closed_vocabularies_and_required_category(name: str, value: str) -> None:
    with pytest.raises(ValidationError) as error:
        _draft(**{name: value})
    assert _problem_fields(error) == {name}
