# Rotation, revoke first: bump secret_wo_version and apply. Terraform's default replacement order
# revokes the old secret, then creates the new one. The account keeps its other secret (the one the
# provider authenticates with), so the "last secret" rule never blocks the revoke, and the two-secret
# limit is never exceeded. Clients using the managed secret fail between the revoke and the create.
variable "app_secret" {
  type        = string
  description = "The new secret: 8-25 characters with lower-case, upper-case and a digit."
  sensitive   = true
  ephemeral   = true
}

variable "app_secret_version" {
  type        = number
  description = "Increase by one to rotate."
  default     = 1
}

resource "vonage_api_secret" "app" {
  secret_wo         = var.app_secret
  secret_wo_version = var.app_secret_version
}

output "app_secret_id" {
  value = vonage_api_secret.app.id
}
