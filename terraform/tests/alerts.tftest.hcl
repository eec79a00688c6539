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

  escalation_email_addresses   = ["direction@example.org"]
  escalation_sms_phone_numbers = ["+33699990000"]
}

run "topic_subscriptions_and_key" {
  command = plan

  module {
    source = "./modules/alerts"
  }

  assert {
    condition     = module.topic.name == "fcalert-alerts" && output.topic_arn == "arn:aws:sns:eu-west-3:123456789012:fcalert-alerts"
    error_message = "The topic is <name>-alerts."
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

  assert {
    # Escalation contacts get only what the app marks audience = escalation
    # (a critical alert unacknowledged after ESCALATE_AFTER_MINUTES).
    condition = jsonencode({ for k, s in aws_sns_topic_subscription.escalation : k => [s.protocol, s.endpoint, s.filter_policy_scope, jsondecode(s.filter_policy)] }) == jsonencode({
      "email:direction@example.org" = ["email", "direction@example.org", "MessageAttributes", { audience = ["escalation"] }]
      "sms:+33699990000"            = ["sms", "+33699990000", "MessageAttributes", { audience = ["escalation"] }]
    }) && output.escalation_subscription_count == 2
    error_message = "One escalation-only subscription per escalation address and number, filtered on audience = escalation."
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
    email_addresses              = []
    sms_phone_numbers            = []
    escalation_email_addresses   = []
    escalation_sms_phone_numbers = []
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0 && length(aws_sns_topic_subscription.sms) == 0 && length(aws_sns_topic_subscription.escalation) == 0
    error_message = "No addresses, no subscriptions."
  }
}
