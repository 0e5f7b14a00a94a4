"""Staff members and what each role may do."""
