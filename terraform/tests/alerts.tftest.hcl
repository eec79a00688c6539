# The alerts module on its own, planned with the real provider.

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
  name              = "fcalert"
  aws               = { partition = "aws", region = "eu-west-3", account_id = "123456789012" }
  email_addresses   = ["ops@example.org", "chef.securite@example.fr"]
  sms_phone_numbers = ["+33612345678", "+14155550100"]
}

run "topic_subscriptions_and_key" {
  command = plan

  module {
    source = "./modules/alerts"
  }

  assert {
    condition     = aws_sns_topic.alerts.name == "fcalert-alerts" && output.topic_arn == "arn:aws:sns:eu-west-3:123456789012:fcalert-alerts"
    error_message = "The topic is <name>-alerts."
  }

  assert {
    condition     = aws_kms_key.alerts.enable_key_rotation && aws_kms_alias.alerts.name == "alias/fcalert-alerts"
    error_message = "The topic's key rotates and has an alias."
  }

  assert {
    condition = jsonencode({ for s in jsondecode(aws_kms_key.alerts.policy).Statement : s.Sid => { p = s.Principal, a = sort(flatten([s.Action])) } }) == jsonencode({
      AccountAdministersAndDelegatesToIam = { p = { AWS = "arn:aws:iam::123456789012:root" }, a = ["kms:*"] }
      CloudWatchAlarmsPublishToTheTopic   = { p = { Service = "cloudwatch.amazonaws.com" }, a = ["kms:Decrypt", "kms:GenerateDataKey"] }
    })
    error_message = "Key policy: the account administers the key, CloudWatch alarms may use it to publish. ${aws_kms_key.alerts.policy}"
  }

  assert {
    condition     = jsonencode(sort(keys(aws_sns_topic_subscription.email))) == jsonencode(["chef.securite@example.fr", "ops@example.org"]) && alltrue([for s in aws_sns_topic_subscription.email : s.protocol == "email" && s.filter_policy == null])
    error_message = "Every address gets an unfiltered e-mail subscription (all alerts)."
  }

  assert {
    condition = alltrue([
      for s in aws_sns_topic_subscription.sms :
      s.protocol == "sms" && s.filter_policy_scope == "MessageAttributes" && jsondecode(s.filter_policy) == { severity = ["critical"] }
    ]) && length(aws_sns_topic_subscription.sms) == 2
    error_message = "SMS subscriptions are filtered on the severity message attribute: critical only by default."
  }
}

run "sms_for_warnings_too" {
  command = plan

  module {
    source = "./modules/alerts"
  }

  variables {
    sms_severities = ["warning", "critical"]
  }

  assert {
    condition     = alltrue([for s in aws_sns_topic_subscription.sms : jsondecode(s.filter_policy) == { severity = ["warning", "critical"] }])
    error_message = "sms_severities is the filter policy's list."
  }
}

run "no_subscriptions" {
  command = plan

  module {
    source = "./modules/alerts"
  }

  variables {
    email_addresses   = []
    sms_phone_numbers = []
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0 && length(aws_sns_topic_subscription.sms) == 0
    error_message = "No addresses, no subscriptions."
  }
}
