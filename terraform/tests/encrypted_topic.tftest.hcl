# The encrypted-topic module (the alerts and the operations topics), planned
# with the real provider.

provider "aws" {
  region                      = "eu-west-3"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "offline-test-not-a-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

variables {
  name            = "fctopic-ops"
  display_name    = "Fire/CO2 platform alarms (fctopic)"
  key_description = "encrypts the operations SNS topic"
  aws             = { partition = "aws", region = "eu-west-3", account_id = "123456789012" }
}

run "topic_and_key" {
  command = plan

  module {
    source = "./modules/encrypted-topic"
  }

  assert {
    condition     = aws_sns_topic.this.name == "fctopic-ops" && output.arn == "arn:aws:sns:eu-west-3:123456789012:fctopic-ops"
    error_message = "The topic has the given name and its ARN is known at plan."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_alias.this.name == "alias/fctopic-ops" && aws_kms_key.this.deletion_window_in_days == 30
    error_message = "The topic's key rotates, has an alias and a 30-day deletion window."
  }

  assert {
    # The service statement holds only for this account's alarms
    # (aws:SourceAccount: no confused deputy).
    condition = jsonencode({ for s in jsondecode(aws_kms_key.this.policy).Statement : s.Sid => { p = s.Principal, a = sort(flatten([s.Action])), c = try(s.Condition, null) } }) == jsonencode({
      AccountAdministersAndDelegatesToIam = { p = { AWS = "arn:aws:iam::123456789012:root" }, a = ["kms:*"], c = null }
      CloudWatchAlarmsPublishToTheTopic   = { p = { Service = "cloudwatch.amazonaws.com" }, a = ["kms:Decrypt", "kms:GenerateDataKey"], c = { StringEquals = { "aws:SourceAccount" = "123456789012" } } }
    })
    error_message = "Key policy: the account administers the key; CloudWatch alarms of this account only may use it. ${aws_kms_key.this.policy}"
  }
}
