# The instances: a launch template (image, role, IMDSv2, encrypted gp3 root
# volume, the boot script), an Auto Scaling group in the private subnets
# behind the load balancer, rolled by an instance refresh whenever the
# launch template changes (a new bundle, new settings, a new image), and a
# CPU target-tracking policy.

locals {
  # The systemd unit and the environment file are templates of their own so
  # that they can be read (and tested) on their own: outputs systemd_unit and
  # environment_file; the boot script writes them as they are.
  systemd_unit = templatefile("${path.module}/templates/firemon-server.service.tftpl", {
    name        = var.name
    user        = local.service_user
    env_file    = local.env_file
    node        = "/usr/bin/node-22" # the nodejs22 package's own binary, whatever `alternatives` says /usr/bin/node is
    entry_point = "${local.app_dir}/server.mjs"
    log_file    = local.log_file
  })

  environment_file = templatefile("${path.module}/templates/server.env.tftpl", {
    environment = local.service_environment
  })

  cloudwatch_agent_config = jsonencode({
    agent = {
      region  = var.aws.region
      logfile = "/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log"
    }
    logs = {
      force_flush_interval = 5
      logs_collected = {
        files = {
          collect_list = [
            {
              file_path       = local.log_file
              log_group_name  = local.log_group_name
              log_stream_name = "{instance_id}/server"
              timezone        = "UTC"
            },
            {
              file_path       = "/var/log/cloud-init-output.log"
              log_group_name  = local.log_group_name
              log_stream_name = "{instance_id}/boot"
              timezone        = "UTC"
            },
          ]
        }
      }
    }
  })

  user_data = templatefile("${path.module}/templates/user-data.sh.tftpl", {
    name                    = var.name
    region                  = var.aws.region
    bucket                  = local.bucket_name
    bundle_key              = local.bundle.bundle.key
    bundle_sha256           = local.bundle_sha256.bundle
    map_key                 = local.bundle.source_map.key
    map_sha256              = local.bundle_sha256.source_map
    app_dir                 = local.app_dir
    user                    = local.service_user
    service                 = local.service_name
    port                    = var.app_port
    log_file                = local.log_file
    log_group_name          = local.log_group_name
    env_file                = local.env_file
    environment_file        = chomp(local.environment_file)
    systemd_unit            = chomp(local.systemd_unit)
    cloudwatch_agent_config = local.cloudwatch_agent_config
  })

  instance_tags = merge(data.aws_default_tags.current.tags, { Name = local.server_name })
}

resource "aws_launch_template" "this" {
  name                   = local.server_name
  description            = "Instances of the ${var.name} server variant"
  update_default_version = true

  image_id               = local.ami_id
  instance_type          = var.instance_type
  vpc_security_group_ids = [aws_security_group.instances.id]
  user_data              = base64encode(local.user_data)

  iam_instance_profile {
    arn = aws_iam_instance_profile.instance.arn
  }

  # IMDSv2 only; one hop: nothing but the host itself (no container) reaches it.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda" # Amazon Linux 2023's root device
    ebs {
      volume_type           = "gp3"
      volume_size           = var.root_volume_size_gb
      encrypted             = true # the account's default EBS key (aws/ebs)
      delete_on_termination = true
    }
  }

  dynamic "tag_specifications" {
    for_each = ["instance", "volume", "network-interface"]
    content {
      resource_type = tag_specifications.value
      tags          = local.instance_tags
    }
  }

  lifecycle {
    precondition {
      condition     = length(local.user_data) <= 16384
      error_message = "The boot script is ${length(local.user_data)} bytes; EC2 user data is limited to 16 KiB."
    }
  }

  # The bundle must be in the bucket before an instance of this version boots.
  depends_on = [aws_s3_object.bundle]
}

resource "aws_autoscaling_group" "this" {
  name                = local.server_name
  vpc_zone_identifier = var.network.private_subnet_ids
  target_group_arns   = [aws_lb_target_group.this.arn]

  min_size         = var.min_size
  max_size         = var.max_size
  desired_capacity = var.desired_capacity

  # Replace an instance the load balancer finds unhealthy, after it had the
  # time to install and start.
  health_check_type         = "ELB"
  health_check_grace_period = var.health_check_grace_period_seconds
  default_instance_warmup   = 120

  launch_template {
    id      = aws_launch_template.this.id
    version = aws_launch_template.this.latest_version
  }

  # A change of launch template version starts a rolling refresh: new
  # instances first (up to twice the capacity), each old one terminated once
  # a new one is healthy, so capacity never drops; rolled back on failure.
  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 100
      max_healthy_percentage = 200
      instance_warmup        = 120
      auto_rollback          = true
    }
  }

  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances", "GroupTerminatingInstances", "GroupTotalInstances"]

  # An instance must be able to fetch the bundle and write its logs from
  # its first second: the role's policy and the log group come first.
  depends_on = [aws_iam_role_policy.instance, aws_cloudwatch_log_group.server]

  dynamic "tag" {
    for_each = local.instance_tags
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = false # the launch template tags instances and volumes
    }
  }
}

resource "aws_autoscaling_policy" "cpu" {
  name                   = "${local.server_name}-cpu"
  autoscaling_group_name = aws_autoscaling_group.this.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = var.cpu_target
  }
}
