# The numbers the provider's account (the primary) holds, and those of one subaccount that are
# linked to an application.
variable "subaccount_api_key" {
  type        = string
  description = "API key of one of the primary's subaccounts."
}

data "vonage_numbers" "primary" {}

data "vonage_numbers" "linked" {
  api_key         = var.subaccount_api_key
  has_application = true
}

output "unassigned_numbers" {
  value = [for n in data.vonage_numbers.primary.numbers : "+${n.number} (${n.country}, ${join(" ", n.features)})"]
}

output "linked_applications" {
  value = { for n in data.vonage_numbers.linked.numbers : n.number => n.app_id }
}
