"""The web pages: the built files of web/dist (`make web`) in a private bucket, served by CloudFront through origin
access control with the security headers of infra/web.py, and /config.json telling the pages where the API and the
staff sign-in are. The local cloud serves the same files and headers itself (infra/local/site.py)."""

from collections.abc import Sequence
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from aws_cdk import Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as deployment
from constructs import Construct

from infra import web
from infra.constructs.api import STAGE
from infra.constructs.identity import StaffDirectory
from infra.constructs.storage import private_bucket
from infra.nag import acknowledge

# Viewer requests: a page path of either app (no file extension) is that app's index.html, so the apps' own routers
# show /track, /survey/<number> or /console/tickets/<number>; a missing file stays a 404 (the bucket lets CloudFront
# list it). The local cloud's rule is the same (infra/local/site.py).
APP_ROUTES = f"""function handler(event) {{
  var request = event.request;
  var uri = request.uri;
  if (uri === "/{web.CONSOLE}") {{
    var moved = {{ location: {{ value: "/{web.CONSOLE}/" }} }};
    return {{ statusCode: 301, statusDescription: "Moved Permanently", headers: moved }};
  }}
  var name = uri.substring(uri.lastIndexOf("/") + 1);
  if (name.indexOf(".") === -1 && uri.indexOf("/{web.ASSETS}/") !== 0) {{
    request.uri = uri.indexOf("/{web.CONSOLE}/") === 0 ? "/{web.CONSOLE}/index.html" : "/index.html";
  }}
  return request;
}}
"""
LOG_DAYS = 365


class Site(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        api: apigw.RestApi,
        staff: StaffDirectory,
        uploads: Sequence[s3.IBucket] = (),
        site_url: str | None = None,
        certificate_arn: str | None = None,
    ) -> None:
        """`site_url` (`-c site_url=https://…`): the site's address when it has a domain of its own, served with the
        `certificate_arn` certificate (ACM, us-east-1); without them, the distribution's own domain."""
        super().__init__(scope, id)
        stack = Stack.of(self)
        self.bucket = private_bucket(
            self,
            "Files",
            unlogged_because="Only CloudFront reads it (origin access control), and CloudFront's access logs record"
            " every request; server access logs would be a second record of the same reads.",
        )
        access_logs = private_bucket(
            self,
            "AccessLogs",
            unlogged_because="It holds the site's access logs.",
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,  # CloudFront's standard logs are written with ACLs
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(LOG_DAYS))],
        )

        self.api_origin = f"https://{api.rest_api_id}.execute-api.{stack.region}.{stack.url_suffix}"
        cognito_origin = f"https://cognito-idp.{stack.region}.{stack.url_suffix}"
        # Presigned posts and links name the bucket's global or regional endpoint (boto3 picks by region).
        upload_origins = [
            f"https://{name}.{endpoint}"
            for name in map(_physical_name, uploads)
            for endpoint in (f"s3.{stack.url_suffix}", f"s3.{stack.region}.{stack.url_suffix}")
        ]
        csp = web.content_security_policy(
            connect=[self.api_origin, cognito_origin, *upload_origins], images=upload_origins
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "Headers",
            comment="Hotline site: strict content security policy and the usual security headers",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=csp, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.seconds(web.HSTS_SECONDS), include_subdomains=True, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
                ),
            ),
        )
        # On its own domain: the certificate's. Without one, whatever serves `site_url` passes requests to the
        # distribution, and its own domain stays CloudFront's.
        own_domain = [_host(site_url)] if site_url and certificate_arn else None
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Hotline: the citizen site and the staff console",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                # LIST: a missing file is S3's 404, not an access-denied 403.
                origin=origins.S3BucketOrigin.with_origin_access_control(
                    self.bucket, origin_access_levels=[cloudfront.AccessLevel.READ, cloudfront.AccessLevel.LIST]
                ),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        event_type=cloudfront.FunctionEventType.VIEWER_REQUEST,
                        function=cloudfront.Function(
                            self,
                            "AppRoutes",
                            code=cloudfront.FunctionCode.from_inline(APP_ROUTES),
                            runtime=cloudfront.FunctionRuntime.JS_2_0,
                            comment="Page paths of the citizen app and the console get their index.html",
                        ),
                    )
                ],
            ),
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_ALL,
            enable_logging=True,
            log_bucket=access_logs,
            log_file_prefix="cloudfront/",
            domain_names=own_domain,
            certificate=acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn)
            if own_domain and certificate_arn
            else None,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        )
        self.url = site_url or f"https://{self.distribution.distribution_domain_name}"
        self.origin = _origin(site_url) if site_url else self.url
        acknowledge(
            self.distribution,
            "AwsSolutions::AwsSolutions-CFR1",
            "A public site for citizens, who may be anywhere (travelling, abroad): no country is refused.",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions::AwsSolutions-CFR2",
            "The site is static files; the API, where the data is, has its own web ACL (infra/constructs/firewall.py)."
            " A CloudFront web ACL would have to live in us-east-1, outside this stack's region.",
        )
        if not own_domain:
            acknowledge(
                self.distribution,
                "AwsSolutions::AwsSolutions-CFR4",
                "On CloudFront's own *.cloudfront.net certificate the minimum TLS version cannot be chosen; a"
                " deployment with its own domain (-c site_url= -c site_certificate_arn=) gets TLSv1.2_2021.",
            )
        self._publish(web.built(), staff)

    def _publish(self, dist: Path, staff: StaffDirectory) -> None:
        """The files: hashed assets first, cached for good and kept after later deployments (a page loaded before a
        deployment still finds its scripts); then the pages and config.json, revalidated on every visit."""
        stack = Stack.of(self)
        config = {
            "api_url": f"{self.api_origin}/{STAGE}",
            "cognito": {
                "url": f"https://cognito-idp.{stack.region}.{stack.url_suffix}/",
                "client_id": staff.client.user_pool_client_id,
                "region": stack.region,
            },
        }
        log_group = logs.LogGroup(self, "DeploymentLogs", retention=logs.RetentionDays.ONE_YEAR)
        assets = deployment.BucketDeployment(
            self,
            "Assets",
            destination_bucket=self.bucket,
            destination_key_prefix=f"{web.ASSETS}/",
            sources=[deployment.Source.asset(str(dist / web.ASSETS))],
            cache_control=[deployment.CacheControl.from_string(web.IMMUTABLE)],
            prune=False,
            output_object_keys=False,  # a build's file names would outgrow a custom resource's 4 KB answer
            log_group=log_group,
        )
        pages = deployment.BucketDeployment(
            self,
            "Pages",
            destination_bucket=self.bucket,
            sources=[
                deployment.Source.asset(str(dist), exclude=[web.ASSETS]),
                deployment.Source.json_data("config.json", config),
            ],
            exclude=[f"{web.ASSETS}/*"],  # the assets' deployment keeps them
            cache_control=[deployment.CacheControl.from_string(web.REVALIDATE)],
            distribution=self.distribution,
            distribution_paths=["/*"],
            output_object_keys=False,
            log_group=log_group,
        )
        pages.node.add_dependency(assets)
        # CDK's deployment function (one for both deployments) and its role.
        reason = (
            "CDK's deployment function copies the built files from CDK's asset bucket into the site's bucket (objects"
            " with the hashed names of each build) and invalidates the distribution, for which CloudFront takes no"
            " resource."
        )
        for finding in (
            "Resource::*",
            "Action::s3:GetObject*",
            "Action::s3:GetBucket*",
            "Action::s3:List*",
            "Action::s3:DeleteObject*",
            "Action::s3:Abort*",
            "Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*",
            f"Resource::<{stack.get_logical_id(cast(s3.CfnBucket, self.bucket.node.default_child))}.Arn>/*",
        ):
            acknowledge(assets.handler_role, f"AwsSolutions::AwsSolutions-IAM5[{finding}]", reason)
        for provider in stack.node.children:
            if provider.node.id.startswith("Custom::CDKBucketDeployment"):
                acknowledge(
                    provider, "AwsSolutions::AwsSolutions-L1", "CDK's deployment function: CDK picks its runtime."
                )


def _physical_name(bucket: s3.IBucket) -> str:
    """The name the bucket is given, not a reference to it: the bucket's CORS refers to the distribution."""
    name = cast(s3.CfnBucket, bucket.node.default_child).bucket_name
    if name is None:
        raise ValueError(f"{bucket.node.path} needs a name of its own: the site's CSP cannot refer to it")
    return name


def _host(url: str) -> str:
    return urlsplit(url).netloc


def _origin(url: str) -> str:
    return f"{urlsplit(url).scheme}://{_host(url)}"
