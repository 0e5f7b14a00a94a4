"""The configuration a ticket is handled under: SLA policies, the ladder, routing, units."""
