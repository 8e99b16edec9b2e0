// salesforce jsforce wrapper
interface Creds { clientSecret: string; password: string; securityToken: string }
function f(clientSecret: SecretString, password: string) {}
