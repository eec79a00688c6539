variable "name" {
  description = "Stack name, prefix of every resource name."
  type        = string
}

variable "network" {
  description = "Outputs of the network module that the server variant will run in."
  type = object({
    vpc_id             = string
    public_subnet_ids  = list(string)
    private_subnet_ids = list(string)
  })
}
