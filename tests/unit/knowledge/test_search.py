"""Searching in Chinese: ranking, snippets, both scripts, punctuation, a typo, the public's view."""

from datetime import UTC, date, datetime

import pytest
from hotline.domain.knowledge.article import Article, ArticleDraft, Entry
from hotline.domain.knowledge.search import SearchIndex
from hotline.domain.tickets.ticket import Actor

from tests.unit.knowledge.corpus import ARTICLES

TODAY = date(2026, 11, 21)


def article(article_id: str, draft: ArticleDraft, version: int = 1, **changes: object) -> Article:
    now = datetime(2026, 11, 21, 8, tzinfo=UTC)
    return Article(
        **{**draft.model_dump(exclude={"reviewed_at"}), **changes},
        id=article_id,
        version=version,
        reviewed_at=TODAY,
        created_at=now,
        updated_at=now,
        updated_by=Actor(role="knowledge", id="editor"),
    )


@pytest.fixture(params=["put", "built", "restored"])
def index(request: pytest.FixtureRequest) -> SearchIndex:
    """Articles put one by one as the change log brings them, all built at once, or restored from an image: alike."""
    entries = [Entry.of(article(article_id, draft)) for article_id, draft in ARTICLES.items()]
    if request.param == "put":
        built = SearchIndex()
        built.put(entries)
        return built
    built = SearchIndex.build(entries, revision=len(entries))
    if request.param == "built":
        return built
    restored = SearchIndex.restore(built.image())
    assert restored is not None and restored.revision == len(entries)
    return restored


def first(index: SearchIndex, query: str) -> str:
    hits = index.search(query, limit=5)
    assert hits, f"nothing found for {query}"
    return hits[0].article.id


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("垃圾分类怎么投放", "waste"),
        ("大件垃圾怎么清运", "bulky"),
        ("社保卡丢了怎么补办", "social-card"),
        ("公积金提取需要什么材料", "fund"),
        ("夜间施工噪音", "noise"),
    ],
)
def test_the_matching_article_ranks_first(index: SearchIndex, query: str, expected: str) -> None:
    assert first(index, query) == expected


def test_results_come_best_first_with_falling_scores(index: SearchIndex) -> None:
    hits = index.search("大件垃圾清运", limit=10)

    assert [hit.article.id for hit in hits[:2]] == ["bulky", "waste"]  # both speak of 大件垃圾, one is about it
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_traditional_input_finds_simplified_articles(index: SearchIndex) -> None:
    assert first(index, "垃圾分類怎麼投放") == "waste"
    assert first(index, "社會保障卡補辦") == "social-card"
    assert first(index, "住房公積金") == "fund"


def test_traditional_articles_are_found_by_simplified_input() -> None:
    index = SearchIndex()
    draft = ARTICLES["fund"].model_copy(update={"title": "住房公積金提取條件", "body": "職工退休時可以申請提取。"})
    index.put([Entry.of(article("fund", draft))])

    assert first(index, "公积金提取条件") == "fund"


def test_a_phrase_split_by_punctuation_still_matches(index: SearchIndex) -> None:
    assert first(index, "垃圾分类，投放时间？") == "waste"
    assert first(index, "社保卡。补办") == "social-card"
    assert first(index, "公积金/提取") == "fund"


def test_a_typo_in_one_character_still_finds_the_article(index: SearchIndex) -> None:
    assert first(index, "垃圾分内投放") == "waste"  # 类 → 内
    assert first(index, "社保卡补半流程") == "social-card"  # 办 → 半
    assert first(index, "住房公积全提取") == "fund"  # 金 → 全


def test_pieces_shorter_than_a_trigram_are_found_as_substrings(index: SearchIndex) -> None:
    hits = index.search("社保", limit=5)

    assert [hit.article.id for hit in hits] == ["social-card"]
    assert "<mark>社保</mark>" in hits[0].snippet


def test_latin_letters_match_whatever_their_case_or_width(index: SearchIndex) -> None:
    assert first(index, "etc激活") == "etc"
    assert first(index, "ＥＴＣ") == "etc"


def test_snippets_mark_what_matched_and_escape_the_text() -> None:
    index = SearchIndex()
    draft = ARTICLES["noise"].model_copy(update={"body": "施工噪音<b>扰民</b>的，可拨打12345反映。" * 5})
    index.put([Entry.of(article("noise", draft))])

    snippet = index.search("施工噪音", limit=1)[0].snippet

    assert "<mark>施工噪音</mark>" in snippet  # overlapping trigrams make one mark
    assert "&lt;b&gt;扰民&lt;/b&gt;" in snippet
    assert snippet.endswith("…") and len(snippet) < 200  # 60 characters of a longer body


def test_nothing_matches_nothing(index: SearchIndex) -> None:
    assert index.search("火星移民", limit=5) == []
    assert index.search("，。！", limit=5) == []


def test_the_public_sees_only_public_articles_still_valid(index: SearchIndex) -> None:
    index.put([Entry.of(article("fund", ARTICLES["fund"], version=2, valid_until=date(2026, 11, 20)))])

    assert index.search("夜间施工噪音", limit=5, public_on=TODAY) == []  # internal
    assert index.search("公积金提取", limit=5, public_on=TODAY) == []  # expired yesterday
    assert first(index, "公积金提取") == "fund"  # staff still find it
    assert [h.article.id for h in index.search("垃圾分类", limit=1, public_on=TODAY)] == ["waste"]


def test_a_retired_article_leaves_the_index_and_an_older_version_never_returns(index: SearchIndex) -> None:
    retired = article("waste", ARTICLES["waste"], version=2, retired_at=datetime(2026, 11, 21, 9, tzinfo=UTC))
    index.put([Entry.of(retired)])
    index.put([Entry.of(article("waste", ARTICLES["waste"], version=1))])  # a late copy of the first version

    assert "waste" not in [hit.article.id for hit in index.search("垃圾分类投放", limit=10)]
    assert len(index) == len(ARTICLES) - 1


def test_a_revision_replaces_the_text_searched(index: SearchIndex) -> None:
    revised = ARTICLES["bulky"].model_copy(
        update={"title": "旧家具回收", "body": "旧家具可预约回收。", "keywords": ["旧家具"]}
    )
    index.put([Entry.of(article("bulky", revised, version=2))])

    assert first(index, "旧家具回收") == "bulky"
    assert "bulky" not in [hit.article.id for hit in index.search("大件垃圾清运", limit=10)]
