"""Handling a ticket: staff actions, the ticket clock's wake-ups, and handing each change on."""
