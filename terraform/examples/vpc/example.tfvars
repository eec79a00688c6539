# Put your own values here (the addresses below are fiction).
name               = "fireco2-vpc"
region             = "eu-west-3"
alert_emails       = ["safety-team@example.org"]
alert_sms_numbers  = ["+33639980000"]
escalation_emails  = ["direction@example.org"]
ops_emails         = ["ops@example.org"]
availability_zones = ["eu-west-3a", "eu-west-3b", "eu-west-3c"]
# enable_front_door = true   # per-client rate limits in front of the API (docs/terraform.md)
