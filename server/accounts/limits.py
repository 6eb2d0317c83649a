"""The rate limits on everything that checks a secret."""

from server.lib.throttle import Limit

# Failed sign-ins per account, and all sign-in attempts per address.
SIGN_IN_ACCOUNT = Limit("sign-in-account", count=5, seconds=15 * 60)
SIGN_IN_ADDRESS = Limit("sign-in-address", count=30, seconds=15 * 60)
RECOVERY_ACCOUNT = Limit("recovery-account", count=5, seconds=60 * 60)
RECOVERY_ADDRESS = Limit("recovery-address", count=20, seconds=60 * 60)
# Invitation and set-up links: looking them up and redeeming them, per address.
LINK_ADDRESS = Limit("link-address", count=30, seconds=60 * 60)
# "That email already has an account" answers per invitation, so that one invitation
# cannot be used to find out who has an account.
EMAIL_TAKEN_PER_INVITATION = Limit("email-taken", count=3, seconds=24 * 60 * 60)
