# Recommended (Terraform 1.11+): a write-only secret. The value is sent to Vonage on create and is
# never stored in the plan or the state. Vonage never returns it either.
variable "new_secret" {
  type        = string
  description = "8-25 characters with at least one lower-case letter, one upper-case letter and one digit."
  sensitive   = true
  ephemeral   = true
}

resource "vonage_api_secret" "this" {
  # api_key defaults to the provider's API key; set it to manage a subaccount's secrets.
  secret_wo = var.new_secret
  # Terraform cannot diff a write-only value: bump this number to create a new secret
  # (it forces replacement).
  secret_wo_version = 1
}

output "secret_id" {
  value = vonage_api_secret.this.id
}
