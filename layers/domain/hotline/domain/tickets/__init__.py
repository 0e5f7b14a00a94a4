"""The ticket: its catalogue, timers, numbering, the views of it, its events and its clock's runs."""
