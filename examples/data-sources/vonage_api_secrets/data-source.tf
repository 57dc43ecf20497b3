# Lists the ids of an account's API secrets (at most two); the values are never returned.
data "vonage_api_secrets" "this" {
  # api_key defaults to the provider's API key.
}

output "secret_ids" {
  value = [for s in data.vonage_api_secrets.this.secrets : s.id]
}
