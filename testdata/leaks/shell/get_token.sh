#!/bin/sh
# fetch a token for the nightly sync
curl -s -X POST "https://acme.my.salesforce.com/services/oauth2/token" \
  -d "grant_type=client_credentials" \
  -d "client_id=3MVG9W_uwlWXxdjm2IogKRDPfhIg8Ez9oP0ZV1YUgHNMqhQY_CIb27Mxm85v0eqHp2ERuLGQZl3NAcZCf_jCm" \
  -d "client_secret=9562AD859B81567BC00A01DBD0F25005FEFDB03CBF5C39749E2C491EB9487395"
