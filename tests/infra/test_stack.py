"""The synthesized stack: what the template promises about storage, functions, the API and staff sign-in."""

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match
from hotline.aws.api_gateway import OWNER_TAG
from hotline.aws.s3 import INDEX_KEY
from hotline.domain.staff.roles import Role
from hotline.domain.tickets.publication import SOURCE
from hotline.domain.webhooks.delivery import MAX_ATTEMPTS
from hotline.store.models import TICKET_INDEX_INCLUDES, TICKET_INDEXES, bind

from infra.constructs.ticket_clock import FIRST_WAKE, first_generation_definition
from tests.infra.conftest import Synthesized

API_HANDLER = "functions.api.handler.handler"


def _only(resources: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    assert len(resources) == 1, sorted(resources)
    return next(iter(resources.items()))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _ref(value: Any) -> str:
    """The logical id a `Ref` or `Fn::GetAtt` points at."""
    if "Ref" in value:
        return str(value["Ref"])
    return str(value["Fn::GetAtt"][0])


# -- storage ------------------------------------------------------------------------------------------


def test_table_is_on_demand_recoverable_and_survives_stack_deletion(synthesized: Synthesized) -> None:
    synthesized.template.resource_count_is("AWS::DynamoDB::Table", 1)
    synthesized.template.has_resource(
        "AWS::DynamoDB::Table",
        {
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "BillingMode": "PAY_PER_REQUEST",
                    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                    "DeletionProtectionEnabled": True,
                    "KeySchema": [
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "sk", "KeyType": "RANGE"},
                    ],
                }
            ),
        },
    )


def test_table_indexes_are_the_ones_the_store_queries(synthesized: Synthesized) -> None:
    _, table = _only(synthesized.of_type("AWS::DynamoDB::Table"))
    cdk = {
        index["IndexName"]: (
            {k["KeyType"]: k["AttributeName"] for k in index["KeySchema"]},
            index["Projection"]["ProjectionType"],
            index["Projection"].get("NonKeyAttributes"),
        )
        for index in table["Properties"]["GlobalSecondaryIndexes"]
    }
    assert cdk == {
        name: (
            {"HASH": h, "RANGE": r},
            "ALL" if name not in TICKET_INDEX_INCLUDES else "INCLUDE" if TICKET_INDEX_INCLUDES[name] else "KEYS_ONLY",
            TICKET_INDEX_INCLUDES.get(name) or None,
        )
        for name, (h, r) in TICKET_INDEXES.items()
    }
    assert cdk["public"][2] == ["public_doc"]  # the public map's index holds nothing personal
    assert cdk["customer_due"][1] == "KEYS_ONLY"  # the survey sweep reads numbers from it, nothing personal
    assert cdk["callbacks"][1] == "KEYS_ONLY"  # the callback queue reads a page of numbers, then those tickets

    # The PynamoDB model is what actually queries the table: its own schema must match the CDK table too.
    schema = bind("hotline", "us-east-1").ticket._get_schema()
    pynamo = {
        index["index_name"]: (
            {k["KeyType"]: k["AttributeName"] for k in index["key_schema"]},
            index["projection"]["ProjectionType"],
            index["projection"].get("NonKeyAttributes"),
        )
        for index in schema["global_secondary_indexes"]
    }
    assert pynamo == cdk
    assert table["Properties"]["KeySchema"] == [
        {"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in schema["key_schema"]
    ]

    def definitions(items: list[dict[str, str]]) -> set[tuple[str, str]]:
        return {(d["AttributeName"], d["AttributeType"]) for d in items}

    assert definitions(table["Properties"]["AttributeDefinitions"]) == definitions(schema["attribute_definitions"])


# -- functions ----------------------------------------------------------------------------------------


def test_functions_are_arm64_python3_with_json_logs_kept_for_a_while(synthesized: Synthesized) -> None:
    functions = synthesized.of_type("AWS::Lambda::Function")
    assert functions
    log_groups = synthesized.of_type("AWS::Logs::LogGroup")
    for name, function in functions.items():
        props = function["Properties"]
        assert props["Architectures"] == ["arm64"], name
        assert re.fullmatch(r"python3\.1\d", props["Runtime"]), (name, props["Runtime"])
        if props["Handler"].startswith("functions."):  # ours log with Powertools; CDK's site deployment prints text
            assert props["LoggingConfig"]["LogFormat"] == "JSON", name
        group = _ref(props["LoggingConfig"]["LogGroup"])
        assert log_groups[group]["Properties"]["RetentionInDays"] > 0, name


def test_api_function_may_touch_only_its_table_and_not_with_wildcards(synthesized: Synthesized) -> None:
    functions = synthesized.of_type("AWS::Lambda::Function")
    _, function = _only({n: f for n, f in functions.items() if f["Properties"]["Handler"] == API_HANDLER})
    role = _ref(function["Properties"]["Role"])
    policies = [
        p for p in synthesized.of_type("AWS::IAM::Policy").values() if {"Ref": role} in p["Properties"]["Roles"]
    ]
    assert policies
    statements = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]
    actions = {a for s in statements for a in _as_list(s["Action"])}

    assert not {a for a in actions if a == "*" or a.endswith(":*")}, sorted(actions)
    # What the store calls: reads (batched for Open311 lookups), queries, and the conditional transaction
    # that numbers a ticket.
    assert {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem"} <= actions
    assert "dynamodb:ConditionCheckItem" in actions
    for statement in statements:
        if any(a.startswith("dynamodb:") for a in _as_list(statement["Action"])):
            assert "*" not in _as_list(statement["Resource"]), statement
    assert all(s["Effect"] == "Allow" for s in statements)
    managed = synthesized.resources[role]["Properties"].get("ManagedPolicyArns", [])
    assert all("AWSLambdaBasicExecutionRole" in json.dumps(arn) for arn in managed), managed


# -- REST API -----------------------------------------------------------------------------------------


def _methods_by_path(synthesized: Synthesized) -> dict[str, dict[str, dict[str, Any]]]:
    """`/v1/partner/{proxy+}` -> {"ANY": properties}, by walking each resource's parents to the root."""
    resources = synthesized.of_type("AWS::ApiGateway::Resource")

    def path(resource_id: Any) -> str:
        if "Fn::GetAtt" in resource_id:  # the REST API's RootResourceId
            return ""
        node = resources[_ref(resource_id)]["Properties"]
        return f"{path(node['ParentId'])}/{node['PathPart']}"

    methods: dict[str, dict[str, dict[str, Any]]] = {}
    for method in synthesized.of_type("AWS::ApiGateway::Method").values():
        props = method["Properties"]
        methods.setdefault(path(props["ResourceId"]) or "/", {})[props["HttpMethod"]] = props
    return methods


def test_live_stage_is_throttled(synthesized: Synthesized) -> None:
    _, stage = _only(
        {
            n: s
            for n, s in synthesized.of_type("AWS::ApiGateway::Stage").items()
            if s["Properties"]["StageName"] == "live"
        }
    )
    settings = stage["Properties"]["MethodSettings"]
    assert any(
        s["HttpMethod"] == "*"
        and s["ResourcePath"] == "/*"
        and s["ThrottlingRateLimit"] > 0
        and s["ThrottlingBurstLimit"] > 0
        for s in settings
    ), settings


def test_each_audience_has_its_own_throttle(synthesized: Synthesized) -> None:
    # One stage-wide bucket let an anonymous flood starve partners and staff.
    (stage,) = [
        s for s in synthesized.of_type("AWS::ApiGateway::Stage").values() if s["Properties"]["StageName"] == "live"
    ]
    by_path = {
        s["ResourcePath"].replace("/~1", "/").replace("~1", "/"): (s["ThrottlingRateLimit"], s["ThrottlingBurstLimit"])
        for s in stage["Properties"]["MethodSettings"]
        if s["HttpMethod"] == "*"
    }
    audiences = ["/v1/{proxy+}", "/open311/{proxy+}", "/v1/partner/{proxy+}", "/v1/staff/{proxy+}"]
    assert set(audiences) <= set(by_path) and set(audiences) == set(_methods_by_path(synthesized)), by_path
    assert all(rate > 0 and burst >= rate for rate, burst in by_path.values())
    public = by_path["/v1/{proxy+}"][0] + by_path["/open311/{proxy+}"][0]
    assert public < by_path["/*"][0] + by_path["/v1/partner/{proxy+}"][0] + by_path["/v1/staff/{proxy+}"][0]
    assert all(s.get("LoggingLevel") == "ERROR" for s in stage["Properties"]["MethodSettings"])


def _statements(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """A WAF statement and every statement nested in it."""
    nested = [
        inner
        for value in statement.values()
        if isinstance(value, dict)
        for key in ("Statement", "ScopeDownStatement")
        if key in value
        for inner in _statements(value[key])
    ]
    return [statement, *nested]


def test_a_waf_web_acl_with_managed_rules_and_per_address_rates_guards_the_stage(synthesized: Synthesized) -> None:
    name, acl = _only(synthesized.of_type("AWS::WAFv2::WebACL"))
    props = acl["Properties"]
    assert props["Scope"] == "REGIONAL" and props["DefaultAction"] == {"Allow": {}}
    rules = {rule["Name"]: rule for rule in props["Rules"]}
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in rules.values()
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= managed
    assert all(rules[group]["OverrideAction"] == {"None": {}} for group in managed)  # the groups block
    common = rules["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    counted = {o["Name"] for o in common["RuleActionOverrides"] if o["ActionToUse"] == {"Count": {}}}
    assert "SizeRestrictions_BODY" in counted  # bodies up to 64 KiB are valid; the rule blocks over 8 KiB
    rates = [r for r in rules.values() if "RateBasedStatement" in r["Statement"]]
    assert rates and all(r["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP" for r in rates)
    for rate in rates:
        response = rate["Action"]["Block"]["CustomResponse"]
        body = json.loads(props["CustomResponseBodies"][response["CustomResponseBodyKey"]]["Content"])
        assert response["ResponseCode"] == 429 and body["error"]["code"] == "throttled"
    # The tighter anonymous limit leaves out the routes that need a staff token or a partner key.
    scoped = [
        r["Statement"]["RateBasedStatement"]
        for r in rates
        if "ScopeDownStatement" in r["Statement"]["RateBasedStatement"]
    ]
    (pattern,) = [
        s["RegexMatchStatement"]["RegexString"]
        for r in scoped
        for s in _statements(r["ScopeDownStatement"])
        if "RegexMatchStatement" in s
    ]
    for path in ("/live/v1/staff/tickets", "/live/v1/partner/tickets", "/v1/staff/tickets"):
        assert re.search(pattern, path), path
    for path in ("/live/v1/tickets", "/live/open311/v2/requests.json", "/live/v1/catalog/v1/staff/"):
        assert not re.search(pattern, path), path
    assert len({r["Priority"] for r in props["Rules"]}) == len(props["Rules"])

    _, association = _only(synthesized.of_type("AWS::WAFv2::WebACLAssociation"))
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [name, "Arn"]}
    arn = json.dumps(association["Properties"]["ResourceArn"])
    (stage,) = [
        n for n, s in synthesized.of_type("AWS::ApiGateway::Stage").items() if s["Properties"]["StageName"] == "live"
    ]
    (rest_api,) = synthesized.of_type("AWS::ApiGateway::RestApi")
    assert f'"Ref": "{stage}"' in arn and f'"Ref": "{rest_api}"' in arn and "/restapis/" in arn


def test_routes_are_split_by_audience(synthesized: Synthesized) -> None:
    methods = _methods_by_path(synthesized)
    # OPTIONS: the CORS preflights of the routes the site's pages call (tests/infra/test_site.py).
    assert {path: set(by_verb) for path, by_verb in methods.items()} == {
        "/v1/{proxy+}": {"ANY", "OPTIONS"},
        "/v1/partner/{proxy+}": {"ANY"},
        "/v1/staff/{proxy+}": {"ANY", "OPTIONS"},
        "/open311/{proxy+}": {"ANY"},
    }

    public = methods["/v1/{proxy+}"]["ANY"]
    assert public["AuthorizationType"] == "NONE"
    assert not public.get("ApiKeyRequired", False)

    partner = methods["/v1/partner/{proxy+}"]["ANY"]
    assert partner["ApiKeyRequired"] is True

    open311 = methods["/open311/{proxy+}"]["ANY"]  # the key is a form field, checked in the Lambda
    assert open311["AuthorizationType"] == "NONE" and not open311.get("ApiKeyRequired", False)

    staff = methods["/v1/staff/{proxy+}"]["ANY"]
    assert staff["AuthorizationType"] == "COGNITO_USER_POOLS"
    authorizer = synthesized.resources[_ref(staff["AuthorizerId"])]["Properties"]
    assert authorizer["Type"] == "COGNITO_USER_POOLS"
    (pool,) = synthesized.of_type("AWS::Cognito::UserPool")
    assert [_ref(arn) for arn in authorizer["ProviderARNs"]] == [pool]


def test_every_route_reaches_the_api_function_as_a_proxy(synthesized: Synthesized) -> None:
    functions = synthesized.of_type("AWS::Lambda::Function")
    (api_function,) = [n for n, f in functions.items() if f["Properties"]["Handler"] == API_HANDLER]
    for path, by_verb in _methods_by_path(synthesized).items():
        integration = by_verb["ANY"]["Integration"]
        assert integration["Type"] == "AWS_PROXY", path
        assert api_function in json.dumps(integration["Uri"]), path


# -- staff sign-in ------------------------------------------------------------------------------------


def test_every_role_is_a_cognito_group(synthesized: Synthesized) -> None:
    groups = {g["Properties"]["GroupName"] for g in synthesized.of_type("AWS::Cognito::UserPoolGroup").values()}
    assert groups == {"agent", "dispatcher", "unit", "supervisor", "admin", "knowledge"}
    assert groups == {role.value for role in Role}


def test_staff_client_signs_in_with_username_and_password(synthesized: Synthesized) -> None:
    _, client = _only(synthesized.of_type("AWS::Cognito::UserPoolClient"))
    assert "ALLOW_USER_PASSWORD_AUTH" in client["Properties"]["ExplicitAuthFlows"]
    assert client["Properties"]["GenerateSecret"] is False


# -- checks on the whole template ---------------------------------------------------------------------


def test_cdk_nag_reports_no_unacknowledged_errors(synthesized: Synthesized) -> None:
    # Synth itself fails on such errors; the report says which rules were acknowledged and why.
    report_path = synthesized.outdir / "validation-report.json"
    assert report_path.exists(), "cdk-nag did not run: is AwsSolutionsChecks still added in infra/app.py?"
    report = json.loads(report_path.read_text())
    (nag,) = [r for r in report["pluginReports"] if r["pluginName"] == "AwsSolutions"]
    errors = [v for v in nag["violations"] if v.get("severity") == "error"]
    assert not errors, json.dumps(errors, indent=2)
    assert nag["conclusion"] == "success"
    assert all(s.get("reason", "").strip() for s in nag.get("suppressedViolations", []))


def test_template_passes_cfn_lint(synthesized: Synthesized) -> None:
    executable = Path(sys.executable).with_name("cfn-lint")
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "cfnlint"]
    # W3005: CDK adds DependsOn entries that a Ref already implies.
    result = subprocess.run(
        [*command, "--ignore-checks", "W3005", "--", str(synthesized.template_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"cfn-lint exited {result.returncode}:\n{result.stdout}{result.stderr}"


# -- the ticket clock ---------------------------------------------------------------------------------

CLOCK_HANDLER = "functions.clock.handler.handler"
ASL_PATH = Path(__file__).resolve().parents[2] / "infra" / "workflows" / "ticket_clock.asl.json"


def _function(synthesized: Synthesized, handler: str) -> tuple[str, dict[str, Any]]:
    functions = synthesized.of_type("AWS::Lambda::Function")
    return _only({n: f for n, f in functions.items() if f["Properties"]["Handler"] == handler})


def _statements_of(synthesized: Synthesized, role: str) -> list[dict[str, Any]]:
    policies = [
        p for p in synthesized.of_type("AWS::IAM::Policy").values() if {"Ref": role} in p["Properties"]["Roles"]
    ]
    assert policies, role
    statements = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]
    assert all(s["Effect"] == "Allow" for s in statements)
    return statements


def _allowed(statements: list[dict[str, Any]], action: str) -> list[Any]:
    """Every resource the statements allow `action` on."""
    return [r for s in statements if action in _as_list(s["Action"]) for r in _as_list(s["Resource"])]


def _topic(synthesized: Synthesized, output: str) -> tuple[str, dict[str, Any]]:
    """The SNS topic a stack output names (`NotificationsTopicArn`, `OpsTopicArn`)."""
    topic = _ref(synthesized.template.to_json()["Outputs"][output]["Value"])
    return topic, synthesized.of_type("AWS::SNS::Topic")[topic]


def _state_machines(synthesized: Synthesized) -> dict[str, tuple[str, dict[str, Any]]]:
    """The ticket clock's two machines: `later` (every generation after the first) and `first` (intake's)."""
    machines = synthesized.of_type("AWS::StepFunctions::StateMachine")
    assert len(machines) == 2, sorted(machines)
    (first,) = [name for name in machines if "FirstGeneration" in name]
    (later,) = [name for name in machines if name != first]
    return {"later": (later, machines[later]), "first": (first, machines[first])}


def test_ticket_clock_is_two_standard_state_machines_logged_not_traced(synthesized: Synthesized) -> None:
    for _, machine in _state_machines(synthesized).values():
        props = machine["Properties"]
        assert props["StateMachineType"] == "STANDARD"  # waits of days: Express executions last five minutes
        assert props.get("TracingConfiguration", {"Enabled": False}) == {"Enabled": False}  # a trace outprices it
        logging = props["LoggingConfiguration"]
        assert logging["Level"] == "ALL"
        assert logging["IncludeExecutionData"] is False
        (destination,) = logging["Destinations"]
        group = _ref(destination["CloudWatchLogsLogGroup"]["LogGroupArn"])
        assert synthesized.resources[group]["Properties"]["RetentionInDays"] > 0


def test_ticket_clock_definition_is_the_asl_file_wired_to_the_clock_function(synthesized: Synthesized) -> None:
    clock, _ = _function(synthesized, CLOCK_HANDLER)
    machines = _state_machines(synthesized)
    props = machines["later"][1]["Properties"]
    assert "DefinitionString" not in props and "Definition" not in props
    key = props["DefinitionS3Location"]["Key"]
    asset = synthesized.outdir / f"asset.{key}"
    assert asset.exists(), sorted(p.name for p in synthesized.outdir.iterdir())
    assert asset.read_bytes() == ASL_PATH.read_bytes()
    # The first generation's definition is the same file's states, entered at a `First wake`.
    first = machines["first"][1]["Properties"]
    assert first["DefinitionString"] == first_generation_definition()
    for machine in (props, first):
        assert machine["DefinitionSubstitutions"] == {"ClockFunctionArn": {"Fn::GetAtt": [clock, "Arn"]}}
    assert "${ClockFunctionArn}" in ASL_PATH.read_text()


def test_clock_function_invokes_steers_and_publishes_nothing(synthesized: Synthesized) -> None:
    _, function = _function(synthesized, CLOCK_HANDLER)
    props = function["Properties"]
    assert props["Architectures"] == ["arm64"]
    statements = _statements_of(synthesized, _ref(props["Role"]))
    actions = {a for s in statements for a in _as_list(s["Action"])}
    assert not {a for a in actions if a.startswith(("lambda:", "states:", "sns:"))}, sorted(actions)
    assert not {a for a in actions if a == "*" or a.endswith(":*")}, sorted(actions)
    # Its wake-ups store their notifications with the ticket; the events function sends them.
    assert "NOTIFICATIONS_TOPIC_ARN" not in props["Environment"]["Variables"]
    assert "CLOCK_STATE_MACHINE_ARN" not in props["Environment"]["Variables"]


def test_state_machine_may_invoke_only_the_clock_function_itself(synthesized: Synthesized) -> None:
    clock, _ = _function(synthesized, CLOCK_HANDLER)
    for _, machine in _state_machines(synthesized).values():
        statements = _statements_of(synthesized, _ref(machine["Properties"]["RoleArn"]))
        invoke = [a for s in statements for a in _as_list(s["Action"]) if a.startswith("lambda:")]
        assert invoke == ["lambda:InvokeFunction"]
        # Not `<arn>:*` (every version and alias), and nothing else.
        assert _allowed(statements, "lambda:InvokeFunction") == [{"Fn::GetAtt": [clock, "Arn"]}]
        assert not [a for s in statements for a in _as_list(s["Action"]) if a.startswith(("states:", "dynamodb:"))]


def _restarts_clocks(synthesized: Synthesized, function: dict[str, Any]) -> None:
    """`function` starts and stops executions of the clock's two machines, and nothing else in Step Functions."""
    machines = _state_machines(synthesized)
    env = function["Properties"]["Environment"]["Variables"]
    assert env["CLOCK_STATE_MACHINE_ARN"] == {"Ref": machines["later"][0]}
    assert env["CLOCK_FIRST_STATE_MACHINE_ARN"] == {"Ref": machines["first"][0]}
    statements = _statements_of(synthesized, _ref(function["Properties"]["Role"]))
    states = {a for s in statements for a in _as_list(s["Action"]) if a.startswith("states:")}
    assert states == {"states:StartExecution", "states:StopExecution"}
    assert sorted(map(str, _allowed(statements, "states:StartExecution"))) == sorted(
        str({"Ref": name}) for name, _ in machines.values()
    )
    stops = _allowed(statements, "states:StopExecution")
    assert len(stops) == 2
    for name, _ in machines.values():
        (stop,) = [stop for stop in stops if {"Fn::GetAtt": [name, "Name"]} in stop["Fn::Join"][1]]
        parts = stop["Fn::Join"][1]
        assert ":execution:" in parts and parts[-1] == ":*"  # executions of this machine only


def test_api_function_starts_and_stops_only_the_clock_executions(synthesized: Synthesized) -> None:
    _, function = _function(synthesized, API_HANDLER)
    _restarts_clocks(synthesized, function)
    env = function["Properties"]["Environment"]["Variables"]
    statements = _statements_of(synthesized, _ref(function["Properties"]["Role"]))
    # Staff actions store their notifications with the ticket; the events function sends them.
    assert not [a for s in statements for a in _as_list(s["Action"]) if a.startswith("sns:")]
    assert "NOTIFICATIONS_TOPIC_ARN" not in env


@pytest.mark.parametrize("output", ["NotificationsTopicArn", "OpsTopicArn", "ReportMailTopicArn"])
def test_topics_are_kms_encrypted_and_ssl_only(synthesized: Synthesized, output: str) -> None:
    topic, props = _topic(synthesized, output)
    assert props["Properties"].get("KmsMasterKeyId"), props
    (policy,) = [
        p["Properties"]
        for p in synthesized.of_type("AWS::SNS::TopicPolicy").values()
        if {"Ref": topic} in p["Properties"]["Topics"]
    ]
    assert any(
        s["Effect"] == "Deny"
        and s["Principal"] == "*"
        and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        and s["Resource"] == {"Ref": topic}
        for s in policy["PolicyDocument"]["Statement"]
    ), policy


def test_table_has_the_sparse_overdue_index(synthesized: Synthesized) -> None:
    _, table = _only(synthesized.of_type("AWS::DynamoDB::Table"))
    (index,) = [i for i in table["Properties"]["GlobalSecondaryIndexes"] if i["IndexName"] == "overdue"]
    assert index["KeySchema"][0] == {"AttributeName": "overdue", "KeyType": "HASH"}
    assert {"AttributeName": "overdue", "AttributeType": "S"} in table["Properties"]["AttributeDefinitions"]
    # Sparse: the attribute is written only while a ticket is overdue, so the index holds only those.
    assert TICKET_INDEXES["overdue"][0] == "overdue"


def test_asl_sleeps_wakes_with_retries_and_stops_when_done(synthesized: Synthesized) -> None:
    asl = json.loads(ASL_PATH.read_text())
    states = asl["States"]
    by_type: dict[str, list[str]] = {}
    for name, state in states.items():
        by_type.setdefault(state["Type"], []).append(name)
    # Every state transition is billed on Standard: no Pass states, nothing beyond the loop and its way out.
    assert sorted(by_type) == ["Choice", "Fail", "Succeed", "Task", "Wait"], by_type
    assert all(len(names) == 1 for names in by_type.values()), by_type

    (sleep,) = by_type["Wait"]
    (wake,) = by_type["Task"]
    (choice,) = by_type["Choice"]
    (done,) = by_type["Succeed"]
    (failed,) = by_type["Fail"]
    assert asl["StartAt"] == sleep
    assert states[sleep] == {"Type": "Wait", "TimestampPath": "$.wake_at", "Next": wake}
    # A first generation enters the same states at a copy of the Wake that sleeps next, without the Choice.
    first = json.loads(first_generation_definition())
    assert first["StartAt"] == FIRST_WAKE
    assert first["States"] == {**states, FIRST_WAKE: {**states[wake], "Next": sleep}}

    task = states[wake]
    assert task["Resource"] == "arn:aws:states:::lambda:invoke"
    assert task["Parameters"]["FunctionName"] == "${ClockFunctionArn}"
    assert set(task["Parameters"]["Payload"]) == {"number.$", "generation.$"}
    assert task["OutputPath"] == "$.Payload"
    assert task["Next"] == choice
    retried = {e for r in task["Retry"] for e in r["ErrorEquals"]}
    transient = {"Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException"}
    assert transient | {"Lambda.TooManyRequestsException", "States.Timeout", "States.TaskFailed"} <= retried
    assert 0 < task["TimeoutSeconds"] <= 120  # a hung invocation times out (States.Timeout) and is retried
    assert all(0 < r["MaxAttempts"] <= 10 for r in task["Retry"])
    # What still fails after the retries ends the execution as failed (the ops alarm), never silently.
    assert task["Catch"] == [{"ErrorEquals": ["States.ALL"], "Next": failed}]
    assert states[failed]["Error"] == "TicketClockFailed"

    rule = states[choice]
    (only,) = rule["Choices"]
    assert only == {"Variable": "$.done", "BooleanEquals": True, "Next": done}
    assert rule["Default"] == sleep


# -- ticket events and webhooks -------------------------------------------------------------------------

EVENTS_HANDLER = "functions.events.handler.handler"
WEBHOOKS_HANDLER = "functions.webhooks.handler.handler"
SURVEYS_HANDLER = "functions.surveys.handler.handler"
AGGREGATES_HANDLER = "functions.aggregates.handler.handler"
REPORTS_HANDLER = "functions.reports.handler.handler"
STREAM_READ = {"dynamodb:ListStreams", "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}


def _mapping_of(synthesized: Synthesized, function: str) -> dict[str, Any]:
    mappings = synthesized.of_type("AWS::Lambda::EventSourceMapping")
    _, mapping = _only({n: m for n, m in mappings.items() if m["Properties"]["FunctionName"] == {"Ref": function}})
    props: dict[str, Any] = mapping["Properties"]
    return props


def _queue_named(synthesized: Synthesized, part: str) -> tuple[str, dict[str, Any]]:
    return _only({n: q for n, q in synthesized.of_type("AWS::SQS::Queue").items() if part in n})


def _rule(synthesized: Synthesized, part: str) -> tuple[str, dict[str, Any]]:
    return _only({n: r for n, r in synthesized.of_type("AWS::Events::Rule").items() if part in n})


def test_the_table_stream_feeds_only_ticket_and_incident_writes_to_the_events_function(
    synthesized: Synthesized,
) -> None:
    (table, _) = _only(synthesized.of_type("AWS::DynamoDB::Table"))
    function, _ = _function(synthesized, EVENTS_HANDLER)
    mapping = _mapping_of(synthesized, function)
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [table, "StreamArn"]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True and mapping["MaximumRetryAttempts"] == 10
    [pattern] = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    # The items that carry an outbox: tickets, and major incidents (hotline/store/incidents.py).
    assert pattern == {"dynamodb": {"Keys": {"sk": {"S": ["TICKET", {"prefix": "INCIDENT#"}]}}}}
    unpublished, _ = _queue_named(synthesized, "Unpublished")
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [unpublished, "Arn"]}


def test_the_events_function_reads_the_stream_puts_on_the_bus_notifies_units_texts_and_may_only_restart_clocks(
    synthesized: Synthesized,
) -> None:
    _, props = _function(synthesized, EVENTS_HANDLER)
    (bus, _) = _only(synthesized.of_type("AWS::Events::EventBus"))
    topic, _ = _topic(synthesized, "NotificationsTopicArn")
    env = props["Properties"]["Environment"]["Variables"]
    assert env["EVENT_BUS_NAME"] == {"Ref": bus}
    _restarts_clocks(synthesized, props)  # it starts the clocks requests could not
    assert env["NOTIFICATIONS_TOPIC_ARN"] == {"Ref": topic}  # it sends the notifications each write stored
    statements = _statements_of(synthesized, _ref(props["Properties"]["Role"]))
    actions = {a for s in statements for a in _as_list(s["Action"])}
    writing = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"}
    reading = {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:DescribeTable"}  # tickets, a caller's, configuration
    allowed = {*STREAM_READ, *writing, *reading}
    assert not {a for a in actions if a.startswith("dynamodb:") and a not in allowed}, sorted(actions)
    # Writes in the table: knowledge citations (hotline/store/knowledge.py) under ARTICLE#, with a check in KNOWLEDGE,
    # and tickets (a primary's reply reaching its bound tickets, repeat complaints: hotline/domain/duplicates).
    leading = sorted(
        (action, json.dumps(statement["Condition"]))
        for statement in statements
        for action in _as_list(statement["Action"])
        if action in writing
    )
    assert leading == sorted(
        [
            ("dynamodb:PutItem", json.dumps({"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["ARTICLE#*"]}})),
            ("dynamodb:UpdateItem", json.dumps({"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["ARTICLE#*"]}})),
            (
                "dynamodb:ConditionCheckItem",
                json.dumps({"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["KNOWLEDGE"]}}),
            ),
            ("dynamodb:PutItem", json.dumps({"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["TICKET#*"]}})),
        ]
    )
    assert _allowed(statements, "events:PutEvents") == [{"Fn::GetAtt": [bus, "Arn"]}]
    assert {a for a in actions if a.startswith("sns:")} == {"sns:Publish"}
    # The units' topic, and SMS to customers' phones, which SNS authorizes against no ARN: "*", stated apart.
    assert sorted(_allowed(statements, "sns:Publish"), key=json.dumps) == ["*", {"Ref": topic}]
    (texting,) = [s for s in statements if s["Resource"] == "*" and "sns:Publish" in _as_list(s["Action"])]
    assert texting["Action"] == "sns:Publish" and "Condition" not in texting


def test_partner_events_go_to_a_queue_that_dead_letters_after_the_last_attempt(synthesized: Synthesized) -> None:
    (bus, _) = _only(synthesized.of_type("AWS::Events::EventBus"))
    (_, rule) = _rule(synthesized, "PartnerTicketEvents")
    deliveries, queue = _queue_named(synthesized, "Deliveries")
    dead, _ = _queue_named(synthesized, "WebhooksDeadLetters")
    assert rule["Properties"]["EventBusName"] == {"Ref": bus}
    assert rule["Properties"]["EventPattern"] == {"source": [SOURCE], "detail": {"partner_id": [{"exists": True}]}}
    assert [t["Arn"] for t in rule["Properties"]["Targets"]] == [{"Fn::GetAtt": [deliveries, "Arn"]}]
    assert queue["Properties"]["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dead, "Arn"]},
        "maxReceiveCount": MAX_ATTEMPTS,
    }
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    assert _alarmed(synthesized, "QueueName", {"Fn::GetAtt": [dead, "QueueName"]})


def test_the_rule_retries_putting_on_the_queue_for_a_day_then_dead_letters_with_an_alarm(
    synthesized: Synthesized,
) -> None:
    (_, rule) = _rule(synthesized, "PartnerTicketEvents")
    (target,) = rule["Properties"]["Targets"]
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
    unqueued, queue = _queue_named(synthesized, "Unqueued")
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [unqueued, "Arn"]}}
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    assert _alarmed(synthesized, "QueueName", {"Fn::GetAtt": [unqueued, "QueueName"]})
    # EventBridge, for this rule only, may put what it could not deliver there.
    (policy,) = [
        p["Properties"]["PolicyDocument"]
        for p in synthesized.of_type("AWS::SQS::QueuePolicy").values()
        if {"Ref": unqueued} in p["Properties"]["Queues"]
    ]
    (allow,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "events.amazonaws.com"} and allow["Action"] == "sqs:SendMessage"
    assert "aws:SourceArn" in json.dumps(allow["Condition"])


def test_the_sender_reads_its_queue_and_only_gets_and_puts_items(synthesized: Synthesized) -> None:
    function, props = _function(synthesized, WEBHOOKS_HANDLER)
    deliveries, _ = _queue_named(synthesized, "Deliveries")
    mapping = _mapping_of(synthesized, function)
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [deliveries, "Arn"]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    statements = _statements_of(synthesized, _ref(props["Properties"]["Role"]))
    dynamodb = {a for s in statements for a in _as_list(s["Action"]) if a.startswith("dynamodb:")}
    assert dynamodb == {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DescribeTable"}
    assert "sqs:ChangeMessageVisibility" in {a for s in statements for a in _as_list(s["Action"])}
    assert not [a for s in statements for a in _as_list(s["Action"]) if a.startswith(("events:", "sns:", "states:"))]


def test_the_api_may_queue_redeliveries_and_report_orders_but_not_consume_them(synthesized: Synthesized) -> None:
    _, function = _function(synthesized, API_HANDLER)
    deliveries, _ = _queue_named(synthesized, "Deliveries")
    orders, _ = _queue_named(synthesized, "ReportsRequests")
    assert function["Properties"]["Environment"]["Variables"]["WEBHOOK_QUEUE_URL"] == {"Ref": deliveries}
    assert function["Properties"]["Environment"]["Variables"]["REPORT_QUEUE_URL"] == {"Ref": orders}
    statements = _statements_of(synthesized, _ref(function["Properties"]["Role"]))
    assert sorted(map(_ref, _allowed(statements, "sqs:SendMessage"))) == sorted([deliveries, orders])
    assert not _allowed(statements, "sqs:ReceiveMessage")


# -- the survey sweep ------------------------------------------------------------------------------------


def _sweep_schedule(synthesized: Synthesized) -> dict[str, Any]:
    function, _ = _function(synthesized, SURVEYS_HANDLER)
    schedules = synthesized.of_type("AWS::Scheduler::Schedule")
    _, schedule = _only({n: s for n, s in schedules.items() if _ref(s["Properties"]["Target"]["Arn"]) == function})
    return dict(schedule["Properties"])


def test_a_schedule_runs_the_survey_sweep_every_five_minutes_with_retries_and_a_dead_letter_queue(
    synthesized: Synthesized,
) -> None:
    function, _ = _function(synthesized, SURVEYS_HANDLER)
    dead, queue = _queue_named(synthesized, "SurveysDeadLetters")
    schedule = _sweep_schedule(synthesized)
    assert schedule["ScheduleExpression"] == "rate(5 minutes)" and schedule["State"] == "ENABLED"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    target = schedule["Target"]
    assert target["Arn"] == {"Fn::GetAtt": [function, "Arn"]}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] >= 1
    assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] <= 300  # never older than the next run
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [dead, "Arn"]}}
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    # A run that fails in the function (Lambda's asynchronous retries spent) lands in the same queue.
    (invoke_config,) = [
        c
        for c in synthesized.of_type("AWS::Lambda::EventInvokeConfig").values()
        if c["Properties"]["FunctionName"] == {"Ref": function}
    ]
    assert invoke_config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [dead, "Arn"]}


def test_the_sweeps_dead_letters_and_errors_raise_alarms(synthesized: Synthesized) -> None:
    function, _ = _function(synthesized, SURVEYS_HANDLER)
    dead, _ = _queue_named(synthesized, "SurveysDeadLetters")
    assert _alarmed(synthesized, "QueueName", {"Fn::GetAtt": [dead, "QueueName"]})
    (errors,) = _alarmed(synthesized, "FunctionName", {"Ref": function})
    assert errors["MetricName"] == "Errors" and errors["Threshold"] == 1


def test_the_scheduler_may_invoke_only_the_sweep_and_dead_letter_only_to_its_queue(synthesized: Synthesized) -> None:
    function, _ = _function(synthesized, SURVEYS_HANDLER)
    dead, _ = _queue_named(synthesized, "SurveysDeadLetters")
    role = _ref(_sweep_schedule(synthesized)["Target"]["RoleArn"])
    trust = synthesized.resources[role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert [(s["Principal"], s["Condition"]) for s in trust] == [
        ({"Service": "scheduler.amazonaws.com"}, {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}})
    ]
    statements = _statements_of(synthesized, role)
    assert {a for s in statements for a in _as_list(s["Action"])} == {"lambda:InvokeFunction", "sqs:SendMessage"}
    assert _allowed(statements, "lambda:InvokeFunction") == [{"Fn::GetAtt": [function, "Arn"]}]  # no versions
    assert _allowed(statements, "sqs:SendMessage") == [{"Fn::GetAtt": [dead, "Arn"]}]


def test_the_sweep_queries_reads_and_writes_tickets_and_restarts_only_clocks(synthesized: Synthesized) -> None:
    (table, _) = _only(synthesized.of_type("AWS::DynamoDB::Table"))
    _, props = _function(synthesized, SURVEYS_HANDLER)
    env = props["Properties"]["Environment"]["Variables"]
    assert env["TABLE_NAME"] == {"Ref": table}
    _restarts_clocks(synthesized, props)
    assert "SITE_URL" in env  # the links of the surveys it sends
    statements = _statements_of(synthesized, _ref(props["Properties"]["Role"]))
    actions = {a for s in statements for a in _as_list(s["Action"])}
    assert {a for a in actions if a.startswith("dynamodb:")} == {
        "dynamodb:Query",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DescribeTable",
    }  # no Scan, no DeleteItem
    assert not [a for a in actions if a.startswith(("sns:", "events:", "lambda:"))]  # texts go out from the stream
    assert props["Properties"]["Timeout"] < 300  # a run ends before the next one starts


# -- alarms ---------------------------------------------------------------------------------------------


def _alarms(synthesized: Synthesized) -> list[dict[str, Any]]:
    return [a["Properties"] for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()]


def _alarmed(synthesized: Synthesized, dimension: str, value: Any) -> list[dict[str, Any]]:
    return [a for a in _alarms(synthesized) if {"Name": dimension, "Value": value} in a.get("Dimensions", [])]


def test_every_alarm_notifies_the_ops_topic(synthesized: Synthesized) -> None:
    ops, _ = _topic(synthesized, "OpsTopicArn")
    alarms = synthesized.of_type("AWS::CloudWatch::Alarm")
    assert len(alarms) >= 5  # two clock alarms and three dead-letter queues at least
    for name, alarm in alarms.items():
        assert alarm["Properties"].get("AlarmActions") == [{"Ref": ops}], name
        assert alarm["Properties"]["AlarmDescription"], name


def test_cloudwatch_may_use_the_ops_topics_own_rotated_key(synthesized: Synthesized) -> None:
    """The AWS managed SNS key cannot admit CloudWatch: alarms would fire into nothing."""
    _, topic = _topic(synthesized, "OpsTopicArn")
    key = synthesized.resources[_ref(topic["Properties"]["KmsMasterKeyId"])]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    (cloudwatch,) = [s for s in statements if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert set(_as_list(cloudwatch["Action"])) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def test_failed_and_timed_out_clocks_are_alarmed_but_stopped_ones_are_not(synthesized: Synthesized) -> None:
    for machine, _ in _state_machines(synthesized).values():
        on_machine = _alarmed(synthesized, "StateMachineArn", {"Ref": machine})
        assert sorted(a["MetricName"] for a in on_machine) == ["ExecutionsFailed", "ExecutionsTimedOut"]
        # Staff actions stop the previous generation all the time: aborted executions are normal.
        assert all(a["Namespace"] == "AWS/States" and a["Threshold"] == 1 for a in on_machine)


# -- least privilege for partner keys, deletes and the hash key ---------------------------------------


def _api_statements(synthesized: Synthesized) -> list[dict[str, Any]]:
    _, function = _function(synthesized, API_HANDLER)
    return _statements_of(synthesized, _ref(function["Properties"]["Role"]))


def _path_of(resource: Any) -> str:
    """`arn:<partition>:apigateway:<region>::/usageplans/*` -> `/usageplans/*`."""
    parts = resource["Fn::Join"][1]
    return str(parts[-1]).split("::", 1)[1]


def test_the_api_manages_only_the_usage_plans_and_keys_it_tagged_as_its_own(synthesized: Synthesized) -> None:
    rest_api, _ = _only(synthesized.of_type("AWS::ApiGateway::RestApi"))
    ours = {"Ref": rest_api}
    gateway = [s for s in _api_statements(synthesized) if str(_as_list(s["Action"])[0]).startswith("apigateway:")]
    by_paths = {tuple(sorted(_path_of(r) for r in _as_list(s["Resource"]))): s for s in gateway}
    assert set(by_paths) == {
        ("/apikeys", "/usageplans"),
        ("/tags/*",),
        ("/usageplans/*",),
        ("/apikeys/*",),
        ("/usageplans/*/usage",),
    }
    tagged_on_create = {
        "StringEquals": {f"aws:RequestTag/{OWNER_TAG}": ours},
        "ForAllValues:StringEquals": {"aws:TagKeys": [OWNER_TAG]},
    }
    # Create only with our tag (and tag nothing else); change and delete only what carries it.
    assert by_paths[("/apikeys", "/usageplans")]["Action"] == "apigateway:POST"
    assert by_paths[("/apikeys", "/usageplans")]["Condition"] == tagged_on_create
    assert by_paths[("/tags/*",)]["Action"] == "apigateway:PUT"
    assert by_paths[("/tags/*",)]["Condition"] == tagged_on_create
    for paths in (("/usageplans/*",), ("/apikeys/*",)):
        assert by_paths[paths]["Condition"] == {"StringEquals": {f"aws:ResourceTag/{OWNER_TAG}": ours}}, paths
    assert by_paths[("/apikeys/*",)]["Action"] == ["apigateway:PATCH", "apigateway:DELETE"]
    # Only usage figures are readable without the tag.
    assert by_paths[("/usageplans/*/usage",)]["Action"] == "apigateway:GET"
    assert "Condition" not in by_paths[("/usageplans/*/usage",)]


def test_the_api_deletes_only_key_pointers_partner_items_and_failed_idempotency_records(
    synthesized: Synthesized,
) -> None:
    statements = _api_statements(synthesized)
    deleting = [s for s in statements if "dynamodb:DeleteItem" in _as_list(s["Action"])]
    assert len(deleting) == 1 and _as_list(deleting[0]["Action"]) == ["dynamodb:DeleteItem"]
    (delete,) = deleting
    assert delete["Condition"] == {
        "ForAllValues:StringLike": {
            "dynamodb:LeadingKeys": ["KEYHASH#*", "PARTNER#*", "idempotency#*", "INCIDENTAREA#*"]
        }
    }
    assert not [r for r in _as_list(delete["Resource"]) if "/index/" in json.dumps(r)]


def test_the_hash_key_is_a_generated_retained_secret_only_the_api_the_sweep_and_the_events_function_may_read(
    synthesized: Synthesized,
) -> None:
    name, secret = _only(synthesized.of_type("AWS::SecretsManager::Secret"))
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    assert secret["DeletionPolicy"] == secret["UpdateReplacePolicy"] == "Retain"  # kept with the table

    _, function = _function(synthesized, API_HANDLER)
    assert function["Properties"]["Environment"]["Variables"]["PEPPER_SECRET_ARN"] == {"Ref": name}
    reading = [
        s for s in _api_statements(synthesized) if any(a.startswith("secretsmanager:") for a in _as_list(s["Action"]))
    ]
    assert [(sorted(_as_list(s["Action"])), s["Resource"]) for s in reading] == [
        (["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], {"Ref": name})
    ]
    # The sweep hashes the one-time link of a survey it sends once quiet hours are over; the events function those of
    # the surveys a primary's reply opens on its bound tickets.
    for handler in (SURVEYS_HANDLER, EVENTS_HANDLER):
        _, linking = _function(synthesized, handler)
        assert linking["Properties"]["Environment"]["Variables"]["PEPPER_SECRET_ARN"] == {"Ref": name}
        assert _allowed(
            _statements_of(synthesized, _ref(linking["Properties"]["Role"])), "secretsmanager:GetSecretValue"
        ) == [{"Ref": name}]
    # No other function may read it.
    for handler in (CLOCK_HANDLER, WEBHOOKS_HANDLER):
        _, other = _function(synthesized, handler)
        assert "PEPPER_SECRET_ARN" not in other["Properties"].get("Environment", {}).get("Variables", {}), handler
        policies = synthesized.of_type("AWS::IAM::Policy").values()
        role = {"Ref": _ref(other["Properties"]["Role"])}
        assert name not in json.dumps([p for p in policies if role in p["Properties"]["Roles"]]), handler


# -- reports --------------------------------------------------------------------------------------------


def test_the_aggregates_count_ticket_writes_from_the_stream_with_their_own_retries_and_dead_letters(
    synthesized: Synthesized,
) -> None:
    (table, _) = _only(synthesized.of_type("AWS::DynamoDB::Table"))
    function, props = _function(synthesized, AGGREGATES_HANDLER)
    uncounted, _ = _queue_named(synthesized, "Uncounted")
    mapping = _mapping_of(synthesized, function)
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [table, "StreamArn"]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"] and mapping["MaximumRetryAttempts"] == 10
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [uncounted, "Arn"]}
    [pattern] = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    assert pattern == {"dynamodb": {"Keys": {"sk": {"S": ["TICKET"]}}}}
    assert _alarmed(synthesized, "QueueName", {"Fn::GetAtt": [uncounted, "QueueName"]})
    statements = _statements_of(synthesized, _ref(props["Properties"]["Role"]))
    writes = [s for s in statements if {"dynamodb:PutItem", "dynamodb:UpdateItem"} & set(_as_list(s["Action"]))]
    assert [(sorted(_as_list(s["Action"])), s["Condition"]) for s in writes] == [
        (
            ["dynamodb:PutItem", "dynamodb:UpdateItem"],
            {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["AGG#*", "AGG-SEEN#*"]}},
        )
    ]


def _report_schedules(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    orders, _ = _queue_named(synthesized, "ReportsRequests")
    schedules = synthesized.of_type("AWS::Scheduler::Schedule").values()
    targeted = [
        s["Properties"] for s in schedules if s["Properties"]["Target"]["Arn"] == {"Fn::GetAtt": [orders, "Arn"]}
    ]
    return {json.loads(s["Target"]["Input"])["kind"]: s for s in targeted}


def test_the_bulletins_are_scheduled_at_eight_in_the_centres_zone_with_retries_and_dead_letters(
    synthesized: Synthesized,
) -> None:
    dead, _ = _queue_named(synthesized, "ReportsDeadLetters")
    schedules = _report_schedules(synthesized)
    assert {kind: s["ScheduleExpression"] for kind, s in schedules.items()} == {
        "daily": "cron(0 8 * * ? *)",
        "weekly": "cron(0 8 ? * MON *)",
        "monthly": "cron(0 8 5 * ? *)",
        "annual": "cron(0 8 5 1 ? *)",
    }
    for schedule in schedules.values():
        assert schedule["ScheduleExpressionTimezone"] == "Asia/Shanghai"
        target = schedule["Target"]
        assert json.loads(target["Input"])["scheduled_time"] == "<aws.scheduler.scheduled-time>"
        assert target["RetryPolicy"]["MaximumRetryAttempts"] >= 1
        assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [dead, "Arn"]}}
    assert _alarmed(synthesized, "QueueName", {"Fn::GetAtt": [dead, "QueueName"]})


def test_the_generator_reads_its_queue_and_writes_only_report_files_and_items(synthesized: Synthesized) -> None:
    function, props = _function(synthesized, REPORTS_HANDLER)
    orders, queue = _queue_named(synthesized, "ReportsRequests")
    dead, _ = _queue_named(synthesized, "ReportsDeadLetters")
    assert queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": [dead, "Arn"]}
    mapping = _mapping_of(synthesized, function)
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [orders, "Arn"]} and mapping["BatchSize"] == 1
    statements = _statements_of(synthesized, _ref(props["Properties"]["Role"]))
    (bucket, _) = _bucket_named(synthesized, "ReportsFiles")
    assert _allowed(statements, "s3:PutObject") == [{"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/reports/*"]]}]
    assert not _allowed(statements, "dynamodb:UpdateItem") and not _allowed(statements, "dynamodb:Scan")
    assert props["Properties"]["Environment"]["Variables"]["REPORTS_BUCKET"] == {"Ref": bucket}


def _bucket_named(synthesized: Synthesized, part: str) -> tuple[str, dict[str, Any]]:
    return _only({n: b for n, b in synthesized.of_type("AWS::S3::Bucket").items() if part in n})


def _private_bucket(synthesized: Synthesized, part: str) -> tuple[str, dict[str, Any]]:
    """The bucket whose logical id contains `part`, asserted private, encrypted, SSL-only and retained."""
    (bucket, props) = _bucket_named(synthesized, part)
    properties = props["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert props["DeletionPolicy"] == "Retain"
    (policy,) = [
        p for p in synthesized.of_type("AWS::S3::BucketPolicy").values() if p["Properties"]["Bucket"] == {"Ref": bucket}
    ]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    )
    return bucket, props


def test_the_reports_bucket_is_private_encrypted_and_ssl_only(synthesized: Synthesized) -> None:
    (bucket, _) = _private_bucket(synthesized, "ReportsFiles")
    _, api = _function(synthesized, API_HANDLER)
    reads = _allowed(_statements_of(synthesized, _ref(api["Properties"]["Role"])), "s3:GetObject")
    assert [r for r in reads if bucket in json.dumps(r)] == [
        {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/reports/*"]]}
    ]


def test_the_uploads_bucket_is_private_encrypted_ssl_only_and_takes_posts_from_the_site_alone(
    synthesized: Synthesized,
) -> None:
    (_, props) = _private_bucket(synthesized, "UploadsFiles")
    (rule,) = props["Properties"]["CorsConfiguration"]["CorsRules"]
    (distribution, _) = _only(synthesized.of_type("AWS::CloudFront::Distribution"))
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == [{"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution, "DomainName"]}]]}]
    assert "AllowedHeaders" not in rule  # a form post sends none a preflight would have to allow


def test_the_api_alone_signs_posts_and_reads_uploaded_files_under_uploads(synthesized: Synthesized) -> None:
    (bucket, _) = _bucket_named(synthesized, "UploadsFiles")
    files = {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/uploads/*"]]}
    _, api = _function(synthesized, API_HANDLER)
    statements = _statements_of(synthesized, _ref(api["Properties"]["Role"]))
    touching = [s for s in statements if bucket in json.dumps(s["Resource"])]
    assert sorted((sorted(_as_list(s["Action"])), json.dumps(s["Resource"])) for s in touching) == sorted(
        [
            (["s3:GetObject", "s3:PutObject"], json.dumps(files)),
            (["s3:ListBucket"], json.dumps({"Fn::GetAtt": [bucket, "Arn"]})),
        ]
    )
    assert api["Properties"]["Environment"]["Variables"]["UPLOADS_BUCKET"] == {"Ref": bucket}
    others = [p for p in synthesized.of_type("AWS::IAM::Policy").values() if bucket in json.dumps(p)]
    assert all({"Ref": _ref(api["Properties"]["Role"])} in p["Properties"]["Roles"] for p in others)


# -- major incidents ------------------------------------------------------------------------------------

INCIDENTS_HANDLER = "functions.incidents.handler.handler"


def test_every_new_ticket_reaches_the_detection_queue_with_retries_and_an_alarmed_dead_letter_queue(
    synthesized: Synthesized,
) -> None:
    (bus, _) = _only(synthesized.of_type("AWS::Events::EventBus"))
    (_, rule) = _rule(synthesized, "NewTickets")
    detections, queue = _queue_named(synthesized, "IncidentsDetections")
    dead, _ = _queue_named(synthesized, "IncidentsDeadLetters")
    assert rule["Properties"]["EventBusName"] == {"Ref": bus}
    assert rule["Properties"]["EventPattern"] == {"source": [SOURCE], "detail-type": ["ticket.created"]}
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [detections, "Arn"]}
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [dead, "Arn"]}}
    assert queue["Properties"]["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dead, "Arn"]},
        "maxReceiveCount": 5,
    }
    assert _alarmed(synthesized, "QueueName", {"Fn::GetAtt": [dead, "QueueName"]})


def test_the_detector_reads_its_queue_writes_only_tickets_incidents_and_holds_and_restarts_only_clocks(
    synthesized: Synthesized,
) -> None:
    function, props = _function(synthesized, INCIDENTS_HANDLER)
    detections, _ = _queue_named(synthesized, "IncidentsDetections")
    mapping = _mapping_of(synthesized, function)
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [detections, "Arn"]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    _restarts_clocks(synthesized, props)
    statements = _statements_of(synthesized, _ref(props["Properties"]["Role"]))
    actions = {a for s in statements for a in _as_list(s["Action"])}
    assert not {a for a in actions if a.startswith("dynamodb:") and a.endswith(("Scan", "DeleteItem"))}
    writes = [s for s in statements if "dynamodb:PutItem" in _as_list(s["Action"])]
    assert [s["Condition"] for s in writes] == [
        {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["TICKET#*", "INCIDENTS", "INCIDENTAREA#*"]}}
    ]
    assert _alarmed(synthesized, "FunctionName", {"Ref": function})


def test_a_declared_incident_pages_ops_through_an_alarm_on_its_metric(synthesized: Synthesized) -> None:
    ops, _ = _topic(synthesized, "OpsTopicArn")
    (alarm,) = [a for a in _alarms(synthesized) if a.get("MetricName") == "IncidentsDeclared"]
    assert alarm["Namespace"] == "Hotline" and alarm["Dimensions"] == [{"Name": "service", "Value": "hotline"}]
    assert alarm["Statistic"] == "Sum" and alarm["Period"] == 60
    assert alarm["Threshold"] == 1 and alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["TreatMissingData"] == "notBreaching" and alarm["AlarmActions"] == [{"Ref": ops}]


# -- the knowledge search index's image ------------------------------------------------------------------

KNOWLEDGE_HANDLER = "functions.knowledge.handler.handler"


def _image_key(bucket: str) -> dict[str, Any]:
    return {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, f"/{INDEX_KEY}"]]}


def test_a_schedule_keeps_the_knowledge_index_image_current_with_retries_dead_letters_and_alarms(
    synthesized: Synthesized,
) -> None:
    function, props = _function(synthesized, KNOWLEDGE_HANDLER)
    dead, queue = _queue_named(synthesized, "KnowledgeDeadLetters")
    schedules = synthesized.of_type("AWS::Scheduler::Schedule")
    _, schedule = _only({n: s for n, s in schedules.items() if _ref(s["Properties"]["Target"]["Arn"]) == function})
    assert schedule["Properties"]["ScheduleExpression"] == "rate(5 minutes)"
    target = schedule["Properties"]["Target"]
    assert target["RetryPolicy"]["MaximumRetryAttempts"] >= 1
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [dead, "Arn"]}}
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    (invoke_config,) = [
        c
        for c in synthesized.of_type("AWS::Lambda::EventInvokeConfig").values()
        if c["Properties"]["FunctionName"] == {"Ref": function}
    ]
    assert invoke_config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [dead, "Arn"]}
    assert _alarmed(synthesized, "QueueName", {"Fn::GetAtt": [dead, "QueueName"]})
    (errors,) = _alarmed(synthesized, "FunctionName", {"Ref": function})
    assert errors["MetricName"] == "Errors"
    # Indexing every article, when there is no usable image, needs a whole vCPU; a run ends before the next.
    assert props["Properties"]["MemorySize"] >= 1769 and props["Properties"]["Timeout"] < 300


def test_only_the_knowledge_function_writes_the_image_the_api_reads_in_a_private_bucket(
    synthesized: Synthesized,
) -> None:
    (table, _) = _only(synthesized.of_type("AWS::DynamoDB::Table"))
    bucket, _ = _private_bucket(synthesized, "KnowledgeImages")
    _, keeper = _function(synthesized, KNOWLEDGE_HANDLER)
    _, api = _function(synthesized, API_HANDLER)
    for function in (keeper, api):
        assert function["Properties"]["Environment"]["Variables"]["KNOWLEDGE_INDEX_BUCKET"] == {"Ref": bucket}
    writer = _statements_of(synthesized, _ref(keeper["Properties"]["Role"]))
    reader = _statements_of(synthesized, _ref(api["Properties"]["Role"]))
    assert _allowed(writer, "s3:PutObject") == [_image_key(bucket)]
    assert _image_key(bucket) in _allowed(writer, "s3:GetObject") and _image_key(bucket) in _allowed(
        reader, "s3:GetObject"
    )
    assert not [r for r in _allowed(reader, "s3:PutObject") if bucket in json.dumps(r)]
    # Listing the bucket (it holds the image only) makes a missing image a 404 rather than a 403.
    assert {"Fn::GetAtt": [bucket, "Arn"]} in _allowed(reader, "s3:ListBucket")
    # It reads the articles' partitions and nothing else, and writes nothing in the table.
    (statement,) = [s for s in writer if any(a.startswith("dynamodb:") for a in _as_list(s["Action"]))]
    assert set(statement["Action"]) == {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:DescribeTable"}
    assert statement["Resource"] == {"Fn::GetAtt": [table, "Arn"]}
    assert statement["Condition"] == {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["KNOWLEDGE", "KNOWLEDGE#CHANGES"]}
    }
