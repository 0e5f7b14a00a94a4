"""Reports (统计报表) and the dashboard: supervisors and admins read every unit's figures and order reports, a unit
handler reads its own unit's figures only (hotline.domain.staff.roles: REPORT_READERS, `StaffMember.figures_of`)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.reports.bulletin import Bulletin
from hotline.domain.reports.policy import ReportKind, ReportPolicy
from hotline.domain.staff.roles import ADMIN_ROLES, REPORT_READERS, SUPERVISION_ROLES, StaffMember
from hotline.services import api_services

from functions.api.identity import staff_of, staff_roles
from functions.api.routes.common import Limit, NextToken, page_request
from functions.api.schemas.reports import ReportDetail, ReportList, ReportOrder, ReportSummary

router = APIGatewayRouter()
TAGS = ["staff: reports"]
READERS = staff_roles(REPORT_READERS)
ReportId = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,80}$", description="The report's id, e.g. monthly-2026-11-01.")]
UnitFilter = Annotated[
    str | None,
    Query(
        pattern=r"^[a-z0-9-]{2,64}$",
        description="One unit's figures (a unit handler: only its own, which it gets anyway); the centre's if absent.",
    ),
]


def _staff() -> StaffMember:
    return staff_of(router.current_event)


@router.get(
    "/v1/staff/reports",
    summary="Reports, newest first",
    description="The scheduled bulletins (daily, weekly, monthly, annual) and the reports ordered on demand.",
    tags=TAGS,
    security=READERS,
)
def listing(
    kind: Annotated[ReportKind | None, Query(description="Only reports of this kind.")] = None,
    limit: Limit = 50,
    next_token: NextToken = None,
) -> ReportList:
    page = api_services().reports.list(_staff(), kind, page_request(limit, next_token))
    return ReportList(items=[ReportSummary.of(record) for record in page.items], next=page.next)


@router.get(
    "/v1/staff/reports/<report_id>",
    summary="A report: its summary and links to its files",
    description="The bulletin as JSON and presigned links (valid 15 minutes) to its JSON, CSV, XLSX and HTML files. "
    "A unit handler gets its own unit's figures (and their JSON file) only; asking for another unit's is 403.",
    tags=TAGS,
    security=READERS,
)
def read(report_id: ReportId, unit: UnitFilter = None) -> ReportDetail:
    return ReportDetail.of_view(api_services().reports.read(_staff(), report_id, unit))


@router.post(
    "/v1/staff/reports",
    summary="Order a report of the local days you name",
    description='`{"from", "to"}` in the centre\'s local dates, at most a year and not after today (422 naming '
    "the field otherwise). Answers 202 at once; the report is `pending` until generated.",
    tags=TAGS,
    security=staff_roles(SUPERVISION_ROLES),
    responses={202: {"description": "Ordered", "content": {"application/json": {"model": ReportSummary}}}},
)
def order(body: Annotated[ReportOrder, Body()]) -> Response[ReportSummary]:
    record = api_services().reports.request(_staff(), body.first, body.last)
    return Response(
        status_code=202,
        content_type=content_types.APPLICATION_JSON,
        body=ReportSummary.of(record),
        headers={"Location": f"/v1/staff/reports/{record.id}"},
    )


@router.get(
    "/v1/staff/dashboard",
    summary="Today's figures so far",
    description="The bulletin of today (the centre's local day) from the live aggregates.",
    tags=TAGS,
    security=READERS,
)
def dashboard(unit: UnitFilter = None) -> Bulletin:
    return api_services().reports.dashboard(_staff(), unit)


@router.get(
    "/v1/staff/config/reports",
    summary="The report policy: thresholds and the assessment's weights",
    tags=["staff: configuration"],
    security=READERS,
)
def policy() -> ReportPolicy:
    return api_services().reports.policy(_staff())


@router.put(
    "/v1/staff/config/reports",
    summary="Replace the report policy",
    description="Applies to reports generated from now on.",
    tags=["staff: configuration"],
    security=staff_roles(ADMIN_ROLES),
)
def replace_policy(body: Annotated[ReportPolicy, Body()]) -> ReportPolicy:
    return api_services().reports.replace_policy(_staff(), body)
