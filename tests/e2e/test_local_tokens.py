"""Staff tokens in the local cloud: only the ones it issued are accepted (finding 11 of issue 9).

moto ships the private key its Cognito signs with; the local cloud signs with a key generated at start."""

import time

import jwt
import pytest
import requests
from moto.utilities.utils import load_resource

from tests.e2e.conftest import Cloud

ADMIN_ONLY = "/v1/staff/partners"


def _forged_admin_token(cloud: Cloud, kid: str) -> str:
    """A token with every claim right (issuer, audience, admin group, times), signed with moto's bundled key."""
    shipped = jwt.PyJWK(load_resource("moto.cognitoidp", "resources/jwks-private.json")).key
    now = int(time.time())
    claims = {
        "iss": f"https://cognito-idp.us-east-1.amazonaws.com/{cloud.info['user_pool_id']}",
        "aud": cloud.info["user_pool_client_id"],
        "sub": "00000000-0000-0000-0000-000000000000",
        "token_use": "id",
        "cognito:username": "admin1",
        "cognito:groups": ["admin"],
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
    }
    return jwt.encode(claims, shipped, algorithm="RS256", headers={"kid": kid})


def test_a_real_admin_token_is_accepted(cloud: Cloud, http: requests.Session) -> None:
    reply = http.get(f"{cloud.url}{ADMIN_ONLY}", headers=cloud.staff("admin"), timeout=30)
    assert reply.status_code == 200, reply.text


@pytest.mark.parametrize("kid", ["dummy", "issued"])
def test_a_token_signed_with_motos_bundled_key_is_refused(cloud: Cloud, http: requests.Session, kid: str) -> None:
    if kid == "issued":  # the key id of the tokens the local cloud issues
        kid = jwt.get_unverified_header(cloud.info["staff"]["admin"]["token"])["kid"]
    forged = _forged_admin_token(cloud, kid)

    reply = http.get(f"{cloud.url}{ADMIN_ONLY}", headers={"Authorization": f"Bearer {forged}"}, timeout=30)

    assert reply.status_code == 401, reply.text
