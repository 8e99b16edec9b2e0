from simple_salesforce import Salesforce

def test_login_with_consumer_secret():
    params = {
        'username': 'user@acme.example',
        'consumer_key': '3MVG9SoNfG4XARi6f3h_R.UP8CuB1eRthezNvWx5LFIa5NyqNlQfwFdnjgHJAifW40yuCyQVC4EdQfJ1zkNB8',
        'consumer_secret': '12345.abcde'
    }
    Salesforce(**params)
