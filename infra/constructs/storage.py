"""The single Hotline table (its keys and indexes come from the store's model definition)."""

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct
from hotline.store.models import TICKET_INDEX_INCLUDES, TICKET_INDEXES

S = dynamodb.AttributeType.STRING


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
