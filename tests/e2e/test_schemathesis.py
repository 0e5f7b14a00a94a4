"""A bounded schemathesis run over docs/openapi.json, through the local gateway, for every audience: no
request may get a server error and no response may break the document (status, content type, body, headers).

The run gets a local cloud of its own, since it changes the configuration and creates partners. It is
deterministic (fixed seed) and bounded: boundary values of every parameter and field (the coverage phase,
valid inputs only) and MAX_EXAMPLES generated cases per operation, valid and invalid. Open311's JSON operations
run twice: for anyone, and for a partner sending its key as the `api_key` form field and query parameter.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from schemathesis.engine import Status, events, from_schema

from tests.e2e.conftest import ROOT, launched

SEED = 20261201
MAX_EXAMPLES = 10
SERVER_ERRORS = "not_a_server_error"
CONFORMANCE = (
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)
DOCUMENT = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))


@dataclass
class Audience:
    name: str
    path_prefix: str
    scheme: str | None = None  # the security scheme its operations declare
    role: str | None = None  # staff: only the operations this role may call
    path_suffix: str = ""
    open311_key: bool = False  # the partner's key as Open311's `api_key`


AUDIENCES = [
    Audience("public", "/v1/"),
    Audience("partner", "/v1/partner/", "partner"),
    Audience("open311", "/open311/v2/", path_suffix=".json"),
    Audience("open311 key", "/open311/v2/", path_suffix=".json", open311_key=True),
    Audience("staff unit", "/v1/staff/", "staff", "unit"),
    Audience("staff admin", "/v1/staff/", "staff", "admin"),  # last: it changes configuration and partners
]


@dataclass
class Figures:
    operations: int = 0
    cases: int = 0
    server_errors: int = 0
    violations: int = 0
    examples: list[str] = field(default_factory=list)

    def line(self, audience: str) -> str:
        return (
            f"schemathesis {audience:<12} {self.operations:>3} operations {self.cases:>5} cases "
            f"{self.server_errors:>3} × 5xx {self.violations:>3} schema violations"
        )


def _operation_ids(audience: Audience) -> list[str]:
    chosen = []
    for path, item in DOCUMENT["paths"].items():
        for operation in item.values():
            security = operation.get("security", [])
            schemes = {scheme for requirement in security for scheme in requirement}
            if not path.startswith(audience.path_prefix) or not path.endswith(audience.path_suffix):
                continue
            if schemes != ({audience.scheme} - {None}):
                continue
            roles = {role for requirement in security for role in requirement.get("staff", [])}
            if audience.role is None or not roles or audience.role in roles:
                chosen.append(operation["operationId"])
    return chosen


def _headers(cloud: Any, audience: Audience) -> dict[str, str]:
    if audience.scheme == "partner":
        return {"x-api-key": cloud.info["partner_api_key"]}
    if audience.role:
        return {"Authorization": f"Bearer {cloud.info['staff'][audience.role]['token']}"}
    return {}


def _describe(label: str, check: str, interaction: Any) -> str:
    request, response = interaction.request, interaction.response
    answer = f"{response.status_code} {(response.content or b'')[:300]!r}" if response is not None else "no response"
    return f"{label}: {check}: {request.method} {request.uri} {(request.body or b'')[:200]!r} -> {answer}"


def run(cloud: Any, audience: Audience) -> Figures:
    key = cloud.info["partner_api_key"]
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "base-url": cloud.info["api_url"],
            "headers": _headers(cloud, audience),
            "parameters": {"query.api_key": key, "body.api_key": key} if audience.open311_key else {},
            "workers": 1,
            "request-timeout": 30,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            "phases": {"coverage": {"generation": {"mode": "positive"}}, "stateful": {"enabled": False}},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in (SERVER_ERRORS, *CONFORMANCE)}},
        }
    )
    ids = _operation_ids(audience)
    schema = schemathesis.openapi.from_dict(DOCUMENT, config=config).include(operation_id=ids)
    figures = Figures(operations=len(ids))
    for event in from_schema(schema).execute():
        if isinstance(event, events.FatalError | events.NonFatalError):
            figures.examples.append(f"schemathesis could not run: {event}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        recorder = event.recorder
        figures.cases += len(recorder.cases)
        for case_id, checks in recorder.checks.items():
            for check in checks:
                if check.status != Status.FAILURE:
                    continue
                if check.name == SERVER_ERRORS:
                    figures.server_errors += 1
                else:
                    figures.violations += 1
                if len(figures.examples) < 10:
                    figures.examples.append(_describe(recorder.label, check.name, recorder.interactions[case_id]))
    return figures


@pytest.fixture(scope="module")
def fuzzed_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    # Real time: no ticket clock racing through reminders and escalations while the run measures.
    with launched(tmp_path_factory.mktemp("schemathesis"), time_scale=1) as cloud:
        yield cloud


@pytest.mark.parametrize("audience", AUDIENCES, ids=[a.name for a in AUDIENCES])
def test_no_server_errors_and_no_schema_violations(fuzzed_cloud: Any, audience: Audience, record_property: Any) -> None:
    figures = run(fuzzed_cloud, audience)
    record_property("figures", figures.line(audience.name))  # printed at the end of the run (tests/conftest.py)
    assert figures.operations and figures.cases >= figures.operations
    assert (figures.server_errors, figures.violations) == (0, 0), "\n".join(figures.examples)
