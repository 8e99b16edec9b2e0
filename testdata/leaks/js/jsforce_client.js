const jsforce = require('jsforce');

const conn = new jsforce.Connection({
  oauth2: {
    loginUrl: 'https://acme.my.salesforce.com',
    clientId: '3MVG9dQdY7Ez.zFZQHNIcOvTBP6tUWfm0kOqpQyu1OlFdyKhlIB3opX37AKcL1rxIu4sHSC.GxMEPYZNFeHFX',
    clientSecret: '4894A20CE027AA84B1A1CF05F3518B25A5321BD677CDFB319F40F289ACF40674',
  },
});

async function main() {
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn.query('SELECT Id FROM Contact');
}
