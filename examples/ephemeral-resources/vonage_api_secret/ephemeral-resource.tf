variable "subaccount_api_key" {
  type        = string
  description = "API key of the subaccount to act as for this run."
}

provider "vonage" {}

# A secret of the subaccount that exists only while this run needs it: created when Terraform
# opens it, revoked when Terraform closes it. It needs a free secret slot on the subaccount.
ephemeral "vonage_api_secret" "run" {
  api_key = var.subaccount_api_key
}

# A provider that acts as the subaccount, configured from the short-lived secret.
provider "vonage" {
  alias      = "subaccount"
  api_key    = ephemeral.vonage_api_secret.run.api_key
  api_secret = ephemeral.vonage_api_secret.run.secret
}

data "vonage_balance" "subaccount" {
  provider = vonage.subaccount
}

output "subaccount_balance" {
  value = data.vonage_balance.subaccount.value
}
