"""Taking tickets in and each audience's reads of them (customer, partner, staff, the public map)."""
