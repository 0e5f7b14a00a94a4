"""Routes by audience: public forms, partner systems, staff."""
