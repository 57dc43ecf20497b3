# A subaccount estate: one primary account, a family of subaccounts (one per team), the phone
# numbers the teams answer on, and one subaccount, payments, with its own balance, a declared
# credit line, its own callbacks and an opening float transferred when it is created.
#
# The primary's credentials come from the environment: VONAGE_API_KEY, VONAGE_API_SECRET (and
# VONAGE_API_URL / VONAGE_REST_URL to aim at another endpoint, such as the vonage-sandbox
# emulator started with --credit-limit, since payments' credit line comes from the primary's).
# payments' secret comes from the environment too: TF_VAR_payments_secret.

variable "teams" {
  type        = set(string)
  description = "One subaccount per team, each spending the primary's balance."
  default     = ["search", "support", "marketing"]
}

variable "payments_secret" {
  type        = string
  description = "API secret for the payments subaccount: 8-25 characters with lower-case, upper-case and a digit. Keep it the same between runs: payments' provider authenticates with it."
  sensitive   = true
  ephemeral   = true
}

# The primary account.
provider "vonage" {}

# The family: subaccounts that spend the primary's balance. Vonage cannot delete a subaccount,
# so removing a team suspends its subaccount.
resource "vonage_subaccount" "team" {
  for_each = var.teams
  name     = "acme-${each.key}"
}

variable "team_numbers" {
  type        = map(string)
  description = "The phone number (E.164, GB) each team answers on, held by the primary until apply moves it to the team's subaccount. Destroy moves it back."
  default = {
    support = "447700900123"
    search  = "447700900456"
  }
}

resource "vonage_subaccount_number" "team" {
  for_each = var.team_numbers
  api_key  = vonage_subaccount.team[each.key].api_key
  number   = each.value
  country  = "GB"
}

# payments has its own balance (irreversible on Vonage's side) and 25 EUR of the primary's
# credit line. Changing credit_limit moves credit with credit transfers; the plan refuses more
# than the primary has unspent.
resource "vonage_subaccount" "payments" {
  name                        = "acme-payments"
  use_primary_account_balance = false
  credit_limit                = 25

  # Once, when payments is created: transfer its opening float.
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.vonage_balance_transfer.payments_float]
    }
  }
}

action "vonage_balance_transfer" "payments_float" {
  config {
    from      = vonage_subaccount.payments.primary_account_api_key
    to        = vonage_subaccount.payments.api_key
    amount    = 20
    reference = "opening float for acme-payments"
  }
}

# Every subaccount's secret is managed through the primary, write-only: the values never reach
# the plan or the state. The teams' secrets are generated during apply (a new value each run,
# used only when secret_wo_version changes: bump it to rotate).
ephemeral "vonage_generated_secret" "team" {
  for_each = var.teams
  length   = 24
}

resource "vonage_api_secret" "team" {
  for_each          = vonage_subaccount.team
  api_key           = each.value.api_key
  secret_wo         = ephemeral.vonage_generated_secret.team[each.key].value
  secret_wo_version = 1
}

resource "vonage_api_secret" "payments" {
  api_key           = vonage_subaccount.payments.api_key
  secret_wo         = var.payments_secret
  secret_wo_version = 1
}

# payments' own settings need payments' own credentials: Vonage's settings endpoint acts on the
# account that calls it. This aliased provider authenticates as payments with the secret above.
# Its api_key comes from vonage_api_secret.payments, so Terraform configures it only once that
# secret exists.
provider "vonage" {
  alias      = "payments"
  api_key    = vonage_api_secret.payments.api_key
  api_secret = var.payments_secret
}

resource "vonage_account_settings" "payments" {
  provider        = vonage.payments
  mo_callback_url = "https://payments.example.com/webhooks/inbound-sms"
  dr_callback_url = "https://payments.example.com/webhooks/delivery-receipt"
}

output "team_api_keys" {
  value = { for team, sub in vonage_subaccount.team : team => sub.api_key }
}

output "team_numbers" {
  value = { for team, n in vonage_subaccount_number.team : team => "+${n.number} held by ${n.held_by}" }
}

output "payments" {
  value = {
    api_key      = vonage_subaccount.payments.api_key
    credit_limit = vonage_subaccount.payments.credit_limit
    callbacks    = vonage_account_settings.payments.mo_callback_url
  }
}
