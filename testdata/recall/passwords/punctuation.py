from simple_salesforce import Salesforce

sf = Salesforce(username="ops@acme.example", password="Wq9;rT4-zP<k", security_token="6XZM9HNpRqAwbbku9AlfK61R")
