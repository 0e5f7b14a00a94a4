"""moto's server finds the service of every request under one lock that all requests share, and looks for it by
listing moto's package directory (an `isdir` for each of its ~160 entries) and then trying each service's URL
patterns. The answer for a host never changes while the cloud runs; remembering it lets the Lambdas' AWS calls, the
pollers and the clock's executions stop queueing behind each other on that lock."""

from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_moto_backend_for_host = DomainDispatcherApplication.get_backend_for_host


def _remembered(self: DomainDispatcherApplication, host: str | None) -> Any:
    known: dict[str | None, Any] = self.__dict__.setdefault("_hotline_backends", {})
    if host not in known:
        known[host] = _moto_backend_for_host(self, host)
    return known[host]


def install() -> None:
    DomainDispatcherApplication.get_backend_for_host = _remembered  # type: ignore[method-assign]
