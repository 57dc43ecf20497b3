# Zero-downtime rotation of a subaccount's API secret, managed with the primary's credentials.
# The resource owns both of the subaccount's secret slots: "current" for applications, and
# "previous", still valid until the next rotation.
variable "subaccount_api_key" {
  type        = string
  description = "API key of the subaccount whose secret is rotated (not the provider's own)."
}

variable "secret_version" {
  type        = number
  description = "Increase by one to rotate."
  default     = 1
}

# A fresh random value on every run; Vonage gets it only when a rotation happens.
ephemeral "vonage_generated_secret" "app" {}

resource "vonage_api_secret_rotation" "app" {
  api_key           = var.subaccount_api_key
  secret_wo         = ephemeral.vonage_generated_secret.app.value
  secret_wo_version = var.secret_version
}

# Applications learn the new value from the same ephemeral source, written in the same apply to
# wherever they read it, for example a secrets manager's write-only argument versioned alike:
#
# resource "aws_secretsmanager_secret_version" "vonage_app" {
#   secret_id                = aws_secretsmanager_secret.vonage_app.id
#   secret_string_wo         = ephemeral.vonage_generated_secret.app.value
#   secret_string_wo_version = var.secret_version
#   depends_on               = [vonage_api_secret_rotation.app]
# }

output "current_secret_id" {
  value = vonage_api_secret_rotation.app.current_id
}
