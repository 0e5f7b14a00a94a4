"""Changing a ticket, for every process that does: the edited copy with its events and messages, the timers it moves,
the escalation it raises, and when the ticket clock must wake next."""
