# The server module on its own (mode = "vpc"): its resources planned with
# the real provider (nothing is called: the image is given, or its lookup
# overridden), bad values rejected, and the wiring that only exists after
# apply (security group references, the VPC link integration, the group
# behind the load balancer) applied against a mock provider.
#
# The root-level view (the settings reaching the servers from the one
# app_environment, the instance policy with the real table and topic ARNs,
# the root variables' validation) is server_root.tftest.hcl.

provider "aws" {
  region                      = "eu-west-3"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "offline-test-not-a-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

mock_provider "aws" {
  alias = "mock"

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }

  mock_data "aws_default_tags" {
    defaults = { tags = {} }
  }

  # The provider validates ARNs even when mocked: give them real shapes.
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/fcsrv-server" }
  }

  mock_resource "aws_iam_instance_profile" {
    defaults = { arn = "arn:aws:iam::123456789012:instance-profile/fcsrv-server" }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-3:123456789012:log-group:/aws/apigateway/fcsrv-http/access" }
  }

  mock_resource "aws_lb" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:eu-west-3:123456789012:loadbalancer/app/fcsrv-server/50dc6c495c0c9188"
      arn_suffix = "app/fcsrv-server/50dc6c495c0c9188"
    }
  }

  mock_resource "aws_lb_target_group" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/fcsrv-server/73e2d6bc24d8a067"
      arn_suffix = "targetgroup/fcsrv-server/73e2d6bc24d8a067"
    }
  }

  mock_resource "aws_lb_listener" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-3:123456789012:listener/app/fcsrv-server/50dc6c495c0c9188/f2f7dc8efc522ab2" }
  }

  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      id            = "a1b2c3d4e5"
      api_endpoint  = "https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com"
      execution_arn = "arn:aws:execute-api:eu-west-3:123456789012:a1b2c3d4e5"
    }
  }

  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0123456789abcdef0", latest_version = 3 }
  }
}

variables {
  name = "fcsrv"
  aws  = { partition = "aws", region = "eu-west-3", account_id = "123456789012" }
  network = {
    vpc_id                  = "vpc-0a1b2c3d4e5f60718"
    private_subnet_ids      = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]
    dynamodb_prefix_list_id = "pl-06da4a6f"
  }
  environment = {
    READINGS_TABLE        = "fcsrv-readings"
    DEVICES_TABLE         = "fcsrv-devices"
    ALERTS_TABLE          = "fcsrv-alerts"
    ALERTS_TOPIC_ARN      = "arn:aws:sns:eu-west-3:123456789012:fcsrv-alerts"
    ADMIN_TOKEN_PARAMETER = "/fcsrv/admin-token"
    THRESHOLDS            = "{\"co2\":{\"warning\":800}}"
    PUBLIC_READ           = "false"
    NODE_OPTIONS          = "--enable-source-maps"
  }
  bundle_dir                 = "tests/fixtures/server"
  ami_id                     = "ami-0123456789abcdef0"
  table_arns                 = { readings = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcsrv-readings", devices = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcsrv-devices", alerts = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcsrv-alerts" }
  topic_arn                  = "arn:aws:sns:eu-west-3:123456789012:fcsrv-alerts"
  topic_kms_key_arn          = "arn:aws:kms:eu-west-3:123456789012:key/11111111-2222-3333-4444-555555555555"
  admin_token_parameter_name = "/fcsrv/admin-token"
  route_keys                 = ["GET /healthz", "POST /v1/readings", "GET /v1/alerts", "$default"]
  access_log_format          = "{\"requestId\":\"$context.requestId\",\"status\":\"$context.status\"}"
  throttling_burst_limit     = 40
  throttling_rate_limit      = 20
  log_retention_days         = 14
}

run "servers_behind_an_internal_load_balancer" {
  command = plan

  module {
    source = "./modules/server"
  }

  assert {
    condition = (
      aws_autoscaling_group.this.name == "fcsrv-server" &&
      toset(aws_autoscaling_group.this.vpc_zone_identifier) == toset(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]) &&
      aws_autoscaling_group.this.min_size == 2 && aws_autoscaling_group.this.max_size == 4 &&
      aws_autoscaling_group.this.health_check_type == "ELB" && aws_autoscaling_group.this.health_check_grace_period == 300
    )
    error_message = "The Auto Scaling group runs 2 to 4 instances in the private subnets only, replaced when the load balancer finds them unhealthy."
  }

  assert {
    condition = (
      aws_autoscaling_group.this.instance_refresh[0].strategy == "Rolling" &&
      aws_autoscaling_group.this.instance_refresh[0].preferences[0].min_healthy_percentage == 100 &&
      aws_autoscaling_group.this.instance_refresh[0].preferences[0].max_healthy_percentage == 200 &&
      aws_autoscaling_group.this.instance_refresh[0].preferences[0].auto_rollback
    )
    error_message = "A new launch template version rolls the instances: new ones first, capacity never below 100 %, rolled back on failure."
  }

  assert {
    condition = (
      aws_lb.this.internal && aws_lb.this.load_balancer_type == "application" &&
      toset(aws_lb.this.subnets) == toset(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]) &&
      aws_lb.this.drop_invalid_header_fields &&
      aws_lb_listener.http.port == 80 && aws_lb_listener.http.protocol == "HTTP"
    )
    error_message = "The load balancer is internal, in the private subnets, and listens on port 80 for the VPC link."
  }

  assert {
    condition = (
      aws_lb_target_group.this.port == 8080 && aws_lb_target_group.this.protocol == "HTTP" && aws_lb_target_group.this.target_type == "instance" &&
      aws_lb_target_group.this.health_check[0].path == "/healthz" && aws_lb_target_group.this.health_check[0].matcher == "200" &&
      aws_lb_target_group.this.health_check[0].port == "traffic-port"
    )
    error_message = "Targets: the instances on the app port, healthy when GET /healthz answers 200."
  }

  assert {
    condition = (
      aws_launch_template.this.image_id == "ami-0123456789abcdef0" && aws_launch_template.this.instance_type == "t4g.small" &&
      aws_launch_template.this.metadata_options[0].http_endpoint == "enabled" &&
      aws_launch_template.this.metadata_options[0].http_tokens == "required" &&
      aws_launch_template.this.metadata_options[0].http_put_response_hop_limit == 1
    )
    error_message = "Graviton t4g.small instances of the given image; IMDSv2 only, hop limit 1."
  }

  assert {
    condition = (
      length(aws_launch_template.this.block_device_mappings) == 1 &&
      aws_launch_template.this.block_device_mappings[0].device_name == "/dev/xvda" &&
      aws_launch_template.this.block_device_mappings[0].ebs[0].encrypted == "true" &&
      aws_launch_template.this.block_device_mappings[0].ebs[0].volume_type == "gp3" &&
      aws_launch_template.this.block_device_mappings[0].ebs[0].volume_size == 8 &&
      aws_launch_template.this.block_device_mappings[0].ebs[0].delete_on_termination == "true"
    )
    error_message = "The root volume is an encrypted gp3 volume."
  }

  assert {
    condition = alltrue([for s in [
      "dnf install -y nodejs22 amazon-cloudwatch-agent",
      "readonly BUNDLE_SHA256='${filesha256("tests/fixtures/server/server.mjs")}'",
      "readonly BUCKET='fcsrv-bundle-123456789012-eu-west-3'",
      "amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s",
      "sha256sum --check",
      "systemctl enable --now \"$SERVICE\"",
    ] : strcontains(base64decode(aws_launch_template.this.user_data), s)])
    error_message = "The boot script installs Node.js 22 and the CloudWatch agent from the distribution, fetches and checks the bundle, and starts the service."
  }

  assert {
    condition = (
      aws_s3_bucket.bundle.bucket == "fcsrv-bundle-123456789012-eu-west-3" &&
      aws_s3_bucket_public_access_block.bundle.block_public_acls && aws_s3_bucket_public_access_block.bundle.block_public_policy &&
      aws_s3_bucket_public_access_block.bundle.ignore_public_acls && aws_s3_bucket_public_access_block.bundle.restrict_public_buckets &&
      aws_s3_bucket_ownership_controls.bundle.rule[0].object_ownership == "BucketOwnerEnforced"
    )
    error_message = "The bundle bucket is private: every public access blocked, no ACLs."
  }

  assert {
    condition = (
      aws_s3_bucket_versioning.bundle.versioning_configuration[0].status == "Enabled" &&
      one(aws_s3_bucket_server_side_encryption_configuration.bundle.rule[*].apply_server_side_encryption_by_default[0].sse_algorithm) == "AES256"
    )
    error_message = "The bundle bucket is versioned and encrypted (SSE-S3)."
  }

  assert {
    condition = jsonencode(jsondecode(aws_s3_bucket_policy.bundle.policy).Statement) == jsonencode([{
      Sid       = "TlsOnly"
      Effect    = "Deny"
      Action    = "s3:*"
      Principal = "*"
      Resource  = ["arn:aws:s3:::fcsrv-bundle-123456789012-eu-west-3/*", "arn:aws:s3:::fcsrv-bundle-123456789012-eu-west-3"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }])
    error_message = "The bucket policy refuses every request not made over TLS: ${aws_s3_bucket_policy.bundle.policy}"
  }

  assert {
    condition = (
      aws_s3_object.bundle["bundle"].key == "server/server.mjs" && aws_s3_object.bundle["bundle"].source == "tests/fixtures/server/server.mjs" &&
      aws_s3_object.bundle["bundle"].source_hash == filesha256("tests/fixtures/server/server.mjs") &&
      aws_s3_object.bundle["source_map"].key == "server/server.mjs.map" &&
      aws_s3_object.bundle["source_map"].source_hash == filesha256("tests/fixtures/server/server.mjs.map")
    )
    error_message = "Terraform uploads the bundle and its source map, re-uploaded when their content changes."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.instance.assume_role_policy).Statement[0].Principal.Service == "ec2.amazonaws.com" &&
      aws_iam_instance_profile.instance.name == "fcsrv-server"
    )
    error_message = "The instance role is assumed by EC2, through an instance profile."
  }

  # Exactly the rules of the design, as far as plan knows them (the group
  # references are checked after apply, in `wiring`).
  assert {
    condition = (
      aws_vpc_security_group_egress_rule.vpc_link_to_load_balancer.ip_protocol == "tcp" && aws_vpc_security_group_egress_rule.vpc_link_to_load_balancer.from_port == 80 && aws_vpc_security_group_egress_rule.vpc_link_to_load_balancer.to_port == 80 &&
      aws_vpc_security_group_ingress_rule.load_balancer_from_vpc_link.ip_protocol == "tcp" && aws_vpc_security_group_ingress_rule.load_balancer_from_vpc_link.from_port == 80 && aws_vpc_security_group_ingress_rule.load_balancer_from_vpc_link.to_port == 80 &&
      aws_vpc_security_group_egress_rule.load_balancer_to_instances.from_port == 8080 && aws_vpc_security_group_egress_rule.load_balancer_to_instances.to_port == 8080 &&
      aws_vpc_security_group_ingress_rule.instances_from_load_balancer.from_port == 8080 && aws_vpc_security_group_ingress_rule.instances_from_load_balancer.to_port == 8080 &&
      aws_vpc_security_group_ingress_rule.instances_from_load_balancer.cidr_ipv4 == null && aws_vpc_security_group_ingress_rule.load_balancer_from_vpc_link.cidr_ipv4 == null
    )
    error_message = "VPC link -> load balancer on 80, load balancer -> instances on 8080, from security groups only (no CIDR)."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.instances_https.ip_protocol == "tcp" && aws_vpc_security_group_egress_rule.instances_https.from_port == 443 && aws_vpc_security_group_egress_rule.instances_https.to_port == 443 &&
      aws_vpc_security_group_egress_rule.instances_https.cidr_ipv4 == "0.0.0.0/0" &&
      aws_vpc_security_group_egress_rule.instances_dynamodb.ip_protocol == "tcp" && aws_vpc_security_group_egress_rule.instances_dynamodb.from_port == 443 && aws_vpc_security_group_egress_rule.instances_dynamodb.to_port == 443 &&
      aws_vpc_security_group_egress_rule.instances_dynamodb.prefix_list_id == "pl-06da4a6f" && aws_vpc_security_group_egress_rule.instances_dynamodb.cidr_ipv4 == null
    )
    error_message = "The instances may only leave on HTTPS: to the internet through the NAT, and to the DynamoDB prefix list."
  }

  assert {
    condition = (
      aws_apigatewayv2_api.http.name == "fcsrv-http" && aws_apigatewayv2_api.http.protocol_type == "HTTP" &&
      aws_apigatewayv2_stage.default.name == "$default" && aws_apigatewayv2_stage.default.auto_deploy &&
      aws_apigatewayv2_stage.default.default_route_settings[0].throttling_burst_limit == 40 &&
      aws_apigatewayv2_stage.default.default_route_settings[0].throttling_rate_limit == 20 &&
      aws_apigatewayv2_stage.default.access_log_settings[0].format == var.access_log_format &&
      aws_cloudwatch_log_group.access.name == "/aws/apigateway/fcsrv-http/vpc-access" && aws_cloudwatch_log_group.access.retention_in_days == 14
    )
    error_message = "The same HTTP API as serverless mode: $default stage, throttling, the shared access log format."
  }

  assert {
    condition = (
      toset(keys(aws_apigatewayv2_route.this)) == toset(var.route_keys) &&
      aws_apigatewayv2_integration.servers.integration_type == "HTTP_PROXY" && aws_apigatewayv2_integration.servers.integration_method == "ANY" &&
      aws_apigatewayv2_integration.servers.connection_type == "VPC_LINK" && aws_apigatewayv2_integration.servers.payload_format_version == "1.0" &&
      toset(aws_apigatewayv2_vpc_link.this.subnet_ids) == toset(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"])
    )
    error_message = "Every route of the contract goes through the VPC link (in the private subnets) to the load balancer."
  }

  assert {
    condition = (
      aws_cloudwatch_log_group.server.name == "/firemon/fcsrv/server" && aws_cloudwatch_log_group.server.retention_in_days == 14 &&
      output.log_group_name == "/firemon/fcsrv/server" &&
      strcontains(output.user_data, "\"log_group_name\":\"/firemon/fcsrv/server\"")
    )
    error_message = "The CloudWatch agent ships the service's output to /firemon/<name>/server, kept log_retention_days."
  }

  assert {
    condition = (
      aws_autoscaling_policy.cpu.policy_type == "TargetTrackingScaling" &&
      aws_autoscaling_policy.cpu.target_tracking_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ASGAverageCPUUtilization" &&
      aws_autoscaling_policy.cpu.target_tracking_configuration[0].target_value == 60
    )
    error_message = "The group tracks 60 % average CPU by default."
  }

  assert {
    condition     = output.service_environment == merge(var.environment, { PORT = "8080", HOST = "0.0.0.0", SWEEP_INTERVAL_SECONDS = "60", AWS_REGION = "eu-west-3" })
    error_message = "The service gets the application's environment as given, plus PORT, HOST, SWEEP_INTERVAL_SECONDS and AWS_REGION: ${jsonencode(output.service_environment)}"
  }

  assert {
    condition     = alltrue([for k, v in output.service_environment : strcontains(output.environment_file, "\n${k}='${v}'\n")])
    error_message = "The environment file has one KEY='value' line per variable:\n${output.environment_file}"
  }

  assert {
    condition = alltrue([for line in [
      "User=firemon", "EnvironmentFile=/etc/firemon/server.env",
      "ExecStart=/usr/bin/node-22 --enable-source-maps /opt/firemon/server.mjs",
      "Restart=always", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
      "CapabilityBoundingSet=", "AmbientCapabilities=", "StandardOutput=append:/var/log/firemon/server.log",
    ] : contains(split("\n", output.systemd_unit), line)]) && !strcontains(output.systemd_unit, "ReadWritePaths=/")
    error_message = "The service runs as its own user, is restarted always, and is hardened:\n${output.systemd_unit}"
  }

  assert {
    condition     = strcontains(output.user_data, "<<'FIREMON_EOF'\n${chomp(output.systemd_unit)}\nFIREMON_EOF\n") && strcontains(output.user_data, "<<'FIREMON_EOF'\n${chomp(output.environment_file)}\nFIREMON_EOF\n")
    error_message = "The boot script writes the unit and the environment file exactly as rendered."
  }

  assert {
    # aws_services (what the VPC must reach without a NAT) names exactly the
    # services of the instance policy's actions, but KMS (only through
    # DynamoDB, SNS and SSM) and Session Manager's channel (ssmmessages).
    condition = toset(keys(output.aws_services)) == toset([
      for svc in distinct(flatten([for st in jsondecode(output.instance_policy).Statement : [for a in flatten([st.Action]) : split(":", a)[0]]])) :
      svc if !contains(["kms", "ssmmessages"], svc)
    ])
    error_message = "The servers call a service that aws_services (and so the VPC endpoints) does not list, or the reverse: ${jsonencode(output.aws_services)} vs ${output.instance_policy}"
  }
}

run "current_image_from_the_public_parameter" {
  command = plan

  module {
    source = "./modules/server"
  }

  variables {
    ami_id        = null
    instance_type = "m7g.large"
    min_size      = 1
    max_size      = 6
    cpu_target    = 45
  }

  override_data {
    target = data.aws_ssm_parameter.ami
    values = { insecure_value = "ami-0fedcba9876543210", type = "String" }
  }

  assert {
    condition     = data.aws_ssm_parameter.ami[0].name == "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" && aws_launch_template.this.image_id == "ami-0fedcba9876543210"
    error_message = "Without ami_id the image is the current Amazon Linux 2023 arm64 one, from AWS's public SSM parameter."
  }

  assert {
    condition     = aws_launch_template.this.instance_type == "m7g.large" && aws_autoscaling_group.this.min_size == 1 && aws_autoscaling_group.this.max_size == 6 && aws_autoscaling_policy.cpu.target_tracking_configuration[0].target_value == 45
    error_message = "instance_type, min_size, max_size and cpu_target are used as given."
  }
}

# The inputs that enter here (the others are validated by the root module,
# where users give them: server_root.tftest.hcl, validation.tftest.hcl).
run "bad_values_are_rejected" {
  command = plan

  module {
    source = "./modules/server"
  }

  variables {
    app_port    = 80
    environment = { THRESHOLDS = "it's" } # a quote would break the environment file
  }

  expect_failures = [
    var.app_port,
    var.environment,
  ]
}

run "one_zone_is_rejected" {
  command = plan

  module {
    source = "./modules/server"
  }

  variables {
    network = { vpc_id = "vpc-0a1b2c3d4e5f60718", private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1"], dynamodb_prefix_list_id = "pl-06da4a6f" }
  }

  expect_failures = [aws_lb.this]
}

run "missing_bundle_is_rejected" {
  command = plan

  module {
    source = "./modules/server"
  }

  variables {
    bundle_dir = "tests/fixtures/not-built"
  }

  expect_failures = [aws_s3_object.bundle]
}

# Apply runs last: their (mock) state must not be refreshed by the real
# provider of the plan runs above.

run "wiring" {
  command   = apply
  providers = { aws = aws.mock }

  module {
    source = "./modules/server"
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.vpc_link_to_load_balancer.security_group_id == aws_security_group.vpc_link.id &&
      aws_vpc_security_group_egress_rule.vpc_link_to_load_balancer.referenced_security_group_id == aws_security_group.load_balancer.id &&
      aws_vpc_security_group_ingress_rule.load_balancer_from_vpc_link.security_group_id == aws_security_group.load_balancer.id &&
      aws_vpc_security_group_ingress_rule.load_balancer_from_vpc_link.referenced_security_group_id == aws_security_group.vpc_link.id &&
      aws_vpc_security_group_egress_rule.load_balancer_to_instances.security_group_id == aws_security_group.load_balancer.id &&
      aws_vpc_security_group_egress_rule.load_balancer_to_instances.referenced_security_group_id == aws_security_group.instances.id &&
      aws_vpc_security_group_ingress_rule.instances_from_load_balancer.security_group_id == aws_security_group.instances.id &&
      aws_vpc_security_group_ingress_rule.instances_from_load_balancer.referenced_security_group_id == aws_security_group.load_balancer.id &&
      aws_vpc_security_group_egress_rule.instances_https.security_group_id == aws_security_group.instances.id &&
      aws_vpc_security_group_egress_rule.instances_dynamodb.security_group_id == aws_security_group.instances.id
    )
    error_message = "Only VPC link -> load balancer -> instances, group to group; the instances' two egress rules are theirs."
  }

  assert {
    condition = (
      jsonencode(aws_apigatewayv2_vpc_link.this.security_group_ids) == jsonencode([aws_security_group.vpc_link.id]) &&
      jsonencode(aws_lb.this.security_groups) == jsonencode([aws_security_group.load_balancer.id]) &&
      jsonencode(aws_launch_template.this.vpc_security_group_ids) == jsonencode([aws_security_group.instances.id]) &&
      aws_security_group.instances.vpc_id == "vpc-0a1b2c3d4e5f60718"
    )
    error_message = "Each of the three groups is attached to its own component, in the VPC."
  }

  assert {
    condition = (
      aws_apigatewayv2_integration.servers.connection_id == aws_apigatewayv2_vpc_link.this.id &&
      aws_apigatewayv2_integration.servers.integration_uri == aws_lb_listener.http.arn &&
      alltrue([for r in aws_apigatewayv2_route.this : r.target == "integrations/${aws_apigatewayv2_integration.servers.id}"]) &&
      aws_lb_listener.http.load_balancer_arn == aws_lb.this.arn &&
      aws_lb_listener.http.default_action[0].type == "forward" && aws_lb_listener.http.default_action[0].target_group_arn == aws_lb_target_group.this.arn
    )
    error_message = "Every route -> the VPC link integration -> the load balancer's listener -> the target group."
  }

  assert {
    condition = (
      jsonencode(aws_autoscaling_group.this.target_group_arns) == jsonencode([aws_lb_target_group.this.arn]) &&
      aws_autoscaling_group.this.launch_template[0].id == aws_launch_template.this.id &&
      aws_autoscaling_group.this.launch_template[0].version == "3" &&
      aws_launch_template.this.iam_instance_profile[0].arn == aws_iam_instance_profile.instance.arn &&
      aws_iam_instance_profile.instance.role == aws_iam_role.instance.name &&
      aws_iam_role_policy.instance.role == aws_iam_role.instance.id
    )
    error_message = "The group registers its instances in the target group and launches the latest template version, with the instance profile of the role."
  }

  assert {
    condition     = output.api_url == "https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com" && output.target_group_arn_suffix == "targetgroup/fcsrv-server/73e2d6bc24d8a067"
    error_message = "api_url is the HTTP API's endpoint."
  }
}
