from simple_salesforce import Salesforce

# security token: lzwoRBa4DfaDFtMyYM7cDCX5
sf = Salesforce(username="ops@acme.example", password=os.environ["SF_PASSWORD"], security_token=os.environ["SF_TOKEN"])
