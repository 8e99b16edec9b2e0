from simple_salesforce import Salesforce
import getpass
def connect(self, creds):
    sf = Salesforce(username=creds["username"], password=getpass.getpass(), security_token=self.security_token)
    data = {"grant_type": "password", "client_id": self.client_id, "client_secret": self.client_secret,
            "username": self.username, "password": self.password + self.token}
    client_secret: Optional[str] = None
    password: str = ""
    url = "https://login.salesforce.com/services/oauth2/token"
