"""The committed OpenAPI document (docs/openapi.json) is the one the code generates."""

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

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
