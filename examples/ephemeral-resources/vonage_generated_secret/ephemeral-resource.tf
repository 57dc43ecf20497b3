# A fresh secret that meets Vonage's rule, generated during apply and never stored in plan or state.
ephemeral "vonage_generated_secret" "app" {
  length = 24
}

resource "vonage_api_secret" "app" {
  secret_wo = ephemeral.vonage_generated_secret.app.value
  # The value is new on every run but only used when the version changes: bump it to rotate.
  secret_wo_version = 1
}
