"""Shared pieces every capability builds on: time, working calendars, errors, paging, privacy."""
