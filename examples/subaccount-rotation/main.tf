# Zero-downtime rotation for a subaccount: the primary account creates the subaccount and rotates
# its API secret inside Vonage's two slots. After every rotation the subaccount holds the new
# secret ("current") and the one before it ("previous"), so applications that still use the
# previous secret keep working until the next rotation.
#
#   terraform apply                          # creates the subaccount and its first managed secret
#   terraform apply -var secret_version=2    # rotates: revokes the oldest, creates a new one
#
# Credentials are the primary account's, from VONAGE_API_KEY and VONAGE_API_SECRET.

variable "secret_version" {
  type        = number
  description = "Increase by one to rotate the subaccount's secret."
  default     = 1
}

provider "vonage" {}

resource "vonage_subaccount" "app" {
  name = "rotation-example"
}

# The value of the next secret, new on every run; Vonage only receives it when a rotation happens.
# Feed the same value to where the application reads its secret (a secrets manager's write-only
# argument with the same version), so the application gets it in the same apply.
ephemeral "vonage_generated_secret" "next" {}

resource "vonage_api_secret_rotation" "app" {
  api_key           = vonage_subaccount.app.api_key
  secret_wo         = ephemeral.vonage_generated_secret.next.value
  secret_wo_version = var.secret_version
}

output "subaccount_api_key" {
  value = vonage_subaccount.app.api_key
}

output "current_secret_id" {
  value = vonage_api_secret_rotation.app.current_id
}

output "previous_secret_id" {
  value = vonage_api_secret_rotation.app.previous_id
}
