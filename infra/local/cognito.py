"""Cognito's token signing key, made fresh at every start.

moto signs every user pool's tokens with one RSA key that ships inside its package (`kid` "dummy") and serves
its public half as every pool's JWKS: anyone could mint an admin token the local gateway would accept. Here
each pool signs with a key generated when the process starts, and the JWKS serves only that key's public
half, under its own key id, so the gateway (which verifies against the JWKS) accepts only tokens this
process issued.
"""

import functools
import json
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey
from moto.cognitoidp.models import CognitoIdpUserPool
from moto.cognitoidp.responses import CognitoIdpJsonWebKeyResponse

_moto_create_jwt = CognitoIdpUserPool.create_jwt


@functools.cache
def signing_key() -> RSAKey:
    """This process's key, generated on first use."""
    return RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)


def _create_jwt(self: CognitoIdpUserPool, *args: Any, **kwargs: Any) -> tuple[str, int]:
    """moto's token, signed again with this process's key under its key id (moto's header names "dummy")."""
    key = signing_key()
    token, expires_in = _moto_create_jwt(self, *args, **kwargs)
    claims = jwt.decode(token, self.json_web_key).claims
    return jwt.encode({"kid": key.kid, "alg": "RS256"}, claims, key), expires_in


def install() -> None:
    public = signing_key().as_dict(private=False)
    CognitoIdpJsonWebKeyResponse.json_web_key = json.dumps({"keys": [public]}).encode()
    CognitoIdpUserPool.create_jwt = _create_jwt  # type: ignore[method-assign]
