"""A new container starts searching from the stored image of the index and catches up from the change log; only
when the image is missing or unusable does it read and index every article."""

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hotline.domain.knowledge.library import KnowledgeBase
from hotline.domain.knowledge.search import LiveIndex
from hotline.domain.staff.roles import Role, StaffMember

from tests.support.clock import FixedClock
from tests.unit.fakes import FakeArticleStore, FakeCatalogRepository, FakeIndexImages, FakeUnitRepository
from tests.unit.knowledge.corpus import ARTICLES

EDITOR = StaffMember(id="e", username="editor1", roles=frozenset({Role.KNOWLEDGE}))


def container(store: FakeArticleStore, images: FakeIndexImages) -> KnowledgeBase:
    """A fresh API container: nothing in memory yet."""
    return KnowledgeBase(
        store,
        FakeCatalogRepository(),
        FakeUnitRepository(),
        FixedClock(datetime(2026, 11, 21, 1, tzinfo=UTC)),
        ZoneInfo("Asia/Shanghai"),
        pause=lambda _: None,
        images=images,
    )


def found(kb: KnowledgeBase, query: str) -> list[str]:
    return [hit.article.title for hit in kb.search(query, limit=3)]


@pytest.fixture
def store() -> FakeArticleStore:
    return FakeArticleStore()


@pytest.fixture
def images() -> FakeIndexImages:
    return FakeIndexImages()


def test_a_new_container_starts_from_the_image_and_catches_up_with_later_writes(
    store: FakeArticleStore, images: FakeIndexImages
) -> None:
    editor = container(store, images)
    waste = editor.create(EDITOR, ARTICLES["waste"]).article.id
    editor.create(EDITOR, ARTICLES["fund"])
    assert LiveIndex(store, images).publish() == 2
    editor.create(EDITOR, ARTICLES["etc"])
    editor.revise(EDITOR, waste, ARTICLES["waste"].model_copy(update={"title": "垃圾分类新规"}), None)
    read_before = store.snapshots

    cold = container(store, images)

    assert found(cold, "ETC激活") == ["ETC 设备激活"]
    assert found(cold, "垃圾分类") == ["垃圾分类新规"]
    assert found(cold, "公积金提取") == ["住房公积金提取条件"]
    assert store.snapshots == read_before  # nothing read in full


def test_the_image_is_stored_again_only_when_articles_changed(store: FakeArticleStore, images: FakeIndexImages) -> None:
    editor = container(store, images)
    editor.create(EDITOR, ARTICLES["waste"])
    keeper = LiveIndex(store, images)

    assert keeper.publish() == 1
    assert keeper.publish() is None
    assert LiveIndex(store, images).publish() is None  # a new container restores the image: at that revision
    editor.create(EDITOR, ARTICLES["fund"])
    assert keeper.publish() == 2
    assert images.saves == 2


def _garbage(store: FakeArticleStore, images: FakeIndexImages) -> None:
    images.image = b"not an index"


def _log_expired(store: FakeArticleStore, images: FakeIndexImages) -> None:
    editor = container(store, images)
    editor.create(EDITOR, ARTICLES["bulky"])
    editor.create(EDITOR, ARTICLES["etc"])
    del store.log[:-1]  # the log's week has passed for every write but the last (TTL)


def _everything_expired(store: FakeArticleStore, images: FakeIndexImages) -> None:
    container(store, images).create(EDITOR, ARTICLES["bulky"])
    store.log.clear()  # nothing in the log says the image is behind, but the revision does


def _newer_than_the_table(store: FakeArticleStore, images: FakeIndexImages) -> None:
    elsewhere = FakeArticleStore()
    for name in ("bulky", "etc", "social-card"):
        container(elsewhere, images).create(EDITOR, ARTICLES[name])
    LiveIndex(elsewhere, images).publish()  # e.g. the table was restored from a backup older than the image


@pytest.mark.parametrize("spoil", [_garbage, _log_expired, _everything_expired, _newer_than_the_table])
def test_an_image_that_cannot_be_caught_up_is_not_used(
    store: FakeArticleStore, images: FakeIndexImages, spoil: Callable[[FakeArticleStore, FakeIndexImages], None]
) -> None:
    editor = container(store, images)
    editor.create(EDITOR, ARTICLES["waste"])
    editor.create(EDITOR, ARTICLES["fund"])
    LiveIndex(store, images).publish()
    spoil(store, images)
    read_before = store.snapshots

    cold = container(store, images)

    assert found(cold, "公积金提取") == ["住房公积金提取条件"]
    assert store.snapshots == read_before + 1  # every article read and indexed again
