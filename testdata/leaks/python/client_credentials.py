"""Nightly export from the Acme org."""
import requests

TOKEN_URL = "https://acme.my.salesforce.com/services/oauth2/token"


def get_token():
    resp = requests.post(TOKEN_URL, data={
        "grant_type": "client_credentials",
        "client_id": "3MVG9W_uwlWXxdjm2IogKRDPfhIg8Ez9oP0ZV1YUgHNMqhQY_CIb27Mxm85v0eqHp2ERuLGQZl3NAcZCf_jCm",
        "client_secret": "EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248",
    }, timeout=10)
    resp.raise_for_status()
    return resp.json()["access_token"]
