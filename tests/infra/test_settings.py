"""Each synthesized function's environment against its settings model (hotline.settings): the template sets every
variable the model requires, nothing the function does not read, and never a local-cloud-only one; a function
whose environment lacks a variable stops on its first invocation with an error naming it."""

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hotline.settings import FUNCTION_SETTINGS, ClockSettings, LocalCloud, SettingsError, load

from tests.infra.conftest import Synthesized
from tests.support.lambda_context import LambdaContext
from tests.support.services import reset_caches

HANDLER = re.compile(r"^functions\.(\w+)\.handler\.handler$")
LAMBDA_SETS = {"AWS_REGION": "us-east-1"}
"""Set by Lambda itself in every function (a reserved variable the template cannot set)."""
LOCAL_PREFIX = str(LocalCloud.model_config.get("env_prefix"))


def _environments(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    """Each of our functions' Environment.Variables, by its package under functions/."""
    found: dict[str, dict[str, Any]] = {}
    for function in synthesized.of_type("AWS::Lambda::Function").values():
        handler = HANDLER.match(str(function["Properties"].get("Handler", "")))
        if handler:
            found[handler.group(1)] = function["Properties"].get("Environment", {}).get("Variables", {})
    return found


def _placeholders(variables: dict[str, Any]) -> dict[str, str]:
    """The values a deployment resolves (Ref, Fn::GetAtt …) replaced by a placeholder string."""
    return {name: value if isinstance(value, str) else f"resolved-{name.lower()}" for name, value in variables.items()}


def _variables(model: type[Any]) -> set[str]:
    return {name.upper() for name in model.model_fields}


def _required(model: type[Any]) -> set[str]:
    return {name.upper() for name, field in model.model_fields.items() if field.is_required()}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dict[str, str]], None]]:
    """Makes the process environment hold exactly these Hotline variables (others, like AWS credentials, stay)."""

    def use(variables: dict[str, str]) -> None:
        ours = {v for model in FUNCTION_SETTINGS.values() for v in _variables(model)} | {
            LOCAL_PREFIX + v for v in _variables(LocalCloud)
        }
        for name in ours:
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        reset_caches()

    yield use
    reset_caches()


def test_every_function_has_a_settings_model(synthesized: Synthesized) -> None:
    assert sorted(_environments(synthesized)) == sorted(FUNCTION_SETTINGS)


@pytest.mark.parametrize("package", sorted(FUNCTION_SETTINGS))
def test_the_template_sets_exactly_what_the_functions_model_reads(
    synthesized: Synthesized, package: str, environment: Callable[[dict[str, str]], None]
) -> None:
    model = FUNCTION_SETTINGS[package]
    given = {**LAMBDA_SETS, **_placeholders(_environments(synthesized)[package])}
    assert _required(model) - set(given) == set(), f"{package} requires variables the template does not set"
    unread = {name for name in set(given) - _variables(model) - set(LAMBDA_SETS) if not name.startswith("POWERTOOLS_")}
    assert unread == set(), f"the template sets variables {package} never reads"
    environment(given)
    settings = load(model)  # the model as the function's first invocation reads it
    assert {name.upper(): value for name, value in settings.model_dump().items()} == {
        name: given[name] for name in _variables(model)
    }


def test_no_deployed_function_has_local_cloud_settings(synthesized: Synthesized) -> None:
    for package, variables in _environments(synthesized).items():
        assert [name for name in variables if name.startswith(LOCAL_PREFIX)] == [], package
    assert _required(LocalCloud) == set()  # without them a function runs as in AWS


def _invoke(package: str) -> Callable[[], Any]:
    """The function's handler called with an event it accepts."""
    from functions.api.handler import handler as api
    from functions.clock.handler import handler as clock
    from functions.events.handler import handler as events
    from functions.knowledge.handler import handler as knowledge
    from functions.surveys.handler import handler as surveys
    from functions.webhooks.handler import handler as webhooks

    calls: dict[str, Callable[[], Any]] = {
        "api": lambda: api({"httpMethod": "GET", "path": "/v1/catalog", "headers": {}}, LambdaContext()),
        "clock": lambda: clock({"number": "2611-000001", "generation": 1}, LambdaContext()),
        "events": lambda: events({"Records": []}, LambdaContext()),
        "webhooks": lambda: webhooks({"Records": []}, LambdaContext()),
        "surveys": lambda: surveys({}, LambdaContext()),
        "knowledge": lambda: knowledge({}, LambdaContext()),
    }
    return calls[package]


@pytest.mark.parametrize(
    ("package", "variable", "misspelt"),
    [
        ("api", "CLOCK_STATE_MACHINE_ARN", None),
        ("api", "WEBHOOK_QUEUE_URL", "WEBHOOK_QUEUE_URI"),
        ("clock", "TABLE_NAME", "TABLE"),
        ("events", "EVENT_BUS_NAME", None),
        ("events", "NOTIFICATIONS_TOPIC_ARN", "NOTIFICATION_TOPIC_ARN"),
        ("webhooks", "WEBHOOK_QUEUE_URL", None),
        ("surveys", "PEPPER_SECRET_ARN", None),
        ("knowledge", "KNOWLEDGE_INDEX_BUCKET", "KNOWLEDGE_BUCKET"),
        ("api", "KNOWLEDGE_INDEX_BUCKET", None),
    ],
)
def test_a_missing_or_misspelt_variable_stops_the_function_naming_it(
    synthesized: Synthesized,
    package: str,
    variable: str,
    misspelt: str | None,
    environment: Callable[[dict[str, str]], None],
) -> None:
    given = {**LAMBDA_SETS, **_placeholders(_environments(synthesized)[package])}
    value = given.pop(variable)
    if misspelt:
        given[misspelt] = value
    environment(given)
    with pytest.raises(SettingsError, match=f"{variable} is not set"):
        _invoke(package)()


def test_an_invalid_value_is_named_too(environment: Callable[[dict[str, str]], None]) -> None:
    environment({"TABLE_NAME": "hotline", "AWS_REGION": "us-east-1", "CENTRE_TIME_ZONE": "Asia/Beijing"})
    with pytest.raises(SettingsError, match=r"CENTRE_TIME_ZONE is invalid: .*'Asia/Beijing' is not an IANA time zone"):
        load(ClockSettings)
