"""Knowledge search with 10,000 articles, in-process: the knowledge base's own code (folding, the SQLite FTS5 index,
ranking, snippets, the change-log check) over an in-memory store. DynamoDB adds its Query of the change log to each
search in AWS (single-digit milliseconds), and S3 the transfer of the index's image to a new container; moto's
Query reads every item of the table, so a figure on moto would measure moto.

The figures go to `.hotline/bench.json`:
- `knowledge_index_build_s_10000` (and `_cpu_s_`): indexing every article at once — what a container does when there
  is no usable image of the index, and what the knowledge function does the first time;
- `knowledge_cold_start_s_10000` (and `_cpu_s_`): the first search of a new container as it normally happens: the
  image restored, the 20 writes made since caught up from the change log, the search itself;
- `knowledge_index_image_mb_10000`: the image's size (what a new container transfers from S3);
- `knowledge_index_mb_10000`: the index in memory; `knowledge_search_p95_ms_10000` (and `_cpu_ms_`): warm searches.
Run alone with `python -m tests.bench.knowledge [articles]`.
"""

import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar
from zoneinfo import ZoneInfo

from hotline.domain.knowledge.article import ArticleDraft
from hotline.domain.knowledge.library import KnowledgeBase
from hotline.domain.knowledge.ports import ArticleStore, IndexImages
from hotline.domain.knowledge.search import SearchIndex
from hotline.domain.staff.roles import Role, StaffMember

from tests.bench.figures import record

ARTICLES = 10_000
SEARCHES = 200
LATER_WRITES = 20
"""Articles revised after the image was stored: a new container catches up with them from the change log."""
EDITOR = StaffMember(id="bench", username="bench", roles=frozenset({Role.KNOWLEDGE}))
CATEGORIES = ["urban.sanitation", "urban.noise", "housing.property", "social.insurance", "service.policy"]
WORDS_TEXT = (
    "垃圾 分类 投放 社保 医保 公积金 提取 户口 迁移 身份证 补办 护照 驾驶证 年检 停车 噪音 施工 "
    "占道 经营 供暖 停水 停电 燃气 物业 维修 基金 养老 退休 生育 津贴 失业 保险 登记 办理 材料 "
    "流程 时间 地点 窗口 网上 预约 电话 咨询 投诉 举报 学校 入学 转学 户籍 居住证 积分 落户 租房 "
    "补贴 人才 公园 开放 地铁 公交 线路 出租车 共享 单车 违章 罚款 缴纳 税务 发票 个体 工商 营业 "
    "执照 注销 变更 食品 安全 药品 价格 消费 维权 退款 市场 监管 环境 污染 排放 绿化 树木 修剪 "
    "路灯 井盖 道路 破损 老年 优待 证件 殡葬 婚姻 收养 残疾 救助 低保 申请 审核 发放 标准 条件 "
    "期限 费用 渠道 "
)
CHARACTERS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处理府研"
)
"""Common characters, paired into the knowledge base's long tail of words (the named WORDS are its frequent ones)."""


def _vocabulary(size: int = 3000, seed: int = 7) -> tuple[list[str], list[float]]:
    """Words and their Zipf weights (the n-th most frequent word is used 1/n as often as the first), as in real text."""
    rng = random.Random(seed)
    words = list(
        dict.fromkeys(
            WORDS_TEXT.split() + ["".join(rng.sample(CHARACTERS, rng.choice((2, 2, 3)))) for _ in range(size)]
        )
    )
    return words, [1 / rank for rank in range(1, len(words) + 1)]


WORDS, WEIGHTS = _vocabulary()


def _sentence(rng: random.Random) -> str:
    return "".join(rng.choices(WORDS, WEIGHTS, k=rng.randint(5, 12))) + rng.choice("。，；")


def drafts(count: int, seed: int = 12345) -> list[ArticleDraft]:
    """Articles of about 500 characters drawn from the words of a hotline's questions."""
    rng = random.Random(seed)
    return [
        ArticleDraft(
            title="".join(rng.choices(WORDS, WEIGHTS, k=3)) + "怎么办理",
            body="".join(_sentence(rng) for _ in range(rng.randint(12, 30))),
            category=rng.choice(CATEGORIES),
            keywords=rng.choices(WORDS, WEIGHTS, k=3),
            public=rng.random() < 0.7,
        )
        for _ in range(count)
    ]


def queries(count: int, seed: int = 54321) -> list[str]:
    """What agents type: a phrase, in either script, sometimes split by punctuation, sometimes one short word."""
    rng = random.Random(seed)

    def words(count: int) -> str:
        return "".join(rng.choices(WORDS, WEIGHTS, k=count))

    shapes = [
        lambda: words(2) + "怎么办",
        lambda: words(2) + "，" + words(2),
        lambda: words(1),
        lambda: words(4).replace("办", "辦").replace("证", "證"),
    ]
    return [rng.choice(shapes)() for _ in range(count)]


T = TypeVar("T")


def timed(action: Callable[[], T]) -> tuple[T, float, float]:
    """What `action` returned, its wall seconds and its CPU seconds (the machine may be busy with other work)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _megabytes(index: SearchIndex) -> float:
    pages = index._db.execute("PRAGMA page_count").fetchone()[0]
    return float(pages * index._db.execute("PRAGMA page_size").fetchone()[0]) / 2**20


def run(articles: int = ARTICLES) -> None:
    from tests.support.clock import FixedClock
    from tests.unit.fakes import FakeArticleStore, FakeCatalogRepository, FakeIndexImages, FakeUnitRepository

    def container(store: ArticleStore, images: IndexImages) -> KnowledgeBase:
        clock = FixedClock(datetime.now(UTC))
        return KnowledgeBase(
            store, FakeCatalogRepository(), FakeUnitRepository(), clock, ZoneInfo("Asia/Shanghai"), images=images
        )

    print(f"knowledge search with {articles:,} articles (in-process: the domain over an in-memory store):")
    store, images = FakeArticleStore(), FakeIndexImages()
    editor = container(store, images)
    written = [editor.create(EDITOR, draft).article for draft in drafts(articles)]
    revision, entries = store.snapshot()
    built, build, build_cpu = timed(lambda: SearchIndex.build(entries, revision))
    print(f"  every article indexed at once      {build:6.2f} s ({build_cpu:.2f} s CPU), {_megabytes(built):.0f} MiB")
    image, imaging, _ = timed(built.image)
    images.save(image)
    print(f"  its image (compacted, serialized)  {imaging:6.2f} s, {len(image) / 2**20:.0f} MiB")
    for seed, article in enumerate(written[:LATER_WRITES]):
        editor.revise(EDITOR, article.id, drafts(1, seed=seed)[0], None)
    asked = queries(SEARCHES + 1)
    cold = container(store, images)
    _, start, start_cpu = timed(lambda: cold.search(asked[0], 10))
    assert store.snapshots == 1, "the new container read every article instead of starting from the image"
    print(
        f"  first search of a new container    {start:6.2f} s ({start_cpu:.2f} s CPU: the image restored,"
        f" {LATER_WRITES} later writes applied)"
    )
    samples, cpu_samples, found = [], [], 0
    for query in asked[1:]:
        hits, wall, cpu = timed(partial(cold.search, query, 10))
        found += bool(hits)
        samples.append(wall * 1000)
        cpu_samples.append(cpu * 1000)
    samples.sort()
    cpu_samples.sort()
    p95, cpu_p95 = samples[int(len(samples) * 0.95) - 1], cpu_samples[int(len(samples) * 0.95) - 1]
    print(
        f"  search (10 results, snippets)      p50 {statistics.median(samples):5.1f} ms   p95 {p95:5.1f} ms"
        f" ({cpu_p95:.1f} ms CPU)   ({found} of {SEARCHES} queries found something)"
    )
    if articles == ARTICLES:
        index = cold.index._index
        assert index is not None
        record(
            {
                "knowledge_search_p95_ms_10000": round(p95, 1),
                "knowledge_search_p95_cpu_ms_10000": round(cpu_p95, 1),
                "knowledge_index_build_s_10000": round(build, 2),
                "knowledge_index_build_cpu_s_10000": round(build_cpu, 2),
                "knowledge_cold_start_s_10000": round(start, 2),
                "knowledge_cold_start_cpu_s_10000": round(start_cpu, 2),
                "knowledge_index_image_mb_10000": round(len(image) / 2**20, 1),
                "knowledge_index_mb_10000": round(_megabytes(index), 1),
            }
        )


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else ARTICLES)
