# terraform query: the active subaccounts whose name starts with "team-", at most 50 of them.
list "vonage_subaccount" "active_teams" {
  provider = vonage
  limit    = 50

  config {
    name_prefix = "team-"
    suspended   = false
  }
}
