# Validated where they enter: the root (variables.tf, "Front door").

variable "name" {
  description = "Stack name, prefix of every resource name."
  type        = string
}

variable "api_url" {
  description = "Base URL of the HTTP API, https://<id>.execute-api.<region>.amazonaws.com: the only origin."
  type        = string
}

variable "rate_limit" {
  description = "Requests per source IP in any 5 minutes, for every request but POST /v1/readings; beyond it, 429 until the rate falls below."
  type        = number
}

variable "readings_rate_limit" {
  description = "Requests per source IP in any 5 minutes to POST /v1/readings (the boards' upload), its own budget."
  type        = number
}

variable "retry_after_seconds" {
  description = "Retry-After of the 429 a rate rule answers."
  type        = number
  default     = 60
}

variable "secret_parameter_name" {
  description = "Name of the SSM SecureString this module creates with the origin secret (the application reads it: FRONT_DOOR_SECRET_PARAMETER)."
  type        = string
}

variable "secret_header_name" {
  description = "Header CloudFront adds with the origin secret (the application's FRONT_DOOR_SECRET_HEADER)."
  type        = string
}

variable "price_class" {
  description = "CloudFront price class: which edge locations serve (PriceClass_100: North America and Europe, the cheapest)."
  type        = string
  default     = "PriceClass_100"
}
