"""Request and response bodies of the HTTP API, one module per audience (the OpenAPI document is generated
from these): `common` for what several audiences share, `public`, `partner`, `staff`, `admin`, `open311`
and `errors`. Domain models that are bodies as they are (TicketView, PolicyBook, Unit …) are not repeated."""
