"""The knowledge base (知识库) in the local cloud over HTTP: an editor writes a handful of articles, agents find the
right one first with Chinese queries however they are typed, and the public FAQ shows only the public ones."""

from typing import Any

import pytest
import requests

from tests.e2e.conftest import Cloud

pytestmark = pytest.mark.e2e

ARTICLES: dict[str, dict[str, Any]] = {
    "waste": {
        "title": "生活垃圾分类投放指南",
        "body": "居民应将生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类，分别投放到对应的收集容器。"
        "厨余垃圾请在每天早上七点到九点、晚上六点到八点投放。",
        "category": "urban.sanitation",
        "keywords": ["垃圾分类", "投放时间"],
        "public": True,
    },
    "bulky": {
        "title": "大件垃圾清运预约",
        "body": "旧家具、旧家电等大件垃圾不能直接投放到垃圾桶，请拨打物业电话或在街道网站预约上门清运，费用按件收取。",
        "category": "urban.sanitation",
        "keywords": ["大件垃圾", "清运"],
        "public": True,
    },
    "social-card": {
        "title": "社会保障卡补办流程",
        "body": "社保卡遗失后，请先拨打服务热线挂失，再携带身份证原件到任一社保服务网点补办，"
        "也可以在网上申请邮寄到家。",
        "category": "social.insurance",
        "keywords": ["社保卡", "补办", "挂失"],
        "public": True,
    },
    "fund": {
        "title": "住房公积金提取条件",
        "body": "职工购买自住住房、租房自住或退休时，可以申请提取住房公积金，需要提供身份证和相关证明材料。",
        "category": "service.policy",
        "keywords": ["公积金", "提取"],
        "public": True,
    },
    "noise": {
        "title": "夜间施工噪音的处理口径",
        "body": "晚上十点后仍在施工产生噪音的，先核实是否办理夜间施工许可，再转城管部门处理。"
        "垃圾清运车夜间作业同此口径。",
        "category": "urban.noise",
        "keywords": ["噪音", "夜间施工"],
        "public": False,
    },
}


@pytest.fixture(scope="module")
def written(cloud: Cloud) -> dict[str, str]:
    """Each article's id, written over HTTP by the knowledge editor."""
    ids = {}
    with requests.Session() as http:
        for name, article in ARTICLES.items():
            reply = http.post(
                f"{cloud.url}/v1/staff/knowledge", json=article, headers=cloud.staff("knowledge"), timeout=30
            )
            assert reply.status_code == 201, reply.text
            ids[name] = reply.json()["id"]
    return ids


def _search(http: requests.Session, url: str, query: str, headers: dict[str, str] | None = None) -> list[Any]:
    reply = http.get(url, params={"q": query}, headers=headers, timeout=30)
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    return list(reply.json()["items"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("垃圾分类怎么投放", "waste"),  # simplified
        ("垃圾分類怎麼投放", "waste"),  # traditional
        ("社會保障卡遺失怎麼補辦", "social-card"),  # traditional
        ("公积金，提取需要什么材料？", "fund"),  # a phrase split by punctuation
        ("大件垃圾，预约 清运", "bulky"),  # punctuation and a space
        ("大件垃圾请运预约", "bulky"),  # a typo in one character (请 for 清)
        ("社保卡补半流程", "social-card"),  # a typo in one character (半 for 办)
        ("夜间施工噪音", "noise"),  # an internal article: staff find it
    ],
)
def test_an_agent_finds_the_right_article_first(
    cloud: Cloud, http: requests.Session, written: dict[str, str], query: str, expected: str
) -> None:
    items = _search(http, f"{cloud.url}/v1/staff/knowledge", query, cloud.staff("agent"))

    assert items, f"nothing found for {query}"
    assert items[0]["id"] == written[expected], [item["title"] for item in items]
    assert items[0]["title"] == ARTICLES[expected]["title"]
    assert "<mark>" in items[0]["snippet"]
    assert [item["score"] for item in items] == sorted((item["score"] for item in items), reverse=True)


def test_the_public_faq_shows_only_public_articles(
    cloud: Cloud, http: requests.Session, written: dict[str, str]
) -> None:
    faq = f"{cloud.url}/v1/faq"  # no login
    public = {written[name] for name, article in ARTICLES.items() if article["public"]}

    assert _search(http, faq, "夜间施工噪音") == []
    found = _search(http, faq, "垃圾清运")
    assert found and {item["id"] for item in found} <= public
    assert found[0]["id"] == written["bulky"]
    assert written["noise"] in {
        item["id"] for item in _search(http, f"{cloud.url}/v1/staff/knowledge", "垃圾清运", cloud.staff("agent"))
    }
    assert http.get(f"{faq}/{written['fund']}", timeout=30).json()["title"] == "住房公积金提取条件"
    assert http.get(f"{faq}/{written['noise']}", timeout=30).status_code == 404


def test_a_direct_answer_cites_only_articles_in_force(
    cloud: Cloud, http: requests.Session, written: dict[str, str]
) -> None:
    retired = http.post(
        f"{cloud.url}/v1/staff/knowledge/{written['noise']}/retire", headers=cloud.staff("knowledge"), timeout=30
    )
    assert retired.status_code == 200, retired.text
    call = {
        "channel": "phone",
        "type": "consultation",
        "category": "service.policy",
        "subject": "公积金怎么提取",
        "description": "来电咨询租房提取公积金需要什么材料",
    }
    cited = [written["fund"], "no-such-article", written["noise"]]
    disposition = {"resolution": "direct_answer", "answer": "租房提取需提供身份证和租赁合同。", "articles": cited}

    refused = http.post(
        f"{cloud.url}/v1/staff/tickets",
        json={**call, "disposition": disposition},
        headers=cloud.staff("agent"),
        timeout=30,
    )
    assert refused.status_code == 422, refused.text
    assert [f["field"] for f in refused.json()["error"]["fields"]] == [
        "disposition.articles[1]",
        "disposition.articles[2]",
    ]

    disposition["articles"] = [written["fund"]]
    answered = http.post(
        f"{cloud.url}/v1/staff/tickets",
        json={**call, "disposition": disposition},
        headers=cloud.staff("agent"),
        timeout=30,
    )
    assert answered.status_code == 201, answered.text
    assert answered.json()["status"] == "closed"
