"""The committed OpenAPI document (docs/openapi.json) is the one the code generates."""

import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROUTES = {
    "/v1/tickets": {"post"},
    "/v1/tickets/{number}": {"get"},
    "/v1/catalog": {"get"},
    "/v1/partner/tickets": {"get", "post"},
    "/v1/partner/tickets/{number}": {"get"},
    "/v1/staff/tickets": {"get", "post"},
    "/v1/staff/tickets/{number}": {"get"},
    "/v1/staff/partners": {"get", "post"},
    "/v1/staff/partners/{partner_id}": {"get"},
    "/v1/staff/partners/{partner_id}/keys/rotate": {"post"},
    "/v1/staff/partners/{partner_id}/revoke": {"post"},
    **{
        f"/open311/v2/{resource}.{fmt}": methods
        for fmt in ("json", "xml")
        for resource, methods in {
            "discovery": {"get"},
            "services": {"get"},
            "services/{service_code}": {"get"},
            "requests": {"get", "post"},
            "requests/{service_request_id}": {"get"},
            "tokens/{token}": {"get"},
        }.items()
    },
}


@pytest.fixture(scope="module")
def script() -> Iterator[ModuleType]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TABLE_NAME", "hotline-openapi-test")  # so the script's default does not leak into other tests
        spec = importlib.util.spec_from_file_location("openapi_script", ROOT / "scripts" / "openapi.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module


@pytest.fixture(scope="module")
def generated(script: ModuleType) -> str:
    text: str = script.generate()
    return text


def test_committed_document_is_up_to_date(generated: str) -> None:
    committed = (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")
    assert committed == generated, "docs/openapi.json differs from the code: run `make openapi` and commit it"


def test_document_lists_every_route_of_the_api(generated: str) -> None:
    document = json.loads(generated)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Hotline API"
    listed = {path: set(operations) for path, operations in document["paths"].items()}
    assert {path: listed.get(path, set()) & methods for path, methods in ROUTES.items()} == ROUTES
    assert "/v1/docs" not in listed  # the Swagger UI is served, not documented


def test_check_mode_fails_on_a_stale_file_and_passes_on_a_fresh_one(
    script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "openapi.json"
    monkeypatch.setattr(script, "DOCUMENT", target)

    assert script.main(["--check"]) == 1  # missing
    target.write_text('{"openapi": "3.1.0"}\n', encoding="utf-8")
    assert script.main(["--check"]) == 1  # stale
    assert "run `make openapi`" in capsys.readouterr().err

    assert script.main([]) == 0
    assert target.read_text(encoding="utf-8").endswith("}\n")
    assert script.main(["--check"]) == 0


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        if path.startswith("/v1/"):
            for method, operation in item.items():
                yield path, method, operation


def test_every_operation_documents_its_success_and_its_errors_in_the_error_shape(generated: str) -> None:
    document = json.loads(generated)
    error_body = {"$ref": "#/components/schemas/ErrorBody"}
    for path, method, operation in _operations(document):
        where = f"{method.upper()} {path}"
        statuses = {int(status) for status in operation["responses"]}
        assert any(200 <= s < 300 for s in statuses), f"{where} documents no success"
        expected = {429} | ({400, 413, 415, 422} if "requestBody" in operation else set())
        expected |= {404} if "{" in path else set()
        schemes = {scheme for requirement in operation.get("security", []) for scheme in requirement}
        expected |= {401, 403} if "staff" in schemes else {403} if "partner" in schemes else set()
        assert expected <= statuses, f"{where} does not document {sorted(expected - statuses)}"
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"]["application/json"]["schema"] == error_body, f"{where} {status}"
    assert "HTTPValidationError" not in generated


def test_every_open311_operation_documents_what_it_answers_in_open311_shape(generated: str) -> None:
    document = json.loads(generated)
    operations = [
        (p, m, o) for p, item in document["paths"].items() if p.startswith("/open311/") for m, o in item.items()
    ]
    assert len(operations) == 14
    errors = {"$ref": "#/components/schemas/Open311Errors"}
    for path, method, operation in operations:
        where, fmt = f"{method.upper()} {path}", path.rpartition(".")[2]
        responses = {int(status): response for status, response in operation["responses"].items()}
        queried = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        expected = {201, 413} if method == "post" else {200}
        expected |= {429} | ({404} if "{" in path else set())
        expected |= ({400} if queried else set()) | ({403} if "api_key" in queried else set())
        assert set(responses) == expected, where
        for status, response in responses.items():
            (media_type,) = response["content"]
            schema = response["content"][media_type]["schema"]
            if status == 429:  # the gateway's or the firewall's refusal, before Open311 runs
                assert (media_type, schema) == ("application/json", {"$ref": "#/components/schemas/ErrorBody"})
            elif fmt == "xml":
                assert (media_type, schema) == ("text/xml", {"type": "string"}), f"{where} {status}"
            elif status >= 400:
                assert (media_type, schema) == ("application/json", errors), f"{where} {status}"
            else:
                assert media_type == "application/json" and schema["$ref"].startswith("#/components/schemas/Open311")
    form = document["paths"]["/open311/v2/requests.json"]["post"]["requestBody"]["content"]
    assert form["application/x-www-form-urlencoded"]["schema"]["required"] == ["service_code"]
    error = document["components"]["schemas"]["Open311Errors"]
    assert error["type"] == "array" and error["items"] == {"$ref": "#/components/schemas/Open311Error"}


def test_partner_and_staff_operations_declare_who_may_call(generated: str) -> None:
    # The API enforces these declarations before it validates the request (functions/api/identity.py).
    document = json.loads(generated)
    assert set(document["components"]["securitySchemes"]) == {"partner", "staff"}
    for path, method, operation in _operations(document):
        audience = path.split("/")[2]
        declared = [scheme for requirement in operation.get("security", []) for scheme in requirement]
        assert declared == {"partner": ["partner"], "staff": ["staff"]}.get(audience, []), f"{method} {path}"
    roles = document["paths"]["/v1/staff/config/ladder"]["put"]["security"]
    assert roles == [{"staff": ["admin"]}]


def test_calendar_periods_are_documented_as_they_are_sent(generated: str) -> None:
    period = json.loads(generated)["components"]["schemas"]["PeriodBody"]["properties"]["start"]
    assert period["type"] == "string" and "format" not in period
    assert re.fullmatch(period["pattern"].strip("^$"), "09:00") and not re.fullmatch(period["pattern"], "09:00:00")
