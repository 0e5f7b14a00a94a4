"""The API's firewall: an AWS WAF web ACL on the stage with AWS managed rules and per-address rate limits.

The stage's per-audience throttles (infra/constructs/api.py) keep one audience from starving another; these
rules keep one address from using up its audience's share, and drop known-bad addresses and payloads first.
"""

import json

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.constructs.api import STAGE

RATE_WINDOW_SECONDS = 300
ANONYMOUS_REQUESTS_PER_ADDRESS = 1000
"""Per address and window on the public and Open311 routes (about 3 a second): citizens behind one carrier NAT
share an address."""
REQUESTS_PER_ADDRESS = 6000
"""Per address and window on every route (20 a second): a call centre's staff share one address."""
STAFF_OR_PARTNER_PATH = rf"^(/{STAGE})?/v1/(staff|partner)/"
"""Paths that need a token or an API key, on the execute-api host (stage first) or a custom domain."""

_THROTTLED_BODY = "throttled"


def _visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )


def _managed(name: str, priority: int, *, counted: tuple[str, ...] = ()) -> wafv2.CfnWebACL.RuleProperty:
    """An AWS managed rule group, with the rules in `counted` only counted instead of blocking."""
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),  # the group's own actions apply
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS",
                name=name,
                rule_action_overrides=[
                    wafv2.CfnWebACL.RuleActionOverrideProperty(
                        name=rule, action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={})
                    )
                    for rule in counted
                ]
                or None,
            )
        ),
        visibility_config=_visibility(name),
    )


def _per_address(
    name: str, priority: int, limit: int, scope_down: wafv2.CfnWebACL.StatementProperty | None = None
) -> wafv2.CfnWebACL.RuleProperty:
    """Blocks an address over `limit` requests in the window with a 429 in the API's error shape."""
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        action=wafv2.CfnWebACL.RuleActionProperty(
            block=wafv2.CfnWebACL.BlockActionProperty(
                custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                    response_code=429,
                    custom_response_body_key=_THROTTLED_BODY,
                    response_headers=[wafv2.CfnWebACL.CustomHTTPHeaderProperty(name="Retry-After", value="60")],
                )
            )
        ),
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                aggregate_key_type="IP",
                limit=limit,
                evaluation_window_sec=RATE_WINDOW_SECONDS,
                scope_down_statement=scope_down,
            )
        ),
        visibility_config=_visibility(name),
    )


class Firewall(Construct):
    def __init__(self, scope: Construct, id: str, *, stage: apigw.Stage) -> None:
        super().__init__(scope, id)
        anonymous = wafv2.CfnWebACL.StatementProperty(
            not_statement=wafv2.CfnWebACL.NotStatementProperty(
                statement=wafv2.CfnWebACL.StatementProperty(
                    regex_match_statement=wafv2.CfnWebACL.RegexMatchStatementProperty(
                        regex_string=STAFF_OR_PARTNER_PATH,
                        field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                        text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")],
                    )
                )
            )
        )
        throttled = {"error": {"code": "throttled", "message": "too many requests from your address; retry later"}}
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            description="Hotline API: AWS managed rules and per-address rate limits",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility("hotline-api"),
            custom_response_bodies={
                _THROTTLED_BODY: wafv2.CfnWebACL.CustomResponseBodyProperty(
                    content_type="APPLICATION_JSON", content=json.dumps(throttled)
                )
            },
            rules=[
                _managed("AWSManagedRulesAmazonIpReputationList", 0),
                _per_address("AnonymousRequestsPerAddress", 1, ANONYMOUS_REQUESTS_PER_ADDRESS, anonymous),
                _per_address("RequestsPerAddress", 2, REQUESTS_PER_ADDRESS),
                # Counted only: bodies up to 64 KiB are valid (the Lambda answers 413 above that) and the group
                # blocks over 8 KiB; a webhook URL may name an IPv4 address, which GenericRFI takes for an attack
                # (Hotline fetches no URL from a body but the webhook's, checked by its own endpoint rules).
                _managed("AWSManagedRulesCommonRuleSet", 3, counted=("SizeRestrictions_BODY", "GenericRFI_BODY")),
                _managed("AWSManagedRulesKnownBadInputsRuleSet", 4),
            ],
        )
        wafv2.CfnWebACLAssociation(
            self, "StageAssociation", resource_arn=stage.stage_arn, web_acl_arn=self.web_acl.attr_arn
        )
