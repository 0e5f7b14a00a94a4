"""The category tree: unknown codes, and type restrictions that children inherit."""

import pytest
from hotline.domain.tickets.catalog import DEFAULT_CATALOG, Catalog, Category, TicketType
from pydantic import ValidationError

ALL_TYPES = list(TicketType)


def _category(code: str, types: list[TicketType] | None = None, children: list[Category] | None = None) -> Category:
    return Category(code=code, name=code, name_zh=code, types=types or [], children=children or [])


def _catalog(*roots: Category) -> Catalog:
    return Catalog(types=[], priorities=[], categories=list(roots))


@pytest.mark.parametrize("code", ["", "nope", "urban.nope", "URBAN"])
def test_unknown_category_is_none_not_false(code: str) -> None:
    assert DEFAULT_CATALOG.allows(code, TicketType.COMPLAINT) is None


@pytest.mark.parametrize("ticket_type", ALL_TYPES)
def test_policy_questions_are_only_for_consultations(ticket_type: TicketType) -> None:
    assert DEFAULT_CATALOG.allows("service.policy", ticket_type) is (ticket_type is TicketType.CONSULTATION)


@pytest.mark.parametrize("ticket_type", ALL_TYPES)
def test_unrestricted_categories_take_every_type(ticket_type: TicketType) -> None:
    for code in ("service", "service.staff_conduct", "urban.noise", "other"):
        assert DEFAULT_CATALOG.allows(code, ticket_type) is True


def test_unpaid_wages_are_complaints_or_help_requests() -> None:
    allowed = {t for t in ALL_TYPES if DEFAULT_CATALOG.allows("social.wages", t)}
    assert allowed == {TicketType.COMPLAINT, TicketType.HELP}


def test_children_inherit_and_may_only_narrow_their_parents_types() -> None:
    catalog = _catalog(
        _category(
            "labour",
            [TicketType.COMPLAINT, TicketType.HELP],
            [
                _category("labour.unrestricted", children=[_category("labour.unrestricted.deep")]),
                _category("labour.narrow", [TicketType.HELP]),
                _category("labour.wider", [TicketType.HELP, TicketType.PRAISE]),
            ],
        )
    )

    def allowed(code: str) -> set[TicketType]:
        return {t for t in ALL_TYPES if catalog.allows(code, t)}

    assert allowed("labour.unrestricted") == {TicketType.COMPLAINT, TicketType.HELP}
    assert allowed("labour.unrestricted.deep") == {TicketType.COMPLAINT, TicketType.HELP}
    assert allowed("labour.narrow") == {TicketType.HELP}
    assert allowed("labour.wider") == {TicketType.HELP}


def test_a_child_disjoint_from_its_parent_does_not_become_unrestricted() -> None:
    catalog = _catalog(_category("a", [TicketType.CONSULTATION], [_category("a.b", [TicketType.COMPLAINT])]))
    assert not catalog.allows("a.b", TicketType.PRAISE)
    assert not catalog.allows("a.b", TicketType.COMPLAINT)


def test_default_catalog_codes_are_unique_and_children_are_prefixed_by_their_parent() -> None:
    codes = [node.code for node, _ in DEFAULT_CATALOG.walk()]
    assert len(codes) == len(set(codes))
    for root in DEFAULT_CATALOG.categories:
        assert all(child.code.startswith(f"{root.code}.") for child in root.children)


def test_default_catalog_labels_every_type() -> None:
    assert {label.code for label in DEFAULT_CATALOG.types} == {t.value for t in TicketType}


@pytest.mark.parametrize("code", ["Urban", "urban noise", "", "x" * 65])
def test_category_codes_are_short_lowercase_slugs(code: str) -> None:
    with pytest.raises(ValidationError):
        _category(code)
