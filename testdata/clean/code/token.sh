curl https://acme.my.salesforce.com/services/oauth2/token -d "grant_type=client_credentials" -d "client_id=$SF_CLIENT_ID" -d "client_secret=${SF_CLIENT_SECRET}"
sfdx force:auth:sfdxurl:store -f authfile.txt
echo "$SFDX_AUTH_URL" > authfile.txt
