"""The knowledge base (知识库): editors write, revise and retire articles; staff search them; anyone reads the FAQ."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.knowledge.article import ArticleDraft, UnitId
from hotline.domain.staff.roles import KNOWLEDGE_EDITORS, StaffMember
from hotline.services import api_services

from functions.api import errors
from functions.api.identity import STAFF, staff_of, staff_roles
from functions.api.routes.common import Limit, NextToken, page_request
from functions.api.schemas.knowledge import (
    ArticleRevision,
    ArticleVersions,
    ArticleView,
    FaqArticle,
    FaqHit,
    FaqResults,
    KnowledgeHit,
    KnowledgeResults,
    ReviewDue,
)

router = APIGatewayRouter()
EDITORS = staff_roles(KNOWLEDGE_EDITORS)
TAGS = ["staff: knowledge"]
Q = Annotated[str, Query(min_length=1, max_length=100, description="Words, in simplified or traditional Chinese.")]
ArticleId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", description="The article's id.")]
Results = Annotated[int, Query(ge=1, le=50, description="At most this many results.")]
CONFLICT = errors.error(
    HTTPStatus.CONFLICT, "`article_retired`, or `version_mismatch`: the article moved on since the version you sent"
)


def _staff() -> StaffMember:
    return staff_of(router.current_event)


@router.post(
    "/v1/staff/knowledge",
    summary="Write a knowledge article",
    tags=TAGS,
    security=EDITORS,
    responses={201: {"description": "Written (version 1)", "content": {"application/json": {"model": ArticleView}}}},
)
def create(article: Annotated[ArticleDraft, Body()]) -> Response[ArticleView]:
    stored = api_services().knowledge.create(_staff(), article)
    return Response(
        status_code=201,
        content_type=content_types.APPLICATION_JSON,
        body=ArticleView.of_stored(stored),
        headers={"Location": f"/v1/staff/knowledge/{stored.article.id}"},
    )


@router.get("/v1/staff/knowledge", summary="Search the articles in force, best first", tags=TAGS, security=STAFF)
def search(q: Q, limit: Results = 10) -> KnowledgeResults:
    return KnowledgeResults(items=[KnowledgeHit.of(hit) for hit in api_services().knowledge.search(q, limit)])


@router.get(
    "/v1/staff/knowledge/review-due",
    summary="Articles past their review date, most overdue first (a unit's staff: their unit's)",
    tags=TAGS,
    security=STAFF,
)
def review_due(
    unit: Annotated[UnitId | None, Query(description="Only this owner unit's articles.")] = None,
    limit: Limit = 50,
    next_token: NextToken = None,
) -> ReviewDue:
    page = api_services().knowledge.review_due(_staff(), unit, page_request(limit, next_token))
    return ReviewDue(items=page.items, next=page.next)


@router.get(
    "/v1/staff/knowledge/<article_id>",
    summary="An article as it stands, with its citations",
    tags=TAGS,
    security=STAFF,
)
def read(article_id: ArticleId) -> ArticleView:
    return ArticleView.of_stored(api_services().knowledge.get(article_id))


@router.put(
    "/v1/staff/knowledge/<article_id>",
    summary="Revise an article: a new version replacing the text (the old ones are kept)",
    tags=TAGS,
    security=EDITORS,
    responses={
        200: {"description": "The new version", "content": {"application/json": {"model": ArticleView}}},
        **CONFLICT,
    },
)
def revise(article_id: ArticleId, article: Annotated[ArticleRevision, Body()]) -> ArticleView:
    draft = ArticleDraft.model_validate(article.model_dump(exclude={"version"}))
    return ArticleView.of_stored(api_services().knowledge.revise(_staff(), article_id, draft, article.version))


@router.get(
    "/v1/staff/knowledge/<article_id>/versions",
    summary="Every version of an article, newest first",
    tags=TAGS,
    security=STAFF,
)
def versions(article_id: ArticleId, limit: Limit = 50, next_token: NextToken = None) -> ArticleVersions:
    page = api_services().knowledge.versions(article_id, page_request(limit, next_token))
    return ArticleVersions(items=page.items, next=page.next)


@router.post(
    "/v1/staff/knowledge/<article_id>/retire",
    summary="Retire an article: out of every search, still readable",
    tags=TAGS,
    security=EDITORS,
    responses={
        200: {"description": "The retired version", "content": {"application/json": {"model": ArticleView}}},
        **CONFLICT,
    },
)
def retire(article_id: ArticleId) -> ArticleView:
    return ArticleView.of_stored(api_services().knowledge.retire(_staff(), article_id))


@router.get("/v1/faq", summary="Search the public articles (FAQ), best first", tags=["public"])
def faq(q: Q, limit: Results = 10) -> FaqResults:
    return FaqResults(items=[FaqHit.of(hit) for hit in api_services().knowledge.faq(q, limit)])


@router.get("/v1/faq/<article_id>", summary="A public article", tags=["public"])
def faq_article(article_id: ArticleId) -> FaqArticle:
    return FaqArticle.of(api_services().knowledge.public(article_id))
