# salesforce integration settings
TOKEN_URL = "https://acme.my.salesforce.com/services/oauth2/token"
GRANT = {"grant_type": "password"}
SF_CLIENT_SECRET = "set_me_up"
SF_PASSWORD = "please set me up!"
SF_SECURITY_TOKEN = "salesforce org password + security token"
SALESFORCE_CLIENT_SECRET = "asdfjklasdfjkl"
