# salesforce client tests
FAKE_SECRET = "fake-consumer-secret-for-tests"
sf_client_secret = "dummy_value_123"
client_secret = "****************"
SALESFORCE_PASSWORD = "password123"
