"""Editors write, revise and retire articles (every version kept); the index follows; reviews come due."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hotline.domain.base.errors import Conflict, Forbidden, InvalidInput, NotFound
from hotline.domain.base.paging import PageRequest
from hotline.domain.knowledge.library import KnowledgeBase
from hotline.domain.staff.roles import Role, StaffMember

from tests.support.clock import FixedClock
from tests.unit.fakes import FakeArticleStore, FakeCatalogRepository, FakeIndexImages, FakeUnitRepository
from tests.unit.knowledge.corpus import ARTICLES

NOW = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
EDITOR = StaffMember(id="e", username="editor1", roles=frozenset({Role.KNOWLEDGE}))
AGENT = StaffMember(id="a", username="agent1", roles=frozenset({Role.AGENT}))
UNIT = StaffMember(id="u", username="unit1", roles=frozenset({Role.UNIT}), unit_id="district-urban-management")


@pytest.fixture
def store() -> FakeArticleStore:
    return FakeArticleStore()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def kb(store: FakeArticleStore, clock: FixedClock) -> KnowledgeBase:
    ids = iter(f"kb{n}" for n in range(1, 100))
    return KnowledgeBase(
        store,
        FakeCatalogRepository(),
        FakeUnitRepository(),
        clock,
        ZoneInfo("Asia/Shanghai"),
        new_id=lambda: next(ids),
        pause=lambda _: None,
        images=FakeIndexImages(),
    )


def test_an_editor_writes_an_article_that_agents_then_find(kb: KnowledgeBase) -> None:
    written = kb.create(EDITOR, ARTICLES["waste"]).article

    assert (written.id, written.version, written.reviewed_at) == ("kb1", 1, date(2026, 11, 21))
    assert written.updated_by.model_dump() == {"role": "knowledge", "id": "editor1"}
    assert [hit.article.id for hit in kb.search("垃圾分类", limit=5)] == ["kb1"]


@pytest.mark.parametrize("role", [Role.AGENT, Role.DISPATCHER, Role.UNIT])
def test_only_editors_write(kb: KnowledgeBase, role: Role) -> None:
    with pytest.raises(Forbidden):
        kb.create(StaffMember(id="x", username="x", roles=frozenset({role})), ARTICLES["waste"])


@pytest.mark.parametrize("role", [Role.KNOWLEDGE, Role.SUPERVISOR, Role.ADMIN])
def test_editors_are_the_knowledge_role_supervisors_and_admins(kb: KnowledgeBase, role: Role) -> None:
    kb.create(StaffMember(id="x", username="x", roles=frozenset({role})), ARTICLES["waste"])


def test_an_unknown_category_or_owner_unit_is_refused_naming_the_field(kb: KnowledgeBase) -> None:
    draft = ARTICLES["waste"].model_copy(update={"category": "no.such", "owner_unit": "nowhere"})

    with pytest.raises(InvalidInput) as refused:
        kb.create(EDITOR, draft)

    assert [problem.field for problem in refused.value.fields] == ["category", "owner_unit"]


def test_a_revision_is_a_new_version_and_every_version_is_kept(kb: KnowledgeBase, clock: FixedClock) -> None:
    kb.create(EDITOR, ARTICLES["bulky"])
    clock.moment = NOW + timedelta(days=3)
    revised = ARTICLES["bulky"].model_copy(update={"title": "旧家具回收预约", "keywords": ["旧家具"]})

    current = kb.revise(EDITOR, "kb1", revised, version=1).article

    assert (current.version, current.title, current.created_at, current.updated_at) == (
        2,
        "旧家具回收预约",
        NOW,
        NOW + timedelta(days=3),
    )
    assert [(v.version, v.title) for v in kb.versions("kb1", PageRequest()).items] == [
        (2, "旧家具回收预约"),
        (1, "大件垃圾清运预约"),
    ]
    assert kb.get("kb1").article.version == 2
    assert [hit.article.title for hit in kb.search("旧家具回收", limit=5)] == ["旧家具回收预约"]


def test_a_revision_of_a_version_no_longer_current_is_a_conflict(kb: KnowledgeBase) -> None:
    kb.create(EDITOR, ARTICLES["bulky"])
    kb.revise(EDITOR, "kb1", ARTICLES["bulky"], version=1)

    with pytest.raises(Conflict) as refused:
        kb.revise(EDITOR, "kb1", ARTICLES["bulky"], version=1)

    assert refused.value.code == "version_mismatch"


def test_a_retired_article_leaves_search_but_stays_readable_and_cannot_be_revised(kb: KnowledgeBase) -> None:
    kb.create(EDITOR, ARTICLES["waste"])
    kb.search("垃圾分类", limit=5)  # the index is built before the retirement

    retired = kb.retire(EDITOR, "kb1").article

    assert (retired.version, retired.retired_at) == (2, NOW)
    assert kb.search("垃圾分类", limit=5) == []
    assert kb.get("kb1").article.retired_at == NOW
    for again in (lambda: kb.retire(EDITOR, "kb1"), lambda: kb.revise(EDITOR, "kb1", ARTICLES["waste"], None)):
        with pytest.raises(Conflict) as refused:
            again()
        assert refused.value.code == "article_retired"


def test_unknown_articles_are_not_found(kb: KnowledgeBase) -> None:
    for attempt in (
        lambda: kb.get("nope"),
        lambda: kb.versions("nope", PageRequest()),
        lambda: kb.revise(EDITOR, "nope", ARTICLES["waste"], None),
        lambda: kb.retire(EDITOR, "nope"),
    ):
        with pytest.raises(NotFound):
            attempt()


def test_the_faq_shows_only_public_articles_valid_today(kb: KnowledgeBase, clock: FixedClock) -> None:
    kb.create(EDITOR, ARTICLES["noise"])  # internal
    kb.create(EDITOR, ARTICLES["fund"].model_copy(update={"valid_until": date(2026, 11, 21)}))

    assert [hit.article.id for hit in kb.faq("施工噪音", limit=5)] == []
    assert [hit.article.id for hit in kb.faq("公积金提取", limit=5)] == ["kb2"]
    assert kb.public("kb2").title == "住房公积金提取条件"
    clock.moment = NOW + timedelta(days=1)
    assert kb.faq("公积金提取", limit=5) == []
    for hidden in ("kb1", "kb2", "nope"):  # internal, expired, unknown: alike
        with pytest.raises(NotFound):
            kb.public(hidden)
    assert [hit.article.id for hit in kb.search("施工噪音", limit=5)] == ["kb1"]


def test_each_container_reads_everything_once_then_only_the_changes(kb: KnowledgeBase, store: FakeArticleStore) -> None:
    kb.create(EDITOR, ARTICLES["waste"])
    kb.search("垃圾分类", limit=5)
    kb.create(EDITOR, ARTICLES["fund"])
    kb.revise(EDITOR, "kb1", ARTICLES["waste"].model_copy(update={"title": "垃圾分类新规"}), None)

    assert [hit.article.title for hit in kb.search("垃圾分类", limit=5)] == ["垃圾分类新规"]
    assert [hit.article.id for hit in kb.search("公积金", limit=5)] == ["kb2"]
    assert store.snapshots == 1


def test_a_container_whose_changes_have_expired_reads_everything_again(
    kb: KnowledgeBase, store: FakeArticleStore
) -> None:
    kb.create(EDITOR, ARTICLES["waste"])
    kb.search("垃圾分类", limit=5)
    kb.create(EDITOR, ARTICLES["fund"])
    kb.create(EDITOR, ARTICLES["etc"])
    del store.log[:2]  # the week-old part of the change log is gone (TTL)

    assert [hit.article.id for hit in kb.search("公积金", limit=5)] == ["kb2"]
    assert store.snapshots == 2


def test_articles_due_for_review_are_listed_most_overdue_first(kb: KnowledgeBase, clock: FixedClock) -> None:
    owned = {"owner_unit": "district-urban-management"}
    kb.create(EDITOR, ARTICLES["waste"].model_copy(update={**owned, "reviewed_at": date(2026, 3, 1)}))
    kb.create(EDITOR, ARTICLES["bulky"].model_copy(update={**owned, "reviewed_at": date(2026, 1, 10)}))
    kb.create(EDITOR, ARTICLES["fund"].model_copy(update={"valid_until": date(2026, 11, 30)}))
    kb.create(EDITOR, ARTICLES["etc"])  # reviewed today: due in 180 days

    assert [a.id for a in kb.review_due(AGENT, None, PageRequest()).items] == ["kb2", "kb1"]
    clock.moment = NOW + timedelta(days=10)  # the fund article's validity has ended
    assert [a.id for a in kb.review_due(AGENT, None, PageRequest()).items] == ["kb2", "kb1", "kb3"]
    assert [a.id for a in kb.review_due(UNIT, "somewhere-else", PageRequest()).items] == ["kb2", "kb1"]

    first = kb.review_due(AGENT, None, PageRequest(limit=2))
    assert [a.id for a in kb.review_due(AGENT, None, PageRequest(limit=2, token=first.next)).items] == ["kb3"]


def test_a_review_is_a_revision_and_moves_the_due_date(kb: KnowledgeBase) -> None:
    kb.create(EDITOR, ARTICLES["waste"].model_copy(update={"reviewed_at": date(2026, 1, 10)}))
    assert [a.id for a in kb.review_due(AGENT, None, PageRequest()).items] == ["kb1"]

    kb.revise(EDITOR, "kb1", ARTICLES["waste"], version=None)  # reviewed today

    assert kb.review_due(AGENT, None, PageRequest()).items == []


def test_a_write_that_loses_a_race_is_made_again_on_the_newest_state(store: FakeArticleStore) -> None:
    kb = KnowledgeBase(
        store,
        FakeCatalogRepository(),
        FakeUnitRepository(),
        FixedClock(NOW),
        ZoneInfo("Asia/Shanghai"),
        pause=lambda _: None,
        images=FakeIndexImages(),
    )
    kb.create(EDITOR, ARTICLES["waste"])
    article_id = next(iter(store.history))
    commit = store.commit
    raced: list[bool] = []

    def racing(*args: object) -> None:
        if not raced:  # another editor's write lands between our read and our commit
            raced.append(True)
            kb.create(EDITOR, ARTICLES["fund"])
        commit(*args)  # type: ignore[arg-type]

    store.commit = racing  # type: ignore[method-assign]
    revised = kb.revise(EDITOR, article_id, ARTICLES["waste"].model_copy(update={"title": "垃圾分类新规"}), None)

    assert revised.article.version == 2
    assert [change.revision for change in store.log] == [1, 2, 3]
