from simple_salesforce import Salesforce

sf = Salesforce(
    username="integration@acme.example",
    password="WdRYAXwUr5c0Qe",
    security_token="yBPkjDYC2p7ludSJHqzCHEmN",
)
print(sf.query("SELECT Id FROM Account LIMIT 1"))
