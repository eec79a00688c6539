# The internal Application Load Balancer in the private subnets, between
# API Gateway's VPC link and the instances.

resource "aws_lb" "this" {
  name               = local.server_name
  internal           = true
  load_balancer_type = "application"
  subnets            = var.network.private_subnet_ids
  security_groups    = [aws_security_group.load_balancer.id]

  drop_invalid_header_fields = true
  idle_timeout               = 60
  enable_deletion_protection = false # nothing to lose: the data is in DynamoDB

  lifecycle {
    precondition {
      condition     = length(var.network.private_subnet_ids) >= 2
      error_message = "An Application Load Balancer needs subnets in at least two availability zones: set az_count to 2 or more in vpc mode."
    }
  }
}

resource "aws_lb_target_group" "this" {
  name     = local.server_name
  vpc_id   = var.network.vpc_id
  port     = var.app_port
  protocol = "HTTP"

  target_type = "instance"
  # The service finishes what is in flight on SIGTERM; 30 s is ample.
  deregistration_delay = 30

  health_check {
    path                = "/healthz"
    port                = "traffic-port"
    protocol            = "HTTP"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP" # why not HTTPS inside the VPC: security_groups.tf

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}
