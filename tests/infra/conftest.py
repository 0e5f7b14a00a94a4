"""The CDK app synthesized once per test session (cdk-nag runs during synth) into a temporary cloud assembly."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Template

from infra.app import STACK_NAME, build_app


@dataclass(frozen=True)
class Synthesized:
    outdir: Path
    template_path: Path
    template: Template

    @property
    def resources(self) -> dict[str, Any]:
        resources: dict[str, Any] = self.template.to_json()["Resources"]
        return resources

    def of_type(self, resource_type: str) -> dict[str, Any]:
        return {name: r for name, r in self.resources.items() if r["Type"] == resource_type}


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    outdir = tmp_path_factory.mktemp("cdk.out")
    app, _ = build_app(str(outdir))
    assembly = app.synth()
    path = Path(assembly.get_stack_by_name(STACK_NAME).template_full_path)
    return Synthesized(outdir, path, Template.from_json(json.loads(path.read_text())))
