"""moto fix for EventBridge buses created by CloudFormation.

moto's CloudFormation resolves `{"Ref": ...}` to the resource's `physical_resource_id`, or to the Python object
when there is none, and `EventBus` has none. A rule with `EventBusName: {"Ref": "Bus"}` (as CDK writes it) then
reaches `put_rule` with the object and fails ("'EventBus' object has no attribute 'split'"). In AWS a bus's Ref
is its name, which is what the property gives.
"""

from moto.events.models import EventBus


def _name(bus: EventBus) -> str:
    return bus.name


def install() -> None:
    EventBus.physical_resource_id = property(_name)  # type: ignore[attr-defined]
