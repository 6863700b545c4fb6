"""MSAL for Python (unpatched) meets a refresh token that went unused for 90 days.

Signs in with the device-code flow (the simulator auto-approves), prints one JSON line, waits for
a line on stdin (the caller moves the simulator's clock meanwhile), then refreshes silently and
prints what MSAL made of the answer. Exits non-zero with a message on an unexpected failure.
"""
import json
import sys

import msal

authority, client_id = sys.argv[1], sys.argv[2]
scopes = ["https://graph.microsoft.com/.default"]

app = msal.PublicClientApplication(
    client_id,
    authority=authority,
    validate_authority=False,
    instance_discovery=False,
)
flow = app.initiate_device_flow(scopes=scopes)
if "user_code" not in flow:
    sys.exit(f"device flow did not start: {flow}")
result = app.acquire_token_by_device_flow(flow)
if "access_token" not in result:
    sys.exit(f"device flow failed: {result}")
accounts = app.get_accounts()
if not accounts:
    sys.exit("MSAL cached no account (client_info missing?)")
print(json.dumps({"signed_in": True}), flush=True)

sys.stdin.readline()
silent = app.acquire_token_silent_with_error(scopes, account=accounts[0], force_refresh=True)
silent = silent or {}
print(json.dumps({
    "access_token": "access_token" in silent,
    "error": silent.get("error"),
    "error_codes": silent.get("error_codes"),
    "error_description": silent.get("error_description"),
}), flush=True)
