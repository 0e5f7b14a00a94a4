"""Photos and files (hotline/domain/uploads): a private bucket browsers post them to, each with a form the API signs
for one key, type and size (S3 checks the post against the form's policy), and staff read through links the API
presigns for a few minutes. Nothing is public: the bucket blocks public access, refuses plain HTTP, and answers
cross-origin posts from the site's origin only.

No lifecycle rule removes files no ticket claimed: telling them apart would need a write on every claim (a tag), and
an unclaimed file is unreachable (its key is random and nobody holds a link) and costs a fraction of a cent a month.
"""

from aws_cdk import Fn, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct
from hotline.domain.uploads.rules import PREFIX

from infra.constructs.storage import private_bucket
from infra.nag import acknowledge

CORS_MAX_AGE_SECONDS = 3600


class Uploads(Construct):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.bucket = private_bucket(
            self,
            "Files",
            unlogged_because="Every file is posted with a form the API signed and read through a link it presigned,"
            " both logged by the API per request; server access logs would add a costlier second record of the same.",
            # Named before it exists (unique to the stack): the site's CSP names the bucket and its CORS names the site,
            # which a reference each way would make a dependency cycle (infra/constructs/site.py).
            bucket_name=f"hotline-uploads-{Fn.select(2, Fn.split('/', Stack.of(self).stack_id))}",
        )

    def allow_origin(self, origin: str) -> None:
        """Browsers may post files from the site's pages on `origin` (scheme and host), and from no other origin."""
        self.bucket.add_cors_rule(
            allowed_methods=[s3.HttpMethods.POST], allowed_origins=[origin], max_age=CORS_MAX_AGE_SECONDS
        )

    def let_sign(self, function: lambda_.Function) -> None:
        """`function` (the API) signs posts under uploads/ (S3 checks a post against the signer's s3:PutObject),
        reads what was posted (HeadObject is s3:GetObject; listing makes a missing file a 404, not a 403) and presigns
        links."""
        function.add_environment("UPLOADS_BUCKET", self.bucket.bucket_name)
        files = self.bucket.arn_for_objects(f"{PREFIX}*")
        function.add_to_role_policy(iam.PolicyStatement(actions=["s3:PutObject", "s3:GetObject"], resources=[files]))
        function.add_to_role_policy(iam.PolicyStatement(actions=["s3:ListBucket"], resources=[self.bucket.bucket_arn]))
        logical_id = Stack.of(self).resolve(self.bucket.node.default_child.logical_id)  # type: ignore[union-attr]
        acknowledge(
            function,
            f"AwsSolutions::AwsSolutions-IAM5[Resource::<{logical_id}.Arn>/{PREFIX}*]",
            "The API signs a post for, and links, any uploaded file: each key is made when its upload is signed.",
        )
