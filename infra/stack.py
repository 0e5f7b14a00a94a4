"""The Hotline stack: one construct per capability."""

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra.constructs.alarms import OpsTopic
from infra.constructs.api import STAGE, TicketApi
from infra.constructs.firewall import Firewall
from infra.constructs.identity import StaffDirectory
from infra.constructs.incidents import Incidents
from infra.constructs.knowledge import KnowledgeIndex
from infra.constructs.layers import SharedLayers
from infra.constructs.reports import Reports
from infra.constructs.site import Site
from infra.constructs.storage import TicketStore
from infra.constructs.surveys import Surveys
from infra.constructs.ticket_clock import TicketClock
from infra.constructs.ticket_events import TicketEvents
from infra.constructs.uploads import Uploads
from infra.constructs.webhooks import Webhooks
from infra.nag import acknowledge

CENTRE_TIME_ZONE = "Asia/Shanghai"


class HotlineStack(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs: object) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]
        store = TicketStore(self, "Storage")
        layers = SharedLayers(self, "Layers")
        staff = StaffDirectory(self, "Staff")
        api = TicketApi(
            self, "Api", table=store.table, layers=layers, user_pool=staff.user_pool, centre_time_zone=CENTRE_TIME_ZONE
        )
        Firewall(self, "Firewall", stage=api.rest_api.deployment_stage)
        environment = {"TABLE_NAME": store.table.table_name, "CENTRE_TIME_ZONE": CENTRE_TIME_ZONE}
        clock = TicketClock(self, "Clock", table=store.table, layers=layers, environment=environment)
        clock.let_restart(api.function)
        events = TicketEvents(self, "Events", table=store.table, layers=layers, environment=environment)
        clock.let_restart(events.function)  # starts a clock its request could not (see functions/events)
        clock.let_notify(events.function)  # sends the notifications each ticket write stored (the outbox)
        webhooks = Webhooks(self, "Webhooks", bus=events.bus, table=store.table, layers=layers, environment=environment)
        webhooks.let_redeliver(api.function)
        # Citizens' photos and files, posted by their browsers on the site's pages straight to the bucket.
        uploads = Uploads(self, "Uploads")
        uploads.let_sign(api.function)
        # The web pages, on CloudFront's domain or on the site's own (`-c site_url=https://… -c
        # site_certificate_arn=…`): the texts to customers link there, and only its pages may call the API.
        site = Site(
            self,
            "Site",
            api=api.rest_api,
            staff=staff,
            uploads=[uploads.bucket],
            site_url=self.node.try_get_context("site_url"),
            certificate_arn=self.node.try_get_context("site_certificate_arn"),
        )
        site_url = site.url
        api.allow_origin(site.origin)
        api.function.add_environment("SITE_URL", site_url)
        uploads.allow_origin(site.origin)
        # A primary's reply reaching its bound tickets opens their surveys: links to the site, tokens as keyed hashes.
        events.function.add_environment("SITE_URL", site_url)
        api.hash_key.grant_read(events.function)
        events.function.add_environment("PEPPER_SECRET_ARN", api.hash_key.secret_arn)
        surveys = Surveys(
            self,
            "Surveys",
            table=store.table,
            layers=layers,
            environment={**environment, "SITE_URL": site_url},
            hash_key=api.hash_key,
        )
        clock.let_restart(surveys.function)  # an expired survey closes the ticket: its callback clock stops
        reports = Reports(
            self,
            "Reports",
            table=store.table,
            bus=events.bus,
            layers=layers,
            environment=environment,
            time_zone=CENTRE_TIME_ZONE,
            # `-c report_monthly_day=5 -c report_emails=a@example.gov.cn,b@example.gov.cn`
            monthly_day=int(self.node.try_get_context("report_monthly_day") or 5),
            emails=tuple(filter(None, str(self.node.try_get_context("report_emails") or "").split(","))),
        )
        reports.let_order(api.function)
        knowledge = KnowledgeIndex(self, "Knowledge", table=store.table, layers=layers, environment=environment)
        knowledge.let_read(api.function)  # a new container starts searching from the index's image
        incidents = Incidents(
            self, "Incidents", table=store.table, bus=events.bus, layers=layers, environment=environment
        )
        clock.let_restart(incidents.function)  # binding an incident's tickets stops their clocks
        ops = OpsTopic(self, "Ops")
        ops.notify_on_every_alarm(self)  # the alarms above and any added later
        CfnOutput(self, "ApiUrl", value=api.rest_api.url)
        CfnOutput(self, "SiteUrl", value=site.url)
        CfnOutput(self, "SiteBucketName", value=site.bucket.bucket_name)
        CfnOutput(self, "DistributionId", value=site.distribution.distribution_id)
        CfnOutput(self, "RestApiId", value=api.rest_api.rest_api_id)
        CfnOutput(self, "Stage", value=STAGE)
        CfnOutput(self, "TableName", value=store.table.table_name)
        CfnOutput(self, "UserPoolId", value=staff.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=staff.client.user_pool_client_id)
        CfnOutput(self, "ApiFunctionName", value=api.function.function_name)
        CfnOutput(self, "ClockStateMachineArn", value=clock.state_machine.state_machine_arn)
        CfnOutput(self, "NotificationsTopicArn", value=clock.topic.topic_arn)
        CfnOutput(self, "OpsTopicArn", value=ops.topic.topic_arn)
        CfnOutput(self, "EventBusName", value=events.bus.event_bus_name)
        CfnOutput(self, "WebhookQueueUrl", value=webhooks.queue.queue_url)
        CfnOutput(self, "WebhookDeadLetterQueueUrl", value=webhooks.dead_letters.queue_url)
        CfnOutput(self, "SurveySweepDeadLetterQueueUrl", value=surveys.dead_letters.queue_url)
        CfnOutput(self, "ReportsBucketName", value=reports.bucket.bucket_name)
        CfnOutput(self, "ReportQueueUrl", value=reports.requests.queue_url)
        CfnOutput(self, "ReportDeadLetterQueueUrl", value=reports.dead_letters.queue_url)
        CfnOutput(self, "ReportMailTopicArn", value=reports.mail.topic_arn)
        CfnOutput(self, "KnowledgeIndexBucketName", value=knowledge.bucket.bucket_name)
        CfnOutput(self, "UploadsBucketName", value=uploads.bucket.bucket_name)
        CfnOutput(self, "IncidentDeadLetterQueueUrl", value=incidents.dead_letters.queue_url)
        acknowledge(
            self,
            "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
            "Only lets the function write its own logs.",
        )
        acknowledge(
            self,
            "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
            "The account-level role API Gateway needs to write execution and access logs.",
        )
        acknowledge(
            self,
            "AwsSolutions::AwsSolutions-IAM5[Resource::<ReportsFiles32854003.Arn>/reports/*]",
            "The reports function writes, and the API reads, the files of any report: each report's keys are made when"
            " it is generated.",
        )
        acknowledge(
            self,
            "AwsSolutions::AwsSolutions-IAM5[Resource::<StorageTableB43FDCE7.Arn>/index/*]",
            "Queries through the table's own GSIs (list by status, channel, partner …).",
        )
        acknowledge(
            self,
            "AwsSolutions::AwsSolutions-COG2",
            "MFA (TOTP) is optional so centres can enrol staff gradually; enforce it per deployment.",
        )
        acknowledge(
            self,
            "AwsSolutions::AwsSolutions-COG3",
            "Threat protection needs the Plus feature plan, an account-level cost decision.",
        )
        acknowledge(
            self,
            "AwsSolutions::AwsSolutions-COG8",
            "The Plus feature plan is an account-level cost decision; the Essentials plan covers staff sign-in.",
        )
