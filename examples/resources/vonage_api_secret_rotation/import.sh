# The import ID is the API key of the account whose secrets are rotated. Its newer secret becomes
# "current" and the older one "previous"; setting secret_wo_version afterwards only records it.
terraform import vonage_api_secret_rotation.app bbe6222f
