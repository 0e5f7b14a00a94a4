"""Adapters for AWS services other than DynamoDB: SNS, SQS, Step Functions, API Gateway, EventBridge, Secrets
Manager (the store is DynamoDB's; hotline.web the open web's)."""
