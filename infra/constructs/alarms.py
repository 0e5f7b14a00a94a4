"""The alarms operators are paged by, and the ops topic every one of them notifies."""

import jsii
from aws_cdk import Aspects, Duration, IAspect
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct, IConstruct


class OpsTopic(Construct):
    """Where alarms go: subscribe the on-call rota (e-mail, chat, a paging service) to `topic`.

    Encrypted with a key of its own: CloudWatch cannot publish to a topic under the AWS managed SNS key,
    whose policy nobody can extend to the CloudWatch service.
    """

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        key = kms.Key(self, "Key", enable_key_rotation=True, description="Hotline ops topic (alarm notifications)")
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" is this key
            )
        )
        self.topic = sns.Topic(self, "Topic", display_name="Hotline alarms", master_key=key, enforce_ssl=True)

    def notify_on_every_alarm(self, scope: IConstruct) -> None:
        """Every alarm under `scope`, wherever and whenever it is added, notifies the topic when it fires."""
        Aspects.of(scope).add(_Notify(actions.SnsAction(self.topic)))


@jsii.implements(IAspect)
class _Notify:
    def __init__(self, action: cloudwatch.IAlarmAction) -> None:
        self._action = action

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, cloudwatch.Alarm):
            node.add_alarm_action(self._action)


def dead_letters_alarm(scope: Construct, id: str, queue: sqs.IQueue, description: str) -> cloudwatch.Alarm:
    """Fires as soon as anything waits in a queue that only receives what failed for good."""
    return any_alarm(
        scope, id, queue.metric_approximate_number_of_messages_visible(period=Duration.minutes(5)), description
    )


def any_alarm(scope: Construct, id: str, metric: cloudwatch.IMetric, description: str) -> cloudwatch.Alarm:
    """Fires when `metric` counts anything in a period; no data (nothing happened) is fine."""
    return cloudwatch.Alarm(
        scope,
        id,
        alarm_description=description,
        metric=metric,
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
