output "api_url" {
  description = "Base URL of the HTTP API (its $default stage, no trailing slash), or null when enable_http_api is false."
  value       = var.enable_http_api ? aws_apigatewayv2_api.http[0].api_endpoint : null
}

output "api_id" {
  description = "Id of the HTTP API, or null."
  value       = var.enable_http_api ? aws_apigatewayv2_api.http[0].id : null
}

output "api_stage_name" {
  description = "Name of the HTTP API's stage ($default), the `Stage` dimension of its metrics; null when enable_http_api is false."
  value       = var.enable_http_api ? aws_apigatewayv2_stage.default[0].name : null
}

output "function_names" {
  description = "Lambda function names by role (api, ingest, web with enable_http_api; sweep with enable_sweep)."
  value       = { for k, f in aws_lambda_function.this : k => f.function_name }
}

output "function_arns" {
  description = "Lambda function ARNs by role."
  value       = { for k, f in aws_lambda_function.this : k => f.arn }
}

output "role_arns" {
  description = "IAM role ARNs by function."
  value       = { for k, r in aws_iam_role.function : k => r.arn }
}

output "log_group_names" {
  description = "CloudWatch log group of each function, and of the HTTP API access log (key `access`)."
  value = merge(
    { for k, g in aws_cloudwatch_log_group.function : k => g.name },
    var.enable_http_api ? { access = aws_cloudwatch_log_group.access[0].name } : {},
  )
}

output "policies" {
  description = "The IAM policy document (JSON) of each function, for review."
  value       = { for k in keys(local.functions) : k => local.policies[k] }
}

output "route_keys" {
  description = "Route keys of the HTTP API (empty when enable_http_api is false)."
  value       = sort(keys(local.routes))
}
