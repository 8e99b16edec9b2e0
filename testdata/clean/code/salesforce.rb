client = Restforce.new(client_id: ENV['SALESFORCE_CLIENT_ID'], client_secret: ENV['SALESFORCE_CLIENT_SECRET'],
  password: Rails.application.credentials.salesforce[:password], security_token: ENV.fetch('SF_TOKEN'))
