# The server variant of the platform (mode = "vpc").
#
# A stub for now: it takes the network it will run in and creates nothing.
# A later issue fills it with the public HTTPS entry point and the servers
# that run the same handlers as the Lambda functions, so that both modes
# offer the same API.

locals {
  network = var.network
}
