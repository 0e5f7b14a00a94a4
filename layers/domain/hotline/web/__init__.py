"""Adapters for the open web: partners' HTTPS endpoints."""
