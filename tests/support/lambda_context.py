"""The context Lambda passes a handler, with what Powertools and the idempotency layer read from it."""


class LambdaContext:
    function_name = "hotline-api"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:hotline-api"
    aws_request_id = "req"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000
