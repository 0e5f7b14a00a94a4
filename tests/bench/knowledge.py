"""Knowledge search with 10,000 articles, in-process: the knowledge base's own code (folding, the SQLite FTS5 index,
ranking, snippets, the change-log check) over an in-memory store. DynamoDB adds its Query of the change log to each
search in AWS (single-digit milliseconds); moto's Query reads every item of the table, so a figure on moto would
measure moto.

The figures go to `.hotline/bench.json`: `knowledge_search_p95_ms_10000` (warm searches),
`knowledge_index_build_s_10000` (a container's first search: every article indexed) and
`knowledge_index_mb_10000` (the index in memory).
Run alone with `python -m tests.bench.knowledge [articles]`.
"""

import random
import statistics
import sys
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hotline.domain.knowledge.article import ArticleDraft
from hotline.domain.knowledge.library import KnowledgeBase
from hotline.domain.staff.roles import Role, StaffMember

from tests.bench.figures import record

ARTICLES = 10_000
SEARCHES = 200
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
WORDS = WORDS_TEXT.split()


def _sentence(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(5, 12))) + rng.choice("。，；")


def drafts(count: int, seed: int = 12345) -> list[ArticleDraft]:
    """Articles of about 500 characters drawn from the words of a hotline's questions."""
    rng = random.Random(seed)
    return [
        ArticleDraft(
            title="".join(rng.sample(WORDS, 3)) + "怎么办理",
            body="".join(_sentence(rng) for _ in range(rng.randint(12, 30))),
            category=rng.choice(CATEGORIES),
            keywords=rng.sample(WORDS, 3),
            public=rng.random() < 0.7,
        )
        for _ in range(count)
    ]


def queries(count: int, seed: int = 54321) -> list[str]:
    """What agents type: a few words, in either script, sometimes split by punctuation, sometimes one short word."""
    rng = random.Random(seed)
    shapes = [
        lambda: "".join(rng.sample(WORDS, 2)) + "怎么办",
        lambda: "，".join(rng.sample(WORDS, 3)),
        lambda: rng.choice(WORDS),
        lambda: "".join(rng.sample(WORDS, 4)).replace("办", "辦").replace("证", "證"),
    ]
    return [rng.choice(shapes)() for _ in range(count)]


def run(articles: int = ARTICLES) -> None:
    from tests.support.clock import FixedClock
    from tests.unit.fakes import FakeArticleStore, FakeCatalogRepository, FakeUnitRepository

    print(f"knowledge search with {articles:,} articles (in-process: the domain over an in-memory store):")
    store = FakeArticleStore()
    knowledge = KnowledgeBase(
        store, FakeCatalogRepository(), FakeUnitRepository(), FixedClock(datetime.now(UTC)), ZoneInfo("Asia/Shanghai")
    )
    started = time.perf_counter()
    for draft in drafts(articles):
        knowledge.create(EDITOR, draft)
    print(f"  written (folded to simplified)     {time.perf_counter() - started:6.1f} s")
    asked = queries(SEARCHES + 1)
    started = time.perf_counter()
    knowledge.search(asked[0], 10)
    build = time.perf_counter() - started
    index = knowledge.index._index
    assert index is not None
    size = index._db.execute("PRAGMA page_count").fetchone()[0] * index._db.execute("PRAGMA page_size").fetchone()[0]
    print(f"  first search of a container        {build:6.2f} s (indexes every article), {size / 2**20:.0f} MiB")
    samples, found = [], 0
    for query in asked[1:]:
        started = time.perf_counter()
        found += bool(knowledge.search(query, 10))
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(
        f"  search (10 results, snippets)      p50 {statistics.median(samples):5.1f} ms   p95 {p95:5.1f} ms"
        f"   ({found} of {SEARCHES} queries found something)"
    )
    if articles == ARTICLES:
        record(
            {
                "knowledge_search_p95_ms_10000": round(p95, 1),
                "knowledge_index_build_s_10000": round(build, 2),
                "knowledge_index_mb_10000": round(size / 2**20, 1),
            }
        )


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else ARTICLES)
