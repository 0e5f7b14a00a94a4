"""Lambda layers: the shared `hotline` package and the third-party runtime dependencies."""

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.bundling import deps_layer_code, domain_layer_code

RUNTIME = lambda_.Runtime.PYTHON_3_14
ARCHITECTURE = lambda_.Architecture.ARM_64


class SharedLayers(Construct):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.deps = lambda_.LayerVersion(
            self,
            "Deps",
            code=deps_layer_code(RUNTIME, ARCHITECTURE),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="Powertools, PynamoDB, pydantic",
        )
        self.domain = lambda_.LayerVersion(
            self,
            "Domain",
            code=domain_layer_code(),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="The hotline package: domain, store, settings",
        )

    @property
    def all(self) -> list[lambda_.ILayerVersion]:
        return [self.deps, self.domain]
