"""moto has no API Gateway GetUsage: it answers with a bare 404 "Not yet implemented". The local cloud reports a
partner's usage as unavailable (`available: false`) rather than failing the admin's listing or making up zeros."""

from datetime import date

from botocore.exceptions import ClientError
from hotline.aws.api_gateway import ApiGatewayKeys
from hotline.domain.partners.partner import KeyUsage, Partner

NOT_IMPLEMENTED = {"404", "NotImplemented"}
_usage = ApiGatewayKeys.usage


def _usage_or_unavailable(self: ApiGatewayKeys, partner: Partner, first_day: date, last_day: date) -> KeyUsage:
    try:
        return _usage(self, partner, first_day, last_day)
    except ClientError as error:
        if str(error.response.get("Error", {}).get("Code", "")) in NOT_IMPLEMENTED:
            return KeyUsage(available=False)
        raise


def install() -> None:
    ApiGatewayKeys.usage = _usage_or_unavailable  # type: ignore[method-assign]
