// a key generated for this test only: sf org login jwt is stubbed
const jwtKeyFile = 'server.key';
const privateKey = `-----BEGIN RSA PRIVATE KEY-----
MIIEpQIBAAKCAQEAxp7M1dQw0r3kLs9hV2aPq8YtN4uJm6ZbW1cE5fXgH7iK8lRn
T3oU4vS5wX6yZ7aB8cD9eF0gH1iJ2kL3mN4oP5qR6sT7uV8wX9yZ0aB1cD2eF3gH
-----END RSA PRIVATE KEY-----`;
