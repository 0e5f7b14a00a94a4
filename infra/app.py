"""CDK entry point (`cdk synth`/`cdk deploy` and `make synth` run `python -m infra.app`; tests and the local cloud
call build_app with a folder of their own)."""

import os

from aws_cdk import App, Environment, Validations
from cdk_nag import AwsSolutionsChecks

from infra.stack import HotlineStack

STACK_NAME = "Hotline"


def build_app(outdir: str, context: dict[str, str] | None = None) -> tuple[App, HotlineStack]:
    """`context` as `cdk -c name=value` gives it (e.g. `site_url`)."""
    app = App(outdir=outdir, context=context)
    stack = HotlineStack(app, STACK_NAME, env=Environment(account=None, region=None))
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stack


if __name__ == "__main__":
    # The CDK CLI names its output folder in CDK_OUTDIR; run by hand (`make synth`), write where the CLI would.
    build_app(os.environ.get("CDK_OUTDIR", "cdk.out"))[0].synth()
