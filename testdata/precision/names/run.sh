# salesforce batch job (grant_type=password)
java -Dsalesforce.password= -Dsalesforce.url=https://login.salesforce.com -jar sync.jar
