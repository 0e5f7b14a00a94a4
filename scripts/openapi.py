"""Write the API's OpenAPI document to docs/openapi.json (`make openapi`); `--check` fails when it is stale.

The document is generated from the routes and schemas of functions/api, exactly as the API serves it at /v1/docs.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "openapi.json"


def generate() -> str:
    """The OpenAPI document as committed: powertools' key order, two-space indent, UTF-8 text, final newline."""
    for path in (ROOT, ROOT / "layers" / "domain"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    # Settings are read per request, not at import; a table name keeps any early reader content.
    os.environ.setdefault("TABLE_NAME", "hotline-openapi")
    from functions.api.handler import app

    # Title and version are the ones the handler configures for its Swagger UI.
    document = json.loads(app.get_openapi_json_schema())
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/openapi.json differs from the code")
    args = parser.parse_args(argv)
    text = generate()
    relative = DOCUMENT.relative_to(ROOT) if DOCUMENT.is_relative_to(ROOT) else DOCUMENT
    if args.check:
        current = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else None
        if current != text:
            print(f"{relative} is out of date: run `make openapi`", file=sys.stderr)
            return 1
        print(f"{relative} is up to date")
        return 0
    DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
    DOCUMENT.write_text(text, encoding="utf-8")
    print(f"wrote {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
