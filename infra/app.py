"""CDK entry point (`cdk synth`/`cdk deploy` run `python -m infra.app`; tests call build_app)."""

from aws_cdk import App, Environment, Validations
from cdk_nag import AwsSolutionsChecks

from infra.stack import HotlineStack

STACK_NAME = "Hotline"


def build_app(outdir: str | None = None) -> tuple[App, HotlineStack]:
    app = App(outdir=outdir) if outdir else App()
    stack = HotlineStack(app, STACK_NAME, env=Environment(account=None, region=None))
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stack


if __name__ == "__main__":
    build_app()[0].synth()
