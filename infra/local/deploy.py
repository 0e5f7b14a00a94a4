"""Synthesize the CDK app and deploy its template into moto, as `cdk deploy` would into AWS.

moto's CloudFormation creates what it supports (DynamoDB, Lambda, IAM, SNS, API Gateway's RestApi …). What it
skips is created here from the same template: the Cognito user pool, its groups and client, the state
machines (in the Step Functions backend that executes them), the secrets (with values generated here) and the
EventBridge Scheduler schedules (which infra/local/scheduler.py fires) and buckets' CORS rules.
"""

import json
import secrets
import string
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from infra.app import STACK_NAME, build_app

ACCOUNT = "123456789012"
REGION = "us-east-1"
BOOTSTRAP_VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"


@dataclass(frozen=True)
class Deployment:
    template: dict[str, Any]
    outputs: dict[str, str]
    physical_ids: dict[str, str]
    """Logical id -> physical id, for the resources moto created and those created here."""


def synthesize(outdir: Path, site_url: str) -> Path:
    """The app as `cdk synth` makes it; the texts to customers link to `site_url` (the local gateway)."""
    app, _ = build_app(str(outdir), {"site_url": site_url})
    app.synth()
    return outdir


def _zip_asset(source: Path, cache: Path) -> Path:
    """Zip an asset directory once; the zip is cached under the asset's content hash."""
    target = cache / f"{source.name}.zip"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for path in sorted(source.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(source))
        partial.rename(target)
    return target


def _publish_assets(assembly: Path, cache: Path, template: dict[str, Any]) -> None:
    """What the CDK CLI's asset publishing does: file assets into the bootstrap bucket (those the template uses)."""
    s3 = boto3.client("s3", region_name=REGION)
    bucket = f"cdk-hnb659fds-assets-{ACCOUNT}-{REGION}"
    s3.create_bucket(Bucket=bucket)
    manifest = json.loads((assembly / f"{STACK_NAME}.assets.json").read_text())
    used = json.dumps(template)
    for asset in manifest["files"].values():
        destinations = [d["objectKey"] for d in asset["destinations"].values() if d["objectKey"] in used]
        if not destinations:
            continue
        source = assembly / asset["source"]["path"]
        body = _zip_asset(source, cache) if asset["source"].get("packaging") == "zip" else source
        for key in destinations:
            s3.upload_file(str(body), bucket, key)


def _for_moto(template: dict[str, Any]) -> dict[str, Any]:
    """The template without what moto cannot create and the local cloud does itself: the copying of web/dist into the
    site's bucket (infra/local/site.py serves web/dist; CDK's deployment function runs the AWS CLI from a layer) and
    the CORS preflights' MOCK methods (infra/local/gateway.py answers them from the template). moto skips the
    CloudFront resources, which it does not know."""
    resources = template["Resources"]
    left_out: set[str] = set()
    for logical, resource in resources.items():
        if resource["Type"] == "Custom::CDKBucketDeployment":
            function = resource["Properties"]["ServiceToken"]["Fn::GetAtt"][0]
            layers = [layer["Ref"] for layer in resources[function]["Properties"].get("Layers", [])]
            left_out.update((logical, function, *layers))
        elif resource["Type"] == "AWS::ApiGateway::Method" and resource["Properties"]["Integration"]["Type"] == "MOCK":
            left_out.add(logical)
    kept = {}
    for logical, resource in resources.items():
        if logical not in left_out:
            needs = resource.get("DependsOn")
            if needs:
                resource = {**resource, "DependsOn": [n for n in _as_list(needs) if n not in left_out]}
            kept[logical] = resource
    return {**template, "Resources": kept}


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def _create_cognito(template: dict[str, Any]) -> dict[str, str]:
    cognito = boto3.client("cognito-idp", region_name=REGION)
    resources = template["Resources"]
    ids: dict[str, str] = {}
    for logical, resource in resources.items():
        if resource["Type"] == "AWS::Cognito::UserPool":
            props = resource["Properties"]
            pool = cognito.create_user_pool(
                PoolName=f"{STACK_NAME}-{logical}",
                Policies=props["Policies"],
                Schema=props.get("Schema", []),
                AliasAttributes=props.get("AliasAttributes", []),
                MfaConfiguration=props.get("MfaConfiguration", "OFF"),
                AdminCreateUserConfig=props.get("AdminCreateUserConfig", {}),
            )["UserPool"]
            ids[logical] = pool["Id"]
    for logical, resource in resources.items():
        props = resource["Properties"]
        if resource["Type"] == "AWS::Cognito::UserPoolGroup":
            pool_id = ids[props["UserPoolId"]["Ref"]]
            cognito.create_group(UserPoolId=pool_id, GroupName=props["GroupName"])
            ids[logical] = props["GroupName"]
        elif resource["Type"] == "AWS::Cognito::UserPoolClient":
            client = cognito.create_user_pool_client(
                UserPoolId=ids[props["UserPoolId"]["Ref"]],
                ClientName=logical,
                ExplicitAuthFlows=props["ExplicitAuthFlows"],
                GenerateSecret=props.get("GenerateSecret", False),
                IdTokenValidity=props.get("IdTokenValidity", 60),
                TokenValidityUnits=props.get("TokenValidityUnits", {}),
            )["UserPoolClient"]
            ids[logical] = client["ClientId"]
    return ids


def _create_secrets(template: dict[str, Any]) -> dict[str, str]:
    """Each secret with a fresh random value, as GenerateSecretString makes one at deploy: logical id -> ARN."""
    client = boto3.client("secretsmanager", region_name=REGION)
    arns: dict[str, str] = {}
    for logical, resource in template["Resources"].items():
        if resource["Type"] != "AWS::SecretsManager::Secret":
            continue
        spec = dict(resource["Properties"]["GenerateSecretString"])
        length = spec.pop("PasswordLength", 32)
        punctuation = "" if spec.pop("ExcludePunctuation", False) else string.punctuation
        alphabet = string.ascii_letters + string.digits + punctuation
        if spec:
            raise NotImplementedError(f"{logical}: the local cloud does not generate {sorted(spec)}")
        value = "".join(secrets.choice(alphabet) for _ in range(length))
        arns[logical] = client.create_secret(Name=f"{STACK_NAME}-{logical}", SecretString=value)["ARN"]
    return arns


def _resolved(node: Any, refs: dict[str, str]) -> Any:
    """The template with `Ref`s to these resources replaced by their values (moto cannot resolve skipped ones)."""
    if isinstance(node, dict):
        if set(node) == {"Ref"} and node["Ref"] in refs:
            return refs[node["Ref"]]
        return {key: _resolved(value, refs) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolved(value, refs) for value in node]
    return node


def _attribute_arn(logical: str, template: dict[str, Any], physical: dict[str, str]) -> str:
    kind = template["Resources"][logical]["Type"]
    name = physical[logical]
    if kind == "AWS::Lambda::Function":
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    if kind == "AWS::IAM::Role":
        return f"arn:aws:iam::{ACCOUNT}:role/{name}"
    if kind == "AWS::SQS::Queue":  # moto's physical id is the queue's URL
        return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name.rsplit('/', 1)[-1]}"
    raise ValueError(f"no ARN for {kind}")


def _create_state_machines(assembly: Path, template: dict[str, Any], physical: dict[str, str]) -> None:
    """moto's CloudFormation records state machines without running them: create each in Step Functions, with its
    definition (inline, or the ASL file CDK published as an asset) and its substitutions resolved."""
    manifest = json.loads((assembly / f"{STACK_NAME}.assets.json").read_text())
    sources = {
        destination["objectKey"]: assembly / asset["source"]["path"]
        for asset in manifest["files"].values()
        for destination in asset["destinations"].values()
    }
    stepfunctions = boto3.client("stepfunctions", region_name=REGION)
    for logical, resource in template["Resources"].items():
        if resource["Type"] != "AWS::StepFunctions::StateMachine":
            continue
        props = resource["Properties"]
        definition = props.get("DefinitionString") or sources[props["DefinitionS3Location"]["Key"]].read_text()
        for name, value in props.get("DefinitionSubstitutions", {}).items():
            definition = definition.replace(f"${{{name}}}", _attribute_arn(value["Fn::GetAtt"][0], template, physical))
        arn = physical[logical]
        stepfunctions.create_state_machine(
            name=arn.rsplit(":", 1)[1],
            definition=definition,
            roleArn=_attribute_arn(props["RoleArn"]["Fn::GetAtt"][0], template, physical),
            type=props.get("StateMachineType", "STANDARD"),
        )


def _with_arns(node: Any, template: dict[str, Any], physical: dict[str, str]) -> Any:
    """`node` with each `Fn::GetAtt [<resource>, Arn]` replaced by the ARN."""
    if isinstance(node, dict):
        if set(node) == {"Fn::GetAtt"} and node["Fn::GetAtt"][1] == "Arn":
            return _attribute_arn(node["Fn::GetAtt"][0], template, physical)
        return {key: _with_arns(value, template, physical) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_arns(value, template, physical) for value in node]
    return node


def _create_schedules(template: dict[str, Any], physical: dict[str, str]) -> None:
    """moto's CloudFormation skips EventBridge Scheduler: each schedule is created in moto's Scheduler as declared."""
    scheduler = boto3.client("scheduler", region_name=REGION)
    groups: dict[str, str] = {}
    for logical, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Scheduler::ScheduleGroup":
            groups[logical] = resource.get("Properties", {}).get("Name", f"{STACK_NAME}-{logical}")
            scheduler.create_schedule_group(Name=groups[logical])
    physical.update(groups)  # a group's Ref is its name
    for logical, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Scheduler::Schedule":
            continue
        props = _with_arns(_resolved(resource["Properties"], groups), template, physical)
        optional = ("GroupName", "Description", "ScheduleExpressionTimezone", "State", "ActionAfterCompletion")
        created = scheduler.create_schedule(
            Name=props.get("Name", f"{STACK_NAME}-{logical}"),
            ScheduleExpression=props["ScheduleExpression"],
            FlexibleTimeWindow=props["FlexibleTimeWindow"],
            Target=props["Target"],
            **{name: props[name] for name in optional if name in props},
        )
        physical[logical] = created["ScheduleArn"]


def _put_bucket_cors(template: dict[str, Any], physical: dict[str, str]) -> None:
    """moto's CloudFormation skips a bucket's CORS rules (the uploads bucket takes posts from the site alone): each
    is put as declared, its origins literal (the local cloud synthesizes with the site's URL)."""
    s3 = boto3.client("s3", region_name=REGION)
    optional = {"AllowedHeaders": "AllowedHeaders", "ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds"}
    for logical, resource in template["Resources"].items():
        if resource["Type"] != "AWS::S3::Bucket" or "CorsConfiguration" not in resource.get("Properties", {}):
            continue
        rules: list[Any] = []
        for rule in resource["Properties"]["CorsConfiguration"]["CorsRules"]:
            if not all(isinstance(origin, str) for origin in rule["AllowedOrigins"]):
                raise ValueError(f"{logical}: CORS origins must be literal here, not {rule['AllowedOrigins']}")
            rules.append(
                {"AllowedMethods": rule["AllowedMethods"], "AllowedOrigins": rule["AllowedOrigins"]}
                | {api: rule[cfn] for cfn, api in optional.items() if cfn in rule}
            )
        s3.put_bucket_cors(Bucket=physical[logical], CORSConfiguration={"CORSRules": rules})


def _outputs(template: dict[str, Any], physical: dict[str, str]) -> dict[str, str]:
    """Outputs that are a plain Ref or a literal; the API URL is the local gateway's, not AWS's."""
    outputs: dict[str, str] = {}
    for name, output in template.get("Outputs", {}).items():
        value = output["Value"]
        if isinstance(value, str):
            outputs[name] = value
        elif isinstance(value, dict) and "Ref" in value and value["Ref"] in physical:
            outputs[name] = physical[value["Ref"]]
    return outputs


def deploy(assembly: Path, cache: Path) -> Deployment:
    template = json.loads((assembly / f"{STACK_NAME}.template.json").read_text())
    for_moto = _for_moto(template)
    boto3.client("ssm", region_name=REGION).put_parameter(
        Name=BOOTSTRAP_VERSION_PARAMETER, Value="30", Type="String", Overwrite=True
    )
    _publish_assets(assembly, cache, for_moto)
    created_secrets = _create_secrets(template)
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    cloudformation.create_stack(
        StackName=STACK_NAME,
        TemplateBody=json.dumps(_resolved(for_moto, created_secrets)),
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    cloudformation.get_waiter("stack_create_complete").wait(StackName=STACK_NAME, WaiterConfig={"Delay": 1})
    physical = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in cloudformation.describe_stack_resources(StackName=STACK_NAME)["StackResources"]
        if r.get("PhysicalResourceId")
    }
    physical.update(created_secrets)
    physical.update(_create_cognito(template))
    _create_state_machines(assembly, template, physical)
    _create_schedules(template, physical)
    _put_bucket_cors(template, physical)
    return Deployment(template=template, outputs=_outputs(template, physical), physical_ids=physical)
