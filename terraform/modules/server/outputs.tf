output "api_url" {
  description = "Base URL of the server variant's HTTPS API. null until the server variant is implemented."
  value       = null
}

output "vpc_id" {
  description = "The VPC the server variant runs in (passed through)."
  value       = local.network.vpc_id
}
