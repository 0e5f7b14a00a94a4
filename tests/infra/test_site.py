"""The web pages' hosting: a private bucket behind CloudFront (origin access control) with the security headers of
infra/web.py, the built files and config.json deployed to it, and the API readable by the site's origin only."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk.assertions import Template

from infra import web
from infra.constructs.identity import StaffDirectory
from infra.constructs.site import APP_ROUTES, Site
from infra.local.site import Site as LocalSite
from tests.infra.conftest import Synthesized
from tests.infra.test_stack import API_HANDLER, _function, _methods_by_path, _only, _private_bucket, _ref


def _text(value: Any) -> str:
    """A template value as text: `<Logical>` for a Ref, `<Logical.Attribute>` for a GetAtt, joins joined."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return f"<{value['Ref']}>"
    if "Fn::GetAtt" in value:
        return "<{}.{}>".format(*value["Fn::GetAtt"])
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(_text(part) for part in parts)
    return f"<{json.dumps(value, sort_keys=True)}>"


def _distribution(synthesized: Synthesized) -> tuple[str, dict[str, Any]]:
    name, distribution = _only(synthesized.of_type("AWS::CloudFront::Distribution"))
    return name, distribution["Properties"]["DistributionConfig"]


def _output(synthesized: Synthesized, name: str) -> Any:
    return synthesized.template.to_json()["Outputs"][name]["Value"]


def test_the_files_are_in_a_private_bucket_only_the_distribution_reads(synthesized: Synthesized) -> None:
    bucket, _ = _private_bucket(synthesized, "SiteFiles")
    distribution, config = _distribution(synthesized)
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": [bucket, "RegionalDomainName"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy identity: origin access control
    control = synthesized.resources[_ref(origin["OriginAccessControlId"])]["Properties"]["OriginAccessControlConfig"]
    assert (control["OriginAccessControlOriginType"], control["SigningBehavior"]) == ("s3", "always")
    (policy,) = [
        p["Properties"]["PolicyDocument"]
        for p in synthesized.of_type("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket}
    ]
    (allowed,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert allowed["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert sorted(allowed["Action"]) == ["s3:GetObject", "s3:ListBucket"]  # listing: a missing file is a 404
    assert _text(allowed["Condition"]["StringEquals"]["AWS:SourceArn"]).endswith(f":distribution/<{distribution}>")


def test_viewers_are_sent_to_https_and_page_paths_reach_the_apps(synthesized: Synthesized) -> None:
    _, config = _distribution(synthesized)
    assert config["DefaultRootObject"] == "index.html"
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    (association,) = behaviour["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    function = synthesized.resources[_ref(association["FunctionARN"])]["Properties"]
    assert function["FunctionCode"] == APP_ROUTES
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert config["Logging"]["Bucket"] == {
        "Fn::GetAtt": [_private_bucket(synthesized, "SiteAccessLogs")[0], "RegionalDomainName"]
    }


def test_the_site_sends_a_strict_content_security_policy_and_the_security_headers(synthesized: Synthesized) -> None:
    _, config = _distribution(synthesized)
    policy = synthesized.resources[_ref(config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"])]
    headers = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = headers["ContentSecurityPolicy"]
    assert csp["Override"] is True
    directives = dict(d.split(" ", 1) for d in _text(csp["ContentSecurityPolicy"]).split("; "))
    uploads = _text(synthesized.resources[_ref(_output(synthesized, "UploadsBucketName"))]["Properties"]["BucketName"])
    bucket = f"https://{uploads}.s3.<AWS::URLSuffix> https://{uploads}.s3.<AWS::Region>.<AWS::URLSuffix>"
    (api,) = synthesized.of_type("AWS::ApiGateway::RestApi")
    assert directives == {
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": f"'self' data: blob: {bucket}",
        "connect-src": f"'self' https://<{api}>.execute-api.<AWS::Region>.<AWS::URLSuffix>"
        f" https://cognito-idp.<AWS::Region>.<AWS::URLSuffix> {bucket}",
        "font-src": "'self'",
        "manifest-src": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
    }
    assert headers["StrictTransportSecurity"] == {
        "AccessControlMaxAgeSec": web.HSTS_SECONDS,
        "IncludeSubdomains": True,
        "Override": True,
    }
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert headers["ReferrerPolicy"] == {"ReferrerPolicy": "strict-origin-when-cross-origin", "Override": True}


def _asset_files(synthesized: Synthesized, key: str) -> Path:
    manifest = json.loads((synthesized.outdir / "Hotline.assets.json").read_text())
    (asset,) = [a for a in manifest["files"].values() if any(d["objectKey"] == key for d in a["destinations"].values())]
    return synthesized.outdir / asset["source"]["path"]


def test_the_built_files_and_config_json_are_deployed_with_their_cache_rules(synthesized: Synthesized) -> None:
    bucket, _ = _private_bucket(synthesized, "SiteFiles")
    distribution, _ = _distribution(synthesized)
    deployments = {
        props.get("DestinationBucketKeyPrefix", ""): props
        for props in (d["Properties"] for d in synthesized.of_type("Custom::CDKBucketDeployment").values())
    }
    assets, pages = deployments.pop("assets/"), deployments.pop("")
    assert not deployments
    assert assets["DestinationBucketName"] == pages["DestinationBucketName"] == {"Ref": bucket}

    # Hashed names, cached for good and never pruned: a page loaded before a deployment still finds its scripts.
    assert assets["SystemMetadata"] == {"cache-control": web.IMMUTABLE} and assets["Prune"] is False
    (files,) = assets["SourceObjectKeys"]
    names = {p.name for p in _asset_files(synthesized, files).iterdir()}  # web/dist/assets: scripts and styles
    assert any(n.endswith(".js") for n in names) and not any(n.endswith(".html") for n in names)

    # The pages and config.json: revalidated on every visit, the old ones pruned, CloudFront's copies invalidated.
    assert pages["SystemMetadata"] == {"cache-control": web.REVALIDATE}
    assert pages["Exclude"] == ["assets/*"] and pages["Prune"] is True
    assert pages["DistributionId"] == {"Ref": distribution} and pages["DistributionPaths"] == ["/*"]
    built, generated = (_asset_files(synthesized, key) for key in pages["SourceObjectKeys"])
    assert {str(p.relative_to(built)) for p in built.rglob("*") if p.is_file()} == {"index.html", "console/index.html"}
    config = (generated / "config.json").read_text()
    for marker, value in pages["SourceMarkers"][1].items():
        config = config.replace(marker, _text(value))
    (client,) = synthesized.of_type("AWS::Cognito::UserPoolClient")
    (api,) = synthesized.of_type("AWS::ApiGateway::RestApi")
    assert json.loads(config) == {
        "api_url": f"https://<{api}>.execute-api.<AWS::Region>.<AWS::URLSuffix>/live",
        "cognito": {
            "url": "https://cognito-idp.<AWS::Region>.<AWS::URLSuffix>/",
            "client_id": f"<{client}>",
            "region": "<AWS::Region>",
        },
    }


def test_only_the_sites_origin_may_read_the_apis_answers(synthesized: Synthesized) -> None:
    distribution, _ = _distribution(synthesized)
    site = f"https://<{distribution}.DomainName>"
    assert _text(_output(synthesized, "SiteUrl")) == site
    allowed = f"'{site}'"
    methods = _methods_by_path(synthesized)
    preflights = {path: by_verb["OPTIONS"] for path, by_verb in methods.items() if "OPTIONS" in by_verb}
    assert set(preflights) == {"/v1/{proxy+}", "/v1/staff/{proxy+}"}  # what the pages call; not partners or Open311
    for path, preflight in preflights.items():
        assert preflight["AuthorizationType"] == "NONE" and preflight["Integration"]["Type"] == "MOCK", path
        (answer,) = preflight["Integration"]["IntegrationResponses"]
        assert _text(answer["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"]) == allowed
    refusals = synthesized.of_type("AWS::ApiGateway::GatewayResponse").values()
    assert {
        _text(r["Properties"]["ResponseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"])
        for r in refusals
    } == {allowed}
    # The function's own answers (functions/api/handler.py) and the texts' links: the site.
    _, api = _function(synthesized, API_HANDLER)
    assert _text(api["Properties"]["Environment"]["Variables"]["SITE_URL"]) == site


def test_outputs_name_the_site(synthesized: Synthesized) -> None:
    bucket, _ = _private_bucket(synthesized, "SiteFiles")
    distribution, _ = _distribution(synthesized)
    assert _output(synthesized, "SiteBucketName") == {"Ref": bucket}
    assert _output(synthesized, "DistributionId") == {"Ref": distribution}


def test_a_site_with_its_own_domain_is_served_on_it_with_tls_1_2_or_later() -> None:
    stack = Stack(App(), "Domain")
    api = apigw.RestApi(stack, "Api")
    api.root.add_method("GET")
    certificate = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    site = Site(
        stack,
        "Site",
        api=api,
        staff=StaffDirectory(stack, "Staff"),
        site_url="https://12345.example.gov.cn/",
        certificate_arn=certificate,
    )
    assert (site.url, site.origin) == ("https://12345.example.gov.cn/", "https://12345.example.gov.cn")
    (distribution,) = Template.from_stack(stack).find_resources("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    assert config["Aliases"] == ["12345.example.gov.cn"]
    assert config["ViewerCertificate"] == {
        "AcmCertificateArn": certificate,
        "MinimumProtocolVersion": "TLSv1.2_2021",
        "SslSupportMethod": "sni-only",
    }


# -- page paths: CloudFront's function and the local cloud agree --------------------------------------------------

PAGES = {"index.html": "citizen app", "console/index.html": "console app", "assets/app-1a2b.js": "script"}


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    for name, text in PAGES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def _cloudfront(dist: Path, path: str) -> str:
    """What CloudFront answers: the function's redirect, or the file S3 has under the key it asks for."""
    node = shutil.which("node")
    assert node, "Node.js runs CDK; it runs the function here"
    driver = "process.stdout.write(JSON.stringify(handler({request: {uri: process.argv[1]}})))"
    answer = json.loads(
        subprocess.run(
            [node, "-e", APP_ROUTES + driver, path], capture_output=True, check=True, text=True, timeout=30
        ).stdout
    )
    if "statusCode" in answer:
        return f"{answer['statusCode']} {answer['headers']['location']['value']}"
    key = answer["uri"].lstrip("/") or "index.html"  # the default root object
    return key if (dist / key).is_file() else "404"


def _local(dist: Path, path: str) -> str:
    status, headers, body = LocalSite(dist, {}, "", "default-src 'none'").answer("GET", path, {}, b"") or (0, {}, b"")
    if status == 200:
        (key,) = [name for name, text in PAGES.items() if text.encode() == body]
        return key
    return f"{status} {headers['Location']}" if status == 301 else str(status)


@pytest.mark.parametrize(
    ("path", "served"),
    [
        ("/", "index.html"),
        ("/track", "index.html"),
        ("/survey/2612-000001", "index.html"),
        ("/console/", "console/index.html"),
        ("/console/tickets/2612-000001", "console/index.html"),
        ("/console", "301 /console/"),
        ("/assets/app-1a2b.js", "assets/app-1a2b.js"),
        ("/assets/app-0000.js", "404"),
        ("/assets/gone", "404"),
        ("/favicon.ico", "404"),
    ],
)
def test_cloudfront_and_the_local_cloud_serve_page_paths_alike(dist: Path, path: str, served: str) -> None:
    assert _cloudfront(dist, path) == served
    assert _local(dist, path) == served


def test_without_a_build_the_site_names_the_command_that_makes_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(web, "DIST", tmp_path)
    with pytest.raises(web.NotBuilt, match="make web"):
        web.built()
