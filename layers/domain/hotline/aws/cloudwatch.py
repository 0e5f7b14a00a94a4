"""Metrics in CloudWatch's embedded metric format (EMF): a JSON line in the function's log, which CloudWatch turns
into the metric with no API call and no permission (infra/constructs/incidents.py alarms on it)."""

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

NAMESPACE = "Hotline"
INCIDENTS_DECLARED = "IncidentsDeclared"
SERVICE = "hotline"
"""Named here rather than by the environment (POWERTOOLS_SERVICE_NAME), so the metric's one dimension, which the
alarm must match exactly, never changes with a function's settings."""


class EmfMeter:
    def declared(self, count: int) -> None:
        """Written at once, not at the end of the invocation: a later failure in the batch cannot lose it."""
        metrics = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
        metrics.add_metric(name=INCIDENTS_DECLARED, unit=MetricUnit.Count, value=count)
        metrics.flush_metrics()
