"""What the table stream's consumer (functions/events) hands on from each stored incident write: its events onto the
bus, its notice to leadership, and each declaration counted for ops (the metric their alarm watches).

At least once, like a ticket write's (handling/relay.py): a retried write publishes its events again under the same
ids and sends the notice again with the same id; a declaration counted twice still pages once.
"""

from dataclasses import dataclass

from hotline.domain.incidents.desk import DECLARED
from hotline.domain.incidents.ports import IncidentBus, IncidentWrite, Meter, Notifier


@dataclass(frozen=True)
class IncidentRelay:
    bus: IncidentBus
    notifier: Notifier
    meter: Meter

    def hand_on(self, write: IncidentWrite) -> None:
        if write.events:
            self.bus.announce(write.incident, write.events)
        self.notifier.send(write.notifications)
        declared = sum(event.type == DECLARED for event in write.events)
        if declared:
            self.meter.declared(declared)
