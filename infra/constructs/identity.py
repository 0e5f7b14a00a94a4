"""Staff sign-in: a Cognito user pool whose groups are the roles, and the client staff tools use."""

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from constructs import Construct
from hotline.domain.staff.roles import Role


class StaffDirectory(Construct):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(username=True, email=True),
            password_policy=cognito.PasswordPolicy(
                min_length=12, require_digits=True, require_lowercase=True, require_uppercase=True, require_symbols=True
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            custom_attributes={"unit_id": cognito.StringAttribute(min_len=1, max_len=64, mutable=True)},
            removal_policy=RemovalPolicy.RETAIN,
        )
        for role in Role:
            cognito.CfnUserPoolGroup(
                self, f"Group{role.value.title()}", user_pool_id=self.user_pool.user_pool_id, group_name=role.value
            )
        self.client = self.user_pool.add_client(
            "StaffClient",
            auth_flows=cognito.AuthFlow(user_password=True, user_srp=True),
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            prevent_user_existence_errors=True,
            generate_secret=False,
            disable_o_auth=True,
        )
