# Rotate a subaccount's API secret with vonage_api_secret_rotation, and still manage the
# subaccount's own settings, which only its own credentials can change, through a provider alias.
#
# Vonage allows two secrets per account and the rotation owns both, so the alias cannot have a
# secret of its own (an ephemeral vonage_api_secret would find no free slot). It authenticates
# with the rotation's *current* secret, the one applications use, read from the same store that
# feeds secret_wo. That secret stays valid through the apply that rotates (it becomes the
# previous one) and until the next rotation, by which time the store has the new value.
#
# The store (your secrets manager) holds two values of the subaccount's secret:
# - current: what applications, and the alias, use now;
# - next: the value the next rotation creates (a fresh one before each rotation).
# Once an apply has rotated, the store makes next the current value.
#
#   terraform apply                          # creates the subaccount (with the current value
#                                            # as its first secret), its rotation and settings
#   # store: next becomes current; a fresh next
#   terraform apply -var secret_version=2    # rotates; the alias works before, during and after
#
# Credentials are the primary account's, from VONAGE_API_KEY and VONAGE_API_SECRET; the two
# values come from TF_VAR_current_secret and TF_VAR_next_secret (or the store's ephemeral
# resources, see the vonage_api_secret_rotation docs).

variable "current_secret" {
  type        = string
  sensitive   = true
  ephemeral   = true
  description = "The subaccount's secret that applications use now, from the store."
}

variable "next_secret" {
  type        = string
  sensitive   = true
  ephemeral   = true
  description = "The value of the next rotation, from the store: new before each rotation."
}

variable "secret_version" {
  type        = number
  description = "Increase by one to rotate."
  default     = 1
}

variable "inbound_sms_url" {
  type        = string
  description = "Where the subaccount's inbound SMS are delivered."
  default     = "https://example.com/team/inbound-sms"
}

provider "vonage" {}

resource "vonage_subaccount" "team" {
  name      = "team"
  secret_wo = var.current_secret # its first secret; used only on create
}

resource "vonage_api_secret_rotation" "team" {
  api_key           = vonage_subaccount.team.api_key
  secret_wo         = var.next_secret
  secret_wo_version = var.secret_version
}

# Acts as the subaccount, with the current secret.
provider "vonage" {
  alias      = "team"
  api_key    = vonage_subaccount.team.api_key
  api_secret = var.current_secret
}

resource "vonage_account_settings" "team" {
  provider        = vonage.team
  mo_callback_url = var.inbound_sms_url
}

output "subaccount_api_key" {
  value = vonage_subaccount.team.api_key
}
