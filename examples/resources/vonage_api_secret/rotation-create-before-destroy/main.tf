# Rotation without a gap: with create_before_destroy the new secret exists before the old one is
# revoked, so clients can switch over. It needs a free slot: Vonage allows at most two secrets per
# account, so at rotation time the account must hold only this resource's secret. The typical case
# is the primary account managing the only secret of a subaccount (api_key = the subaccount's key).
variable "subaccount_api_key" {
  type        = string
  description = "API key of the account whose secret is rotated."
}

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
  api_key           = var.subaccount_api_key
  secret_wo         = var.app_secret
  secret_wo_version = var.app_secret_version

  lifecycle {
    create_before_destroy = true
  }
}

output "app_secret_id" {
  value = vonage_api_secret.app.id
}
