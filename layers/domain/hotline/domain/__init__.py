"""Pure domain: no boto3, no PynamoDB, no environment, no HTTP."""
