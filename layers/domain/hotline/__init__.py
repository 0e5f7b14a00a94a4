"""Hotline: the shared package deployed as the domain Lambda layer."""
