"""`make synth` (`python -m infra.app` outside the CDK CLI) writes the cloud assembly to `cdk.out/`, as the README
says and `cdk deploy` expects, and cdk-nag runs on it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_synth_writes_the_cloud_assembly_to_cdk_out(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'layers' / 'domain'}{os.pathsep}{ROOT}"}
    env.pop("CDK_OUTDIR", None)  # as `make synth` runs it, not the CDK CLI

    subprocess.run([sys.executable, "-m", "infra.app"], cwd=tmp_path, env=env, check=True, timeout=900)

    assembly = tmp_path / "cdk.out"
    assert (assembly / "Hotline.template.json").is_file() and (assembly / "manifest.json").is_file()
    assert any(path.name.startswith("asset.") for path in assembly.iterdir())
    report = json.loads((assembly / "validation-report.json").read_text())
    assert [(r["pluginName"], r["conclusion"]) for r in report["pluginReports"]] == [("AwsSolutions", "success")]
