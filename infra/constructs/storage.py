"""The single Hotline table (its keys and indexes come from the store's model definition), and the private buckets."""

from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from constructs import Construct
from hotline.store.models import TICKET_INDEX_INCLUDES, TICKET_INDEXES

from infra.nag import acknowledge

S = dynamodb.AttributeType.STRING


def private_bucket(scope: Construct, id: str, *, unlogged_because: str, **extra: Any) -> s3.Bucket:
    """A bucket only our functions or CloudFront reach: encrypted, no public access, HTTPS only, objects owned by the
    bucket, kept when the stack goes; `extra` adds to or overrides these settings. `unlogged_because`: why it needs no
    server access logs (cdk-nag's S1)."""
    settings: dict[str, Any] = {
        "encryption": s3.BucketEncryption.S3_MANAGED,
        "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
        "object_ownership": s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        "enforce_ssl": True,
        "removal_policy": RemovalPolicy.RETAIN,
    }
    bucket = s3.Bucket(scope, id, **(settings | extra))
    acknowledge(bucket, "AwsSolutions::AwsSolutions-S1", unlogged_because)
    return bucket


class TicketStore(Construct):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name="pk", type=S),
            sort_key=dynamodb.Attribute(name="sk", type=S),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
            time_to_live_attribute="expires_at",
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        )
        for name, (hash_key, range_key) in TICKET_INDEXES.items():
            included = TICKET_INDEX_INCLUDES.get(name)
            self.table.add_global_secondary_index(
                index_name=name,
                partition_key=dynamodb.Attribute(name=hash_key, type=S),
                sort_key=dynamodb.Attribute(name=range_key, type=S),
                projection_type=(
                    dynamodb.ProjectionType.ALL
                    if included is None
                    else dynamodb.ProjectionType.INCLUDE
                    if included
                    else dynamodb.ProjectionType.KEYS_ONLY
                ),
                non_key_attributes=included or None,
            )
