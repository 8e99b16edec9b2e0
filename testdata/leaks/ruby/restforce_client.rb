require 'restforce'

client = Restforce.new(
  username: 'integration@acme.example',
  password: 'eQuk#SQiXEg6sD',
  security_token: 'aQphY4P0sNw33FXudKGgzz34',
  client_id: '3MVG9ZlwDpvt1lYmzB5UvoTad_.q5QMegD5vfX3i1HDY0hWokTpXtZVuKRT_L_K4kxegm7LKhdiXWnhiId2BJ',
  client_secret: 'F39F4E7626BFAA7A29B866FA46C7DA4E04F3DD16BC5FBC4CBD38CFBE2C847531',
  api_version: '59.0'
)
