# ---------------------------------------------------------------------------
# Front door (optional, both modes): CloudFront + AWS WAF per-IP rate limits
# in front of the HTTP API (modules/front-door, docs/terraform.md).
# ---------------------------------------------------------------------------

variable "enable_front_door" {
  description = "Put a CloudFront distribution with an AWS WAF web ACL (per-source-IP rate limits) in front of the HTTP API. Boards and browsers then use its URL (output front_door_url); requests that go around it to the execute-api URL are refused with 403. Costs a few dollars a month (bench/cost.mjs)."
  type        = bool
  default     = false
}

variable "front_door_rate_limit" {
  description = "Requests one source IP may send in any 5 minutes to every route but POST /v1/readings (dashboards, admin scripts); beyond it, 429 with Retry-After until its rate falls below. AWS WAF counts approximately and acts within a minute or so."
  type        = number
  default     = 1000

  validation {
    condition     = var.front_door_rate_limit >= 10 && var.front_door_rate_limit <= 2000000000 && floor(var.front_door_rate_limit) == var.front_door_rate_limit
    error_message = "front_door_rate_limit must be a whole number from 10 (AWS WAF's minimum) to 2000000000 requests per 5 minutes."
  }
}

variable "front_door_readings_rate_limit" {
  description = "Requests one source IP may send in any 5 minutes to POST /v1/readings, a budget of its own. Higher than front_door_rate_limit: the boards of a site share one public address (their NAT), and a board sends its backlog back to back after an outage (a 429 makes it wait Retry-After; nothing is lost)."
  type        = number
  default     = 3000

  validation {
    condition     = var.front_door_readings_rate_limit >= 10 && var.front_door_readings_rate_limit <= 2000000000 && floor(var.front_door_readings_rate_limit) == var.front_door_readings_rate_limit
    error_message = "front_door_readings_rate_limit must be a whole number from 10 (AWS WAF's minimum) to 2000000000 requests per 5 minutes."
  }
}
