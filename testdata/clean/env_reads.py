import os
from simple_salesforce import Salesforce

sf = Salesforce(
    username=os.environ["SF_USERNAME"],
    password=os.getenv("SF_PASSWORD"),
    security_token=os.environ.get("SF_SECURITY_TOKEN"),
    consumer_key=settings.SF_CONSUMER_KEY,
    consumer_secret=settings.SF_CONSUMER_SECRET,
)
data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
token = requests.post(f"https://{domain}/services/oauth2/token", data=data)
